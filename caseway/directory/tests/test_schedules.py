import datetime
from decimal import Decimal

import pytest
from django.db.models.expressions import RawSQL
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from caseway.directory.models import Schedule
from caseway.directory.schedules import describe_schedule, is_open_at, open_schedules_sql
from caseway.directory.tests.factories import ScheduleFactory, ServiceFactory

UTC = datetime.UTC


def open_ids(when, schedules=None):
    """Ids of the schedules the SQL condition finds open at ``when``."""
    condition, params = open_schedules_sql(when, alias="s")
    sql = f"SELECT s.id FROM {Schedule._meta.db_table} s WHERE {condition}"  # noqa: S608 (a table name)
    found = (schedules or Schedule.objects.all()).filter(pk__in=RawSQL(sql, params))  # noqa: S611 (parameters)
    return set(found.values_list("pk", flat=True))


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
TIMES = st.times().map(lambda t: t.replace(microsecond=0))
OFFSETS = st.one_of(st.none(), st.sampled_from([Decimal("0"), Decimal("3.00"), Decimal("-5.50"), Decimal("14.00")]))
DATES = st.one_of(st.none(), st.dates(datetime.date(2026, 4, 25), datetime.date(2026, 5, 15)))
SCHEDULES = st.fixed_dictionaries(
    {
        "freq": st.sampled_from(["WEEKLY", "weekly", "MONTHLY", ""]),
        "byday": DAY_LISTS.map(",".join),
        "opens_at": st.one_of(st.none(), TIMES),
        "closes_at": st.one_of(st.none(), TIMES),
        "timezone": OFFSETS,
        "valid_from": DATES,
        "valid_to": DATES,
        "dtstart": DATES,
        "until": DATES,
        "interval": st.sampled_from([None, 1, 2]),
        "count": st.sampled_from([None, None, 4]),
    }
)
MOMENTS = st.datetimes(datetime.datetime(2026, 4, 27), datetime.datetime(2026, 5, 12), timezones=st.just(UTC))


class TestFilterAgreesWithPython(HypothesisTestCase):
    @override_settings(TIME_ZONE="Asia/Kolkata")
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(schedules=st.lists(SCHEDULES, min_size=1, max_size=6), when=MOMENTS)
    def test_it_agrees_over_random_schedules_and_times(self, schedules, when):
        service = ServiceFactory()
        for fields in schedules:
            Schedule.objects.create(service=service, **fields)
        rows = Schedule.objects.filter(service=service)  # as stored: what the filter sees

        found = open_ids(when, Schedule.objects.filter(service=service))

        assert found == {row.pk for row in rows if is_open_at(row, when)}
