"""The matching page (/referrals/match/<case>/): who may see it, what it shows, what it never shows."""

import gzip
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from caseway.clients.models import Case, Need
from caseway.referrals.tests.test_matching_helpers import (
    Places,
    a_client_case,
    a_service,
    fresh_caches,  # noqa: F401 - a fixture
    speaking,
    with_capacity,
    with_feature,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_caches")]


@pytest.fixture
def places(personas):
    return Places()


def page_of(case, **query):
    url = reverse("matching:match", kwargs={"case_pk": case.pk})
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query, doseq=True)
    return url


def test_it_shows_the_ranked_services_with_their_reasons(personas, places, login_as):
    case = a_client_case(personas, places, languages=["ar"])
    near = a_service(name="Riverside legal aid", where=places.home)
    speaking(near, "ar")
    with_capacity(near, 3)
    a_service(name="Faraway legal aid", where=places.abroad)

    response = login_as(personas.caseworker_a).get(page_of(case))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Riverside legal aid") < html.index("Faraway legal aid")
    for text in ("Fits the need: Legal", "Same district", "Speaks Arabic", "3 places free", "(+30)"):
        assert text in html
    assert case.client.code in html
    assert "no-store" in response["Cache-Control"]


def test_it_links_each_match_to_the_referral_form(personas, places, login_as):
    case = a_client_case(personas, places)
    service = a_service(name="Legal aid", where=places.home)

    html = login_as(personas.caseworker_a).get(page_of(case)).content.decode()

    refer = reverse("referrals:create", kwargs={"case_pk": case.pk})
    assert f'href="{refer}?service={service.pk}"' in html


def test_it_shows_a_confidential_shelter_without_its_address(personas, places, login_as):
    case = a_client_case(personas, places, needs=[("housing", Need.Priority.HIGH)])
    a_service(
        name="Safe house",
        categories=["protection.safe_shelter"],
        where=places.home,
        organization=personas.org_b,
        confidential=True,
        latitude=Decimal("10.0123"),
        longitude=Decimal("20.0123"),
    )

    html = login_as(personas.caseworker_a).get(page_of(case)).content.decode()

    assert "Safe house" in html
    assert "Confidential location" in html
    assert "Riverside" in html  # the district, at most
    for secret in ("Safe house Street 1", "Safe house place", "10.0123", "km"):
        assert secret not in html


def test_it_matches_only_the_needs_ticked(personas, places, login_as):
    case = a_client_case(personas, places, needs=[("legal", Need.Priority.HIGH), ("health", Need.Priority.LOW)])
    a_service(name="Legal aid", where=places.home)
    a_service(name="Clinic", categories=["health.primary"], where=places.home)
    client = login_as(personas.caseworker_a)

    both = client.get(page_of(case)).content.decode()
    health = client.get(page_of(case, need=["health"])).content.decode()

    assert "Legal aid" in both and "Clinic" in both
    assert "Clinic" in health and "Legal aid" not in health


def test_it_answers_htmx_with_the_results_only(personas, places, login_as):
    case = a_client_case(personas, places)
    a_service(name="Legal aid", where=places.home)

    response = login_as(personas.caseworker_a).get(page_of(case, need=["legal"]), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "Legal aid" in html and "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_it_says_when_there_is_nothing_to_match(personas, places, login_as):
    case = a_client_case(personas, places, needs=[])
    client = login_as(personas.caseworker_a)

    assert "This case has no open needs" in client.get(page_of(case)).content.decode()

    Need.objects.create(case=case, domain="legal", priority=Need.Priority.HIGH)
    assert "No service in the directory fits these needs" in client.get(page_of(case)).content.decode()


def test_it_matches_nothing_the_client_has_not_shared(personas, places, login_as):
    case = a_client_case(personas, places)
    Case.objects.filter(pk=case.pk).update(origin=Case.Origin.REFERRAL)
    a_service(name="Legal aid", where=places.home)

    html = login_as(personas.caseworker_a).get(page_of(case)).content.decode()

    assert "has not agreed to share their needs" in html
    assert "Legal aid" not in html


def test_it_hides_the_case_from_other_organizations(personas, places, login_as):
    case = a_client_case(personas, places)

    for user in (personas.caseworker_b, personas.supervisor_b, personas.legal_officer_b, personas.outsider):
        assert login_as(user).get(page_of(case)).status_code == 404, user


def test_it_refuses_roles_that_may_not_see_personal_data(personas, places, login_as):
    case = a_client_case(personas, places)

    for user in (personas.admin_a, personas.monitor_a, personas.coordinator, personas.donor, personas.unaffiliated):
        assert login_as(user).get(page_of(case)).status_code == 403, user


def test_it_lets_the_whole_case_team_in(personas, places, login_as):
    case = a_client_case(personas, places)

    for user in (personas.caseworker_a, personas.supervisor_a, personas.legal_officer_a):
        assert login_as(user).get(page_of(case)).status_code == 200, user


def test_it_sends_anonymous_visitors_to_sign_in(personas, places, client):
    case = a_client_case(personas, places)

    response = client.get(page_of(case))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_it_answers_404_for_a_case_that_does_not_exist(personas, places, login_as):
    import uuid

    response = login_as(personas.caseworker_a).get(reverse("matching:match", kwargs={"case_pk": uuid.uuid4()}))

    assert response.status_code == 404


def test_it_reads_right_to_left_in_arabic(personas, places, login_as):
    case = a_client_case(personas, places)
    a_service(name="Legal aid", where=places.home)
    client = login_as(personas.caseworker_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"

    with translation.override("ar"):
        html = client.get(page_of(case)).content.decode()

    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert "Legal aid" in html


def test_it_stays_within_the_page_budget_with_twenty_matches(personas, places, login_as):
    case = a_client_case(
        personas, places, languages=["ar"], has_disability=True, disability_domains=["walking"], cares_for_children=True
    )
    for number in range(25):
        service = a_service(
            name=f"Legal aid service number {number}",
            where=places.home if number % 2 else places.next_door,
            description="A long description that the page does not show. " * 20,
            provides_childcare=True,
            provides_transport=True,
        )
        speaking(service, "ar")
        with_feature(service, "wheelchair")
        with_capacity(service, number)

    response = login_as(personas.caseworker_a).get(page_of(case))

    assert response.content.decode().count('class="card"') == 20
    assert len(gzip.compress(response.content)) <= 20 * 1024


def _page_queries(client, case):
    client.get(page_of(case))  # warm: session, language list
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page_of(case)).status_code == 200
    return len(queries.captured_queries)


def test_it_reads_the_same_number_of_queries_for_few_and_many_services(personas, places, login_as):
    case = a_client_case(personas, places, languages=["ar"], has_disability=True, disability_domains=["walking"])
    client = login_as(personas.caseworker_a)

    def add(count):
        for number in range(count):
            service = a_service(name=f"Service {number}", where=places.home if number % 3 else places.far)
            speaking(service, "ar")
            with_feature(service, "wheelchair")
            with_capacity(service, number % 4)

    add(3)
    few = _page_queries(client, case)
    add(30)
    many = _page_queries(client, case)

    assert few == many
