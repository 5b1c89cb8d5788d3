"""Capacity: "places available now", updated by the owning organization's agency admins."""

from decimal import Decimal

import pytest
from django.urls import reverse

from caseway.accounts.tests.helpers import audit_events
from caseway.directory.models import ServiceCapacity
from caseway.directory.tests.factories import ServiceCapacityFactory, ServiceFactory
from caseway.orgs.permissions import Action
from caseway.orgs.tests.helpers import (
    NOT_ADMINS,
    assert_forbidden_and_recorded,
    assert_not_found,
    assert_sent_to_sign_in,
)


@pytest.fixture
def service(personas):
    return ServiceFactory(organization=personas.org_a)


def url(service):
    return reverse("directory:service_capacity", args=[service.pk])


def test_it_sends_an_anonymous_visitor_to_sign_in(client, service):
    assert_sent_to_sign_in(client.get(url(service)), url(service))


@pytest.mark.parametrize("persona", NOT_ADMINS)
def test_it_refuses_every_role_but_agency_admin(client, personas, login_as, service, persona):
    user = getattr(personas, persona)
    login_as(user)

    assert_forbidden_and_recorded(client.post(url(service), {"available": "4"}), user, Action.MANAGE_SERVICES)
    assert not ServiceCapacity.objects.exists()


def test_an_admin_of_another_organization_gets_404(client, personas, login_as, service):
    login_as(personas.admin_b)

    assert_not_found(client.get(url(service)))
    assert_not_found(client.post(url(service), {"available": "4"}))
    assert not ServiceCapacity.objects.exists()


def test_an_admin_records_places_available_and_it_is_audited(client, personas, login_as, service):
    login_as(personas.admin_a)

    first = client.post(url(service), {"available": "4", "maximum": "10"})
    second = client.post(url(service), {"available": "0", "maximum": "10"})

    assert first.status_code == second.status_code == 302
    capacity = ServiceCapacity.objects.get()
    assert (capacity.available, capacity.maximum, capacity.unit.name) == (Decimal(0), Decimal(10), "places")
    assert audit_events("directory.service_capacity_updated").count() == 2
    assert audit_events("directory.service_capacity_updated").first().fields == ["available", "maximum"]
    login_as(personas.caseworker_b)
    assert "At capacity" in client.get(reverse("directory:search")).content.decode()


def test_the_form_starts_from_the_current_numbers(client, personas, login_as, service):
    ServiceCapacityFactory(service=service, available=Decimal(3), maximum=Decimal(8))
    login_as(personas.admin_a)

    text = client.get(url(service)).content.decode()

    assert 'name="available" value="3"' in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"available": "-1"}, "Ensure this value is greater than or equal to 0."),
        ({"available": "5", "maximum": "2"}, "The total number of places cannot be below the places available."),
        ({"available": "many"}, "Enter a whole number."),
        ({}, "This field is required."),
    ],
)
def test_invalid_numbers_are_explained_and_change_nothing(client, personas, login_as, service, data, message):
    login_as(personas.admin_a)

    response = client.post(url(service), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ServiceCapacity.objects.exists()
    assert not audit_events("directory.service_capacity_updated").exists()
