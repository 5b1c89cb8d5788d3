"""HSDS import: the official example, validation, references, safety limits, atomicity, audit."""

import io
import json
import os
import stat
import uuid
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from caseway.audit.models import AuditEvent
from caseway.directory import hsds, hsds_import
from caseway.directory import models as m
from caseway.directory.taxonomy import term_id
from caseway.directory.tests import factories as f
from caseway.directory.tests.test_hsds_tables import EXAMPLES_CSV
from caseway.orgs.models import Organization, OrganizationType

pytestmark = pytest.mark.django_db

ORG_ID = "d0000000-0000-4000-8000-000000000001"
SERVICE_ID = "d0000000-0000-4000-8000-000000000002"
ORGANIZATIONS = "organizations.csv"
SERVICES = "services.csv"


def row_counts() -> dict:
    counts = {name: model.objects.count() for name, model in hsds.MODELS.items()}
    counts["service_term"] = m.ServiceTerm.objects.count()
    return counts


def table(name, **values) -> str:
    """One CSV with the official header of ``name`` and one row per dict in values["rows"]."""
    columns = hsds.TABLES[name].column_names
    lines = [",".join(columns)]
    for row in values.get("rows", ()):
        lines.append(",".join(_cell(row.get(column, "")) for column in columns))
    return "\r\n".join(lines) + "\r\n"


def _cell(value) -> str:
    text = str(value)
    return '"' + text.replace('"', '""') + '"' if any(char in text for char in ',"\n') else text


def zipped(files: dict) -> io.BytesIO:
    handle = io.BytesIO()
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    handle.seek(0)
    return handle


def organization(**values):
    return {"id": ORG_ID, "name": "Delta Fictional Care", "description": "Fictional."} | values


def service(**values):
    return {"id": SERVICE_ID, "organization_id": ORG_ID, "name": "Delta counselling", "status": "active"} | values


def valid_files(**overrides) -> dict:
    files = {
        ORGANIZATIONS: table("organization", rows=[organization()]),
        SERVICES: table("service", rows=[service()]),
    }
    return files | overrides


def run(files_or_handle, **kwargs):
    source = zipped(files_or_handle) if isinstance(files_or_handle, dict) else files_or_handle
    return hsds_import.package_import(actor=None, source=source, name="package.zip", **kwargs)


def issues(report, kind="errors"):
    return {(issue.file, issue.row, issue.field) for issue in getattr(report, kind)}


# ---------------------------------------------------------------------------------------------
# The official example


EXAMPLE_WARNINGS = {
    ("datapackage.json", "", ""),  # a git symlink stored as text: tables are found by file name
    ("organizations.csv", "2", "parent_organization_id"),
    ("locations.csv", "2", "organization_id"),
    ("locations.csv", "2", "latitude"),  # latitude 100
    ("contacts.csv", "2", "organization_id"),
    ("contacts.csv", "2", "service_at_location_id"),
    ("service_areas.csv", "2", "service_at_location_id"),
    ("service_capacity.csv", "2", "service_id"),  # its service (and unit) are not in the package: left out
    ("attributes.csv", "2", "link_id"),
    ("metadata.csv", "2", "resource_id"),
    ("taxonomy_terms.csv", "2", "parent_id"),
    ("taxonomy_terms.csv", "2", "taxonomy_id"),
}


def test_it_imports_the_official_example_csvs_cleanly_with_warnings():
    report = hsds_import.package_import(actor=None, source=EXAMPLES_CSV)
    assert report.ok, [str(issue) for issue in report.errors]
    assert issues(report, "warnings") == EXAMPLE_WARNINGS
    assert sum(report.created.values()) == 21
    assert report.skipped == {"service_capacity": 1, "attribute": 1, "metadata": 1}
    example = m.Service.objects.get(id="ac148810-d857-441c-9679-408f346de14b")
    assert (example.name, example.minimum_age, example.is_public) == ("Community Counselling", 12, False)
    assert example.organization.type == OrganizationType.OTHER
    assert str(example.organization.hsds_id) == "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
    assert example.last_modified.isoformat() == "2023-03-15T10:30:45.123000+00:00"
    location = m.Location.objects.get(id="3a19ff88-4620-4d17-9830-ac1d859eb5d5")
    assert (location.latitude, location.longitude, location.organization) == (None, None, None)
    assert m.Phone.objects.get().number == '"+44 1234 234567"'
    schedule = m.Schedule.objects.get()
    assert (str(schedule.opens_at), schedule.byday, schedule.timezone) == ("10:00:00", "TH,FR", 3)


