import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from caseway.directory.models import Schedule, ScheduleOpening
from caseway.directory.schedules import (
    DAY_CODES,
    clock_readings,
    describe_schedule,
    is_open_at,
    open_openings,
    opening_is_open,
    refresh_openings,
    schedule_openings,
)
from caseway.directory.tests.factories import ScheduleFactory, ServiceFactory

UTC = datetime.UTC


def open_ids(when, service=None):
    """Ids of the schedules whose precomputed openings the database finds running at ``when``."""
    openings = ScheduleOpening.objects.filter(open_openings(when))
    if service is not None:
        openings = openings.filter(service=service)
    return set(openings.values_list("schedule_id", flat=True))


def at(year, month, day, hour, minute=0, second=0):
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# 2026-05-04 is a Monday.
MONDAY_10 = at(2026, 5, 4, 10)


def _unsaved(**fields):
    weekdays_nine_to_five = {
        "freq": "WEEKLY",
        "byday": "MO,TU,WE,TH,FR",
        "opens_at": datetime.time(9),
        "closes_at": datetime.time(17),
    }
    return Schedule(**{**weekdays_nine_to_five, **fields})


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (at(2026, 5, 4, 8, 59, 59), False),
        (at(2026, 5, 4, 9), True),
        (at(2026, 5, 4, 16, 59, 59), True),
        (at(2026, 5, 4, 17), False),
        (at(2026, 5, 9, 10), False),  # Saturday
    ],
)
@override_settings(TIME_ZONE="UTC")
def test_it_opens_on_listed_days_between_opening_and_closing(when, expected):
    assert is_open_at(_unsaved(), when) is expected


def test_it_reads_hours_at_the_schedules_utc_offset():
    schedule = _unsaved(timezone=Decimal("3.00"))

    assert is_open_at(schedule, at(2026, 5, 4, 6)) is True  # 09:00 at UTC+3
    assert is_open_at(schedule, at(2026, 5, 4, 14)) is False  # 17:00 at UTC+3


@override_settings(TIME_ZONE="Africa/Nairobi")
def test_it_uses_the_sites_time_zone_without_an_offset():
    assert is_open_at(_unsaved(), at(2026, 5, 4, 6)) is True
    assert is_open_at(_unsaved(), at(2026, 5, 4, 14, 30)) is False


def test_it_runs_past_midnight_into_the_next_day():
    night = _unsaved(byday="FR", opens_at=datetime.time(22), closes_at=datetime.time(6), timezone=Decimal(0))

    assert is_open_at(night, at(2026, 5, 8, 23)) is True  # Friday night
    assert is_open_at(night, at(2026, 5, 9, 5, 59)) is True  # Saturday before six
    assert is_open_at(night, at(2026, 5, 9, 6)) is False
    assert is_open_at(night, at(2026, 5, 8, 5)) is False  # Friday morning belongs to Thursday night


def test_it_respects_the_validity_period():
    schedule = _unsaved(timezone=Decimal(0), valid_from=datetime.date(2026, 5, 5), valid_to=datetime.date(2026, 5, 6))

    assert is_open_at(schedule, MONDAY_10) is False
    assert is_open_at(schedule, at(2026, 5, 5, 10)) is True
    assert is_open_at(schedule, at(2026, 5, 7, 10)) is False


@pytest.mark.parametrize(
    "fields",
    [{"freq": "MONTHLY"}, {"interval": 2}, {"count": 3}, {"opens_at": None}, {"byday": ""}, {"byday": "1MO"}],
)
def test_it_never_claims_open_for_patterns_it_cannot_read(fields):
    schedule = _unsaved(timezone=Decimal(0))
    for name, value in fields.items():
        setattr(schedule, name, value)

    assert is_open_at(schedule, MONDAY_10) is False


def test_it_describes_hours_in_plain_words():
    assert describe_schedule(_unsaved()) == "Monday to Friday, 09:00–17:00"
    assert (
        describe_schedule(_unsaved(byday="SA,SU", timezone=Decimal("3.00")))
        == "Saturday and Sunday, 09:00–17:00 (UTC+3)"
    )
    assert describe_schedule(_unsaved(byday="MO,WE", opens_at=datetime.time(8), closes_at=datetime.time(8))) == (
        "Monday, Wednesday, all day"
    )
    assert describe_schedule(_unsaved(freq="MONTHLY", description="First Monday")) == "First Monday"


@pytest.mark.django_db
@override_settings(TIME_ZONE="UTC")
def test_the_filter_finds_what_python_finds():
    service = ServiceFactory()
    open_one = ScheduleFactory(service=service)
    ScheduleFactory(service=service, byday="SA,SU")
    ScheduleFactory(service=service, timezone=Decimal("-12.00"))

    found = open_ids(MONDAY_10)

    assert found == {open_one.pk}


