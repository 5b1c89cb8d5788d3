"""Spreadsheets that cannot run anything: a guard against CSV/formula injection.

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``, ``-`` or ``@``
as a formula, and a leading tab or carriage return can hide such a prefix. Data typed by other
organizations (a service or organization name such as ``=HYPERLINK("http://evil", "Click")``)
would then run on the machine of whoever opens an export. Every text cell we write goes through
``safe_cell``, which puts a single quote in front of such text: spreadsheets show it as text and
the value stays readable. Numbers, dates and empty cells pass unchanged, so sums still work.

``csv_bytes``, ``xlsx_bytes`` and ``workbook_bytes`` (several sheets) write whole tables through
the guard; use them for every export.
This is a floor-0 module: no Caseway imports, no models.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

# The characters that start a formula (OWASP's list), and their full-width forms, which some
# spreadsheet applications normalise to the ASCII ones before parsing.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
BYTE_ORDER_MARK = "\ufeff"
# XML 1.0 forbids these control characters; openpyxl refuses to write them.
_ILLEGAL_XML_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Excel refuses these in a sheet's title.
_ILLEGAL_SHEET_TITLE = re.compile(r"[\\/*?:\[\]]")
_MIN_WIDTH, _MAX_WIDTH = 8, 60


def is_dangerous(value) -> bool:
    """Whether a spreadsheet could read ``value`` as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def safe_cell(value):
    """``value`` made safe for a spreadsheet cell: text that could be a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal, date, datetime)):
        return value
    text = str(value)
    if is_dangerous(text):
        return "'" + text
    return text


def safe_row(values: Iterable) -> list:
    return [safe_cell(value) for value in values]


def csv_bytes(rows: Iterable[Sequence], *, byte_order_mark: bool = True) -> bytes:
    """The rows as UTF-8 CSV, every cell through ``safe_cell``.

    With a byte order mark by default: without it Excel reads UTF-8 as the local code page and
    Arabic (or any non-Latin) text turns into mojibake.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(safe_row(row))
    text = buffer.getvalue()
    return ((BYTE_ORDER_MARK + text) if byte_order_mark else text).encode("utf-8")


def _xlsx_value(value):
    value = safe_cell(value)
    if isinstance(value, str):
        return _ILLEGAL_XML_CHARACTERS.sub("", value)
    return value


def xlsx_bytes(
    rows: Iterable[Sequence],
    *,
    title: str = "Sheet1",
    header_rows: int = 1,
    right_to_left: bool = False,
) -> bytes:
    """The rows as a one-sheet XLSX workbook, every cell through ``safe_cell`` (``workbook_bytes``)."""
    return workbook_bytes([(title, rows, header_rows)], right_to_left=right_to_left)


def _sheet_title(title, taken: set[str]) -> str:
    """A title Excel accepts: no control or ``[]:*?/\\`` characters, at most 31 long, unique
    within the workbook (case-insensitively, as Excel compares them)."""
    text = _ILLEGAL_SHEET_TITLE.sub("", _ILLEGAL_XML_CHARACTERS.sub("", str(title))).strip("'")[:31] or "Sheet"
    unique, number = text, 2
    while unique.casefold() in taken:
        suffix = f" ({number})"
        unique, number = text[: 31 - len(suffix)] + suffix, number + 1
    taken.add(unique.casefold())
    return unique


def workbook_bytes(sheets: Iterable[tuple[str, Iterable[Sequence], int]], *, right_to_left: bool = False) -> bytes:
    """An XLSX workbook of ``(title, rows, header_rows)`` sheets, every cell through ``safe_cell``.

    The first ``header_rows`` rows of a sheet are bold and frozen (a header, or a header and an
    HXL hashtag row; 0 for none), and columns are as wide as their longest value within limits.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    taken: set[str] = set()
    for title, rows, header_rows in sheets:
        sheet = workbook.create_sheet(_sheet_title(title, taken))
        sheet.sheet_view.rightToLeft = right_to_left
        widths: dict[int, int] = {}
        for row_number, row in enumerate(rows, start=1):
            for column_number, raw in enumerate(row, start=1):
                value = _xlsx_value(raw)
                cell = sheet.cell(row=row_number, column=column_number, value=value)
                if isinstance(value, str):
                    # Belt and braces: a string cell is never a formula, whatever openpyxl guesses.
                    cell.data_type = "s"
                if row_number <= header_rows:
                    cell.font = bold
                widths[column_number] = max(widths.get(column_number, 0), len(str(value)))
        for column_number, width in widths.items():
            letter = get_column_letter(column_number)
            sheet.column_dimensions[letter].width = min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)
        if header_rows:
            sheet.freeze_panes = sheet.cell(row=header_rows + 1, column=1)
    if not workbook.worksheets:
        workbook.create_sheet("Sheet1")  # a workbook holds at least one sheet
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
