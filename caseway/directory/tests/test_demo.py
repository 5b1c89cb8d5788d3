"""The demo directory (manage.py seed_demo): fictional, rich enough to try every filter, idempotent."""

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from caseway.directory import demo
from caseway.directory.admin_areas import area_id
from caseway.directory.models import (
    Accessibility,
    Address,
    AdminArea,
    Contact,
    Funding,
    Language,
    Location,
    Phone,
    Program,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    ServiceTerm,
    TaxonomyTerm,
)
from caseway.directory.taxonomy import shipped_taxonomy, term_id
from caseway.orgs.models import Organization

DIRECTORY_TABLES = [
    AdminArea,
    Program,
    Service,
    ServiceTerm,
    Location,
    Address,
    Phone,
    Accessibility,
    Language,
    Schedule,
    Contact,
    RequiredDocument,
    Funding,
    ServiceCapacity,
]
# ISO 639-1 (or 639-2 "sgn" for sign languages) codes the demo may use.
KNOWN_LANGUAGES = {"ar", "fr", "en", "es", "ha", "ff", "so", "ti", "sgn"}


def _seed():
    call_command("seed_demo", up_to="directory", stdout=StringIO())


def _snapshot():
    return {model.__name__: sorted(map(repr, model.objects.order_by("pk").values())) for model in DIRECTORY_TABLES}


@pytest.fixture
def seeded(demo_directory, db):
    """The demo directory, seeded once for the module (and every demo module after it)."""


def _services_with(code):
    return Service.objects.filter(service_terms__taxonomy_term_id=term_id(code))


def test_it_lists_at_least_sixty_services_in_both_countries(seeded):
    assert Service.objects.count() >= 60
    countries = set(
        Location.objects.filter(service_at_locations__isnull=False).values_list("admin_area__pcode", flat=True)
    )
    assert {pcode[:2] for pcode in countries} == {"XA", "XB"}
    assert set(Service.objects.values_list("organization__country", flat=True)) == {"XA", "XB"}


def test_it_gives_every_demo_organization_services(seeded):
    acronyms = set(Service.objects.values_list("organization__acronym", flat=True))

    assert acronyms == {"RSM", "HWN", "SPI", "RHC", "MSA", "BLC", "HCC", "UFR", "GVC", "CFR"}


def test_it_builds_three_regions_per_country_with_two_or_three_districts_each(seeded):
    for country in ("XA", "XB"):
        regions = AdminArea.objects.filter(parent__pcode=country, level=AdminArea.Level.ADMIN1)
        assert regions.count() == 3
        for region in regions:
            assert 2 <= region.children.filter(level=AdminArea.Level.ADMIN2).count() <= 3


def test_it_names_areas_in_french_and_arabic_and_places_them_with_pcode_ids(seeded):
    for area in AdminArea.objects.filter(pcode__regex=r"^X[AB]"):
        assert {"fr", "ar"} <= set(area.name_translations), area.pcode
        assert area.id == area_id(area.pcode)
        if area.level > AdminArea.Level.COUNTRY:
            assert area.latitude is not None and area.longitude is not None


def test_it_delivers_services_in_at_least_four_districts(seeded):
    districts = set(
        Location.objects.filter(
            service_at_locations__isnull=False, admin_area__level=AdminArea.Level.ADMIN2
        ).values_list("admin_area__pcode", flat=True)
    )

    assert len(districts) >= 4
    assert {pcode[:2] for pcode in districts} == {"XA", "XB"}


def test_it_covers_every_top_level_category_of_the_taxonomy(seeded):
    top_level = {entry["code"] for entry in shipped_taxonomy()["terms"] if not entry.get("parent")}
    used = set()
    for term in TaxonomyTerm.objects.filter(service_terms__isnull=False).select_related("parent"):
        used.add(term.parent.code if term.parent else term.code)

    assert top_level <= used


def test_it_has_confidential_safe_shelters_at_confidential_locations(seeded):
    shelters = _services_with("protection.safe_shelter").filter(service_at_locations__location__is_confidential=True)

    assert shelters.count() >= 2
    assert shelters.filter(is_public=True).exists()  # so the public directory shows the redaction
    for shelter in shelters:
        location = shelter.service_at_locations.get().location
        assert location.organization_id == shelter.organization_id
        assert location.admin_area.level == AdminArea.Level.ADMIN2


def test_it_has_services_at_capacity_and_with_places(seeded):
    places = ServiceCapacity.objects.filter(unit__name="places")

    assert places.filter(available=0).values("service").distinct().count() >= 3
    assert places.filter(available__gt=0).exists()
    assert ServiceCapacity.objects.filter(unit__name="waiting days").exists()


