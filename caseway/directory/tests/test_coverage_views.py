"""The coverage map page: who may see it, what it shows, what it never shows, and its weight."""

import gzip
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseway.directory.models import AdminArea
from caseway.directory.tests.factories import (
    Admin1Factory,
    Admin2Factory,
    CountryFactory,
    LocationFactory,
    OrganizationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)
from caseway.directory.tests.test_coverage_scenario import build_scenario

pytestmark = pytest.mark.django_db

URL = reverse("coverage:map")
EXPORT_NAMES = [
    f"coverage:{kind}_{fmt}" for kind in ("coverage", "3w") for fmt in ("csv", "xlsx", "hxl_csv", "hxl_xlsx")
]
STAFF = ("caseworker_a", "supervisor_a", "legal_officer_a", "admin_a", "monitor_a", "coordinator", "donor", "outsider")
SHELTER_SECRETS = ("Hidden Lane", "Secretville", "555 7777", "9.876", "8.765", "blue gate", "Shelter house")


@pytest.mark.parametrize("name", ["coverage:map", *EXPORT_NAMES])
def test_it_sends_anonymous_visitors_to_sign_in(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


@pytest.mark.parametrize("persona", STAFF)
def test_it_shows_the_map_to_every_staff_role(client, personas, login_as, persona):
    build_scenario()
    login_as(personas.all()[persona])

    response = client.get(URL, {"country": "XA"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("name", ["coverage:map", *EXPORT_NAMES])
def test_it_refuses_a_signed_in_user_whose_membership_was_deactivated(client, personas, login_as, name):
    login_as(personas.unaffiliated)

    assert client.get(reverse(name)).status_code == 403


def _cells(html):
    """The text of every body cell, row by row, as the page shows it."""
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows
    ]


def test_it_shows_counts_gaps_and_totals(client, personas, login_as):
    build_scenario()
    login_as(personas.coordinator)

    html = client.get(URL, {"country": "XA", "level": "2"}).content.decode()

    rows = _cells(html)
    # region, then 9 categories in code order (basic needs, childcare, education, health,
    # interpretation, legal, livelihoods, mhpss, protection), then the total
    northeast = rows[0]
    assert northeast[0] == "North"
    assert northeast[4] == "2 · 2 · 8"  # health
    assert northeast[8] == "2 · 1 · 3"  # mhpss
    assert northeast[5] == "1 · 1 · –"  # interpretation: no places reported
    assert northeast[6] == "Gap"  # legal
    assert northeast[10] == "5 · 3 · 8"  # row total
    body, footer = html.split("<tbody>")[1].split("<tfoot>")
    assert body.count('<td class="gap"><strong>Gap</strong></td>') == 4 * 9 - 14
    # Totals: basic needs and childcare are missing from the whole country
    assert footer.count('<td class="gap"><strong>Gap</strong></td>') == 2
    assert "<td>8 · 3 · 12</td>" in footer
    assert "22 gaps" in html


def test_it_links_each_category_to_its_narrower_categories(client, personas, login_as):
    build_scenario()
    login_as(personas.coordinator)

    html = client.get(URL, {"country": "XA", "level": "2"}).content.decode()
    assert 'href="?country=XA&amp;level=2&amp;category=health"' in html

    drilled = client.get(URL, {"country": "XA", "level": "2", "category": "health"}).content.decode()
    assert "Clinical management of rape" in drilled
    assert "1 · 1 · 5" in drilled
    assert 'href="?country=XA&amp;level=2"' in drilled  # back to all categories
    assert "category=health" in drilled.split("<h2>")[1]  # downloads keep the filters


def test_it_never_shows_a_confidential_locations_details(client, personas, login_as):
    build_scenario()
    # Even the owner's colleagues get counts only on this page.
    for user in (personas.coordinator, personas.donor):
        login_as(user)
        for level in ("1", "2"):
            html = client.get(URL, {"country": "XA", "level": level, "category": "protection"}).content.decode()
            assert "Southport" in html or "South" in html
            for secret in SHELTER_SECRETS:
                assert secret not in html
            assert "Safe shelter" in html  # the category, not the service's name
            assert ">1 · 1 · 4<" in html


def test_it_shows_errors_for_filters_that_do_not_exist(client, personas, login_as):
    build_scenario()
    login_as(personas.coordinator)

    response = client.get(URL, {"country": "ZZ", "level": "7"})

    assert response.status_code == 200
    assert response.context["table"] is None
    assert 'class="errorlist"' in response.content.decode()
    assert client.get(reverse("coverage:coverage_csv"), {"country": "ZZ"}).status_code == 400


def test_it_explains_when_there_are_no_areas(client, personas, login_as):
    login_as(personas.coordinator)

    response = client.get(URL)

    assert response.status_code == 200
    assert "no administrative areas yet" in response.content.decode()


def test_it_speaks_the_viewers_language_right_to_left(client, personas, login_as):
    build_scenario()
    login_as(personas.coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"

    html = client.get(URL, {"country": "XA", "level": "1"}).content.decode()

    assert 'dir="rtl"' in html
    assert "الشمال" in html  # North, from the area's own translations
    assert "الصحة" in html  # Health, from the shipped taxonomy


def _network(size):
    region = AdminArea.objects.get(pcode="XA01")
    for number in range(size):
        organization = OrganizationFactory()
        district = Admin2Factory(parent=region, pcode=f"XA01{number + 50:02d}")
        service = ServiceFactory(organization=organization, categories=["health.cmr", "legal.counselling"])
        ServiceAtLocationFactory(
            service=service, location=LocationFactory(organization=organization, admin_area=district)
        )


def test_it_runs_the_same_number_of_queries_for_2_or_20_services(client, personas, login_as):
    build_scenario()
    login_as(personas.coordinator)
    client.get(URL)  # warm up the session and the language
    _network(2)
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"country": "XA", "level": "2"})
    _network(18)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"country": "XA", "level": "2"})

    assert response.context["table"].total["services"] == 8 + 20
    assert len(few) == len(many)


def test_it_stays_within_the_page_budget_for_a_country_with_many_districts(client, personas, login_as):
    country = CountryFactory(pcode="XC", name="Cordovia")
    organization = OrganizationFactory(name="Wide Reach")
    for region_number in range(1, 11):
        region = Admin1Factory(parent=country, pcode=f"XC{region_number:02d}", name=f"Province {region_number}")
        for district_number in range(1, 13):
            district = Admin2Factory(
                parent=region, pcode=f"XC{region_number:02d}{district_number:02d}", name=f"County {district_number}"
            )
            if district_number % 2:
                service = ServiceFactory(organization=organization, categories=["health.cmr", "mhpss.pfa"])
                ServiceAtLocationFactory(
                    service=service, location=LocationFactory(organization=organization, admin_area=district)
                )
    login_as(personas.coordinator)

    response = client.get(URL, {"country": "XC", "level": "2"})

    assert len(response.context["table"].rows) == 120
    assert len(gzip.compress(response.content, compresslevel=9)) <= 20 * 1024