def test_it_imports_the_official_example_zipped_and_again_as_updates():
    files = {path.name: path.read_bytes() for path in EXAMPLES_CSV.iterdir()}
    first = run(zipped(files))
    assert first.ok
    again = run(zipped(files))
    assert again.ok
    assert sum(again.created.values()) == 0
    assert sum(again.updated.values()) == sum(first.created.values())


def test_it_reads_a_folder_with_a_datapackage_descriptor(tmp_path):
    descriptor = {
        "profile": "tabular-data-package",
        "resources": [{"name": "organization", "path": "orgs.csv"}, {"name": "service", "path": "data/svc.csv"}],
    }
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    (tmp_path / "orgs.csv").write_text(table("organization", rows=[organization()]))
    (tmp_path / "svc.csv").write_text(table("service", rows=[service()]))
    (tmp_path / "notes.txt").write_text("not a table")
    report = hsds_import.package_import(actor=None, source=tmp_path)
    assert report.ok, report.errors
    assert report.created == {"organization": 1, "service": 1}
    assert issues(report, "warnings") == {("notes.txt", "", "")}


# ---------------------------------------------------------------------------------------------
# Bad rows: clear errors, nothing written


BAD_PACKAGES = {
    "wrong type": (
        valid_files(**{SERVICES: table("service", rows=[service(minimum_age="twelve")])}),
        (SERVICES, "2", "minimum_age"),
    ),
    "not a whole number": (
        valid_files(**{SERVICES: table("service", rows=[service(minimum_age="12.5")])}),
        (SERVICES, "2", "minimum_age"),
    ),
    "bad uuid": (valid_files(**{SERVICES: table("service", rows=[service(id="12345")])}), (SERVICES, "2", "id")),
    "bad email": (
        valid_files(**{ORGANIZATIONS: table("organization", rows=[organization(email="nobody")])}),
        (ORGANIZATIONS, "2", "email"),
    ),
    "bad url": (
        valid_files(**{ORGANIZATIONS: table("organization", rows=[organization(website="not a url")])}),
        (ORGANIZATIONS, "2", "website"),
    ),
    "bad date": (
        valid_files(**{SERVICES: table("service", rows=[service(assured_date="2025-13-40")])}),
        (SERVICES, "2", "assured_date"),
    ),
    "bad date-time": (
        valid_files(**{SERVICES: table("service", rows=[service(last_modified="last tuesday")])}),
        (SERVICES, "2", "last_modified"),
    ),
    "bad enum": (
        valid_files(**{SERVICES: table("service", rows=[service(status="open")])}),
        (SERVICES, "2", "status"),
    ),
    "missing required field": (
        valid_files(**{SERVICES: table("service", rows=[service(organization_id="")])}),
        (SERVICES, "2", "organization_id"),
    ),
    "empty name": (
        valid_files(**{SERVICES: table("service", rows=[service(name="")])}),
        (SERVICES, "2", "name"),
    ),
    "missing required column": (
        valid_files(**{SERVICES: "id,organization_id,name\r\n" + f"{SERVICE_ID},{ORG_ID},X\r\n"}),
        (SERVICES, "1", "status"),
    ),
    "dangling required reference": (
        valid_files(**{SERVICES: table("service", rows=[service(organization_id=str(uuid.uuid4()))])}),
        (SERVICES, "2", "organization_id"),
    ),
    "dangling service at location": (
        valid_files(
            **{
                "service_at_location.csv": table(
                    "service_at_location",
                    rows=[{"id": str(uuid.uuid4()), "service_id": SERVICE_ID, "location_id": str(uuid.uuid4())}],
                )
            }
        ),
        ("service_at_location.csv", "2", "location_id"),
    ),
    "duplicate ids": (
        valid_files(**{SERVICES: table("service", rows=[service(), service(name="Twice")])}),
        (SERVICES, "3", "id"),
    ),
    "age range": (
        valid_files(**{SERVICES: table("service", rows=[service(minimum_age=20, maximum_age=10)])}),
        (SERVICES, "2", "maximum_age"),
    ),
    "wrong cell count": (
        valid_files(**{SERVICES: table("service") + f"{SERVICE_ID},{ORG_ID}\r\n"}),
        (SERVICES, "2", ""),
    ),
    "facet value": (
        valid_files(
            **{
                "attributes.csv": table(
                    "attribute",
                    rows=[
                        {
                            "id": str(uuid.uuid4()),
                            "link_id": SERVICE_ID,
                            "taxonomy_term_id": str(hsds.FACETS_BY_CODE["sex_eligibility"].term_id),
                            "link_entity": "service",
                            "value": "robots",
                        }
                    ],
                )
            }
        ),
        ("attributes.csv", "2", "value"),
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_PACKAGES))
def test_it_refuses_bad_rows_with_file_row_and_field_and_writes_nothing(case):
    files, expected = BAD_PACKAGES[case]
    before = row_counts()
    report = run(files)
    assert not report.ok
    assert expected in issues(report), [str(issue) for issue in report.errors]
    assert all(issue.message for issue in report.errors)
    assert row_counts() == before
    assert not AuditEvent.objects.filter(action="directory.hsds_imported").exists()


