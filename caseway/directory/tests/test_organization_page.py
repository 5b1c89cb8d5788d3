"""The organization page, /directory/organizations/<pk>/: HSDS organization facts and its services."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseway.directory.models import Service
from caseway.directory.tests.factories import (
    AddressFactory,
    ServiceAtLocationFactory,
    ServiceCapacityFactory,
    ServiceFactory,
)
from caseway.orgs.tests.helpers import assert_not_found, assert_sent_to_sign_in


def url(organization):
    return reverse("directory:organization_detail", args=[organization.pk])


def test_it_sends_an_anonymous_visitor_to_sign_in(client, personas):
    assert_sent_to_sign_in(client.get(url(personas.org_a)), url(personas.org_a))


@pytest.mark.parametrize("persona", ["caseworker_b", "admin_a", "coordinator", "donor", "outsider"])
def test_it_shows_the_organization_and_its_listed_services(client, personas, login_as, persona):
    organization = personas.org_a
    organization.description = "Relief and recovery in the north."
    organization.website = "https://alpha.example.org"
    organization.legal_status = "Registered charity"
    organization.save()
    ServiceFactory(organization=organization, name="Counselling", is_public=False)
    ServiceFactory(organization=organization, name="Retired", status=Service.Status.DEFUNCT)
    ServiceFactory(organization=personas.org_b, name="Elsewhere")
    login_as(getattr(personas, persona))

    response = client.get(url(organization))

    assert response.status_code == 200
    text = response.content.decode()
    for fact in (
        "Alpha Relief",
        "Relief and recovery in the north.",
        "https://alpha.example.org",
        "Registered charity",
    ):
        assert fact in text
    assert "Counselling" in text
    assert "Retired" not in text and "Elsewhere" not in text
    assert "1 service listed" in text


def test_it_answers_404_for_unknown_or_inactive_organizations(client, personas, login_as):
    personas.org_b.is_active = False
    personas.org_b.save()
    login_as(personas.caseworker_a)

    assert_not_found(client.get("/directory/organizations/999999/"))
    assert_not_found(client.get(url(personas.org_b)))


def test_a_member_without_an_active_organization_gets_404(client, personas, login_as):
    login_as(personas.unaffiliated)

    assert_not_found(client.get(url(personas.org_a)))


def _service_with_details(organization, number):
    service = ServiceFactory(organization=organization, name=f"Service {number:02d}", categories=["health.cmr"])
    link = ServiceAtLocationFactory(service=service)
    AddressFactory(location=link.location)
    ServiceCapacityFactory(service=service)
    return service


def test_it_costs_the_same_queries_for_2_or_25_services(client, personas, login_as):
    for number in range(2):
        _service_with_details(personas.org_a, number)
    login_as(personas.caseworker_b)
    client.get(url(personas.org_a))

    with CaptureQueriesContext(connection) as with_two:
        assert "2 services listed" in client.get(url(personas.org_a)).content.decode()
    for number in range(2, 25):
        _service_with_details(personas.org_a, number)
    with CaptureQueriesContext(connection) as with_twenty_five:
        assert "25 services listed" in client.get(url(personas.org_a)).content.decode()

    assert len(with_two.captured_queries) == len(with_twenty_five.captured_queries)
