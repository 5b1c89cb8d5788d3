"""HSDS tables as Caseway declares them (hsds.TABLES) are the official ones; shared test helpers.

The helpers (official schema validators, a fictional directory that uses every HSDS table) are
imported by the other test_hsds_* modules.
"""

import datetime as dt
import json
import os
import tarfile
import tempfile
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils import timezone
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from caseway.directory import hsds, hsds_import
from caseway.directory import models as m
from caseway.directory.tests import factories as f

# A copy of the official schemas and examples (LICENSE inside) for checkouts without ../shared.
VENDORED_STANDARD = Path(__file__).with_name("hsds-standard.tar.xz")


def _standards_dir() -> Path:
    """The official HSDS standard: CASEWAY_HSDS_STANDARDS, ../shared/standards/hsds, or the vendored copy."""
    if configured := os.environ.get("CASEWAY_HSDS_STANDARDS"):
        return Path(configured)
    shared = settings.BASE_DIR.parent / "shared" / "standards" / "hsds"
    if shared.is_dir():
        return shared
    unpacked = Path(tempfile.mkdtemp(prefix="caseway-hsds-"))
    with tarfile.open(VENDORED_STANDARD) as archive:
        archive.extractall(unpacked, filter="data")
    return unpacked


STANDARDS = _standards_dir()
SCHEMA_DIR = STANDARDS / "schema"
EXAMPLES_CSV = STANDARDS / "examples" / "csv"
BASE_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
OPENAPI_URL = BASE_URL + "openapi.json"

# What a test may never find in any public output: the confidential shelter's hidden details.
SHELTER_SECRETS = (
    "Hidden Lane",
    "Secretville",
    "555 7777",
    "9.8765432",
    "8.7654321",
    "blue gate",
    "Shelter house",
    "shelter-contact@example.org",
    "Shelter night manager",
    "Knock twice",
    "Hidden Lane annex",
    "Meet at the blue door",
    "https://shelter.example.org/secret",
)


def _registry() -> Registry:
    if not SCHEMA_DIR.is_dir():
        pytest.fail(f"The official HSDS schemas are expected in {STANDARDS} (set CASEWAY_HSDS_STANDARDS).")
    resources = []
    for path in SCHEMA_DIR.glob("*.json"):
        resources.append((BASE_URL + path.name, path))
    for path in (SCHEMA_DIR / "compiled").glob("*.json"):
        resources.append((BASE_URL + "compiled/" + path.name, path))
    return Registry().with_resources(
        (url, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012))
        for url, path in resources
    )


_REGISTRY = None


def official_validator(reference: str) -> Draft202012Validator:
    """A validator for an official schema, by URL (relative to .../3.0/schema/), with every $ref
    resolved from the local copies and the formats checked."""
    global _REGISTRY  # loading the compiled schemas (13 MB) once is enough
    if _REGISTRY is None:
        _REGISTRY = _registry()
    return Draft202012Validator(
        {"$ref": BASE_URL + reference}, registry=_REGISTRY, format_checker=hsds_import.format_checker()
    )


def openapi_response_validator(path: str) -> Draft202012Validator:
    """The 200 response schema of ``GET path`` in the official openapi.json."""
    escaped = path.replace("~", "~0").replace("/", "~1")
    return official_validator(f"openapi.json#/paths/{escaped}/get/responses/200/content/application~1json/schema")


def assert_valid(validator, instance):
    errors = sorted(validator.iter_errors(instance), key=lambda error: list(error.absolute_path))
    assert not errors, "\n".join(f"{list(error.absolute_path)}: {error.message}" for error in errors[:10])


# ---------------------------------------------------------------------------------------------
# A fictional directory that uses every HSDS table


