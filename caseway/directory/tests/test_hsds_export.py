"""HSDS export: a Frictionless tabular data package and JSON that come back identical."""

import csv
import io
import json
import zipfile

import pytest
from django.core.management import call_command

from caseway.audit.models import AuditEvent
from caseway.directory import hsds, hsds_export, hsds_import
from caseway.directory import models as m
from caseway.directory.taxonomy import shipped_taxonomy
from caseway.directory.tests.test_hsds_tables import assert_valid, build_directory, official_validator
from caseway.orgs.models import Organization

pytestmark = pytest.mark.django_db


def export_zip(include_private=False) -> bytes:
    handle = io.BytesIO()
    hsds_export.package_export(actor=None, handle=handle, fmt="zip", include_private=include_private)
    return handle.getvalue()


def export_json(include_private=False) -> bytes:
    handle = io.BytesIO()
    hsds_export.package_export(actor=None, handle=handle, fmt="json", include_private=include_private)
    return handle.getvalue()


def members(data: bytes) -> dict:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


def wipe_directory():
    """An empty directory: what an HSDS package holds is gone; reference data installed with
    Caseway (administrative areas, the shipped taxonomy) stays."""
    shipped = shipped_taxonomy()["id"]
    m.Attribute.objects.all().delete()
    m.Metadata.objects.all().delete()
    m.MetaTableDescription.objects.all().delete()
    m.Service.objects.all().delete()
    m.Location.objects.all().delete()
    Organization.objects.all().delete()
    m.Unit.objects.all().delete()
    m.TaxonomyTerm.objects.exclude(taxonomy_ref_id=shipped).delete()
    m.Taxonomy.objects.exclude(id=shipped).delete()
    for model in (m.Service, m.Location, m.Phone, m.Contact, m.Schedule, m.Url, m.Funding, m.Program, m.Language):
        assert not model.objects.exists(), model


def import_bytes(data: bytes, name: str):
    report = hsds_import.package_import(actor=None, source=io.BytesIO(data), name=name)
    assert report.ok, [str(issue) for issue in report.errors]
    return report


# ---------------------------------------------------------------------------------------------
# Round trips


@pytest.mark.parametrize("include_private", [False, True])
def test_it_gives_byte_identical_csv_after_export_import_export(include_private):
    build_directory()
    first = export_zip(include_private)
    first_json = export_json(include_private)
    wipe_directory()
    import_bytes(first, "package.zip")
    second = export_zip(include_private)
    assert members(second).keys() == members(first).keys()
    for name, data in members(first).items():
        assert members(second)[name] == data, name
    assert second == first  # the zip itself too: fixed timestamps and order
    assert export_json(include_private) == first_json  # and the JSON form says the same


def test_it_gives_identical_json_after_export_import_export():
    build_directory()
    first = export_json(include_private=True)
    wipe_directory()
    import_bytes(first, "directory.json")
    assert export_json(include_private=True) == first


def test_it_exports_every_kind_of_row():
    build_directory()
    files = members(export_zip())
    counts = {name: len(data.decode().splitlines()) - 1 for name, data in files.items() if name.endswith(".csv")}
    assert all(count > 0 for count in counts.values()), counts


def test_it_writes_the_same_bytes_twice():
    build_directory()
    assert export_zip() == export_zip()
    assert export_json() == export_json()


# ---------------------------------------------------------------------------------------------
# The tabular package


def test_it_writes_a_frictionless_tabular_data_package():
    build_directory()
    files = members(export_zip())
    descriptor = json.loads(files["datapackage.json"])
    assert descriptor["profile"] == "tabular-data-package"
    assert descriptor["name"] == "caseway-hsds"
    assert next(iter(files)) == "datapackage.json"
    paths = [resource["path"] for resource in descriptor["resources"]]
    assert sorted(paths) == sorted(name for name in files if name.endswith(".csv"))
    for resource in descriptor["resources"]:
        assert resource["profile"] == "tabular-data-resource"
        header = next(csv.reader(io.StringIO(files[resource["path"]].decode())))
        assert header == [field["name"] for field in resource["schema"]["fields"]]
        assert header == hsds.TABLES[resource["name"]].column_names
        for key in resource["schema"].get("foreignKeys", []):
            assert key["reference"]["resource"] in hsds.TABLES


