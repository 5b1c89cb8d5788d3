"""The deadline engine (legal/deadlines.py): worked examples and properties (hypothesis)."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseway.legal.deadlines import (
    CalendarError,
    Roll,
    Rule,
    Unit,
    WorkingCalendar,
    add_months,
    due_date,
    public_holidays,
)

D = datetime.date
MON_FRI = WorkingCalendar()  # Saturday and Sunday off
SUN_THU = WorkingCalendar(non_working_weekdays=frozenset({4, 5}))  # Friday and Saturday off


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2025, 8, 31), 4, D(2025, 12, 31)),
        (D(2025, 10, 31), 4, D(2026, 2, 28)),
        (D(2025, 11, 15), 3, D(2026, 2, 15)),
    ],
)
def test_months_end_where_they_end(day, months, expected):
    assert add_months(day, months) == expected


def test_four_months_from_a_decision_rolled_back_from_a_sunday():
    # A final decision on 2025-06-05; four months later is Sunday 2025-10-05. A forum that does
    # not extend a time-limit ending on a weekend: the safe day is Friday 2025-10-03.
    rule = Rule(offset=4, unit=Unit.MONTHS, roll=Roll.BACKWARD)
    assert due_date(D(2025, 6, 5), rule, MON_FRI) == D(2025, 10, 3)


def test_a_forward_roll_skips_a_weekend_and_the_closures_after_it():
    calendar = WorkingCalendar(closed_days=frozenset({D(2025, 12, 29)}))
    rule = Rule(offset=30, unit=Unit.CALENDAR_DAYS)
    assert due_date(D(2025, 11, 27), rule, calendar) == D(2025, 12, 30)  # Sat 27 → Mon 29 closed → Tue 30


def test_working_days_skip_a_friday_saturday_weekend_and_holidays():
    calendar = WorkingCalendar(non_working_weekdays=frozenset({4, 5}), closed_days=frozenset({D(2025, 3, 31)}))
    # Thursday 2025-03-27 + 3 working days: Sun 30, (Mon 31 closed), Tue 1 April, Wed 2 April.
    assert due_date(D(2025, 3, 27), Rule(offset=3, unit=Unit.WORKING_DAYS), calendar) == D(2025, 4, 2)


def test_when_the_trigger_day_counts_the_period_ends_a_day_earlier():
    plain = Rule(offset=10, unit=Unit.CALENDAR_DAYS)
    counted = Rule(offset=10, unit=Unit.CALENDAR_DAYS, trigger_day_counts=True)
    assert due_date(D(2025, 9, 1), plain, MON_FRI) == D(2025, 9, 11)
    assert due_date(D(2025, 9, 1), counted, MON_FRI) == D(2025, 9, 10)
    assert due_date(D(2025, 9, 1), Rule(offset=1, unit=Unit.WORKING_DAYS, trigger_day_counts=True), MON_FRI) == D(
        2025, 9, 1
    )


def test_years_from_a_leap_day():
    assert due_date(D(2024, 2, 29), Rule(offset=1, unit=Unit.YEARS), MON_FRI) == D(2025, 2, 28)


def test_a_backward_roll_never_crosses_the_trigger():
    # Friday trigger, 1 calendar day → Saturday; backward would be Friday (the trigger itself, allowed),
    # but with Friday closed it would cross: it goes forward to Monday instead.
    closed_friday = WorkingCalendar(closed_days=frozenset({D(2025, 9, 5)}))
    assert due_date(D(2025, 9, 5), Rule(offset=1, unit=Unit.CALENDAR_DAYS, roll=Roll.BACKWARD), closed_friday) == D(
        2025, 9, 8
    )


def test_a_calendar_without_working_days_is_refused():
    with pytest.raises(CalendarError):
        WorkingCalendar(non_working_weekdays=frozenset(range(7)))
    with pytest.raises(ValueError):
        Rule(offset=0, unit=Unit.CALENDAR_DAYS)


days = st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31))
calendars = st.builds(
    WorkingCalendar,
    non_working_weekdays=st.frozensets(st.integers(0, 6), max_size=5),
    closed_days=st.frozensets(days, max_size=60),
)
rules = st.builds(
    Rule,
    offset=st.integers(1, 400),
    unit=st.sampled_from(list(Unit)),
    roll=st.sampled_from(list(Roll)),
    trigger_day_counts=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(trigger=days, rule=rules, calendar=calendars)
def test_a_deadline_is_a_working_day_never_before_its_trigger(trigger, rule, calendar):
    due = due_date(trigger, rule, calendar)
    assert calendar.is_working_day(due)
    assert due >= trigger


@settings(max_examples=200, deadline=None)
@given(trigger=days, offset=st.integers(1, 60), calendar=calendars)
def test_working_days_count_exactly_the_working_days(trigger, offset, calendar):
    due = due_date(trigger, Rule(offset=offset, unit=Unit.WORKING_DAYS), calendar)
    between = [trigger + datetime.timedelta(days=n) for n in range(1, (due - trigger).days + 1)]
    assert sum(calendar.is_working_day(day) for day in between) == offset


def test_public_holidays_come_from_the_holidays_package_where_it_knows_the_country():
    french = public_holidays("FR", [2026])
    assert D(2026, 7, 14) in french and D(2026, 12, 25) in french
    assert public_holidays("XA", [2026]) == frozenset()  # a fictional country: closures only
    calendar = WorkingCalendar(closed_days=french)
    # Monday 13 July 2026 + 1 working day: Tuesday 14 July is a holiday, so Wednesday 15.
    assert due_date(D(2026, 7, 13), Rule(offset=1, unit=Unit.WORKING_DAYS), calendar) == D(2026, 7, 15)
