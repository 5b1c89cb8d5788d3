"""Ranking reads each service's matching facts (directory.ServiceFacts): it ranks as the directory says.

The rank tests craft services through the ORM; these go through the directory's own editing
services too, and through the corners of the facts: several places with coordinates, service
areas of a region, an online location beside a physical one, a unit written in capitals.
"""

from decimal import Decimal

import pytest

from caseway.directory import models as directory
from caseway.directory import services as directory_services
from caseway.directory.tests.factories import UnitFactory
from caseway.referrals.matching import WEIGHTS
from caseway.referrals.tests.test_matching_helpers import (
    Places,
    a_client_case,
    a_service,
    fresh_caches,  # noqa: F401 - a fixture
    location_of,
    match_named,
    names,
    rank,
    reason,
    reason_codes,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_caches")]


@pytest.fixture
def places(personas):
    return Places()


def another_place(service, area, latitude=None, longitude=None, **values):
    location = directory.Location.objects.create(
        location_type=values.pop("location_type", directory.Location.LocationType.PHYSICAL),
        organization=service.organization,
        name=f"{service.name} second place",
        admin_area=area,
        latitude=latitude,
        longitude=longitude,
    )
    directory.ServiceAtLocation.objects.create(service=service, location=location)
    return location


# ---------------------------------------------------------------------------------------------
# Distance


def test_it_measures_the_distance_to_the_nearest_of_several_places(personas, places):
    # The client's district centre is 10.0, 20.0; 0.01 degrees of latitude are about 1.1 km.
    case = a_client_case(personas, places)
    two = a_service(name="Two places", where=places.abroad, latitude=Decimal("12.0"), longitude=Decimal("20.0"))
    another_place(two, places.abroad, Decimal("10.01"), Decimal("20.0"))
    another_place(two, places.abroad, Decimal("10.2"), Decimal("20.0"))
    a_service(name="One place", where=places.abroad, latitude=Decimal("10.05"), longitude=Decimal("20.0"))

    matches = rank(personas, case)

    assert names(matches) == ["Two places", "One place"]
    assert match_named(matches, "Two places").distance_km == pytest.approx(1.1, abs=0.05)
    assert reason(match_named(matches, "Two places"), "near").points == WEIGHTS["near"]
    assert match_named(matches, "One place").distance_km == pytest.approx(5.6, abs=0.05)


def test_it_orders_equal_scores_by_the_nearest_place_whether_one_or_several(personas, places):
    case = a_client_case(personas, places)
    several = a_service(name="A several", where=places.home, latitude=Decimal("10.4"), longitude=Decimal("20.0"))
    another_place(several, places.home, Decimal("10.15"), Decimal("20.0"))
    a_service(name="B one", where=places.home, latitude=Decimal("10.2"), longitude=Decimal("20.0"))
    online_too = a_service(name="C online too", where=places.home, latitude=Decimal("10.25"), longitude=Decimal("20"))
    # An online location has no distance, whatever coordinates it carries.
    another_place(
        online_too, None, Decimal("10.0"), Decimal("20.0"), location_type=directory.Location.LocationType.VIRTUAL
    )

    assert names(rank(personas, case)) == ["A several", "B one", "C online too"]


# ---------------------------------------------------------------------------------------------
# Where


def test_it_counts_service_areas_of_the_region_and_of_its_districts_as_the_region(personas, places):
    case = a_client_case(personas, places)
    region_wide = a_service(name="Serves the region", where=places.abroad)
    directory.ServiceArea.objects.create(service=region_wide, admin_area=places.north)
    next_door = a_service(name="Serves next door", where=places.abroad)
    directory.ServiceArea.objects.create(service=next_door, admin_area=places.next_door)
    elsewhere = a_service(name="Serves the south", where=places.abroad)
    directory.ServiceArea.objects.create(service=elsewhere, admin_area=places.far)

    matches = rank(personas, case)

    assert "same_region" in reason_codes(match_named(matches, "Serves the region"))
    assert "same_region" in reason_codes(match_named(matches, "Serves next door"))
    assert "same_country" in reason_codes(match_named(matches, "Serves the south"))


def test_it_counts_an_online_location_before_the_country_and_after_the_region(personas, places):
    case = a_client_case(personas, places)
    far_and_online = a_service(name="Far and online", where=places.far)
    another_place(far_and_online, None, location_type=directory.Location.LocationType.VIRTUAL)
    region_and_online = a_service(name="Region and online", where=places.next_door)
    another_place(region_and_online, None, location_type=directory.Location.LocationType.VIRTUAL)

    matches = rank(personas, case)

    assert reason(match_named(matches, "Far and online"), "remote").points == WEIGHTS["remote"]
    assert "same_country" not in reason_codes(match_named(matches, "Far and online"))
    assert "same_region" in reason_codes(match_named(matches, "Region and online"))
    assert "remote" not in reason_codes(match_named(matches, "Region and online"))


def test_it_follows_a_district_moved_to_another_region(personas, places):
    case = a_client_case(personas, places)
    a_service(name="Next door", where=places.next_door)
    assert "same_region" in reason_codes(rank(personas, case)[0])

    places.next_door.parent = places.south
    places.next_door.save()

    matches = rank(personas, case)
    assert "same_region" not in reason_codes(matches[0])
    assert "same_country" in reason_codes(matches[0])


# ---------------------------------------------------------------------------------------------
# The directory's edits show at once


def test_it_ranks_as_the_directory_editing_services_left_the_service(personas, places):
    admin, membership = personas.admin_b, personas.admin_b.memberships.get()
    case = a_client_case(personas, places, languages=["ar"], has_disability=True, disability_domains=["walking"])
    service = a_service(name="Legal desk", where=places.home, organization=personas.org_b)
    before = rank(personas, case)[0]
    assert not {"language", "accessibility", "places_free", "not_accepting"} & set(reason_codes(before))

    directory_services.location_update(
        actor=admin,
        membership=membership,
        location=location_of(service),
        values={},
        address={"address_1": "Legal desk Street 1", "city": "Town"},
        accessibility_features=["wheelchair"],
        language_codes=["ar"],
    )
    directory_services.service_capacity_set(actor=admin, membership=membership, service=service, available=2)
    directory_services.service_update(
        actor=admin,
        membership=membership,
        service=service,
        values={"accepting_referrals": False},
        category_ids=list(service.service_terms.values_list("taxonomy_term_id", flat=True)),
        location_ids=[location_of(service).pk],
    )

    after = rank(personas, case)[0]
    assert reason(after, "language").text == "Speaks Arabic"
    assert reason(after, "accessibility").text == "Wheelchair access"
    assert reason(after, "places_free").text == "2 places free"
    assert reason(after, "not_accepting").points == WEIGHTS["not_accepting"]
    assert (
        after.score
        == before.score
        + WEIGHTS["language"]
        + WEIGHTS["accessibility"]
        + WEIGHTS["places_free"]
        + WEIGHTS["not_accepting"]
    )


def test_it_reads_places_and_waiting_days_whatever_the_unit_case(personas, places):
    case = a_client_case(personas, places)
    service = a_service(name="Clinic", where=places.home)
    directory.ServiceCapacity.objects.create(service=service, unit=UnitFactory(name="Places"), available=Decimal(3))
    directory.ServiceCapacity.objects.create(
        service=service, unit=UnitFactory(name="Waiting Days"), available=Decimal(40)
    )

    match = rank(personas, case)[0]

    assert (match.places_free, match.waiting_days) == (3, 40)
    assert {"places_free", "long_wait"} <= set(reason_codes(match))


def test_it_drops_a_service_deleted_from_the_directory(personas, places):
    case = a_client_case(personas, places)
    gone = a_service(name="Closing down", where=places.home)
    a_service(name="Staying", where=places.home)

    gone.delete()

    assert names(rank(personas, case)) == ["Staying"]


def test_it_lists_a_service_without_a_location_beside_those_with_one(personas, places):
    case = a_client_case(personas, places, languages=["ar"])
    served = a_service(name="Serves the district", where=None, with_location=False)
    directory.ServiceArea.objects.create(service=served, admin_area=places.home)
    directory.Language.objects.create(service=served, code="ar", name="Arabic")
    a_service(name="Has a place", where=places.home)

    matches = rank(personas, case)

    assert names(matches) == ["Serves the district", "Has a place"]
    nowhere = match_named(matches, "Serves the district")
    assert nowhere.location_view is None and nowhere.distance_km is None
    assert reason(nowhere, "same_district").points == WEIGHTS["same_district"]
    assert reason(nowhere, "language").text == "Speaks Arabic"
    assert match_named(matches, "Has a place").location_view.area == places.home


def test_it_places_a_client_known_only_by_region_or_country(personas, places):
    in_region = a_client_case(personas, places, admin_area=places.north)
    in_country = a_client_case(personas, places, admin_area=places.xa)
    a_service(name="Riverside", where=places.home)
    a_service(name="Lakeside", where=places.far)

    by_region = rank(personas, in_region)
    assert "same_region" in reason_codes(match_named(by_region, "Riverside"))
    assert "same_country" in reason_codes(match_named(by_region, "Lakeside"))
    assert all("near" not in reason_codes(match) for match in by_region)  # the region has no centre here
    by_country = rank(personas, in_country)
    assert {match.score for match in by_country} == {match_named(by_country, "Riverside").score}
    assert all("same_country" in reason_codes(match) for match in by_country)