DAY_LISTS = st.lists(st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA", "SU", "1MO", "mo", " TU"]), max_size=4)
# Whole hours around midnight and daylight saving time changes often (equal times: all day), any second else.
TIMES = st.one_of(
    st.sampled_from([datetime.time(hour) for hour in (0, 1, 2, 3, 9, 17, 22, 23)] + [datetime.time(23, 59, 59)]),
    st.times().map(lambda t: t.replace(microsecond=0)),
)
OFFSETS = st.one_of(st.none(), st.sampled_from([Decimal("0"), Decimal("3.00"), Decimal("-5.50"), Decimal("14.00")]))


def _dates(*windows):
    return st.one_of(st.none(), *(st.dates(first, last) for first, last in windows))


def _schedules(dates):
    """Any schedule, or (half the time) one the rules can read: weekly, on real days, with both times."""
    anything = {
        "freq": st.sampled_from(["WEEKLY", "weekly", "MONTHLY", ""]),
        "byday": DAY_LISTS.map(",".join),
        "opens_at": st.one_of(st.none(), TIMES),
        "closes_at": st.one_of(st.none(), TIMES),
        "timezone": OFFSETS,
        "valid_from": dates,
        "valid_to": dates,
        "dtstart": dates,
        "until": dates,
        "interval": st.sampled_from([None, 1, 2]),
        "count": st.sampled_from([None, None, 4]),
    }
    readable = anything | {
        "freq": st.just("WEEKLY"),
        "byday": st.lists(st.sampled_from(DAY_CODES), min_size=1, max_size=7, unique=True).map(",".join),
        "opens_at": TIMES,
        "closes_at": TIMES,
        "interval": st.sampled_from([None, 1]),
        "count": st.none(),
        # Bounded less often: most real hours are not.
        **{name: st.one_of(st.none(), st.none(), dates) for name in ("valid_from", "valid_to", "dtstart", "until")},
    }
    return st.one_of(st.fixed_dictionaries(anything), st.fixed_dictionaries(readable))


def _moments(*windows):
    """Moments in these date windows, on whole and half hours often: by an opening's edge as often as inside."""
    return st.builds(
        lambda day, hour, minute, second: datetime.datetime.combine(day, datetime.time(hour, minute, second), UTC),
        day=st.one_of(*(st.dates(first, last) for first, last in windows)),
        hour=st.integers(0, 23),
        minute=st.one_of(st.sampled_from([0, 30, 59]), st.integers(0, 59)),
        second=st.one_of(st.sampled_from([0, 59]), st.integers(0, 59)),
    )


SCHEDULES = _schedules(_dates((datetime.date(2026, 4, 25), datetime.date(2026, 5, 15))))
MOMENTS = _moments((datetime.date(2026, 4, 27), datetime.date(2026, 5, 12)))
# Daylight saving time: 2026-03-29 and 2026-10-25 in Europe/London, 2026-03-08 and 2026-11-01 in
# America/New_York; schedules without an offset follow the site's wall clock through both.
DST_WINDOWS = (
    (datetime.date(2026, 3, 5), datetime.date(2026, 4, 1)),
    (datetime.date(2026, 10, 22), datetime.date(2026, 11, 4)),
)
DST_SCHEDULES = _schedules(_dates(*DST_WINDOWS))
DST_MOMENTS = _moments(*DST_WINDOWS)
PLENTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class TestFilterAgreesWithPython(HypothesisTestCase):
    """The database's answer, read through the precomputed openings, is is_open_at's, schedule by schedule."""

    def _assert_agrees(self, schedules, when, *, time_zone):
        service = ServiceFactory()
        # Written in bulk and refreshed, as the hours form, the HSDS import and the demo do.
        Schedule.objects.bulk_create(Schedule(service=service, **fields) for fields in schedules)
        refresh_openings([service.pk])
        rows = Schedule.objects.filter(service=service)  # as stored: what the openings were made from

        # Openings do not depend on the site's time zone: computed under one, read under another.
        with override_settings(TIME_ZONE=time_zone):
            found = open_ids(when, service)
            expected = {row.pk for row in rows if is_open_at(row, when)}

        assert found == expected

    @PLENTY
    @given(schedules=st.lists(SCHEDULES, min_size=1, max_size=6), when=MOMENTS)
    def test_it_agrees_over_random_schedules_and_times(self, schedules, when):
        self._assert_agrees(schedules, when, time_zone="Asia/Kolkata")

    @PLENTY
    @given(schedules=st.lists(SCHEDULES, min_size=1, max_size=6), when=MOMENTS)
    def test_it_agrees_when_the_site_clock_is_utc(self, schedules, when):
        self._assert_agrees(schedules, when, time_zone="UTC")

    @PLENTY
    @given(
        schedules=st.lists(DST_SCHEDULES, min_size=1, max_size=6),
        when=DST_MOMENTS,
        time_zone=st.sampled_from(["Europe/London", "America/New_York"]),
    )
    def test_it_agrees_across_daylight_saving_time_changes(self, schedules, when, time_zone):
        self._assert_agrees(schedules, when, time_zone=time_zone)


def _weekly(**fields):
    return _unsaved(**{"byday": "MO,TU,WE,TH,FR,SA,SU", "timezone": None, **fields})


@given(
    schedule=st.one_of(SCHEDULES, DST_SCHEDULES).map(lambda fields: Schedule(**fields)),
    when=st.one_of(MOMENTS, DST_MOMENTS),
    time_zone=st.sampled_from(["UTC", "Asia/Kolkata", "Europe/London", "America/New_York", "Pacific/Chatham"]),
)
@settings(max_examples=1000, deadline=None)
def test_openings_agree_with_python_without_a_database(schedule, when, time_zone):
    """The same property, many more examples: the openings as computed, checked in Python."""
    with override_settings(TIME_ZONE=time_zone):
        readings = clock_readings(when)
        found = any(opening_is_open(opening, readings) for opening in schedule_openings(schedule))

        assert found is is_open_at(schedule, when)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        # Sunday 22:00 to Monday 06:00 at UTC: over the end of the week, two rows.
        ({"byday": "SU", "opens_at": datetime.time(22), "closes_at": datetime.time(6), "timezone": Decimal(0)}, 2),
        # Every day, all day: a row a day (no opening is longer: the filter counts on it).
        ({"opens_at": datetime.time(0), "closes_at": datetime.time(0)}, 7),
        # Monday 01:00 at UTC+3 starts on Sunday at 22:00 UTC.
        ({"byday": "MO", "opens_at": datetime.time(1), "closes_at": datetime.time(2), "timezone": Decimal(3)}, 1),
        # Valid from a date after it ends: never open.
        ({"valid_from": datetime.date(2026, 5, 2), "valid_to": datetime.date(2026, 5, 1)}, 0),
    ],
)
def test_it_keeps_openings_within_a_day_and_splits_them_at_the_week_boundary(fields, expected):
    assert len(schedule_openings(_weekly(**fields))) == expected


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (at(2026, 5, 10, 23), True),  # Sunday night
        (at(2026, 5, 11, 5, 59, 59), True),  # Monday morning, the next week
        (at(2026, 5, 11, 6), False),
        (at(2026, 5, 4, 5), False),  # Monday morning of the week the schedule starts: no Sunday before
    ],
)
@override_settings(TIME_ZONE="UTC")
def test_an_opening_over_the_week_boundary_keeps_the_day_it_started_on(when, expected):
    night = _weekly(
        byday="SU",
        opens_at=datetime.time(22),
        closes_at=datetime.time(6),
        timezone=Decimal(0),
        valid_from=datetime.date(2026, 5, 4),
    )
    readings = clock_readings(when)

    assert is_open_at(night, when) is expected
    assert any(opening_is_open(opening, readings) for opening in schedule_openings(night)) is expected