def test_it_speaks_arabic_french_english_and_local_languages(seeded):
    codes = set(Language.objects.values_list("code", flat=True))

    assert {"ar", "fr", "en"} <= codes
    assert len(codes) >= 4
    assert codes <= KNOWN_LANGUAGES
    assert not Service.objects.filter(languages__isnull=True).exists()


def test_it_varies_status_visibility_and_support_flags(seeded):
    assert Service.objects.filter(status=Service.Status.TEMPORARILY_CLOSED).exclude(alert="").count() >= 2
    assert Service.objects.filter(is_public=False).count() >= 2
    assert Service.objects.filter(provides_childcare=True).count() >= 2
    assert Service.objects.filter(provides_transport=True).count() >= 2
    assert Service.objects.filter(accepting_referrals=False).exists()
    assert Service.objects.exclude(interpretation_services="").count() >= 2
    assert _services_with("interpretation.spoken").exists()
    assert Service.objects.filter(sex_eligibility="female").exists()
    assert Service.objects.filter(maximum_age__isnull=False).exists()
    assert Service.objects.filter(assured_date__isnull=False).exists()


def test_it_gives_every_service_a_place_hours_a_phone_and_funding(seeded):
    for service in Service.objects.all():
        assert service.service_at_locations.exists(), service.name
        assert service.schedules.exists(), service.name
        assert service.phones.exists(), service.name
        assert service.funding.exists(), service.name
    assert Schedule.objects.filter(freq="WEEKLY").exclude(byday="").count() == Schedule.objects.count()
    assert Program.objects.count() >= 10
    assert RequiredDocument.objects.exists()
    assert Accessibility.objects.values("feature").distinct().count() >= 5
    assert Location.objects.filter(location_type=Location.LocationType.VIRTUAL).exists()


def test_it_places_every_pin_in_the_fictional_box_at_sea(seeded):
    for model in (Location, AdminArea):
        for latitude, longitude in model.objects.exclude(latitude=None).values_list("latitude", "longitude"):
            assert Decimal(1) <= latitude <= Decimal(3)
            assert Decimal(1) <= longitude <= Decimal(4)


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def test_it_holds_nothing_that_looks_like_personal_data(seeded):
    assert not Contact.objects.exclude(name="").exists()
    assert not Contact.objects.exclude(title="").exists()
    assert all(number.startswith("+999 ") for number in Phone.objects.values_list("number", flat=True))
    for model in DIRECTORY_TABLES:
        text_fields = [f.name for f in model._meta.fields if isinstance(f, (models.CharField, models.TextField))]
        for row in model.objects.values_list(*text_fields):
            for value in row:
                for match in EMAIL.finditer(value or ""):
                    assert match.group().endswith(".demo.example.org"), (model.__name__, value)
                assert not re.search(r"\b(Mr|Mrs|Ms|Dr)\.? [A-Z]", value or ""), (model.__name__, value)
                assert not re.search(r"\+(?!999)\d", value or ""), (model.__name__, value)
    assert set(Address.objects.values_list("country", flat=True)) <= {"XA", "XB"}


def test_it_changes_nothing_and_writes_nothing_when_run_again(seeded):
    before = _snapshot()

    with CaptureQueriesContext(connection) as queries:
        _seed()

    assert _snapshot() == before
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if re.match(r'\s*(INSERT|UPDATE|DELETE)\b.*"directory_', query["sql"], re.S)
    ]
    assert writes == []


def test_it_rebuilds_the_same_rows_with_the_same_ids(seeded):
    before = _snapshot()
    for model in reversed(DIRECTORY_TABLES[1:]):
        model.objects.all().delete()

    _seed()

    assert _snapshot() == before
    assert set(Service.objects.values_list("id", flat=True)) == {
        demo.demo_id("service", spec.key) for spec in demo.SERVICES
    }


def test_it_restores_a_demo_row_that_someone_changed(seeded):
    service = Service.objects.get(id=demo.demo_id("service", "rhc-cmr"))
    Service.objects.filter(pk=service.pk).update(name="Changed", is_public=False)

    _seed()

    service.refresh_from_db()
    assert (service.name, service.is_public) == ("Clinical management of rape", True)


def test_it_leaves_services_of_other_organizations_alone(db):
    other = Organization.objects.create(name="Partner NGO", acronym="PNG", type="national_ngo", country="XA")
    kept = Service.objects.create(organization=other, name="Partner service")

    _seed()

    assert Service.objects.filter(pk=kept.pk, name="Partner service").exists()


def test_it_keys_every_demo_service_uniquely():
    keys = [spec.key for spec in demo.SERVICES]

    assert len(keys) == len(set(keys))
    assert all(spec.district in demo.DISTRICTS for spec in demo.SERVICES)


def test_it_passes_the_models_own_validation(seeded):
    for model in [*DIRECTORY_TABLES, ServiceArea, ServiceAtLocation]:
        for row in model.objects.all():
            row.full_clean(validate_unique=False, validate_constraints=False)
