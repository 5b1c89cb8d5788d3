"""manage.py import_admin_areas: progress on stdout, row errors on stderr, nothing written on error."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from caseway.directory.models import AdminArea

GOOD = (
    "\ufeffadm0_pcode,adm0_name,adm1_pcode,adm1_name,adm1_name_ar,adm2_pcode,adm2_name,latitude,longitude,validOn\r\n"
    "XB,Belmara,XB01,Saltmeadow,سولتميدو,XB0101,Ferncrest District,1.9,3.1,2026-01-01\r\n"
    "XB,Belmara,XB01,Saltmeadow,سولتميدو,XB0102,Glimmerford District,1.8,3.2,2026-01-01\r\n"
)


def _run(path, *args):
    out, err = StringIO(), StringIO()
    call_command("import_admin_areas", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "xb_adm2.csv"
    path.write_bytes(GOOD.encode("utf-8"))
    return path


@pytest.mark.django_db
def test_it_imports_and_reports_counts_and_progress(good_file):
    out, err = _run(good_file)

    assert AdminArea.objects.filter(pcode__startswith="XB").count() == 4
    assert "2 rows, 4 areas" in out
    assert "created 4/4" in out
    assert "Created 4, updated 0, unchanged 0." in out
    assert "Ignored columns: validOn" in out
    assert err == ""


@pytest.mark.django_db
def test_it_reports_unchanged_areas_on_a_second_run(good_file):
    _run(good_file)

    out, _ = _run(good_file)

    assert "Created 0, updated 0, unchanged 4." in out


@pytest.mark.django_db
def test_a_dry_run_writes_nothing(good_file):
    out, _ = _run(good_file, "--dry-run")

    assert "Would create 4" in out
    assert not AdminArea.objects.exists()


@pytest.mark.django_db
def test_it_prints_each_row_error_and_writes_nothing(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(GOOD + "XB,Belmara,XB01,Saltmeadow,,XC0103,=cmd,,,\r\n", encoding="utf-8")

    with pytest.raises(CommandError, match="nothing was imported"):
        _run(path)

    assert not AdminArea.objects.exists()


@pytest.mark.django_db
def test_it_names_the_row_and_column_of_each_error_on_stderr(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(GOOD + "XB,Belmara,XB01,Saltmeadow,,XC0103,Nowhere,,,\r\n,,,,,,,95,3,\r\n", encoding="utf-8")
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("import_admin_areas", str(path), stdout=StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    assert lines[0].startswith("row 4, adm2_pcode: ")
    assert lines[1].startswith("row 5, adm0_pcode: missing P-code")


@pytest.mark.django_db
def test_it_says_when_the_file_cannot_be_read(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        _run(tmp_path / "missing.csv")