@pytest.mark.django_db
def test_refreshing_twice_writes_nothing_the_second_time():
    service = ServiceFactory()
    Schedule.objects.bulk_create([_unsaved(service=service), _unsaved(service=service, byday="SA")])

    added, removed = refresh_openings([service.pk])

    assert (added, removed) == (6, 0)
    assert refresh_openings([service.pk]) == (0, 0)
    assert refresh_openings() == (0, 0)


@pytest.mark.django_db
@override_settings(TIME_ZONE="UTC")
def test_saving_a_schedule_or_moving_it_to_another_service_refreshes_both_services():
    first, second = ServiceFactory(), ServiceFactory()
    schedule = ScheduleFactory(service=first)  # one save() refreshes by itself

    assert open_ids(MONDAY_10, first) == {schedule.pk}

    schedule.service = second
    schedule.save()

    assert open_ids(MONDAY_10, first) == set()
    assert open_ids(MONDAY_10, second) == {schedule.pk}
    assert refresh_openings() == (0, 0)


@pytest.mark.django_db
@override_settings(TIME_ZONE="UTC")
def test_the_demo_seed_writes_the_openings_of_its_hours_and_nothing_when_run_again():
    call_command("seed_demo", up_to="directory", stdout=io.StringIO())

    assert ScheduleOpening.objects.exists()
    assert refresh_openings() == (0, 0)
    with CaptureQueriesContext(connection) as queries:
        call_command("seed_demo", up_to="directory", stdout=io.StringIO())
    writes = [query["sql"] for query in queries.captured_queries if not query["sql"].startswith("SELECT")]
    assert not [sql for sql in writes if "directory_scheduleopening" in sql]
