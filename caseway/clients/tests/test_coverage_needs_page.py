"""Needs on the coverage map page and in its exports: beside services, gaps with needs marked,
hidden values marked, HXL hashtags, the page's weight, and who may see it."""

import csv
import gzip
import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from caseway.clients.tests.test_coverage_needs import crafted, membership_of, person
from caseway.directory.tests.factories import (
    Admin1Factory,
    Admin2Factory,
    CountryFactory,
    LocationFactory,
    OrganizationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)
from caseway.lib import disclosure

pytestmark = pytest.mark.django_db

URL = reverse("coverage:map")
HXL_TAG = re.compile(r"^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$")


def _row_cells(html, pcode):
    """The text of each cell of the body row of area ``pcode``."""
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        if f">{pcode}<" in row:
            return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    raise AssertionError(f"no row {pcode}")


def _column_index(response, code):
    return [column.code for column in response.context["table"].columns].index(code)


def test_it_shows_needs_beside_services_and_marks_gaps_with_needs(client, personas, login_as, settings):
    settings.SMALL_CELL_THRESHOLD = 3
    crafted(personas)
    login_as(personas.coordinator)

    response = client.get(URL, {"country": "XA", "level": "1"})

    html = response.content.decode()
    north = _row_cells(html, "XA01")
    assert north[_column_index(response, "legal")] == "Gap: unmet need · 4"
    assert north[_column_index(response, "mhpss")].endswith(f"· {disclosure.MARKER}")  # one person: hidden
    assert north[_column_index(response, "childcare")] == "Gap · 0"
    assert "1 of them where clients have an open need: an unmet need." in html
    assert "Needs: people with an open need in that area and category" in html
    assert "fewer than 3 people" in html
    assert "Needs" in html.split("In each cell:")[1].split("</p>")[0]


def test_it_never_shows_needs_of_clients_without_statistics_consent(client, personas, login_as, settings):
    settings.SMALL_CELL_THRESHOLD = 3
    scenario, _first = crafted(personas)
    for _number in range(3):
        person(personas, scenario.southport, "childcare", counted=False)
    login_as(personas.coordinator)

    response = client.get(URL, {"country": "XA", "level": "2"})

    southport = _row_cells(response.content.decode(), "XA0201")
    assert southport[_column_index(response, "childcare")] == "Gap · 0"


@pytest.mark.parametrize("fmt", ["hxl_csv", "hxl_xlsx"])
def test_it_exports_needs_and_unmet_needs_with_hxl_hashtags(client, personas, login_as, settings, fmt):
    settings.SMALL_CELL_THRESHOLD = 3
    crafted(personas)
    login_as(personas.coordinator)

    response = client.get(reverse(f"coverage:coverage_{fmt}"), {"country": "XA", "level": "1"})

    assert response.status_code == 200
    if fmt == "hxl_csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").removeprefix("\ufeff"))))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    header, hashtags, *lines = rows
    assert header[-3:] == ["needs", "gap", "unmet_need"]
    assert hashtags[-3:] == ["#inneed+ind", "#indicator+gap", "#indicator+gap+unmet"]
    assert all(HXL_TAG.match(tag) for tag in hashtags), hashtags
    by_cell = {(line[header.index("adm1_pcode")], line[header.index("sector_code")]): line for line in lines}
    legal, mhpss = by_cell[("XA01", "legal")], by_cell[("XA01", "mhpss")]
    assert legal[-3:] == ["4", "yes", "yes"]
    assert mhpss[-3:] == [str(disclosure.MARKER), "no", "no"]
    assert by_cell[("XA02", "childcare")][-3:] == ["0", "yes", "no"]
    assert sum(1 for line in lines if line[-1] == "yes") == 1


def test_it_keeps_the_map_within_the_page_budget_with_needs_in_every_district(client, personas, login_as):
    country = CountryFactory(pcode="XC", name="Cordovia")
    organization = OrganizationFactory(name="Wide Reach")
    domains = ["legal", "health", "housing", "livelihoods", "childcare", "mental_health", "education", "safety"]
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
            number = region_number * 12 + district_number
            person(personas, district, domains[number % 8], domains[(number + 3) % 8])
    login_as(personas.coordinator)

    response = client.get(URL, {"country": "XC", "level": "2"})

    assert len(response.context["table"].rows) == 120
    assert response.context["table"].total["needs"] is not None
    assert len(gzip.compress(response.content, compresslevel=9)) <= 20 * 1024


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_it_refuses_a_signed_in_user_without_an_active_membership(client, personas, login_as):
    login_as(personas.unaffiliated)

    assert client.get(URL).status_code == 403
    assert client.get(reverse("coverage:coverage_hxl_csv")).status_code == 403


def test_it_shows_the_same_needs_to_every_staff_role_and_no_person(client, personas, login_as, settings):
    settings.SMALL_CELL_THRESHOLD = 3
    _scenario, first = crafted(personas)
    seen = set()
    for persona in ("caseworker_b", "donor", "outsider"):
        login_as(getattr(personas, persona))
        response = client.get(URL, {"country": "XA", "level": "1"})
        html = response.content.decode()
        seen.add(tuple(_row_cells(html, "XA01")))
        assert first.client.code not in html
    assert len(seen) == 1
    assert membership_of(personas.caseworker_a).organization.name not in html
