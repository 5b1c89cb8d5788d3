"""Needs on the coverage map cannot be worked out by subtraction between cuts of the same data:
a region against its districts (people recorded at region level only are in no district), and a
category against its narrower terms (needs mapped to the category itself are in no narrower
column). Checked on the page and in every export, with the default threshold."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from caseway.clients.tests.test_coverage_needs import person
from caseway.clients.tests.test_coverage_needs_page import _row_cells
from caseway.directory.tests.test_coverage_scenario import build_scenario
from caseway.lib import disclosure

pytestmark = pytest.mark.django_db

OUTPUTS = ["page", "csv", "xlsx", "hxl_csv", "hxl_xlsx"]
CUTS = [("1", ""), ("2", ""), ("1", "protection"), ("2", "protection")]


def _value(text):
    text = str(text).strip()
    return None if text == str(disclosure.MARKER) else int(text)


def _from_page(response):
    table = response.context["table"]
    html = response.content.decode()
    offset = 1 if table.scope.level == 2 else 0  # the region's name comes first in a district row
    figures = {}
    for row in table.rows:
        texts = _row_cells(html, row.pcode)
        for index, column in enumerate(table.columns):
            figures[(row.pcode, column.code)] = _value(texts[index + offset].rsplit("·", 1)[-1])
    return figures


def _from_export(response, fmt):
    if fmt.endswith("xlsx"):
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    else:
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").removeprefix("\ufeff"))))
    header, *lines = rows
    if fmt.startswith("hxl"):
        lines = lines[1:]  # the hashtags
    at = {name: header.index(name) for name in ("adm1_pcode", "adm2_pcode", "sector_code", "subsector_code", "needs")}
    return {
        (
            line[at["adm2_pcode"]] or line[at["adm1_pcode"]],
            line[at["subsector_code"]] or line[at["sector_code"]],
        ): _value(line[at["needs"]])
        for line in lines
    }


def published(client, output, level, category=""):
    """{(area P-code, column code): needs, None when hidden} as ``output`` shows them."""
    query = {"country": "XA", "level": level, "category": category}
    if output == "page":
        response = client.get(reverse("coverage:map"), query)
        assert response.status_code == 200
        return _from_page(response)
    response = client.get(reverse(f"coverage:coverage_{output}"), query)
    assert response.status_code == 200
    return _from_export(response, output)


def _revealed(whole, parts):
    """What subtracting the published parts from the published whole gives, or None when any is hidden."""
    if whole is None or any(part is None for part in parts):
        return None
    return whole - sum(parts)


def _safe(difference):
    return difference is None or difference == 0 or difference >= disclosure.threshold()


@pytest.fixture
def coordinator(client, personas, login_as):
    login_as(personas.coordinator)
    return client


@pytest.mark.parametrize("output", OUTPUTS)
def test_a_region_minus_its_districts_gives_away_no_small_number(coordinator, personas, output):
    scenario = build_scenario()
    for _number in range(10):
        person(personas, scenario.northeast, "housing")  # basic needs and safe shelter
    for _number in range(2):
        person(personas, scenario.north, "housing")  # no district recorded
    for _number in range(3):
        person(personas, scenario.north, "housing", counted=False)  # no consent to statistics

    cuts = {cut: published(coordinator, output, *cut) for cut in CUTS}

    for category in ("", "protection"):
        regions, districts = cuts[("1", category)], cuts[("2", category)]
        for (area, column), whole in regions.items():
            if area != "XA01":
                continue
            parts = [districts[(district, column)] for district in ("XA0101", "XA0102")]
            assert _safe(_revealed(whole, parts)), (output, category, column, whole, parts)
    # The region still shows its people (only those who agreed to statistics), in every cut.
    assert cuts[("1", "")][("XA01", "protection")] == 12
    assert cuts[("1", "")][("XA01", "basic_needs")] == 12
    assert cuts[("1", "protection")][("XA01", "protection.safe_shelter")] == 12
    # Northeast's 10 would give the 2 away: hidden.
    assert cuts[("2", "")][("XA0101", "protection")] is None
    assert cuts[("2", "protection")][("XA0101", "protection.safe_shelter")] is None
    assert cuts[("2", "")][("XA0102", "protection")] == 0


@pytest.mark.parametrize("output", OUTPUTS)
def test_a_category_minus_its_narrower_terms_gives_away_no_small_number(coordinator, personas, output):
    scenario = build_scenario()
    for _number in range(10):
        person(personas, scenario.northeast, "housing")  # protection, and safe shelter below it
    for _number in range(2):
        person(personas, scenario.northeast, "safety")  # protection in general: no narrower term
    for _number in range(3):
        person(personas, scenario.northeast, "safety", counted=False)

    cuts = {cut: published(coordinator, output, *cut) for cut in CUTS}

    for level, areas in (("1", ("XA01", "XA02")), ("2", ("XA0101", "XA0102", "XA0201", "XA0202"))):
        whole_cut, narrow_cut = cuts[(level, "")], cuts[(level, "protection")]
        narrower = sorted({column for _area, column in narrow_cut})
        assert "protection.safe_shelter" in narrower
        for area in areas:
            whole = whole_cut[(area, "protection")]
            parts = [narrow_cut[(area, column)] for column in narrower]
            assert _safe(_revealed(whole, parts)), (output, level, area, whole, parts)
    assert cuts[("2", "")][("XA0101", "protection")] == 12
    assert cuts[("1", "")][("XA01", "protection")] == 12
    assert cuts[("2", "protection")][("XA0101", "protection.safe_shelter")] is None
    assert cuts[("2", "protection")][("XA0101", "protection.safety_planning")] == 0  # no need calls for it


def test_regions_and_districts_of_the_same_data_are_hidden_the_same_way_on_the_page_and_in_exports(
    coordinator, personas
):
    scenario = build_scenario()
    for _number in range(6):
        person(personas, scenario.northeast, "legal", "housing")
    for _number in range(4):
        person(personas, scenario.northwest, "legal")
    person(personas, scenario.north, "legal")
    for _number in range(7):
        person(personas, scenario.southhill, "civil_documentation", "mental_health")

    for cut in CUTS:
        seen = [published(coordinator, output, *cut) for output in OUTPUTS]
        assert all(figures == seen[0] for figures in seen[1:]), cut
