"""rank_services with crafted services: each factor moves a service up or down by its weight.

Every test compares services that differ in one thing only, and checks the reason that says why.
"""

import datetime
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone

from caseway.clients.models import AgeBand, Case, Need, Sex
from caseway.directory import models as directory
from caseway.directory.tests.factories import OrganizationFactory
from caseway.orgs.models import Organization
from caseway.referrals.matching import WEIGHTS, rank_services
from caseway.referrals.models import Referral, Status
from caseway.referrals.tests.test_matching_helpers import (
    Places,
    a_client_case,
    a_service,
    fresh_caches,  # noqa: F401 - a fixture
    location_of,
    match_named,
    membership_of,
    names,
    rank,
    reason,
    reason_codes,
    speaking,
    with_capacity,
    with_feature,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_caches")]

MEDIUM = WEIGHTS["category"] + WEIGHTS["priority_medium"]


@pytest.fixture
def places(personas):
    return Places()


def points(match, code):
    return reason(match, code).points


# ---------------------------------------------------------------------------------------------
# Category fit and needs


def test_it_lists_only_services_that_fit_an_open_need(personas, places):
    case = a_client_case(personas, places)
    a_service(name="Legal aid", where=places.home)
    a_service(name="Clinic", categories=["health.primary"], where=places.home)

    assert names(rank(personas, case)) == ["Legal aid"]


def test_it_counts_the_need_term_and_the_terms_below_it_alike(personas, places):
    case = a_client_case(personas, places)
    a_service(name="General legal", categories=["legal"], where=places.home)
    a_service(name="Counselling", categories=["legal.counselling"], where=places.home)

    matches = rank(personas, case)

    assert {match.service.name: match.score for match in matches} == {
        "General legal": MEDIUM + WEIGHTS["same_district"],
        "Counselling": MEDIUM + WEIGHTS["same_district"],
    }
    assert all(points(match, "category") == WEIGHTS["category"] for match in matches)


def test_it_ranks_a_broader_service_below_a_precise_one(personas, places):
    # Housing maps to basic_needs and protection.safe_shelter: a general protection service is the
    # parent of a precise term, so it fits loosely.
    case = a_client_case(personas, places, needs=[("housing", Need.Priority.MEDIUM)])
    a_service(name="Protection desk", categories=["protection"], where=places.home)
    a_service(name="Shelter", categories=["protection.safe_shelter"], where=places.home)
    a_service(name="Food", categories=["basic_needs.food"], where=places.home)

    matches = rank(personas, case)

    assert names(matches)[-1] == "Protection desk"
    assert points(match_named(matches, "Protection desk"), "category_broader") == WEIGHTS["category_broader"]
    assert points(match_named(matches, "Shelter"), "category") == WEIGHTS["category"]
    assert points(match_named(matches, "Food"), "category") == WEIGHTS["category"]


def test_it_puts_the_services_of_the_most_urgent_need_first(personas, places):
    case = a_client_case(personas, places, needs=[("health", Need.Priority.LOW), ("legal", Need.Priority.HIGH)])
    a_service(name="Clinic", categories=["health.primary"], where=places.home)
    a_service(name="Legal aid", where=places.home)

    matches = rank(personas, case)

    assert names(matches) == ["Legal aid", "Clinic"]
    assert points(matches[0], "priority") == WEIGHTS["priority_high"]
    assert "priority" not in reason_codes(matches[1])  # a low priority adds nothing
    assert matches[0].needs == ["legal"]


def test_it_adds_points_for_each_further_need_the_service_meets(personas, places):
    case = a_client_case(personas, places, needs=[("legal", Need.Priority.HIGH), ("health", Need.Priority.MEDIUM)])
    a_service(name="One stop", categories=["legal.counselling", "health.cmr"], where=places.home)
    a_service(name="Legal aid", where=places.home)

    matches = rank(personas, case)

    assert names(matches) == ["One stop", "Legal aid"]
    assert matches[0].score - matches[1].score == WEIGHTS["another_need"]
    assert reason(matches[0], "another_need").text == "Also fits the need: Health"
    assert set(matches[0].needs) == {"legal", "health"}


def test_it_matches_the_needs_given_instead_of_the_case_needs(personas, places):
    case = a_client_case(personas, places, needs=[])
    a_service(name="Legal aid", where=places.home)
    a_service(name="Clinic", categories=["health.primary"], where=places.home)

    assert rank(personas, case) == []
    assert names(rank(personas, case, needs=["health"])) == ["Clinic"]
    assert names(rank(personas, case, needs=["nothing-known"])) == []


def test_it_matches_only_open_needs(personas, places):
    case = a_client_case(personas, places, needs=[("health", Need.Priority.HIGH)])
    Need.objects.create(case=case, domain="legal", priority=Need.Priority.HIGH, status=Need.Status.MET)
    a_service(name="Legal aid", where=places.home)
    a_service(name="Clinic", categories=["health.primary"], where=places.home)

    assert names(rank(personas, case)) == ["Clinic"]


# ---------------------------------------------------------------------------------------------
# Where


def test_it_prefers_the_district_then_the_region_then_the_country(personas, places):
    case = a_client_case(personas, places)
    a_service(name="Abroad", where=places.abroad)
    a_service(name="Same country", where=places.far)
    a_service(name="Same region", where=places.next_door)
    a_service(name="Same district", where=places.home)

    matches = rank(personas, case)

    assert names(matches) == ["Same district", "Same region", "Same country", "Abroad"]
    assert points(matches[0], "same_district") == WEIGHTS["same_district"]
    assert points(matches[1], "same_region") == WEIGHTS["same_region"]
    assert points(matches[2], "same_country") == WEIGHTS["same_country"]
    assert not {"same_district", "same_region", "same_country"} & set(reason_codes(matches[3]))


def test_it_counts_an_area_a_service_serves_like_a_location(personas, places):
    case = a_client_case(personas, places)
    outreach = a_service(name="Outreach", where=places.abroad)
    directory.ServiceArea.objects.create(service=outreach, admin_area=places.home)
    mobile = a_service(name="Mobile team", where=places.abroad)
    directory.ServiceArea.objects.create(service_at_location=mobile.service_at_locations.get(), admin_area=places.north)
    a_service(name="Abroad", where=places.abroad)

    matches = rank(personas, case)

    assert names(matches) == ["Outreach", "Mobile team", "Abroad"]
    assert "same_district" in reason_codes(matches[0])
    assert "same_region" in reason_codes(matches[1])


def test_it_counts_online_services_as_near_as_the_region(personas, places):
    case = a_client_case(personas, places)
    a_service(name="Hotline", where=None, location_type=directory.Location.LocationType.VIRTUAL)
    a_service(name="Same country", where=places.far)

    matches = rank(personas, case)

    assert names(matches) == ["Hotline", "Same country"]
    assert points(matches[0], "remote") == WEIGHTS["remote"]
    assert reason(matches[0], "remote").text == "Online or by phone"


def test_it_uses_coordinates_where_areas_say_nothing(personas, places):
    # The client's district centre is 10.0, 20.0; 0.02 degrees of latitude are about 2 km.
    case = a_client_case(personas, places)
    a_service(name="Far away", where=None, latitude=Decimal("11.0"), longitude=Decimal("20.0"))
    a_service(name="Close by", where=None, latitude=Decimal("10.02"), longitude=Decimal("20.0"))

    matches = rank(personas, case)

    assert names(matches) == ["Close by", "Far away"]
    assert points(matches[0], "near") == WEIGHTS["near"]
    assert reason(matches[0], "near").text == "About 2.2 km away"
    assert matches[0].distance_km == pytest.approx(2.2, abs=0.1)
    assert matches[1].distance_km == pytest.approx(111, abs=1)
    assert "near" not in reason_codes(matches[1])


def test_it_orders_equal_scores_by_distance(personas, places):
    case = a_client_case(personas, places)
    a_service(name="A farther", where=places.home, latitude=Decimal("10.3"), longitude=Decimal("20.0"))
    a_service(name="B no coordinates", where=places.home)
    a_service(name="C nearer", where=places.home, latitude=Decimal("10.2"), longitude=Decimal("20.0"))

    assert names(rank(personas, case)) == ["C nearer", "A farther", "B no coordinates"]


# ---------------------------------------------------------------------------------------------
# Language and accessibility


def test_it_prefers_services_speaking_the_client_language(personas, places):
    case = a_client_case(personas, places, languages=["ar", "fr"])
    speaking(a_service(name="Speaks it", where=places.home), "ar")
    speaking(a_service(name="Speaks it at the place", where=places.home), "ar", at_location=True)
    a_service(name="Interprets", where=places.home, interpretation_services="Interpreters on request.")
    speaking(a_service(name="Other language", where=places.home), "en")

    matches = rank(personas, case)

    assert set(names(matches[:2])) == {"Speaks it", "Speaks it at the place"}
    assert names(matches[2:]) == ["Interprets", "Other language"]
    assert points(matches[0], "language") == WEIGHTS["language"]
    assert reason(match_named(matches, "Speaks it"), "language").text == "Speaks Arabic"
    assert points(matches[2], "interpretation") == WEIGHTS["interpretation"]
    assert not {"language", "interpretation"} & set(reason_codes(matches[3]))


def test_it_finds_a_regional_variant_of_the_client_language(personas, places):
    case = a_client_case(personas, places, languages=["fr"])
    speaking(a_service(name="Canadian French", where=places.home), "fr-CA")
    a_service(name="Silent", where=places.home)

    matches = rank(personas, case)

    assert names(matches) == ["Canadian French", "Silent"]
    assert reason(matches[0], "language").text == "Speaks French"


def test_it_prefers_locations_that_serve_the_client_difficulties(personas, places):
    case = a_client_case(personas, places, has_disability=True, disability_domains=["walking", "hearing"])
    both = a_service(name="Step-free with a loop", where=places.home)
    with_feature(both, "wheelchair")
    with_feature(both, "hearing_loop")
    with_feature(a_service(name="Step-free", where=places.home), "wheelchair")
    with_feature(a_service(name="Child-friendly only", where=places.home), "child_friendly")

    matches = rank(personas, case)

    assert names(matches) == ["Step-free with a loop", "Step-free", "Child-friendly only"]
    assert matches[0].score - matches[2].score == 2 * WEIGHTS["accessibility"]
    assert sorted(found.text for found in matches[0].reasons if found.code == "accessibility") == [
        "Hearing loop",
        "Wheelchair access",
    ]
    assert "accessibility" not in reason_codes(matches[2])


def test_it_leaves_out_difficulties_and_needs_the_organization_may_not_see(personas, places):
    case = a_client_case(personas, places, has_disability=True, disability_domains=["walking"])
    # A case that came by referral sees only what the client consented to share: nothing here.
    Case.objects.filter(pk=case.pk).update(origin=Case.Origin.REFERRAL)
    case.refresh_from_db()
    with_feature(a_service(name="Step-free", where=places.home), "wheelchair")
    a_service(name="Stairs", where=places.home)

    assert rank(personas, case) == []  # its needs are not shared
    matches = rank(personas, case, needs=["legal"])
    assert {match.score for match in matches} == {MEDIUM + WEIGHTS["same_district"]}
    assert all("accessibility" not in reason_codes(match) for match in matches)


# ---------------------------------------------------------------------------------------------
# Capacity, waiting, support, intake, status


def test_it_ranks_a_full_service_lower_but_keeps_it(personas, places):
    case = a_client_case(personas, places)
    with_capacity(a_service(name="Full", where=places.home), 0)
    a_service(name="Not reported", where=places.home)
    with_capacity(a_service(name="Room", where=places.home), 3)

    matches = rank(personas, case)

    assert names(matches) == ["Room", "Not reported", "Full"]
    assert reason(matches[0], "places_free").text == "3 places free"
    assert points(matches[0], "places_free") == WEIGHTS["places_free"]
    assert points(matches[2], "at_capacity") == WEIGHTS["at_capacity"]
    assert matches[0].places_free == 3


def test_it_ranks_long_waiting_lists_lower(personas, places):
    case = a_client_case(personas, places)
    with_capacity(a_service(name="Long wait", where=places.home), 60, unit="waiting days")
    with_capacity(a_service(name="Some wait", where=places.home), 20, unit="waiting days")
    with_capacity(a_service(name="Quick", where=places.home), 2, unit="waiting days")

    matches = rank(personas, case)

    assert names(matches) == ["Quick", "Some wait", "Long wait"]
    assert points(matches[0], "short_wait") == WEIGHTS["short_wait"]
    assert reason(matches[1], "wait").text == "Waiting time: about 20 days"
    assert reason(matches[1], "wait").points == 0
    assert points(matches[2], "long_wait") == WEIGHTS["long_wait"]


def test_it_weighs_childcare_up_for_a_client_caring_for_children(personas, places):
    parent = a_client_case(personas, places, cares_for_children=True)
    other = a_client_case(personas, places)
    a_service(name="With childcare", where=places.home, provides_childcare=True)
    a_service(name="Without", where=places.home)

    for_parent = rank(personas, parent)
    assert names(for_parent) == ["With childcare", "Without"]
    assert points(for_parent[0], "childcare_needed") == WEIGHTS["childcare_needed"]
    for_other = rank(personas, other)
    assert points(match_named(for_other, "With childcare"), "childcare") == WEIGHTS["childcare"]


def test_it_weighs_transport_up_for_a_service_outside_the_district(personas, places):
    case = a_client_case(personas, places)
    a_service(name="Far with transport", where=places.next_door, provides_transport=True)
    a_service(name="Far", where=places.next_door)
    a_service(name="Near with transport", where=places.home, provides_transport=True)

    matches = rank(personas, case)

    assert points(match_named(matches, "Far with transport"), "transport_far") == WEIGHTS["transport_far"]
    assert points(match_named(matches, "Near with transport"), "transport") == WEIGHTS["transport"]
    assert names(matches).index("Far with transport") < names(matches).index("Far")


def test_it_ranks_services_not_taking_referrals_lower_but_keeps_them(personas, places):
    case = a_client_case(personas, places)
    a_service(name="Closed intake", where=places.home, accepting_referrals=False)
    a_service(name="Open intake", where=places.home)

    matches = rank(personas, case)

    assert names(matches) == ["Open intake", "Closed intake"]
    assert points(matches[1], "not_accepting") == WEIGHTS["not_accepting"]


def test_it_ranks_temporarily_closed_services_lower_and_leaves_out_inactive_ones(personas, places):
    case = a_client_case(personas, places)
    a_service(name="Paused", where=places.home, status=directory.Service.Status.TEMPORARILY_CLOSED)
    a_service(name="Inactive", where=places.home, status=directory.Service.Status.INACTIVE)
    a_service(name="Defunct", where=places.home, status=directory.Service.Status.DEFUNCT)
    a_service(name="Open", where=places.home)

    matches = rank(personas, case)

    assert names(matches) == ["Open", "Paused"]
    assert points(matches[1], "temporarily_closed") == WEIGHTS["temporarily_closed"]


def test_it_leaves_out_services_of_inactive_organizations(personas, places):
    case = a_client_case(personas, places)
    gone = OrganizationFactory(is_active=False)
    a_service(name="Gone", where=places.home, organization=gone)
    a_service(name="Here", where=places.home)

    assert names(rank(personas, case)) == ["Here"]


def test_it_ranks_a_service_already_referred_to_lower(personas, places):
    case = a_client_case(personas, places)
    referred = a_service(name="Referred", where=places.home)
    a_service(name="Not yet", where=places.home)
    Referral.objects.create(
        client=case.client,
        from_case=case,
        from_organization=case.organization,
        to_organization=referred.organization,
        to_service=referred,
        status=Status.SENT,
        data_key_id=case.client.data_key_id,
        sent_at=timezone.now(),
    )

    matches = rank(personas, case)

    assert names(matches) == ["Not yet", "Referred"]
    assert points(matches[1], "already_referred") == WEIGHTS["already_referred"]


# ---------------------------------------------------------------------------------------------
# Eligibility: left out when it cannot fit, ranked lower when it may not


def test_it_leaves_out_services_for_ages_outside_the_client_band(personas, places):
    case = a_client_case(personas, places, age_band=AgeBand.AGE_12_17)
    a_service(name="Adults only", where=places.home, minimum_age=18)
    a_service(name="From 16", where=places.home, minimum_age=16)
    a_service(name="Children", where=places.home, maximum_age=17)
    a_service(name="Anyone", where=places.home)

    matches = rank(personas, case)

    assert names(matches) == ["Anyone", "Children", "From 16"] or names(matches) == ["Children", "Anyone", "From 16"]
    assert points(matches[2], "age_partial") == WEIGHTS["age_partial"]
    assert reason(matches[2], "age_partial").text == "From age 16: check the client's age"


def test_it_leaves_out_services_for_the_other_sex(personas, places):
    case = a_client_case(personas, places, sex=Sex.FEMALE)
    a_service(name="Men", where=places.home, sex_eligibility=directory.Sex.MALE)
    a_service(name="Women", where=places.home, sex_eligibility=directory.Sex.FEMALE)
    a_service(name="Anyone", where=places.home)

    assert sorted(names(rank(personas, case))) == ["Anyone", "Women"]


def test_it_ranks_single_sex_services_lower_when_the_client_sex_is_not_recorded(personas, places):
    case = a_client_case(personas, places, sex=Sex.UNDISCLOSED)
    a_service(name="Women", where=places.home, sex_eligibility=directory.Sex.FEMALE)
    a_service(name="Anyone", where=places.home)

    matches = rank(personas, case)

    assert names(matches) == ["Anyone", "Women"]
    assert points(matches[1], "sex_check") == WEIGHTS["sex_check"]
    assert reason(matches[1], "sex_check").text == "Only for Women and girls: check with the client"


# ---------------------------------------------------------------------------------------------
# Who runs it, and what the viewer may see of the place


def test_it_keeps_the_viewer_organization_services_and_says_so(personas, places):
    case = a_client_case(personas, places)
    own = a_service(name="Ours", where=places.home, organization=personas.org_a)
    a_service(name="Theirs", where=places.home)

    matches = rank(personas, case)

    assert {match.service.name: match.is_own_organization for match in matches} == {"Ours": True, "Theirs": False}
    assert reason(match_named(matches, "Ours"), "own_organization").text == "Your organization"
    assert match_named(matches, "Ours").score == match_named(matches, "Theirs").score
    assert own.organization == Organization.objects.get(pk=personas.org_a.pk)


def test_it_ranks_a_confidential_shelter_normally_without_revealing_where_it_is(personas, places):
    case = a_client_case(personas, places, needs=[("housing", Need.Priority.HIGH)])
    shelter = a_service(
        name="Shelter",
        categories=["protection.safe_shelter"],
        where=places.home,
        organization=personas.org_b,
        confidential=True,
        latitude=Decimal("10.01"),
        longitude=Decimal("20.0"),
    )
    a_service(
        name="Open house",
        categories=["protection.safe_shelter"],
        where=places.home,
        latitude=Decimal("10.01"),
        longitude=Decimal("20.0"),
    )

    matches = rank(personas, case)

    assert match_named(matches, "Shelter").score == match_named(matches, "Open house").score
    view = match_named(matches, "Shelter").location_view
    assert view.redacted and view.is_confidential
    assert view.addresses == [] and view.name == "" and view.latitude is None
    assert view.area == places.home
    # A distance from the client's district would narrow the place down: not shown.
    assert match_named(matches, "Shelter").distance_km is None
    assert reason(match_named(matches, "Shelter"), "near").text == "Near the client's area"
    assert match_named(matches, "Open house").distance_km is not None

    own_view = rank_services(
        membership=membership_of(personas.caseworker_b),
        case=a_case_at_b(personas, places),
        now=timezone.now(),
    )
    seen = match_named(own_view, "Shelter").location_view
    assert not seen.redacted and seen.addresses[0].address_1 == "Shelter Street 1"
    assert location_of(shelter).is_confidential


def a_case_at_b(personas, places):
    from caseway.clients.tests.factories import a_case

    case = a_case(membership_of(personas.caseworker_b), admin_area=places.home)
    Need.objects.create(case=case, domain="housing", priority=Need.Priority.HIGH)
    return case


# ---------------------------------------------------------------------------------------------
# The whole


def test_it_explains_every_point_of_every_score(personas, places):
    case = a_client_case(
        personas,
        places,
        needs=[("legal", Need.Priority.HIGH), ("health", Need.Priority.LOW)],
        languages=["ar"],
        has_disability=True,
        disability_domains=["walking"],
        cares_for_children=True,
        sex=Sex.UNDISCLOSED,
        age_band=AgeBand.AGE_12_17,
    )
    busy = a_service(
        name="Busy",
        categories=["legal", "health.cmr"],
        where=places.next_door,
        provides_transport=True,
        provides_childcare=True,
        minimum_age=16,
        sex_eligibility=directory.Sex.FEMALE,
        accepting_referrals=False,
        interpretation_services="Yes",
        latitude=Decimal("10.01"),
        longitude=Decimal("20.0"),
    )
    with_capacity(busy, 0)
    with_capacity(busy, 45, unit="waiting days")
    with_feature(busy, "wheelchair")
    quiet = a_service(name="Quiet", categories=["health"], where=places.abroad)
    speaking(quiet, "ar")
    with_capacity(quiet, 4)

    matches = rank(personas, case)

    assert len(matches) == 2
    for match in matches:
        assert sum(found.points for found in match.reasons) == match.score, match.reasons
        assert all(isinstance(found.text, str) and found.text for found in match.reasons)
    assert set(reason_codes(match_named(matches, "Busy"))) >= {
        "category",
        "priority",
        "another_need",
        "same_region",
        "near",
        "interpretation",
        "accessibility",
        "at_capacity",
        "long_wait",
        "childcare_needed",
        "transport_far",
        "not_accepting",
        "age_partial",
        "sex_check",
        "record_none",
    }


def test_it_returns_at_most_the_limit_best_first(personas, places):
    case = a_client_case(personas, places)
    for number in range(5):
        a_service(name=f"Far {number}", where=places.abroad)
    a_service(name="Best", where=places.home)

    matches = rank(personas, case, limit=3)

    assert len(matches) == 3
    assert matches[0].service.name == "Best"
    assert [match.score for match in matches] == sorted((match.score for match in matches), reverse=True)


def test_it_refuses_a_case_of_another_organization(personas, places):
    case = a_client_case(personas, places)

    with pytest.raises(Http404):
        rank_services(membership=membership_of(personas.caseworker_b), case=case)


def test_it_reads_the_record_as_of_the_moment_asked(personas, places):
    case = a_client_case(personas, places)
    a_service(name="Legal aid", where=places.home)
    long_ago = timezone.now() - datetime.timedelta(days=400)

    matches = rank(personas, case, now=long_ago)

    assert names(matches) == ["Legal aid"]
    assert "record_none" in reason_codes(matches[0])
