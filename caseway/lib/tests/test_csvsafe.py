"""The spreadsheet formula-injection guard (caseway.lib.csvsafe)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from caseway.lib import csvsafe

DANGEROUS = [
    "=1+1",
    '=HYPERLINK("http://evil.example","Click")',
    "+41 22 000 00 00",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",  # full-width equals sign
    "-",
]
HARMLESS = ["", "Health", "Santé", "الصحة", "a=b", " =1", "#adm1+code", "'already quoted", "1-2"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_it_quotes_text_that_a_spreadsheet_would_run(text):
    assert csvsafe.is_dangerous(text)
    assert csvsafe.safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_it_leaves_other_text_alone(text):
    assert not csvsafe.is_dangerous(text)
    assert csvsafe.safe_cell(text) == text


@pytest.mark.parametrize(
    "value", [0, -5, 3.5, Decimal("-12.50"), True, datetime.date(2024, 1, 31), datetime.datetime(2024, 1, 31, 9, 0)]
)
def test_it_leaves_numbers_dates_and_booleans_as_they_are(value):
    assert csvsafe.safe_cell(value) is value


def test_it_writes_none_as_an_empty_cell_and_other_objects_as_safe_text():
    class Named:
        def __str__(self):
            return "=evil()"

    assert csvsafe.safe_row([None, Named(), "ok"]) == ["", "'=evil()", "ok"]


@given(st.text())
def test_it_never_lets_a_formula_through_and_loses_nothing(text):
    safe = csvsafe.safe_cell(text)
    assert not csvsafe.is_dangerous(safe)
    assert safe == text or safe == "'" + text


def test_it_writes_utf8_csv_with_a_byte_order_mark():
    content = csvsafe.csv_bytes([["name", "count"], ["الصحة", 3], ["=1+1", -2], ["line\nbreak", None]])

    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8").removeprefix("\ufeff"))))
    assert rows == [["name", "count"], ["الصحة", "3"], ["'=1+1", "-2"], ["line\nbreak", ""]]


def test_it_can_leave_the_byte_order_mark_out():
    assert csvsafe.csv_bytes([["a"]], byte_order_mark=False) == b"a\r\n"


def _sheet(content):
    return load_workbook(io.BytesIO(content)).active


def test_it_writes_xlsx_text_that_never_becomes_a_formula():
    sheet = _sheet(csvsafe.xlsx_bytes([["name"], ['=HYPERLINK("http://evil.example")'], ["@cmd"], [7]]))

    assert sheet["A2"].value == '\'=HYPERLINK("http://evil.example")'
    assert sheet["A2"].data_type == "s"
    assert sheet["A3"].value == "'@cmd"
    assert sheet["A4"].value == 7
    assert sheet["A4"].data_type == "n"


def test_it_bolds_and_freezes_the_header_rows_and_sizes_the_columns():
    rows = [["country_code", "adm1_name"], ["#country+code", "#adm1+name"], ["XA", "A region with a long name"]]

    sheet = _sheet(csvsafe.xlsx_bytes(rows, title="Coverage", header_rows=2, right_to_left=True))

    assert sheet.title == "Coverage"
    assert sheet.freeze_panes == "A3"
    assert sheet["A1"].font.bold and sheet["B2"].font.bold
    assert not sheet["A3"].font.bold
    assert sheet.column_dimensions["B"].width >= len("A region with a long name")
    assert sheet.column_dimensions["A"].width >= len("country_code")
    assert sheet.sheet_view.rightToLeft


def test_it_drops_characters_that_xlsx_cannot_hold():
    sheet = _sheet(csvsafe.xlsx_bytes([["bell\x07 and null\x00"]], title="Bad\x01title"))

    assert sheet["A1"].value == "bell and null"
    assert sheet.title == "Badtitle"


def test_it_writes_several_sheets_each_through_the_guard_with_its_own_header():
    content = csvsafe.workbook_bytes(
        [
            ("Values", [["code", "value"], ["=cmd|' /C calc'!A0", 3]], 1),
            ("HXL", [["label"], ["#indicator+code"], ["+f\x07"]], 2),
            ("Notes", [["-1+1", ""]], 0),
        ],
        right_to_left=True,
    )

    workbook = load_workbook(io.BytesIO(content))
    values, tags, notes = workbook.worksheets
    assert [sheet.title for sheet in workbook.worksheets] == ["Values", "HXL", "Notes"]
    assert values["A2"].value == "'=cmd|' /C calc'!A0"
    assert values["A2"].data_type == "s"
    assert values["B2"].value == 3
    assert values.freeze_panes == "A2"
    assert tags.freeze_panes == "A3"
    assert tags["A2"].font.bold and not tags["A3"].font.bold
    assert tags["A3"].value == "'+f"
    assert notes["A1"].value == "'-1+1"
    assert notes.freeze_panes is None
    assert not notes["A1"].font.bold
    assert all(sheet.sheet_view.rightToLeft for sheet in workbook.worksheets)


def test_it_gives_every_sheet_a_title_excel_accepts():
    long_title = "Réponses aux orientations: [trimestre]/total?" * 2

    content = csvsafe.workbook_bytes([(long_title, [["a"]], 1), (long_title, [["b"]], 1), ("", [["c"]], 1)])

    titles = load_workbook(io.BytesIO(content)).sheetnames
    assert len(set(titles)) == 3
    assert all(0 < len(title) <= 31 for title in titles)
    assert not any(character in title for title in titles for character in "[]:*?/\\")


def test_it_writes_a_single_sheet_as_a_one_sheet_workbook():
    rows = [["name"], ["=1+1"]]

    one = load_workbook(io.BytesIO(csvsafe.xlsx_bytes(rows, title="Only")))
    many = load_workbook(io.BytesIO(csvsafe.workbook_bytes([("Only", rows, 1)])))

    assert one.sheetnames == many.sheetnames == ["Only"]
    assert [[cell.value for cell in row] for row in one.active.iter_rows()] == [
        [cell.value for cell in row] for row in many.active.iter_rows()
    ]
