"""The staff directory search page, /directory/."""

import datetime
import gzip
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseway.directory.models import Accessibility, Service, ServiceArea, Sex
from caseway.directory.queries import forget_choice_lists
from caseway.directory.tests.factories import (
    AddressFactory,
    Admin2Factory,
    LanguageFactory,
    PhoneFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceCapacityFactory,
    ServiceFactory,
)
from caseway.orgs.tests.helpers import assert_sent_to_sign_in

URL = reverse("directory:search")
EVERY_STAFF_ROLE = [
    "caseworker_a",
    "supervisor_a",
    "legal_officer_a",
    "admin_a",
    "monitor_a",
    "coordinator",
    "donor",
    "outsider",
]


def names_found(response) -> set[str]:
    text = response.content.decode()
    results = text[text.index('<section id="results"') :]
    return {name for name in ("Match", "Other") if f">{name}</a></h3>" in results}


def test_it_sends_an_anonymous_visitor_to_sign_in(client, db):
    assert_sent_to_sign_in(client.get(URL), URL)


@pytest.mark.parametrize("persona", EVERY_STAFF_ROLE)
def test_every_staff_role_may_search(client, personas, login_as, persona):
    ServiceFactory(name="Match", is_public=False)
    login_as(getattr(personas, persona))

    response = client.get(URL)

    assert response.status_code == 200
    assert names_found(response) == {"Match"}
    assert "no-store" in response["Cache-Control"]


def test_a_member_without_an_active_organization_sees_no_results(client, personas, login_as):
    ServiceFactory(name="Match")
    login_as(personas.unaffiliated)

    response = client.get(URL)

    assert response.status_code == 200
    assert names_found(response) == set()
    assert "You have no active organization" in response.content.decode()


def _with_location(service, **location):
    link = ServiceAtLocationFactory(service=service, location__organization=service.organization, **location)
    return link.location


def _match_and_other(filters):
    """(query string, factory for a matching service, factory for one that must not match)."""
    district = Admin2Factory()
    cases = {
        "q": ({"q": "counselling"}, {"description": "Group counselling"}, {"description": "Legal advice"}),
        "category": ({"category": "mhpss"}, {"categories": ["mhpss.pfa"]}, {"categories": ["legal.counselling"]}),
        "age": ({"age": "15"}, {"maximum_age": 17}, {"minimum_age": 18}),
        "sex": ({"sex": "male"}, {"sex_eligibility": Sex.MALE}, {"sex_eligibility": Sex.FEMALE}),
        "referrals": ({"accepting_referrals": "on"}, {"accepting_referrals": True}, {"accepting_referrals": False}),
    }
    if filters in cases:
        params, match, other = cases[filters]
        return params, lambda: ServiceFactory(name="Match", **match), lambda: ServiceFactory(name="Other", **other)
    if filters == "area":

        def match():
            _with_location(ServiceFactory(name="Match"), location__admin_area=district)

        return {"area": district.pcode}, match, lambda: _with_location(ServiceFactory(name="Other"))
    if filters == "language":

        def match():
            LanguageFactory(service=ServiceFactory(name="Match"), code="fr", name="French")

        def other():
            LanguageFactory(service=ServiceFactory(name="Other"), code="en", name="English")

        return {"language": "fr"}, match, other
    if filters == "accessibility":

        def match():
            place = _with_location(ServiceFactory(name="Match"))
            Accessibility.objects.create(location=place, feature="wheelchair")

        return {"accessibility": "wheelchair"}, match, lambda: _with_location(ServiceFactory(name="Other"))
    if filters == "open_now":

        def match():
            every_day_all_day = {
                "byday": "MO,TU,WE,TH,FR,SA,SU",
                "opens_at": datetime.time(0),
                "closes_at": datetime.time(0),
            }
            ScheduleFactory(service=ServiceFactory(name="Match"), **every_day_all_day)

        def other():
            ScheduleFactory(service=ServiceFactory(name="Other"), byday="")

        return {"open_now": "on"}, match, other
    if filters == "capacity":
        return (
            {"capacity_available": "on"},
            lambda: ServiceCapacityFactory(service__name="Match", available=Decimal(3)),
            lambda: ServiceCapacityFactory(service__name="Other", available=Decimal(0)),
        )
    raise AssertionError(filters)


FILTERS = ["q", "category", "area", "language", "accessibility", "age", "sex", "open_now", "referrals", "capacity"]


@pytest.mark.parametrize("filters", FILTERS)
def test_each_filter_keeps_matching_services_and_drops_the_others(client, personas, login_as, filters):
    params, make_match, make_other = _match_and_other(filters)
    make_match()
    make_other()
    login_as(personas.caseworker_a)

    unfiltered = client.get(URL)
    response = client.get(URL, params)

    assert names_found(unfiltered) == {"Match", "Other"}
    assert names_found(response) == {"Match"}, response.content.decode()[-3000:]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"category": "no.such.need"}, "Choose a need from the list."),
        ({"area": "ZZ99"}, "Choose an area from the list."),
        ({"language": "xx"}, "Choose a language from the list."),
        ({"accessibility": "teleport"}, "Choose access needs from the list."),
        ({"age": "twelve"}, "Give the age in whole years."),
        ({"age": "-1"}, "Ensure this value is greater than or equal to 0."),
        ({"age": "500"}, "Ensure this value is less than or equal to 120."),
        ({"sex": "other"}, "Choose from the list."),
    ],
)
def test_invalid_filters_are_explained_and_show_no_results(client, personas, login_as, params, message):
    ServiceFactory(name="Match")
    login_as(personas.caseworker_a)

    response = client.get(URL, params)

    assert response.status_code == 200
    text = response.content.decode()
    assert message in text
    assert "Some filters need correcting" in text
    assert names_found(response) == set()


