"""rank_services for taxonomy categories (a pathway step's category) rather than need domains, and
for the services a referral can go to (``receivers``)."""

from decimal import Decimal

import pytest
from django.http import Http404

from caseway.clients.tests.factories import a_case
from caseway.directory import models as directory
from caseway.referrals.matching import WEIGHTS
from caseway.referrals.tests.test_matching_helpers import (
    Places,
    a_client_case,
    a_service,
    fresh_caches,  # noqa: F401 - a fixture
    match_named,
    membership_of,
    names,
    rank,
    reason,
    reason_codes,
    speaking,
    term,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_caches")]


@pytest.fixture
def places(personas):
    return Places()


def test_it_ranks_the_services_of_the_category_and_of_every_narrower_term(personas, places):
    case = a_client_case(personas, places, needs=[])
    a_service(name="Clinic", categories=["health.cmr"], where=places.far)
    a_service(name="Health centre", categories=["health"], where=places.home)
    # An imported term (no Caseway code) placed under the category.
    imported = directory.TaxonomyTerm.objects.create(
        code="local-cmr", name="Local term", description="A fictional term.", parent=term("health.cmr")
    )
    service = a_service(name="Local clinic", categories=[], where=places.home)
    directory.ServiceTerm.objects.create(service=service, taxonomy_term=imported)
    a_service(name="Counselling", categories=["mhpss.counselling"], where=places.home)

    assert names(rank(personas, case, categories=["health.cmr"])) == ["Local clinic", "Clinic"]
    assert set(names(rank(personas, case, categories=["health"]))) == {"Clinic", "Health centre", "Local clinic"}


def test_it_says_the_category_fits_with_its_name_and_no_priority(personas, places):
    case = a_client_case(personas, places)  # an open legal need: not what a category ranks for
    a_service(name="Clinic", categories=["health.cmr"], where=places.home)
    a_service(name="Legal aid", where=places.home)

    (match,) = rank(personas, case, categories=["health.cmr"])

    assert match.service.name == "Clinic"
    assert reason(match, "category").text == f"Fits the need: {term('health.cmr').name}"
    assert reason(match, "category").points == WEIGHTS["category"]
    assert "priority" not in reason_codes(match)
    assert match.score == WEIGHTS["category"] + WEIGHTS["same_district"]
    assert match.needs == ["health.cmr"]


def test_it_ranks_a_category_with_every_factor_of_the_needs(personas, places):
    case = a_client_case(personas, places, needs=[], languages=["ar"])
    a_service(name="Abbey clinic", categories=["health.cmr"], where=places.far)
    near = a_service(name="Riverside clinic", categories=["health.cmr"], where=places.home)
    speaking(near, "ar")

    matches = rank(personas, case, categories=["health.cmr"])

    assert names(matches) == ["Riverside clinic", "Abbey clinic"]
    assert {"same_district", "language"} <= set(reason_codes(matches[0]))
    assert reason(matches[1], "same_country")


def test_it_keeps_to_services_taking_referrals_at_the_receivers_given(personas, places):
    case = a_client_case(personas, places, needs=[])
    kept = a_service(name="Open clinic", categories=["health.cmr"], organization=personas.org_b, where=places.home)
    a_service(
        name="Closed clinic",
        categories=["health.cmr"],
        organization=personas.org_b,
        status=directory.Service.Status.TEMPORARILY_CLOSED,
    )
    a_service(name="Full clinic", categories=["health.cmr"], organization=personas.org_b, accepting_referrals=False)
    a_service(name="Elsewhere clinic", categories=["health.cmr"])

    everything = rank(personas, case, categories=["health.cmr"])
    receivable = rank(personas, case, categories=["health.cmr"], receivers={personas.org_b.pk})

    assert len(everything) == 4
    assert [match.service for match in receivable] == [kept]
    assert rank(personas, case, categories=["health.cmr"], receivers=set()) == []


def test_it_hides_a_confidential_address_and_its_distance(personas, places):
    case = a_client_case(personas, places, needs=[])
    a_service(
        name="Safe house",
        categories=["health.cmr"],
        where=places.home,
        confidential=True,
        latitude=Decimal("10.01"),
        longitude=Decimal("20.01"),
    )

    match = match_named(rank(personas, case, categories=["health.cmr"]), "Safe house")

    assert match.location_view.redacted
    assert not match.location_view.addresses
    assert match.distance_km is None


def test_it_answers_404_for_another_organizations_case(personas, places):
    case = a_case(membership_of(personas.caseworker_b), admin_area=places.home)
    a_service(name="Clinic", categories=["health.cmr"], where=places.home)

    with pytest.raises(Http404):
        rank(personas, case, categories=["health.cmr"])


def test_it_ranks_nothing_for_an_unknown_category(personas, places):
    case = a_client_case(personas, places, needs=[])
    a_service(name="Clinic", categories=["health.cmr"], where=places.home)

    assert rank(personas, case, categories=["no.such.code"]) == []
    assert rank(personas, case, categories=[]) == []
