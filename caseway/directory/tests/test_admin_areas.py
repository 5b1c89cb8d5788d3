"""Importing OCHA COD-AB P-code tables: upsert by P-code, all or nothing, row-level errors."""

import csv
import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseway.audit.models import AuditEvent
from caseway.directory import admin_areas
from caseway.directory.admin_areas import AdminAreaImportError, RowError, area_id, import_admin_areas
from caseway.directory.models import AdminArea

HEADER = ["adm0_pcode", "adm0_name", "adm1_pcode", "adm1_name", "adm1_name_fr", "adm2_pcode", "adm2_name"]
HEADER_WITH_CENTROID = [*HEADER, "latitude", "longitude"]
ROWS = [
    ["XA", "Aldoria", "XA01", "Northmarch", "Marche-du-Nord", "XA0101", "Riverbend District", "1.5", "1.25"],
    ["XA", "Aldoria", "XA01", "Northmarch", "Marche-du-Nord", "XA0102", "Quillmarsh District", "1.6", "1.35"],
    ["XA", "Aldoria", "XA02", "Amberhollow", "", "XA0201", "Copperfen District", "2.1", "1.8"],
]


def _csv(rows, header=HEADER_WITH_CENTROID, *, bom=False, newline="\r\n") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def _errors(data: bytes) -> list[RowError]:
    with pytest.raises(AdminAreaImportError) as raised:
        import_admin_areas(data)
    return raised.value.errors


def _row(**changes):
    """A copy of the first sample row with some cells changed, by column name."""
    row = list(ROWS[0])
    for column, value in changes.items():
        row[HEADER_WITH_CENTROID.index(column)] = value
    return row


# ---------------------------------------------------------------------------------------------
# Importing


@pytest.mark.django_db
def test_it_imports_the_hierarchy_with_levels_parents_and_translations():
    result = import_admin_areas(_csv(ROWS))

    assert (result.created, result.updated, result.unchanged) == (6, 0, 0)
    assert result.by_level == {0: 1, 1: 2, 2: 3}
    country = AdminArea.objects.get(pcode="XA")
    region = AdminArea.objects.get(pcode="XA01")
    district = AdminArea.objects.get(pcode="XA0101")
    assert (country.level, country.parent, country.name) == (0, None, "Aldoria")
    assert (region.level, region.parent, region.name_translations) == (1, country, {"fr": "Marche-du-Nord"})
    assert (district.level, district.parent, district.name) == (2, region, "Riverbend District")
    assert AdminArea.objects.get(pcode="XA02").name_translations == {}


@pytest.mark.django_db
def test_it_puts_the_centroid_on_the_deepest_area_of_the_row():
    import_admin_areas(_csv(ROWS))

    district = AdminArea.objects.get(pcode="XA0101")
    assert (district.latitude, district.longitude) == (Decimal("1.5"), Decimal("1.25"))
    assert AdminArea.objects.get(pcode="XA01").latitude is None


@pytest.mark.django_db
def test_it_gives_a_new_area_the_same_id_on_every_installation():
    import_admin_areas(_csv(ROWS))

    assert AdminArea.objects.get(pcode="XA0102").id == area_id("XA0102")
    assert area_id("XA0102") != area_id("XA0101")


@pytest.mark.django_db
def test_it_changes_nothing_when_the_same_file_is_imported_again():
    import_admin_areas(_csv(ROWS))
    before = list(AdminArea.objects.values())
    events = AuditEvent.objects.count()

    result = import_admin_areas(_csv(ROWS))

    assert (result.created, result.updated, result.unchanged) == (0, 0, 6)
    assert list(AdminArea.objects.values()) == before
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_it_updates_areas_by_pcode_and_keeps_what_the_file_does_not_say():
    import_admin_areas(_csv(ROWS))
    AdminArea.objects.filter(pcode="XA01").update(name_translations={"fr": "ancien", "ar": "نورثمارش"})
    kept_id = AdminArea.objects.get(pcode="XA0101").id
    renamed = [["XA", "Aldoria", "XA01", "Northmarch Region", "Marche-du-Nord", "XA0101", "Riverbend District"]]

    result = import_admin_areas(_csv(renamed, header=HEADER))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    region = AdminArea.objects.get(pcode="XA01")
    assert region.name == "Northmarch Region"
    assert region.name_translations == {"fr": "Marche-du-Nord", "ar": "نورثمارش"}
    district = AdminArea.objects.get(pcode="XA0101")
    assert district.id == kept_id
    assert (district.latitude, district.longitude) == (Decimal("1.5"), Decimal("1.25"))
    assert AdminArea.objects.count() == 6