def test_it_refuses_what_caseway_cannot_store():
    location_id = str(uuid.uuid4())
    files = valid_files(
        **{
            "locations.csv": table("location", rows=[{"id": location_id, "location_type": "physical"}]),
            "addresses.csv": table(
                "address",
                rows=[
                    {
                        "id": str(uuid.uuid4()),
                        "location_id": location_id,
                        "address_1": "1 Road",
                        "city": "Town",
                        "state_province": "Region",
                        "postal_code": "0",
                        "country": "USA",
                        "address_type": "physical",
                    }
                ],
            ),
        }
    )
    report = run(files)
    assert issues(report) == {("addresses.csv", "2", "country")}
    assert "2" in report.errors[0].message  # "at most 2 characters"


def test_it_writes_nothing_when_one_row_of_many_is_bad():
    rows = [service(id=str(uuid.uuid4()), name=f"Service {number}") for number in range(50)]
    rows.append(service(id=str(uuid.uuid4()), status="closed"))
    before = row_counts()
    report = run(valid_files(**{SERVICES: table("service", rows=rows)}))
    assert issues(report) == {(SERVICES, "52", "status")}
    assert row_counts() == before


def test_it_refuses_a_package_that_is_not_utf8():
    report = run(valid_files(**{SERVICES: table("service", rows=[service(name="Caf\xe9")]).encode("latin-1")}))
    assert issues(report) == {(SERVICES, "", "")}


# ---------------------------------------------------------------------------------------------
# References


def test_it_leaves_out_orphans_and_empties_optional_links():
    nowhere = str(uuid.uuid4())
    files = valid_files(
        **{
            ORGANIZATIONS: table("organization", rows=[organization(parent_organization_id=nowhere)]),
            "phones.csv": table(
                "phone",
                rows=[
                    {"id": str(uuid.uuid4()), "service_id": nowhere, "number": "1"},
                    {"id": str(uuid.uuid4()), "service_id": SERVICE_ID, "location_id": nowhere, "number": "2"},
                ],
            ),
        }
    )
    report = run(files)
    assert report.ok
    assert issues(report, "warnings") == {
        (ORGANIZATIONS, "2", "parent_organization_id"),
        ("phones.csv", "2", "service_id"),
        ("phones.csv", "3", "location_id"),
    }
    (phone,) = m.Phone.objects.all()
    assert (phone.number, str(phone.service_id), phone.location_id) == ("2", SERVICE_ID, None)


def test_it_finds_references_in_the_database():
    existing = f.ServiceFactory()
    files = {
        "phones.csv": table("phone", rows=[{"id": str(uuid.uuid4()), "service_id": str(existing.id), "number": "9"}])
    }
    report = run(files)
    assert report.ok
    assert existing.phones.get().number == "9"


