"""Coordinators mark a service verified (HSDS assured_date): POST only, audited."""

import pytest
from django.urls import reverse
from django.utils import timezone

from caseway.accounts.tests.helpers import audit_events
from caseway.directory.models import Service
from caseway.directory.tests.factories import ServiceFactory
from caseway.orgs.permissions import Action
from caseway.orgs.tests.helpers import assert_forbidden_and_recorded, assert_not_found, assert_sent_to_sign_in

NOT_COORDINATORS = [
    "caseworker_a",
    "supervisor_a",
    "legal_officer_a",
    "admin_a",
    "monitor_a",
    "admin_b",
    "donor",
    "outsider",
    "unaffiliated",
]


@pytest.fixture
def service(personas):
    return ServiceFactory(organization=personas.org_a)


def url(service):
    return reverse("directory:service_verify", args=[service.pk])


def test_it_sends_an_anonymous_visitor_to_sign_in(client, service):
    assert_sent_to_sign_in(client.post(url(service)), url(service))


def test_it_only_accepts_post(client, personas, login_as, service):
    login_as(personas.coordinator)

    assert client.get(url(service)).status_code == 405
    assert Service.objects.get().assured_date is None


@pytest.mark.parametrize("persona", NOT_COORDINATORS)
def test_it_refuses_every_role_but_coordinator(client, personas, login_as, service, persona):
    user = getattr(personas, persona)
    login_as(user)

    assert_forbidden_and_recorded(client.post(url(service)), user, Action.CURATE_DIRECTORY)
    assert Service.objects.get().assured_date is None


def test_a_coordinator_marks_a_service_verified_today(client, personas, login_as, service):
    login_as(personas.coordinator)

    response = client.post(url(service))

    service.refresh_from_db()
    assert response.status_code == 302
    assert service.assured_date == timezone.localdate()
    assert service.assurer_email == personas.coordinator.email
    event = audit_events("directory.service_verified").get()
    assert event.fields == ["assured_date", "assurer_email"]
    assert event.target_id == str(service.pk)


def test_unknown_and_defunct_services_are_404(client, personas, login_as):
    defunct = ServiceFactory(status=Service.Status.DEFUNCT)
    login_as(personas.coordinator)

    assert_not_found(client.post(url(defunct)))
    assert_not_found(client.post("/directory/services/00000000-0000-0000-0000-000000000009/verify/"))
    assert not audit_events("directory.service_verified").exists()