def test_it_badges_what_a_caseworker_must_know(client, personas, login_as):
    service = ServiceFactory(name="Match", status=Service.Status.TEMPORARILY_CLOSED, accepting_referrals=False)
    ServiceCapacityFactory(service=service, available=Decimal(0))
    login_as(personas.caseworker_a)

    text = client.get(URL).content.decode()

    assert "Temporarily closed" in text
    assert "At capacity" in text
    assert "Not accepting referrals" in text


def test_it_shows_organization_categories_and_area(client, personas, login_as):
    service = ServiceFactory(name="Match", categories=["health.cmr"])
    district = Admin2Factory(name="Riverbend District")
    ServiceArea.objects.create(service=service, admin_area=district)
    login_as(personas.caseworker_a)

    text = client.get(URL).content.decode()

    assert service.organization.name in text
    assert "Clinical management of rape" in text
    assert "Riverbend District" in text
    assert reverse("directory:organization_detail", args=[service.organization_id]) in text


def test_it_pages_25_results_and_keeps_the_filters(client, personas, login_as):
    for number in range(30):
        ServiceFactory(name=f"Service {number:02d}", categories=["health.cmr"])
    login_as(personas.caseworker_a)

    first = client.get(URL, {"category": "health"}).content.decode()
    second = client.get(URL, {"category": "health", "page": 2}).content.decode()

    assert "30 services found" in first
    assert first.count("<h3>") == 25 and second.count("<h3>") == 5
    assert "category=health&amp;page=2" in first


def test_htmx_gets_the_results_alone(client, personas, login_as):
    ServiceFactory(name="Match")
    login_as(personas.caseworker_a)

    response = client.get(URL, HTTP_HX_REQUEST="true")

    text = response.content.decode()
    assert text.lstrip().startswith('<section id="results"')
    assert "<html" not in text and "<form" not in text
    assert "HX-Request" in response["Vary"]


def _full_service(number, district):
    service = ServiceFactory(name=f"Service with a long and descriptive name, number {number:02d}")
    for code in ("health.cmr", "mhpss.pfa", "protection.safe_shelter"):
        service.service_terms.create(taxonomy_term_id=_term_id(code))
    place = _with_location(service, location__admin_area=district)
    AddressFactory(location=place)
    PhoneFactory(location=place)
    Accessibility.objects.create(location=place, feature="wheelchair")
    LanguageFactory(location=place)
    LanguageFactory(service=service)
    ScheduleFactory(
        service=service, byday="MO,TU,WE,TH,FR,SA,SU", opens_at=datetime.time(0), closes_at=datetime.time(0)
    )
    ServiceCapacityFactory(service=service)
    ServiceArea.objects.create(service=service, admin_area=district)
    return service


def _term_id(code):
    from caseway.directory.taxonomy import term_id

    return term_id(code)


def _queries_for(client, params):
    forget_choice_lists()  # both measurements start cold: adding services forgets the language list
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(context.captured_queries), response


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "service", "category": "health", "language": "ar", "accessibility": "wheelchair", "age": "20"},
        {"sex": "female", "open_now": "on", "accepting_referrals": "on", "capacity_available": "on"},
    ],
    ids=["unfiltered", "text-and-needs", "availability"],
)
@override_settings(TIME_ZONE="UTC")
def test_it_costs_the_same_queries_for_2_or_25_services(client, personas, login_as, params):
    district = Admin2Factory()
    params = {**params, "area": district.parent.pcode} if params else params
    for number in range(2):
        _full_service(number, district)
    login_as(personas.caseworker_a)
    client.get(URL)  # the session's first-minute write is not the page's
    with_two, response = _queries_for(client, params)
    assert "2 services found" in response.content.decode()

    for number in range(2, 25):
        _full_service(number, district)
    with_twenty_five, response = _queries_for(client, params)

    assert "25 services found" in response.content.decode()
    assert with_two == with_twenty_five


def test_a_full_page_of_results_stays_within_the_2g_budget(client, personas, login_as):
    district = Admin2Factory()
    for number in range(25):
        _full_service(number, district)
    login_as(personas.caseworker_a)

    response = client.get(URL)

    assert "25 services found" in response.content.decode()
    assert len(gzip.compress(response.content)) <= 20 * 1024


def test_a_language_an_admin_adds_is_offered_at_once(client, personas, login_as, django_capture_on_commit_callbacks):
    service = ServiceFactory(organization=personas.org_a, name="Match")
    login_as(personas.caseworker_b)
    assert 'value="ha"' not in client.get(URL).content.decode()  # the language list is now remembered
    login_as(personas.admin_a)
    data = {"name": "Match", "status": "active", "sex_eligibility": "any", "languages": "ha", "version": ""}

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("directory:service_edit", args=[service.pk]), data)

    login_as(personas.caseworker_b)
    assert names_found(client.get(URL, {"language": "ha"})) == {"Match"}