# ---------------------------------------------------------------------------------------------
# Upserts, organizations, facets, categories, JSON


def test_it_upserts_by_id_and_keeps_what_the_package_does_not_mention():
    assert run(valid_files()).ok
    other = f.ServiceFactory(name="Not in the package")
    report = run(valid_files(**{SERVICES: table("service", rows=[service(name="Renamed", status="inactive")])}))
    assert report.ok, [str(issue) for issue in report.errors]
    assert (report.created, report.updated) == ({}, {"organization": 1, "service": 1})
    renamed = m.Service.objects.get(id=SERVICE_ID)
    assert (renamed.name, renamed.status) == ("Renamed", "inactive")
    assert m.Service.objects.filter(id=other.id).exists()


def test_it_keeps_stored_values_of_columns_a_file_does_not_have():
    assert run(valid_files(**{SERVICES: table("service", rows=[service(description="Kept", fees="Free")])})).ok
    narrow = "id,organization_id,name,status\r\n" + f"{SERVICE_ID},{ORG_ID},Renamed,active\r\n"
    report = run(valid_files(**{SERVICES: narrow}))
    assert report.ok, report.errors
    stored = m.Service.objects.get(id=SERVICE_ID)
    assert (stored.name, stored.description, stored.fees) == ("Renamed", "Kept", "Free")


def test_it_takes_abridged_references_in_json_for_what_they_carry():
    counselling = term_id("mhpss.counselling")
    attribute = {
        "id": str(uuid.uuid4()),
        "taxonomy_term_id": str(counselling),
        "taxonomy_term": {"id": str(counselling), "name": "Counselling"},
    }
    document = {"services": [service(organization=organization(), attributes=[attribute])]}
    report = run(io.BytesIO(json.dumps(document).encode()))
    assert report.ok, report.errors
    term = m.TaxonomyTerm.objects.get(id=counselling)
    assert (term.code, term.parent_id, term.description) == ("mhpss.counselling", term_id("mhpss"), term.description)
    assert term.description
    assert list(m.Service.objects.get(id=SERVICE_ID).taxonomy_terms.all()) == [term]


def test_it_needs_every_required_field_of_a_new_record_even_abridged():
    document = {"services": [service(organization={"id": ORG_ID})]}
    report = run(io.BytesIO(json.dumps(document).encode()))
    assert ("package.zip", "services[0].organization", "name") in issues(report)
    assert not m.Service.objects.exists()


def test_it_matches_known_organizations_by_hsds_id_and_keeps_their_network_fields():
    known = f.OrganizationFactory(name="Known Fictional NGO", acronym="KFN")
    files = valid_files(
        **{ORGANIZATIONS: table("organization", rows=[organization(id=str(known.hsds_id), name="Known")])}
    )
    files[SERVICES] = table("service", rows=[service(organization_id=str(known.hsds_id))])
    assert run(files).ok
    known.refresh_from_db()
    assert (known.name, known.acronym, known.type) == ("Known", "KFN", OrganizationType.NATIONAL_NGO)
    assert Organization.objects.count() == 1


def test_it_refuses_an_organization_name_that_another_organization_has():
    f.OrganizationFactory(name="Delta Fictional Care")
    report = run(valid_files())
    assert issues(report) == {(ORGANIZATIONS, "2", "name")}