@pytest.mark.django_db
def test_it_records_one_audit_event_with_counts_and_no_values():
    import_admin_areas(_csv(ROWS), actor_label="manage.py import_admin_areas")

    event = AuditEvent.objects.get(action="directory.admin_areas_imported")
    assert event.actor_label == "manage.py import_admin_areas"
    assert "6 created" in event.reason
    assert "Northmarch" not in event.reason
    assert "name" in event.fields


@pytest.mark.django_db
def test_it_reads_the_cod_ab_column_spellings_and_reports_ignored_columns():
    header = ["ADM0_EN", "ADM0_PCODE", "ADM1_EN", "ADM1_FR", "ADM1_AR", "ADM1_PCODE", "ADM1_REF", "validOn"]
    rows = [["Aldoria", "XA", "Northmarch", "Marche-du-Nord", "نورثمارش", "XA01", "Northmarch", "2026-01-01"]]

    result = import_admin_areas(_csv(rows, header=header))

    region = AdminArea.objects.get(pcode="XA01")
    assert region.name_translations == {"fr": "Marche-du-Nord", "ar": "نورثمارش"}
    assert result.ignored_columns == ["ADM1_REF", "validOn"]


@pytest.mark.django_db
def test_it_reads_utf8_with_and_without_a_byte_order_mark():
    rows = [["XB", "Belmara", "XB01", "Saltmeadow", "Prés-Salés", "XB0101", "Ferncrest District", "", ""]]

    import_admin_areas(_csv(rows, bom=True))
    assert AdminArea.objects.get(pcode="XB").name == "Belmara"  # not "\ufeffBelmara"
    assert AdminArea.objects.get(pcode="XB01").name_translations == {"fr": "Prés-Salés"}

    result = import_admin_areas(_csv(rows, bom=False, newline="\n"))
    assert result.unchanged == 3


@pytest.mark.django_db
def test_it_stores_names_in_one_unicode_form():
    decomposed = "Pre\u0301s-Sale\u0301s"
    rows = [["XB", "Belmara", "XB01", decomposed, "", "XB0101", "Ferncrest District", "", ""]]

    import_admin_areas(_csv(rows))

    assert AdminArea.objects.get(pcode="XB01").name == "Prés-Salés"


@pytest.mark.django_db
def test_it_imports_a_file_that_stops_at_admin1():
    header = ["adm0_pcode", "adm0_name", "adm1_pcode", "adm1_name"]

    result = import_admin_areas(_csv([["XA", "Aldoria", "XA01", "Northmarch"]], header=header))

    assert result.by_level == {0: 1, 1: 1}


@pytest.mark.django_db
def test_it_skips_blank_lines():
    data = _csv(ROWS) + b",,,,,,,,\r\n\r\n"

    assert import_admin_areas(data).rows == 3


@pytest.mark.django_db
def test_a_dry_run_counts_and_writes_nothing():
    result = import_admin_areas(_csv(ROWS), dry_run=True)

    assert result.created == 6
    assert not AdminArea.objects.exists()


# ---------------------------------------------------------------------------------------------
# Refusing: row-level errors, nothing written


@pytest.mark.django_db
def test_it_reports_a_missing_pcode_with_row_and_column():
    errors = _errors(_csv([ROWS[0], _row(adm1_pcode="")]))

    assert errors == [RowError(3, "adm1_pcode", "missing P-code.")]
    assert not AdminArea.objects.exists()


@pytest.mark.django_db
def test_it_reports_a_missing_name():
    errors = _errors(_csv([_row(adm2_name="")]))

    assert [(error.row, error.column) for error in errors] == [(2, "adm2_name")]
    assert "missing name" in errors[0].message


@pytest.mark.django_db
def test_it_refuses_a_child_pcode_that_does_not_start_with_its_parents():
    errors = _errors(_csv([_row(adm2_pcode="XB0101")]))

    assert [(error.row, error.column) for error in errors] == [(2, "adm2_pcode")]
    assert "does not start with its parent's P-code" in errors[0].message


@pytest.mark.django_db
def test_it_refuses_a_child_pcode_equal_to_its_parents():
    errors = _errors(_csv([_row(adm2_pcode="XA01")]))

    assert errors[0].column == "adm2_pcode"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value"),
    [("adm0_pcode", "XAA"), ("adm0_pcode", "xa"), ("adm1_pcode", "XA-01"), ("adm2_pcode", "XA01" + "9" * 20)],
)
def test_it_refuses_a_malformed_pcode(column, value):
    changes = {column: value}
    if column == "adm0_pcode":
        changes.update(adm1_pcode=value + "01", adm2_pcode=value + "0101")
    errors = _errors(_csv([_row(**changes)]))

    assert errors[0].column == column
    assert errors[0].row == 2


