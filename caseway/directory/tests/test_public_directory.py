"""The public directory, /services/: public services for anyone, without signing in, nothing staff-only."""

import datetime
import gzip
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseway.directory.models import Service
from caseway.directory.queries import forget_choice_lists
from caseway.directory.tests.factories import (
    AddressFactory,
    Admin2Factory,
    LanguageFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceCapacityFactory,
    ServiceFactory,
)
from caseway.orgs.tests.helpers import assert_not_found
from caseway.tests.personas import make_user

SEARCH_URL = reverse("public_directory:search")
STAFF_ONLY = (
    "Accepting referrals",
    "Not accepting referrals",
    "At capacity",
    "places available",
    "Places available now",
    "coordinator@example.org",
    "/directory/",
)


def detail_url(service):
    return reverse("public_directory:service_detail", args=[service.pk])


def assert_nothing_staff_only(response):
    text = response.content.decode()
    shown = [label for label in STAFF_ONLY if label in text]
    assert shown == [], shown


@pytest.fixture
def public_service(db):
    service = ServiceFactory(
        name="Legal aid desk",
        is_public=True,
        accepting_referrals=False,
        assured_date=datetime.date(2026, 1, 5),
        assurer_email="coordinator@example.org",
        categories=["legal.counselling"],
    )
    ServiceCapacityFactory(service=service, available=Decimal(0))
    ScheduleFactory(service=service)
    AddressFactory(location=ServiceAtLocationFactory(service=service, location__name="Town hall").location)
    return service


def test_anyone_may_search_public_services_only(client, public_service):
    ServiceFactory(name="Staff-only service", is_public=False)
    ServiceFactory(name="Closed down", status=Service.Status.DEFUNCT)

    response = client.get(SEARCH_URL)

    assert response.status_code == 200
    text = response.content.decode()
    assert "Legal aid desk" in text
    assert "Staff-only service" not in text and "Closed down" not in text
    assert "1 service found" in text
    assert_nothing_staff_only(response)


def test_the_service_page_shows_public_facts_and_nothing_staff_only(client, public_service):
    response = client.get(detail_url(public_service))

    assert response.status_code == 200
    text = response.content.decode()
    for fact in (
        "Legal aid desk",
        "Legal counselling",
        "Monday to Friday, 09:00–17:00",
        "Town hall",
        "Jan. 5, 2026",
    ):
        assert fact in text, fact
    assert_nothing_staff_only(response)
    assert len(gzip.compress(response.content)) <= 20 * 1024


def test_staff_only_and_missing_services_are_404(client, db):
    staff_only = ServiceFactory(is_public=False)
    defunct = ServiceFactory(status=Service.Status.DEFUNCT)
    of_inactive_organization = ServiceFactory()
    of_inactive_organization.organization.is_active = False
    of_inactive_organization.organization.save()

    for service in (staff_only, defunct, of_inactive_organization):
        assert_not_found(client.get(detail_url(service)))
    assert_not_found(client.get("/services/not-a-uuid/"))
    assert_not_found(client.get("/services/00000000-0000-0000-0000-000000000001/"))


def test_it_works_before_the_second_factor(client, public_service):
    client.force_login(make_user("half.signed.in@example.org"))  # password given, code not yet

    assert client.get(SEARCH_URL).status_code == 200
    assert client.get(detail_url(public_service)).status_code == 200


def test_public_filters_work_and_staff_filters_are_not_offered(client, db):
    district = Admin2Factory()
    match = ServiceFactory(name="Match", accepting_referrals=False)
    LanguageFactory(service=match, code="fr", name="French")
    ServiceAtLocationFactory(service=match, location__admin_area=district)
    ServiceFactory(name="Other")

    response = client.get(SEARCH_URL, {"language": "fr", "area": district.pcode, "accepting_referrals": "on"})

    text = response.content.decode()
    assert ">Match</a>" in text and ">Other</a>" not in text
    assert 'name="accepting_referrals"' not in text and 'name="capacity_available"' not in text


def test_invalid_filters_are_explained(client, db):
    response = client.get(SEARCH_URL, {"category": "nothing.here", "age": "old"})

    text = response.content.decode()
    assert "Choose a need from the list." in text
    assert "Give the age in whole years." in text


def test_htmx_gets_the_results_alone(client, public_service):
    response = client.get(SEARCH_URL, {"q": "legal"}, HTTP_HX_REQUEST="true")

    text = response.content.decode()
    assert text.lstrip().startswith('<section id="results"')
    assert "Legal aid desk" in text
    assert "HX-Request" in response["Vary"]


def test_it_costs_the_same_queries_for_2_or_25_services(client, db):
    def add(count):
        for _number in range(count):
            service = ServiceFactory(categories=["health.cmr"])
            AddressFactory(location=ServiceAtLocationFactory(service=service).location)

    add(2)
    forget_choice_lists()  # both measurements start cold
    with CaptureQueriesContext(connection) as with_two:
        assert "2 services found" in client.get(SEARCH_URL, {"category": "health"}).content.decode()
    add(23)
    forget_choice_lists()
    with CaptureQueriesContext(connection) as with_twenty_five:
        response = client.get(SEARCH_URL, {"category": "health"})
        assert "25 services found" in response.content.decode()

    assert len(with_two.captured_queries) == len(with_twenty_five.captured_queries)
    assert len(gzip.compress(response.content)) <= 20 * 1024