def test_it_reads_caseway_facets_and_service_categories():
    area = f.Admin2Factory(pcode="XA0909")
    location_id, accessibility_id = str(uuid.uuid4()), str(uuid.uuid4())

    def facet(link, entity, code, value):
        return {
            "id": str(uuid.uuid4()),
            "link_id": link,
            "taxonomy_term_id": str(hsds.FACETS_BY_CODE[code].term_id),
            "link_entity": entity,
            "value": value,
        }

    attributes = [
        facet(SERVICE_ID, "service", "sex_eligibility", "female"),
        facet(SERVICE_ID, "service", "listed_publicly", "true"),
        facet(SERVICE_ID, "service", "accepting_referrals", "false"),
        facet(location_id, "location", "confidential_location", "true"),
        facet(location_id, "location", "admin_area", area.pcode),
        facet(accessibility_id, "accessibility", "accessibility_feature", "sign_language"),
        {
            "id": str(uuid.uuid4()),
            "link_id": SERVICE_ID,
            "taxonomy_term_id": str(term_id("legal.counselling")),
            "link_entity": "service",
        },
    ]
    files = valid_files(
        **{
            "locations.csv": table("location", rows=[{"id": location_id, "location_type": "physical", "name": "X"}]),
            "accessibility.csv": table("accessibility", rows=[{"id": accessibility_id, "location_id": location_id}]),
            "attributes.csv": table("attribute", rows=attributes),
        }
    )
    report = run(files)
    assert report.ok, report.errors
    imported = m.Service.objects.get(id=SERVICE_ID)
    assert (imported.sex_eligibility, imported.is_public, imported.accepting_referrals) == ("female", True, False)
    assert list(imported.taxonomy_terms.values_list("code", flat=True)) == ["legal.counselling"]
    location = m.Location.objects.get(id=location_id)
    assert (location.is_confidential, location.admin_area) == (True, area)
    assert location.accessibility.get().feature == "sign_language"
    assert not m.Attribute.objects.exists()  # facets are fields, categories are ServiceTerms


def test_it_imports_hsds_json():
    document = {
        "organizations": [organization()],
        "services": [
            service(
                phones=[
                    {
                        "id": str(uuid.uuid4()),
                        "number": "+999 1",
                        "languages": [{"id": str(uuid.uuid4()), "code": "fr"}],
                    }
                ],
                organization=organization(),
                service_at_locations=[
                    {
                        "id": str(uuid.uuid4()),
                        "location": {"id": str(uuid.uuid4()), "location_type": "virtual", "name": "Online"},
                    }
                ],
            )
        ],
    }
    report = run(io.BytesIO(json.dumps(document).encode()))
    assert report.ok, report.errors
    phone = m.Phone.objects.get()
    assert (str(phone.service_id), phone.number, phone.languages.get().code) == (SERVICE_ID, "+999 1", "fr")
    assert m.ServiceAtLocation.objects.get().location.name == "Online"


def test_it_refuses_json_that_disagrees_with_itself():
    document = {"organizations": [organization()], "services": [service(organization=organization(name="Other name"))]}
    report = run(io.BytesIO(json.dumps(document).encode()))
    assert ("package.zip", "services[0].organization", "name") in issues(report)
    assert not Organization.objects.exists()


@pytest.mark.parametrize(
    "document",
    [b"[1, 2]", b"{not json", b'{"services": 3}', b'{"unknown": []}', b'{"services": [{"id": "x"}]}'],
)
def test_it_refuses_bad_json(document):
    report = run(io.BytesIO(document))
    assert not report.ok
    assert row_counts()["service"] == 0


# ---------------------------------------------------------------------------------------------
# Files that are not read at all


def _one_member_zip(name, data=b"x", **info):
    handle = io.BytesIO()
    with zipfile.ZipFile(handle, "w") as archive:
        member = zipfile.ZipInfo(name)
        for key, value in info.items():
            setattr(member, key, value)
        archive.writestr(member, data)
    handle.seek(0)
    return handle


def zip_bomb() -> io.BytesIO:
    """60 MB of zeros in a zip of some 60 KB, written in chunks (never 60 MB in memory)."""
    handle = io.BytesIO()
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive, archive.open(SERVICES, "w") as member:
        chunk = b"\0" * (1024 * 1024)
        for _ in range(60):
            member.write(chunk)
    handle.seek(0)
    return handle