@pytest.mark.django_db
def test_it_refuses_one_pcode_with_two_parents():
    errors = _errors(_csv([ROWS[0], _row(adm1_pcode="XA02", adm1_name="Amberhollow", adm2_pcode="XA0101")]))

    assert [(error.row, error.column) for error in errors] == [(3, "adm2_pcode")]
    assert "parent" in errors[0].message and "row 2" in errors[0].message


@pytest.mark.django_db
def test_it_refuses_one_pcode_with_two_names():
    errors = _errors(_csv([ROWS[0], _row(adm1_name="Southmarch", adm2_pcode="XA0102")]))

    assert [(error.row, error.column) for error in errors] == [(3, "adm1_name")]
    assert '"Southmarch"' in errors[0].message and "row 2" in errors[0].message


@pytest.mark.django_db
def test_it_refuses_one_pcode_with_two_translations():
    errors = _errors(_csv([ROWS[0], _row(adm1_name_fr="Marche-Nord", adm2_pcode="XA0102")]))

    assert [(error.row, error.column) for error in errors] == [(3, "adm1_name_fr")]


@pytest.mark.django_db
def test_it_refuses_one_pcode_at_two_levels():
    header = ["adm0_pcode", "adm0_name", "adm1_pcode", "adm1_name", "adm2_pcode", "adm2_name"]
    rows = [["XA", "Aldoria", "XA01", "Northmarch", "XA0101", "Riverbend"], ["XA", "Aldoria", "XA0101", "R", "", ""]]

    errors = _errors(_csv(rows, header=header))

    assert [(error.row, error.column) for error in errors] == [(3, "adm1_pcode")]


@pytest.mark.django_db
def test_it_refuses_a_pcode_that_exists_at_another_level():
    AdminArea.objects.create(pcode="XA", name="Aldoria", level=0)
    AdminArea.objects.create(pcode="XA0101", name="Old", level=1, parent=AdminArea.objects.get(pcode="XA"))

    errors = _errors(_csv(ROWS))

    assert [(error.row, error.column) for error in errors] == [(2, "adm2_pcode")]
    assert AdminArea.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("latitude", "longitude", "column"),
    [
        ("north", "1.2", "latitude"),
        ("1,5", "1.2", "latitude"),
        ("91", "1.2", "latitude"),
        ("1.5", "-180.5", "longitude"),
        ("NaN", "1.2", "latitude"),
        ("1.5", "Infinity", "longitude"),
        ("1.5", "", "longitude"),
        ("", "1.2", "latitude"),
    ],
)
def test_it_refuses_bad_coordinates(latitude, longitude, column):
    errors = _errors(_csv([_row(latitude=latitude, longitude=longitude)]))

    assert [(error.row, error.column) for error in errors] == [(2, column)]
    assert not AdminArea.objects.exists()


@pytest.mark.django_db
def test_it_refuses_two_centroids_for_one_area():
    errors = _errors(_csv([ROWS[0], _row(latitude="1.7")]))

    assert [(error.row, error.column) for error in errors] == [(3, "latitude")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("adm2_name", '=HYPERLINK("http://example.org","x")'),
        ("adm1_name_fr", "+cmd|' /C calc'!A0"),
        ("adm2_name", "-2+3"),
        ("adm2_name", "@SUM(1+1)"),
        ("adm2_name", "\t=1+1"),
        ("adm2_name", "＝1+1"),
    ],
)
def test_it_refuses_cells_that_a_spreadsheet_would_run_as_formulas(column, value):
    errors = _errors(_csv([_row(**{column: value})]))

    assert [(error.row, error.column) for error in errors] == [(2, column)]
    assert "formula" in errors[0].message
    assert not AdminArea.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["Ferncrest\x1b[31m", "Ferncrest\u202eDistrict", "Fern\x07crest"])
def test_it_refuses_control_characters_and_shows_them_escaped(value):
    errors = _errors(_csv([_row(adm2_name=value)]))

    assert errors[0].column == "adm2_name"
    assert "control characters" in errors[0].message
    assert "\x1b" not in str(errors[0]) and "\u202e" not in str(errors[0]) and "\x07" not in str(errors[0])


@pytest.mark.django_db
def test_it_keeps_the_marks_arabic_names_need():
    rows = [["XA", "Aldoria", "XA01", "Northmarch", "", "XA0101", "نورث\u200fمارش", "", ""]]

    import_admin_areas(_csv(rows))

    assert AdminArea.objects.get(pcode="XA0101").name == "نورث\u200fمارش"


