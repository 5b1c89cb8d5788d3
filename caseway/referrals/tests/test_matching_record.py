"""The receiving organization's record: acceptance rate and time to accept over 180 days."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caseway.directory.tests.factories import OrganizationFactory
from caseway.referrals import matching
from caseway.referrals.matching import WEIGHTS, OrganizationRecord, organization_records, record_points
from caseway.referrals.models import Referral, Status
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
    referrals_to,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_caches")]


@pytest.fixture
def places(personas):
    return Places()


def test_it_counts_accepted_declined_and_overdue_referrals(personas, places):
    case = a_client_case(personas, places)
    receiver = OrganizationFactory()
    now = timezone.now()
    referrals_to(receiver, case, accepted=6, declined=2, overdue=2, hours_to_accept=30, now=now)

    record = organization_records(now)[receiver.pk]

    assert (record.decided, record.accepted, record.percent) == (10, 6, 60)
    assert record.median_hours == 72  # 30 hours: within three days, not within a day


def test_it_counts_what_happened_after_acceptance_as_accepted(personas, places):
    case = a_client_case(personas, places)
    receiver = OrganizationFactory()
    now = timezone.now()
    made = referrals_to(receiver, case, accepted=3, now=now)
    later = {Status.COMPLETED: made[0], Status.WITHDRAWN: made[1], Status.REVOKED: made[2]}
    for status, referral in later.items():
        Referral.objects.filter(pk=referral.pk).update(status=status)
    # Withdrawn before any answer: neither accepted nor declined.
    unanswered = referrals_to(receiver, case, overdue=1, now=now)[0]
    Referral.objects.filter(pk=unanswered.pk).update(status=Status.WITHDRAWN)

    record = organization_records(now)[receiver.pk]

    assert (record.decided, record.accepted) == (3, 3)


def test_it_leaves_out_referrals_still_within_their_deadline_and_older_than_180_days(personas, places):
    case = a_client_case(personas, places)
    receiver = OrganizationFactory()
    now = timezone.now()
    waiting = referrals_to(receiver, case, overdue=1, now=now)[0]
    Referral.objects.filter(pk=waiting.pk).update(due_at=now + datetime.timedelta(hours=5))
    old = referrals_to(receiver, case, declined=4, now=now)
    Referral.objects.filter(pk__in=[referral.pk for referral in old]).update(sent_at=now - datetime.timedelta(days=181))

    assert receiver.pk not in organization_records(now) or organization_records(now)[receiver.pk].decided == 0


def test_it_tells_the_median_time_to_accept_in_steps():
    def record(hours):
        return OrganizationRecord(decided=10, accepted=10, median_hours=hours)

    assert record_points(record(2)) == [
        ("record_high", WEIGHTS["record_high"]),
        ("record_fast", WEIGHTS["record_fast"]),
    ]
    assert record_points(record(72)) == [("record_high", WEIGHTS["record_high"])]
    assert record_points(record(None)) == [
        ("record_high", WEIGHTS["record_high"]),
        ("record_slow", WEIGHTS["record_slow"]),
    ]
    assert record_points(OrganizationRecord(decided=4, accepted=4, median_hours=2)) == []  # too few to judge
    assert record_points(OrganizationRecord(decided=10, accepted=2, median_hours=24)) == [
        ("record_low", WEIGHTS["record_low"]),
        ("record_fast", WEIGHTS["record_fast"]),
    ]
    assert record_points(OrganizationRecord(decided=10, accepted=0, median_hours=None)) == [
        ("record_low", WEIGHTS["record_low"])
    ]


def test_it_ranks_a_reliable_organization_above_an_unreliable_one(personas, places):
    case = a_client_case(personas, places)
    reliable, unreliable, newcomer = OrganizationFactory(), OrganizationFactory(), OrganizationFactory()
    a_service(name="Reliable", where=places.home, organization=reliable)
    a_service(name="Unreliable", where=places.home, organization=unreliable)
    a_service(name="Newcomer", where=places.home, organization=newcomer)
    referrals_to(reliable, case, accepted=9, declined=1, hours_to_accept=5)
    referrals_to(unreliable, case, accepted=1, declined=3, overdue=4, hours_to_accept=300)
    referrals_to(newcomer, case, accepted=2)  # too few to judge

    matches = rank(personas, case)

    assert names(matches) == ["Reliable", "Newcomer", "Unreliable"]
    good = reason(matches[0], "record")
    assert good.points == WEIGHTS["record_high"] + WEIGHTS["record_fast"]
    assert good.text == "Accepts 90% of referrals, half of them within a day"
    assert reason(matches[1], "record_none").points == 0
    bad = reason(matches[2], "record")
    assert bad.points == WEIGHTS["record_low"] + WEIGHTS["record_slow"]
    assert bad.text == "Accepts 12% of referrals"


def test_it_says_so_when_rate_and_speed_cancel_out(personas, places):
    case = a_client_case(personas, places)
    middling = OrganizationFactory()
    a_service(name="Middling", where=places.home, organization=middling)
    referrals_to(middling, case, accepted=6, declined=4, hours_to_accept=400)

    match = rank(personas, case)[0]

    assert WEIGHTS["record_medium"] + WEIGHTS["record_slow"] == 0
    assert reason(match, "record").points == 0
    assert reason(match, "record").text == "Accepts 60% of referrals, half of them within a week" or reason(
        match, "record"
    ).text.startswith("Accepts 60% of referrals")
    assert "record_none" not in reason_codes(match)


def test_it_keeps_the_record_for_a_few_minutes_unless_asked_for_a_moment(personas, places, monkeypatch):
    case = a_client_case(personas, places)
    receiver = OrganizationFactory()
    a_service(name="Receiver", where=places.home, organization=receiver)
    member = membership_of(personas.caseworker_a)

    assert "record_none" in reason_codes(matching.rank_services(membership=member, case=case)[0])
    referrals_to(receiver, case, accepted=10)
    # Within the cache's lifetime the page still shows the record it read.
    assert "record_none" in reason_codes(matching.rank_services(membership=member, case=case)[0])
    # A ranking for a given moment reads afresh, and so does the page once the record expires.
    assert "record" in reason_codes(rank(personas, case)[0])
    monkeypatch.setattr(matching.time, "monotonic", lambda: 10**12)
    assert "record" in reason_codes(matching.rank_services(membership=member, case=case)[0])


def test_it_reads_every_organization_record_in_one_query(personas, places):
    case = a_client_case(personas, places)
    for _number in range(3):
        referrals_to(OrganizationFactory(), case, accepted=5)

    with CaptureQueriesContext(connection) as queries:
        records = organization_records(timezone.now())

    assert len(records) == 3
    assert len(queries.captured_queries) == 1


def test_it_shows_the_record_on_each_match(personas, places):
    case = a_client_case(personas, places)
    receiver = OrganizationFactory()
    a_service(name="Receiver", where=places.home, organization=receiver)
    referrals_to(receiver, case, accepted=8, declined=2)

    record = match_named(rank(personas, case), "Receiver").record

    assert (record.decided, record.accepted, record.percent) == (10, 8, 80)