def build_directory():
    """Organizations, services and locations with every kind of detail, one confidential shelter,
    a private service, formula-like and non-Latin text. Returns the interesting rows by name."""
    region = f.Admin1Factory(pcode="XA01", name="Northmarch")
    district = f.Admin2Factory(parent=region, pcode="XA0101", name="Riverbend District")
    other_district = f.Admin2Factory(parent=region, pcode="XA0102", name="Hillside District")
    taxonomy = m.Taxonomy.objects.create(
        name="Fictional needs", description="An imported taxonomy.", uri="https://example.org/needs", version="2"
    )
    need = m.TaxonomyTerm.objects.create(
        taxonomy_ref=taxonomy, code="N1", name="Night care", description="Care at night.", language="en"
    )

    alpha = f.OrganizationFactory(
        name="Alpha Fictional Aid",
        alternate_name="AFA",
        email="info@alpha.example.org",
        website="https://alpha.example.org",
        year_incorporated=2004,
        description="Aide fictive — مساعدة خيالية",
    )
    beta = f.OrganizationFactory(name="Beta Fictional Shelter Network", parent_organization=alpha)
    gamma = f.OrganizationFactory(name="Gamma Private Services")
    program = m.Program.objects.create(organization=alpha, name="Recovery programme", description="Fictional.")

    counselling = f.ServiceFactory(
        organization=alpha,
        program=program,
        name="Counselling for women",
        alternate_name='=HYPERLINK("https://evil.example")',
        description="Talk therapy; -not a formula- and 'quoted' and '=already guarded.",
        url="https://alpha.example.org/counselling",
        email="+counselling@alpha.example.org",
        minimum_age=16,
        maximum_age=99,
        assured_date=dt.date(2025, 3, 1),
        sex_eligibility=m.Sex.FEMALE,
        provides_childcare=True,
        last_modified=timezone.make_aware(dt.datetime(2025, 3, 1, 9, 30, 15, 123456), dt.UTC),
        categories=["mhpss.counselling", "health.cmr"],
    )
    m.ServiceTerm.objects.create(service=counselling, taxonomy_term=need, value="nights", label="Night care")
    centre = f.LocationFactory(
        organization=alpha,
        name="Riverbend Women's Centre on Market Lane",
        admin_area=district,
        latitude=Decimal("-1.2345678"),
        longitude=Decimal("36.1000000"),
        url="https://alpha.example.org/centre",
    )
    f.AddressFactory(location=centre, address_1="12 Market Lane", city="Riverbend")
    m.Accessibility.objects.create(location=centre, feature=m.Accessibility.Feature.WHEELCHAIR, description="Ramp")
    f.LanguageFactory(location=centre, code="fr", name="French")
    sal = m.ServiceAtLocation.objects.create(service=counselling, location=centre, description="Mornings here.")
    centre_phone = f.PhoneFactory(location=centre, number="+999 555 0101", extension=12, type="voice")
    f.LanguageFactory(phone=centre_phone, code="ar", name="Arabic")
    f.PhoneFactory(service=counselling, number="-555 0102 (text only)")
    f.PhoneFactory(service_at_location=sal, number="+999 555 0103")
    contact = m.Contact.objects.create(service=counselling, name="Intake desk", email="intake@alpha.example.org")
    f.PhoneFactory(contact=contact, number="+999 555 0104")
    f.ScheduleFactory(service=counselling, description="Weekdays")
    f.ScheduleFactory(service_at_location=sal, byday="SA", opens_at=dt.time(10), closes_at=dt.time(12))
    f.ScheduleFactory(location=centre, freq="MONTHLY", byday="1MO", timezone=Decimal("3.50"))
    m.ServiceArea.objects.create(service=counselling, name="Northmarch", admin_area=region)
    m.ServiceArea.objects.create(service_at_location=sal, name="Riverbend", extent_type="text")
    f.LanguageFactory(service=counselling, code="ar", name="Arabic", note="عربي")
    m.Funding.objects.create(service=counselling, source="Fictional fund")
    m.Funding.objects.create(organization=alpha, source="Core donors")
    m.CostOption.objects.create(
        service=counselling, option="Free", currency="XAF", amount=Decimal("0"), valid_from=dt.date(2025, 1, 1)
    )
    m.RequiredDocument.objects.create(service=counselling, document="None needed")
    places = f.UnitFactory(name="places", scheme="caseway", identifier="places")
    f.ServiceCapacityFactory(
        service=counselling,
        unit=places,
        available=Decimal("3.50"),
        maximum=Decimal("10"),
        updated=timezone.make_aware(dt.datetime(2025, 4, 2, 8, 0), dt.UTC),
    )
    m.Url.objects.create(service=counselling, label="Leaflet", url="https://alpha.example.org/leaflet.pdf")
    m.Url.objects.create(organization=alpha, label="Annual report", url="https://alpha.example.org/report")
    m.OrganizationIdentifier.objects.create(
        organization=alpha, identifier_scheme="XA-REG", identifier_type="Registration", identifier="12345"
    )
    f.PhoneFactory(organization=alpha, number="+999 555 0100")
    m.Attribute.objects.create(
        link_id=counselling.id, taxonomy_term=need, link_entity="service", link_type="audience", value="x"
    )
    m.Attribute.objects.create(link_id=centre.id, taxonomy_term=need, link_entity="location", value="night door")
    m.Metadata.objects.create(
        resource_id=counselling.id,
        resource_type="service",
        last_action_date=dt.date(2025, 3, 1),
        last_action_type="update",
        field_name="name",
        previous_value="Counselling",
        replacement_value="Counselling for women",
        updated_by="Fictional editor",
    )
    m.MetaTableDescription.objects.create(name="services", language="en", character_set="UTF-8")

    # The confidential shelter (org beta): every hidden detail it can have.
    shelter, shelter_location = f.confidential_shelter(organization=beta, name="Safe shelter")
    shelter_location.admin_area = district
    shelter_location.url = "https://shelter.example.org/secret"
    shelter_location.alternate_name = "Hidden Lane annex"
    shelter_location.save()
    shelter_sal = shelter.service_at_locations.get()
    shelter_sal.description = "Meet at the blue door"
    shelter_sal.save()
    m.Contact.objects.create(
        location=shelter_location, name="Shelter night manager", email="shelter-contact@example.org"
    )
    m.Contact.objects.create(service_at_location=shelter_sal, name="Shelter night manager")
    f.ScheduleFactory(location=shelter_location, notes="Knock twice")
    f.ScheduleFactory(service_at_location=shelter_sal, notes="Knock twice")
    f.PhoneFactory(service=shelter, location=shelter_location, number="+999 555 7777 ext")  # cross-linked
    f.PhoneFactory(service_at_location=shelter_sal, number="+999 555 7777")
    m.ServiceArea.objects.create(service_at_location=shelter_sal, name="Hidden Lane", extent="Hidden Lane 7")
    m.Accessibility.objects.create(
        location=shelter_location,
        feature=m.Accessibility.Feature.FEMALE_STAFF,
        description="Ramp behind the blue gate",
        url="https://shelter.example.org/secret",
    )
    f.LanguageFactory(location=shelter_location, code="so", name="Somali", note="Ask at the blue gate")
    m.Attribute.objects.create(
        link_id=shelter_location.id, taxonomy_term=need, link_entity="location", value="Knock twice"
    )
    m.Metadata.objects.create(
        resource_id=shelter_location.id,
        resource_type="location",
        last_action_date=dt.date(2025, 1, 1),
        last_action_type="update",
        field_name="name",
        previous_value="Old Hidden Lane house",
        replacement_value="Shelter house on Hidden Lane",
        updated_by="Fictional editor",
    )
    f.ServiceCapacityFactory(service=shelter, unit=places, available=Decimal("4"), maximum=Decimal("12"))

    # A service that is not listed publicly, at its own open location.
    private = f.ServiceFactory(organization=gamma, name="Private legal desk", is_public=False)
    private_place = f.LocationFactory(organization=gamma, name="Gamma back office", admin_area=other_district)
    m.ServiceAtLocation.objects.create(service=private, location=private_place)
    f.PhoneFactory(service=private, number="+999 555 0999")
    return SimpleNamespace(
        alpha=alpha,
        beta=beta,
        gamma=gamma,
        program=program,
        counselling=counselling,
        centre=centre,
        sal=sal,
        shelter=shelter,
        shelter_location=shelter_location,
        shelter_sal=shelter_sal,
        private=private,
        private_place=private_place,
        district=district,
        region=region,
        taxonomy=taxonomy,
        need=need,
    )


