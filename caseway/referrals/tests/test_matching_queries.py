"""rank_services reads a fixed number of queries, whatever the number of services."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caseway.clients.models import Need
from caseway.directory import models as directory
from caseway.referrals.tests.test_matching_helpers import (
    Places,
    a_client_case,
    a_service,
    fresh_caches,  # noqa: F401 - a fixture
    rank,
    referrals_to,
    speaking,
    with_capacity,
    with_feature,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_caches")]


def _services(places, organizations, count, start=0):
    spots = [places.home, places.next_door, places.far, places.abroad, None]
    for number in range(start, start + count):
        service = a_service(
            name=f"Service {number}",
            categories=["legal.counselling", "health.cmr"] if number % 2 else ["mhpss"],
            where=spots[number % len(spots)],
            organization=organizations[number % len(organizations)],
            latitude=Decimal("10.01") if number % 3 else None,
            longitude=Decimal("20.0") if number % 3 else None,
            confidential=number % 7 == 0,
            provides_transport=number % 2 == 0,
            minimum_age=16 if number % 5 == 0 else None,
        )
        speaking(service, "ar", at_location=number % 2 == 0)
        with_feature(service, "wheelchair")
        with_capacity(service, number % 3)
        with_capacity(service, number * 3, unit="waiting days")
        if number % 4 == 0:
            directory.ServiceArea.objects.create(service=service, admin_area=places.north)


def _count(personas, case):
    rank(personas, case)  # warm: the directory's language list, forgotten when a language is saved
    with CaptureQueriesContext(connection) as queries:
        matches = rank(personas, case, limit=50)
    return [query["sql"][:80] for query in queries.captured_queries], len(matches)


def test_it_reads_the_same_queries_for_5_and_for_50_services(personas):
    places = Places()
    case = a_client_case(
        personas,
        places,
        needs=[("legal", Need.Priority.HIGH), ("mental_health", Need.Priority.LOW), ("health", Need.Priority.MEDIUM)],
        languages=["ar", "fr"],
        has_disability=True,
        disability_domains=["walking", "hearing"],
        cares_for_children=True,
    )
    organizations = [personas.org_a, personas.org_b, personas.org_other]
    for organization in organizations:
        referrals_to(organization, case, accepted=5, declined=1)
    _services(places, organizations, 5)

    few, found_few = _count(personas, case)
    _services(places, organizations, 45, start=5)
    many, found_many = _count(personas, case)

    assert (found_few, found_many) == (5, 50)
    assert len(few) == len(many), (few, many)
    assert len(many) <= 16