REFUSED = {
    "png": lambda: io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\0" * 100),
    "pdf named zip": lambda: io.BytesIO(b"%PDF-1.7\n" + b"x" * 100),
    "a bare csv": lambda: io.BytesIO(table("organization", rows=[organization()]).encode()),
    "gzip": lambda: io.BytesIO(b"\x1f\x8b\x08\x00" + b"\0" * 100),
    "broken zip": lambda: io.BytesIO(b"PK\x03\x04" + b"\0" * 100),
    "zip bomb": zip_bomb,
    "nested archive": lambda: zipped({"inner.zip": zipped({SERVICES: "x"}).getvalue()}),
    "nested archive by content": lambda: zipped({SERVICES: zipped({"a.csv": "x"}).getvalue()}),
    "path traversal": lambda: zipped({"../organizations.csv": table("organization")}),
    "absolute path": lambda: _one_member_zip("/etc/organizations.csv"),
    "backslash path": lambda: _one_member_zip("..\\organizations.csv"),
    "symlink": lambda: _one_member_zip(ORGANIZATIONS, b"/etc/passwd", external_attr=(stat.S_IFLNK | 0o777) << 16),
    "too many files": lambda: zipped({f"file{number}.csv": "" for number in range(101)}),
    "no table": lambda: zipped({"readme.txt": "hello"}),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_it_refuses_files_it_should_not_read(case):
    before = row_counts()
    report = run(REFUSED[case]())
    assert not report.ok
    assert len(report.errors) == 1
    assert report.errors[0].message
    assert row_counts() == before


@override_settings(CASEWAY_MAX_IMPORT_UNCOMPRESSED_BYTES=10_000)
def test_it_refuses_a_zip_that_unpacks_to_more_than_the_limit():
    big = table("service", rows=[service(id=str(uuid.uuid4()), description="x" * 500) for _ in range(30)])
    report = run(valid_files(**{SERVICES: big}))
    assert not report.ok
    assert "unpacks to more than" in report.errors[0].message


@override_settings(CASEWAY_MAX_IMPORT_BYTES=1000)
def test_it_refuses_a_package_file_larger_than_the_limit(tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"services": [service(description="x" * 2000)]}))
    report = hsds_import.package_import(actor=None, source=path)
    assert not report.ok
    assert "larger than" in report.errors[0].message
    report = run(io.BytesIO(path.read_bytes()))
    assert "larger than" in report.errors[0].message


# ---------------------------------------------------------------------------------------------
# Audit, dry run, command line


def test_it_audits_imports_with_counts_and_table_names_only():
    assert run(valid_files()).ok
    event = AuditEvent.objects.get(action="directory.hsds_imported")
    assert event.fields == ["organization", "service"]
    assert event.reason == "created 2, updated 0, left out 0, warnings 0"
    assert "Delta" not in event.reason


def test_it_writes_nothing_on_a_dry_run():
    before = row_counts()
    report = run(valid_files(), dry_run=True)
    assert report.ok and not report.committed
    assert report.created == {"organization": 1, "service": 1}
    assert row_counts() == before
    assert not AuditEvent.objects.filter(action="directory.hsds_imported").exists()


def test_it_imports_from_the_command_line(tmp_path):
    path = tmp_path / "package.zip"
    path.write_bytes(zipped(valid_files()).getvalue())
    out, err = io.StringIO(), io.StringIO()
    call_command("hsds_import", str(path), "--dry-run", stdout=out, stderr=err)
    assert "nothing was written" in out.getvalue()
    assert not m.Service.objects.exists()
    call_command("hsds_import", str(path), stdout=out, stderr=err)
    assert "service: 1 created" in out.getvalue()
    assert "Checking rows" in err.getvalue()
    assert m.Service.objects.filter(id=SERVICE_ID).exists()


def test_it_fails_on_the_command_line_with_every_error(tmp_path):
    path = tmp_path / "bad.zip"
    path.write_bytes(
        zipped(valid_files(**{SERVICES: table("service", rows=[service(status="x", email="y")])})).getvalue()
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 error"):
        call_command("hsds_import", str(path), stdout=io.StringIO(), stderr=err)
    assert "error: services.csv, row 2, status" in err.getvalue()
    assert "error: services.csv, row 2, email" in err.getvalue()
    assert not m.Service.objects.exists()


def test_it_imports_the_official_example_folder_from_the_command_line():
    out = io.StringIO()
    call_command("hsds_import", str(EXAMPLES_CSV), stdout=out, stderr=io.StringIO(), verbosity=0)
    assert "Imported." in out.getvalue()
    assert os.path.isdir(EXAMPLES_CSV)
