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