def test_it_keeps_every_reference_inside_the_package():
    build_directory()
    files = members(export_zip())
    ids = {}
    for table, spec in hsds.TABLES.items():
        rows = list(csv.DictReader(io.StringIO(files[spec.path].decode())))
        ids[table] = {row["id"] for row in rows}
    for table, links in hsds.LINKS.items():
        rows = csv.DictReader(io.StringIO(files[hsds.TABLES[table].path].decode()))
        for row in rows:
            for column, (target, _kind) in links.items():
                if row[column]:
                    targets = [target] if target else list(ids)
                    assert any(row[column] in ids[name] for name in targets), (table, column, row[column])


def test_it_guards_cells_against_spreadsheet_formulas():
    directory = build_directory()
    files = members(export_zip())
    services = files["services.csv"].decode()
    assert "'=HYPERLINK" in services
    assert ",=HYPERLINK" not in services
    assert "'+counselling@alpha.example.org" in services
    phones = files["phones.csv"].decode()
    assert "'-555 0102 (text only)" in phones
    assert "'+999 555 0101" in phones
    locations = files["locations.csv"].decode()
    assert ",-1.2345678," in locations  # numbers are numbers, not text
    for data in files.values():
        for row in csv.reader(io.StringIO(data.decode())):
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
                assert not cell.startswith("-") or cell.replace(".", "").lstrip("-").isdigit(), cell
    assert directory.counselling.alternate_name.startswith("=")


@pytest.mark.parametrize(
    "text", ["=1+1", "+44 1", "-x", "@SUM(A1)", "\tx", "'=x", "''=x", "'plain", "plain", "", "'", "＝1"]
)
def test_it_undoes_its_formula_guard_exactly(text):
    assert hsds_import.unguard(hsds_export.guard(text)) == text
    assert not hsds_export.guard(text).startswith(("=", "+", "-", "@", "\t"))


def test_it_leaves_out_services_not_listed_publicly_unless_asked():
    directory = build_directory()
    public_text = b"".join(members(export_zip()).values())
    assert str(directory.private.id).encode() not in public_text
    assert str(directory.gamma.hsds_id).encode() not in public_text
    assert b"Gamma back office" not in public_text
    everything = b"".join(members(export_zip(include_private=True)).values())
    assert str(directory.private.id).encode() in everything
    assert b"Gamma back office" in everything


# ---------------------------------------------------------------------------------------------
# JSON


def test_it_exports_json_that_validates_against_the_official_schemas():
    build_directory()
    document = json.loads(export_json())
    assert document["hsds_version"] == "3.0"
    service_validator = official_validator("compiled/service.json")
    for service in document["services"]:
        assert_valid(service_validator, service)
    organization_validator = official_validator("compiled/organization.json")
    for organization in document["organizations"]:
        assert_valid(organization_validator, organization)
    for taxonomy in document["taxonomies"]:
        assert_valid(official_validator("taxonomy.json"), taxonomy)
    term_validator = official_validator("taxonomy_term.json")
    for term in document["taxonomy_terms"]:
        assert_valid(term_validator, term)
    assert [item["id"] for item in document["services"]] == sorted(item["id"] for item in document["services"])


# ---------------------------------------------------------------------------------------------
# Command line and audit


def test_it_exports_from_the_command_line(tmp_path):
    build_directory()
    out, err = io.StringIO(), io.StringIO()
    call_command("hsds_export", str(tmp_path / "directory.zip"), stdout=out, stderr=err)
    assert zipfile.is_zipfile(tmp_path / "directory.zip")
    assert "service 2" in out.getvalue()
    assert "Writing" in err.getvalue()
    call_command("hsds_export", str(tmp_path / "directory.json"), stdout=out, stderr=err)
    assert json.loads((tmp_path / "directory.json").read_text())["services"]
    call_command("hsds_export", str(tmp_path / "all.zip"), "--include-private", stdout=out, stderr=err)
    assert (tmp_path / "all.zip").read_bytes() != (tmp_path / "directory.zip").read_bytes()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["all.zip", "directory.json", "directory.zip"]


def test_it_audits_exports_without_values():
    build_directory()
    export_zip(include_private=True)
    event = AuditEvent.objects.filter(action="directory.hsds_exported").get()
    assert "service" in event.fields
    assert event.reason == "format zip, services 3, include_private True"