@pytest.mark.django_db
def test_it_refuses_a_file_that_is_not_utf8_and_names_the_line():
    data = _csv(ROWS[:1]) + "XA,Aldoria,XA01,Northmarch,Marche-du-Nord,XA0103,Vallée,,\r\n".encode("latin-1")

    errors = _errors(data)

    assert errors == [RowError(3, "", "This line is not UTF-8 text; save the file as CSV UTF-8.")]


@pytest.mark.django_db
def test_it_refuses_utf16():
    errors = _errors(_csv(ROWS).decode("utf-8").encode("utf-16"))

    assert "UTF-16" in errors[0].message


@pytest.mark.django_db
def test_it_refuses_a_nul_byte():
    errors = _errors(_csv(ROWS).replace(b"Riverbend", b"River\x00bend"))

    assert errors[0].row == 2 and "NUL" in errors[0].message


@pytest.mark.django_db
def test_it_refuses_a_file_larger_than_the_limit(monkeypatch):
    monkeypatch.setattr(admin_areas, "MAX_FILE_BYTES", 100)

    errors = _errors(_csv(ROWS))

    assert errors[0].row == 0 and "larger than" in errors[0].message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "column"),
    [
        (["adm1_pcode", "adm1_name"], "adm0_pcode"),
        (["adm0_pcode", "adm0_name", "adm2_pcode", "adm2_name"], "adm1_pcode"),
        (["adm0_pcode", "adm0_name", "adm1_name"], "adm1_pcode"),
        (["adm0_pcode", "adm0_name", "adm1_pcode"], "adm1_name"),
        (["adm0_pcode", "adm0_name", "latitude"], "longitude"),
        (["adm0_pcode", "adm0_name", "adm0_en"], "adm0_en"),
        (["adm0_pcode", "adm0_name", "adm1_pcode", "adm1_name", "adm3_pcode", "adm3_name"], "adm3_pcode"),
    ],
)
def test_it_refuses_a_header_it_cannot_read_and_says_which_column(header, column):
    errors = _errors(_csv([["XA"] * len(header)], header=header))

    assert errors[0].row == 1
    assert column in {error.column for error in errors}


@pytest.mark.django_db
@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n"])
def test_it_refuses_an_empty_file(data):
    assert "empty" in _errors(data)[0].message


@pytest.mark.django_db
def test_it_refuses_a_header_without_rows():
    assert "no area rows" in _errors(_csv([]))[0].message


@pytest.mark.django_db
def test_it_refuses_a_row_with_more_cells_than_columns():
    errors = _errors(_csv([[*ROWS[0], "stray"]]))

    assert errors[0].row == 2


@pytest.mark.django_db
def test_it_reports_every_bad_row_and_writes_nothing_from_the_good_ones():
    rows = [ROWS[0], _row(adm1_pcode=""), ROWS[1], _row(adm2_name="=1+1", adm2_pcode="XA0109"), ROWS[2]]

    errors = _errors(_csv(rows))

    assert [error.row for error in errors] == [3, 5]
    assert not AdminArea.objects.exists()


@pytest.mark.django_db
def test_it_reports_at_most_a_bounded_number_of_errors(monkeypatch):
    monkeypatch.setattr(admin_areas, "MAX_REPORTED_ERRORS", 2)

    with pytest.raises(AdminAreaImportError) as raised:
        import_admin_areas(_csv([_row(adm1_pcode="")] * 5))

    assert (len(raised.value.errors), raised.value.more) == (2, 3)
    assert "5 error(s)" in str(raised.value)


@pytest.mark.django_db
def test_it_writes_nothing_when_the_write_fails_half_way(monkeypatch):
    import_admin_areas(_csv(ROWS[:1]))
    before = list(AdminArea.objects.values())

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(admin_areas.audit, "record", fail)
    renamed = [_row(adm1_name="Renamed"), ROWS[2]]
    with pytest.raises(RuntimeError):
        import_admin_areas(_csv(renamed))

    assert list(AdminArea.objects.values()) == before


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300) | st.text(max_size=200).map(lambda text: ("adm0_pcode,adm0_name\n" + text).encode()))
def test_it_answers_any_input_with_areas_or_row_errors_never_a_crash(data):
    try:
        import_admin_areas(data)
    except AdminAreaImportError as error:
        assert error.errors
        for row_error in error.errors:
            assert row_error.row >= 0
            assert str(row_error).isprintable()