# ---------------------------------------------------------------------------------------------
# The tables are the official ones


def _official_table(path: Path):
    schema = json.loads(path.read_text())
    properties = schema["properties"]
    columns = [name for name, value in properties.items() if value.get("type") not in (None, "array", "object")]
    required = (set(schema.get("required", [])) | set(schema.get("tabular_required", []))) & set(columns)
    return schema, columns, required


def _official_kind(definition) -> str:
    if definition["type"] == "number":
        return "number"
    if definition.get("format") == "date-time" or definition.get("datapackage_type") == "datetime":
        return "datetime"
    if definition.get("datapackage_type") in ("date", "time"):
        return definition["datapackage_type"]
    return definition.get("format", "string")


def test_it_declares_every_official_table_with_its_file():
    official = {}
    for path in SCHEMA_DIR.glob("*.json"):
        if path.name != "openapi.json":
            schema = json.loads(path.read_text())
            official[schema["name"]] = schema["path"]
    assert {name: table.path for name, table in hsds.TABLES.items()} == official


@pytest.mark.parametrize("table", sorted(hsds.TABLES))
def test_it_declares_the_official_columns_types_and_requirements(table):
    schema, columns, required = _official_table(SCHEMA_DIR / f"{table}.json")
    spec = hsds.TABLES[table]
    assert spec.column_names == columns
    assert {column.name for column in spec.columns if column.required} == required
    for column in spec.columns:
        definition = schema["properties"][column.name]
        assert column.kind == _official_kind(definition), column.name
        assert list(column.enum or []) == definition.get("enum", []), column.name


def test_it_validates_rows_with_the_official_row_schema():
    """The importer's row schema says what the official schema says of each column."""
    for table in hsds.TABLES:
        ours = hsds_import.row_schema(table)
        schema, columns, required = _official_table(SCHEMA_DIR / f"{table}.json")
        assert list(ours["properties"]) == columns
        assert set(ours["required"]) == required
        for name in columns:
            official = schema["properties"][name]
            assert ours["properties"][name]["type"] == official["type"]
            if "format" in official:
                assert ours["properties"][name]["format"] == official["format"]


def test_it_links_tables_by_existing_columns():
    for table, links in hsds.LINKS.items():
        for column, (target, kind) in links.items():
            assert column in hsds.TABLES[table].column_names
            assert target is None or target in hsds.TABLES
            assert kind in (hsds.REQUIRED, hsds.OWNER, hsds.OPTIONAL)


def test_it_gives_facets_stable_ids():
    assert {facet.term_id for facet in hsds.FACETS} == set(hsds.FACETS_BY_TERM_ID)
    assert str(hsds.FACETS_TAXONOMY_ID) == "293ec722-a18c-56b8-be8c-fbd4585ba82a"
    assert hsds.facet_attribute_id("x", "sex_eligibility") == hsds.facet_attribute_id("x", "sex_eligibility")
