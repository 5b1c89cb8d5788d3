"""The XLSX download opens with openpyxl: the long sheet, the HXL sheet and the notes (period,
scope, legend, each indicator's definition with its version); text never becomes a formula;
right to left in Arabic."""

import io

import pytest
from openpyxl import load_workbook

from caseway.audit.models import AuditEvent
from caseway.directory.tests.factories import Admin1Factory
from caseway.indicators.tests.crafted import PERIOD
from caseway.indicators.tests.exported import CODE, figures, url

pytestmark = pytest.mark.django_db

EXPORT = "indicators:export_xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def values(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_it_opens_with_openpyxl_with_values_hxl_and_notes(personas, login_as):
    figures(personas)
    client = login_as(personas.coordinator)

    response = client.get(url(EXPORT, indicator=CODE, dimensions="sex"))

    assert response["Content-Disposition"] == f'attachment; filename="caseway-indicators-{PERIOD.key}-sex.xlsx"'
    book = workbook_of(response)
    assert book.sheetnames == ["Values", "HXL", "Notes"]
    rows = values(book["Values"])
    assert rows[0][:8] == ["Indicator code", "Indicator", "Version", "Period", "Scope", "Sex", "Sex: code", "Value"]
    female = next(row for row in rows if row[5] == "Female")
    assert female[7:11] == [58.3, "Percentage", 7, 12]  # numbers stay numbers
    male = next(row for row in rows if row[5] == "Male")
    assert male[7] == "hidden"
    assert book["Values"].freeze_panes == "A2"
    hxl_rows = values(book["HXL"])
    assert hxl_rows[1][:3] == ["#date+start", "#date+end", "#indicator+value+pct+referrals+accepted+total"]
    assert hxl_rows[2][2] == 46.7
    notes = values(book["Notes"])
    facts = {row[0]: row[1] for row in notes[:8]}
    assert facts["Period"] == f"{PERIOD.key} ({PERIOD.start.isoformat()} – {PERIOD.end.isoformat()})"
    assert facts["Scope"] == "The whole network"
    assert facts["Disaggregation"] == "Sex"
    assert "fewer than 5" in facts["Hidden values"]
    definition = next(row for row in notes if row[0] == CODE)
    assert definition[1] == 1  # the version
    assert definition[2] == "Referral acceptance rate"
    assert definition[3]  # the definition's text
    assert definition[6] == "#indicator+value+pct+referrals+accepted"
    assert AuditEvent.objects.get(action="indicators.exported").fields[0] == "xlsx"


def test_it_never_writes_a_formula(personas, login_as):
    region = Admin1Factory(name="=1+1")
    figures(personas, admin_area=region)
    client = login_as(personas.coordinator)

    book = workbook_of(client.get(url(EXPORT, indicator=CODE, dimensions="admin1")))

    sheet = book["Values"]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == "'=1+1"]
    assert cells and all(cell.data_type == "s" for cell in cells)
    assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_it_reads_right_to_left_in_arabic(personas, login_as):
    client = login_as(personas.coordinator)

    book = workbook_of(client.get(url(EXPORT, indicator=CODE), HTTP_ACCEPT_LANGUAGE="ar"))

    assert all(book[name].sheet_view.rightToLeft for name in book.sheetnames)


def test_it_refuses_other_scopes_and_roles(personas, login_as, client):
    assert client.get(url(EXPORT)).status_code == 302
    login_as(personas.supervisor_a)
    assert client.get(url(EXPORT, scope=f"org:{personas.org_b.pk}")).status_code == 404
    login_as(personas.monitor_a)
    assert client.get(url(EXPORT)).status_code == 403
