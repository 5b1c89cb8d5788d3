"""queries.search_services: each filter keeps what matches and drops what does not."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings

from caseway.directory import queries, services
from caseway.directory.models import (
    Accessibility,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Sex,
    Taxonomy,
    TaxonomyTerm,
)
from caseway.directory.queries import category_term_ids, search_results_page, search_services
from caseway.directory.schedules import refresh_openings
from caseway.directory.services import taxonomy_term_create
from caseway.directory.tests import test_hsds_import as package
from caseway.directory.tests.factories import (
    AddressFactory,
    Admin1Factory,
    Admin2Factory,
    LanguageFactory,
    LocationFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceCapacityFactory,
    ServiceFactory,
    confidential_shelter,
    term,
)

pytestmark = pytest.mark.django_db

MONDAY_10_UTC = datetime.datetime(2026, 5, 4, 10, tzinfo=datetime.UTC)


@pytest.fixture
def membership(personas):
    return personas.caseworker_b.memberships.get()


def found(membership, **filters):
    return set(search_services(membership_or_none=membership, **filters))


def test_without_filters_staff_see_every_listed_service_and_the_public_only_public_ones(membership):
    public = ServiceFactory(is_public=True)
    staff_only = ServiceFactory(is_public=False)
    closed = ServiceFactory(status=Service.Status.TEMPORARILY_CLOSED)
    defunct = ServiceFactory(status=Service.Status.DEFUNCT)

    assert found(membership) == {public, staff_only, closed}
    assert found(None) == {public, closed}
    assert defunct not in found(membership)


def test_an_inactive_membership_finds_nothing(membership):
    ServiceFactory()
    membership.is_active = False

    assert found(membership) == set()


def test_it_orders_by_name(membership):
    ServiceFactory(name="Bravo")
    ServiceFactory(name="Alpha")

    assert [service.name for service in search_services(membership_or_none=membership)] == ["Alpha", "Bravo"]


def test_text_matches_every_word_in_names_descriptions_organizations_and_categories(membership):
    counselling = ServiceFactory(name="Women's counselling", description="Weekly groups in Riverside")
    ServiceFactory(name="Legal clinic", description="Weekly advice")
    by_category = ServiceFactory(name="Drop-in", categories=["protection.safe_shelter"])
    by_organization = ServiceFactory(name="Other")
    by_organization.organization.name = "Riverside Health Trust"
    by_organization.organization.save()

    assert found(membership, text="counselling riverside") == {counselling}
    assert found(membership, text="WEEKLY") >= {counselling}
    assert found(membership, text="shelter") == {by_category}
    assert found(membership, text="health trust") == {by_organization}
    assert found(membership, text="nothing-like-this") == set()


def test_text_matches_public_location_addresses_but_only_own_confidential_ones(personas, membership):
    open_centre = ServiceAtLocationFactory(location__name="Market centre").service
    AddressFactory(location=open_centre.service_at_locations.get().location, address_1="12 Palm Road")
    shelter, _location = confidential_shelter(organization=personas.org_a)
    owner = personas.caseworker_a.memberships.get()

    assert found(membership, text="palm road") == {open_centre}
    assert found(membership, text="market") == {open_centre}
    assert found(membership, text="hidden lane") == set()
    assert found(None, text="Secretville") == set()
    assert found(owner, text="hidden lane") == {shelter}
    assert found(owner, text="Secretville") == {shelter}


def test_a_category_includes_its_descendants(membership, personas):
    cmr = ServiceFactory(categories=["health.cmr"])
    primary = ServiceFactory(categories=["health.primary"])
    legal = ServiceFactory(categories=["legal.counselling"])

    assert found(membership, category_codes=["health"]) == {cmr, primary}
    assert found(membership, category_codes=["health.cmr"]) == {cmr}
    assert found(membership, category_codes=["health.cmr", "legal"]) == {cmr, legal}


def test_a_local_term_under_a_category_is_found_with_it(membership, personas):
    coordinator = personas.coordinator.memberships.get()
    dental = taxonomy_term_create(
        actor=personas.coordinator, membership=coordinator, parent=term("health"), code="health.dental", name="Dental"
    )
    service = ServiceFactory()
    service.service_terms.create(taxonomy_term=dental)

    assert found(membership, category_codes=["health"]) == {service}
    assert dental.pk in category_term_ids(["health"])


def test_a_category_reaches_terms_of_other_taxonomies_below_it_and_stops_at_a_cycle():
    imported = Taxonomy.objects.create(name="Imported", description="An imported taxonomy.")
    cmr = term("health.cmr")
    child = TaxonomyTerm.objects.create(taxonomy_ref=imported, name="Clinics", description="", parent=cmr)
    grandchild = TaxonomyTerm.objects.create(taxonomy_ref=imported, name="Mobile", description="", parent=child)
    # Bad data: the top-level term under its own grandchild.
    TaxonomyTerm.objects.filter(pk=term("health").pk).update(parent=grandchild)

    found_ids = category_term_ids(["health"])

    assert {term("health").pk, term("health.cmr").pk, child.pk, grandchild.pk} <= found_ids
    assert term("legal").pk not in found_ids
    assert category_term_ids(["health.cmr"]) >= {child.pk, grandchild.pk}


def test_an_unknown_category_matches_nothing(membership):
    ServiceFactory(categories=["health.cmr"])

    assert found(membership, category_codes=["no.such.code"]) == set()


def test_an_area_finds_locations_inside_it_and_service_areas_covering_it(membership):
    district = Admin2Factory()
    neighbour = Admin2Factory(parent=district.parent)
    elsewhere = Admin2Factory(parent=Admin1Factory(parent=district.parent.parent))
    here = ServiceAtLocationFactory(location__admin_area=district).service
    next_door = ServiceAtLocationFactory(location__admin_area=neighbour).service
    far = ServiceAtLocationFactory(location__admin_area=elsewhere).service
    region_wide = ServiceFactory()
    ServiceArea.objects.create(service=region_wide, admin_area=district.parent)
    district_only = ServiceFactory()
    ServiceArea.objects.create(service=district_only, admin_area=neighbour)

    assert found(membership, area=district) == {here, region_wide}
    assert found(membership, area=district.parent) == {here, next_door, region_wide, district_only}
    assert found(membership, area=district.parent.parent) == {here, next_door, far, region_wide, district_only}


def test_a_language_matches_services_and_their_locations(membership):
    arabic = ServiceFactory()
    LanguageFactory(service=arabic, code="ar")
    at_french_place = ServiceAtLocationFactory().service
    LanguageFactory(location=at_french_place.service_at_locations.get().location, code="fr", name="French")
    regional = ServiceFactory()
    LanguageFactory(service=regional, code="ar-SD")
    LanguageFactory(service=ServiceFactory(), code="en")

    assert found(membership, language="ar") == {arabic, regional}
    assert found(membership, language="ar-SD") == {regional}
    assert found(membership, language="fr") == {at_french_place}
    assert found(membership, language="ha") == set()


def test_accessibility_needs_one_place_with_every_feature_asked_for(membership):
    def place_with(service, *features):
        location = LocationFactory(organization=service.organization)
        ServiceAtLocation.objects.create(service=service, location=location)
        for feature in features:
            Accessibility.objects.create(location=location, feature=feature)

    both = ServiceFactory()
    place_with(both, "wheelchair", "female_staff")
    wheelchair = ServiceFactory()
    place_with(wheelchair, "wheelchair")
    split_over_two_places = ServiceFactory()
    place_with(split_over_two_places, "wheelchair")
    place_with(split_over_two_places, "female_staff")

    assert found(membership, accessibility=["wheelchair"]) == {both, wheelchair, split_over_two_places}
    assert found(membership, accessibility=["wheelchair", "female_staff"]) == {both}
    assert found(membership, accessibility=["sign_language"]) == set()


def test_age_keeps_services_whose_range_includes_it(membership):
    adults = ServiceFactory(minimum_age=18)
    children = ServiceFactory(maximum_age=17)
    youth = ServiceFactory(minimum_age=15, maximum_age=24)
    anyone = ServiceFactory()

    assert found(membership, age=16) == {children, youth, anyone}
    assert found(membership, age=18) == {adults, youth, anyone}
    assert found(membership, age=30) == {adults, anyone}


def test_sex_keeps_services_for_anyone_and_for_that_sex(membership):
    women = ServiceFactory(sex_eligibility=Sex.FEMALE)
    men = ServiceFactory(sex_eligibility=Sex.MALE)
    anyone = ServiceFactory(sex_eligibility=Sex.ANY)

    assert found(membership, sex=Sex.FEMALE) == {women, anyone}
    assert found(membership, sex=Sex.MALE) == {men, anyone}


@override_settings(TIME_ZONE="UTC")
def test_open_now_uses_own_hours_first_then_the_locations_hours(membership):
    open_service = ServiceFactory()
    ScheduleFactory(service=open_service)
    closed_today = ServiceFactory()
    ScheduleFactory(service=closed_today, byday="SA,SU")
    own_hours_closed_location_open = ServiceAtLocationFactory().service
    ScheduleFactory(service=own_hours_closed_location_open, byday="SA")
    ScheduleFactory(location=own_hours_closed_location_open.service_at_locations.get().location)
    location_open = ServiceAtLocationFactory().service
    ScheduleFactory(location=location_open.service_at_locations.get().location)
    at_location_link = ServiceAtLocationFactory()
    ScheduleFactory(service_at_location=at_location_link)
    no_hours = ServiceFactory()
    temporarily_closed = ServiceFactory(status=Service.Status.TEMPORARILY_CLOSED)
    ScheduleFactory(service=temporarily_closed)

    result = found(membership, open_now=MONDAY_10_UTC)

    assert result == {open_service, location_open, at_location_link.service}
    assert not result & {closed_today, own_hours_closed_location_open, no_hours, temporarily_closed}


def test_open_now_reads_each_schedules_offset(membership):
    east = ServiceFactory()
    ScheduleFactory(service=east, timezone=Decimal("3.00"), opens_at=datetime.time(8), closes_at=datetime.time(12))

    assert found(membership, open_now=datetime.datetime(2026, 5, 4, 6, tzinfo=datetime.UTC)) == {east}
    assert found(membership, open_now=datetime.datetime(2026, 5, 4, 10, tzinfo=datetime.UTC)) == set()
    assert Schedule.objects.count() == 1


def test_accepting_referrals_and_capacity_available(membership):
    accepting = ServiceFactory(accepting_referrals=True)
    not_accepting = ServiceFactory(accepting_referrals=False)
    with_places = ServiceCapacityFactory(available=Decimal(2)).service
    full = ServiceCapacityFactory(available=Decimal(0)).service
    unknown = ServiceFactory()

    assert not_accepting not in found(membership, accepting_referrals=True)
    assert accepting in found(membership, accepting_referrals=True)
    assert found(membership, capacity_available=True) == {with_places}
    assert not found(membership, capacity_available=True) & {full, unknown}


def test_filters_combine(membership):
    match = ServiceFactory(categories=["mhpss.counselling"], sex_eligibility=Sex.FEMALE, minimum_age=18)
    LanguageFactory(service=match, code="ar")
    ServiceFactory(categories=["mhpss.counselling"], sex_eligibility=Sex.MALE)
    young = ServiceFactory(categories=["mhpss.counselling"], maximum_age=12)
    LanguageFactory(service=young, code="ar")

    assert found(membership, category_codes=["mhpss"], sex=Sex.FEMALE, age=30, language="ar") == {match}


def _open_now_scenario():
    """Services whose open-now answer needs every rule: own hours first, location hours else, status."""
    expected_open, expected_closed = set(), set()
    open_service = ServiceFactory()
    ScheduleFactory(service=open_service)
    expected_open.add(open_service)
    closed_today = ServiceFactory()
    ScheduleFactory(service=closed_today, byday="SA,SU")
    expected_closed.add(closed_today)
    own_hours_win = ServiceAtLocationFactory().service
    ScheduleFactory(service=own_hours_win, byday="SA")
    ScheduleFactory(location=own_hours_win.service_at_locations.get().location)
    expected_closed.add(own_hours_win)
    location_open = ServiceAtLocationFactory().service
    ScheduleFactory(location=location_open.service_at_locations.get().location)
    expected_open.add(location_open)
    link = ServiceAtLocationFactory()
    ScheduleFactory(service_at_location=link)
    expected_open.add(link.service)
    temporarily_closed = ServiceFactory(status=Service.Status.TEMPORARILY_CLOSED)
    ScheduleFactory(service=temporarily_closed)
    expected_closed.add(temporarily_closed)
    expected_closed.add(ServiceFactory())
    return expected_open, expected_closed


# Alone, open now reads the openings running now; after a narrowing filter, each service's own.
@pytest.mark.parametrize("text", ["", "fictional"], ids=["open-now-alone", "after-a-narrowing-filter"])
@override_settings(TIME_ZONE="UTC")
def test_the_results_page_and_the_service_page_decide_open_now_alike(membership, text):
    expected_open, expected_closed = _open_now_scenario()

    page = queries.search_results_page(
        membership_or_none=membership, page_number=1, per_page=25, open_now=MONDAY_10_UTC, text=text
    )

    assert set(page.object_list) == expected_open
    assert found(membership, open_now=MONDAY_10_UTC, text=text) == expected_open
    assert not set(page.object_list) & expected_closed
    for service in expected_open | expected_closed:
        details = queries.service_details(service, membership, when=MONDAY_10_UTC)
        assert details["open_now"] is (service in expected_open), service


@override_settings(TIME_ZONE="UTC")
def test_open_now_follows_hours_saved_through_every_path(membership, personas):
    """Bulk writes refresh the openings: the hours form, linking a location, an HSDS import."""
    admin = personas.admin_a
    admin_membership = admin.memberships.get()
    with_hours = ServiceFactory(organization=personas.org_a)
    services.service_hours_set(
        actor=admin,
        membership=admin_membership,
        service=with_hours,
        weekly_hours={"MO": (datetime.time(9), datetime.time(12))},
    )
    moved = ServiceFactory(organization=personas.org_a)
    place = LocationFactory(organization=personas.org_a)
    ScheduleFactory(location=place)

    assert found(membership, open_now=MONDAY_10_UTC) == {with_hours}

    services.service_update(actor=admin, membership=admin_membership, service=moved, values={}, location_ids=[place.pk])

    assert found(membership, open_now=MONDAY_10_UTC) == {with_hours, moved}

    services.service_hours_set(
        actor=admin,
        membership=admin_membership,
        service=moved,
        weekly_hours={"SA": (datetime.time(9), datetime.time(12))},
    )

    assert found(membership, open_now=MONDAY_10_UTC) == {with_hours}  # its own hours decide now

    services.service_update(actor=admin, membership=admin_membership, service=moved, values={}, location_ids=[])
    services.service_hours_set(actor=admin, membership=admin_membership, service=with_hours, weekly_hours={"MO": None})

    assert found(membership, open_now=MONDAY_10_UTC) == set()
    assert refresh_openings() == (0, 0)  # nothing was left behind


@override_settings(TIME_ZONE="UTC")
def test_open_now_follows_an_hsds_import_of_hours(membership):
    schedule_id = "d0000000-0000-4000-8000-000000000003"
    weekday_mornings = {
        "id": schedule_id,
        "service_id": package.SERVICE_ID,
        "freq": "WEEKLY",
        "byday": "MO,TU,WE,TH,FR",
        "opens_at": "09:00",
        "closes_at": "12:00",
        "timezone": "0",
    }
    files = package.valid_files(**{"schedules.csv": package.table("schedule", rows=[weekday_mornings])})

    assert package.run(files).ok
    imported = Service.objects.get(pk=package.SERVICE_ID)
    assert found(membership, open_now=MONDAY_10_UTC) == {imported}

    weekends = weekday_mornings | {"byday": "SA,SU"}
    files = package.valid_files(**{"schedules.csv": package.table("schedule", rows=[weekends])})

    assert package.run(files).ok
    assert found(membership, open_now=MONDAY_10_UTC) == set()
    assert refresh_openings() == (0, 0)


def test_the_results_page_treats_age_zero_as_a_filter(membership):
    baby = ServiceFactory(maximum_age=2)
    ServiceFactory(minimum_age=5)

    page = search_results_page(membership_or_none=membership, page_number=1, per_page=25, age=0)

    assert list(page.object_list) == [baby]
