"""When a legal deadline falls: pure date arithmetic over a court's working calendar.

A rule says how far from its trigger (the day of a decision, a notification...) a deadline falls:
an offset in calendar days, working days, months or years; whether the trigger day itself counts
as the first day; and which way to move a deadline that lands on a day the court does not work
(forward to the next working day, or backward to the one before: the safe choice where a forum
does not extend time-limits ending on a weekend or holiday). A calendar says which weekdays are
not working days (Saturday and Sunday, or Friday and Saturday...) and which dates are closed
(public holidays, from the ``holidays`` package where it knows the country, plus court closures).

Two promises, property-tested: a deadline is always a working day of its calendar, and never
before its trigger (a backward move that would cross the trigger goes forward instead).
Months end where they end: 31 January + 1 month is 28 February (29 in a leap year).
"""

import calendar as month_calendar
import datetime
from dataclasses import dataclass, field
from enum import StrEnum

import holidays

MAX_NON_WORKING_SEARCH = 366  # a calendar closed for a whole year is a data error, not a deadline


class Unit(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    MONTHS = "months"
    YEARS = "years"


class Roll(StrEnum):
    FORWARD = "forward"
    BACKWARD = "backward"


class CalendarError(ValueError):
    """The calendar has no working day where one is needed (every weekday closed, a year of closures)."""


@dataclass(frozen=True)
class WorkingCalendar:
    non_working_weekdays: frozenset = frozenset({5, 6})  # Monday is 0: Saturday and Sunday
    closed_days: frozenset = field(default_factory=frozenset)  # holidays and court closures

    def __post_init__(self):
        if len(set(self.non_working_weekdays)) >= 7:
            raise CalendarError("A calendar needs at least one working weekday.")

    def is_working_day(self, day: datetime.date) -> bool:
        return day.weekday() not in self.non_working_weekdays and day not in self.closed_days

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """``day`` itself if it is a working day, else the first working day after it."""
        return self._search(day, +1)

    def previous_working_day(self, day: datetime.date) -> datetime.date:
        return self._search(day, -1)

    def _search(self, day, step):
        for _attempt in range(MAX_NON_WORKING_SEARCH):
            if self.is_working_day(day):
                return day
            day += datetime.timedelta(days=step)
        raise CalendarError(f"No working day within {MAX_NON_WORKING_SEARCH} days of {day}.")


@dataclass(frozen=True)
class Rule:
    offset: int
    unit: Unit
    roll: Roll = Roll.FORWARD
    trigger_day_counts: bool = False

    def __post_init__(self):
        if self.offset < 1:
            raise ValueError("A deadline lies after its trigger: the offset is at least 1.")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months``, on the same day of the month or the month's last day if shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = month_calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def _add_working_days(trigger, count, calendar, *, trigger_counts):
    day = trigger
    counted = 1 if trigger_counts and calendar.is_working_day(trigger) else 0
    while counted < count:
        day += datetime.timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return calendar.next_working_day(day)


def due_date(trigger: datetime.date, rule: Rule, calendar: WorkingCalendar) -> datetime.date:
    """The day ``rule`` gives from ``trigger`` in ``calendar``: a working day, never before ``trigger``."""
    if rule.unit == Unit.WORKING_DAYS:
        return _add_working_days(trigger, rule.offset, calendar, trigger_counts=rule.trigger_day_counts)
    if rule.unit == Unit.CALENDAR_DAYS:
        day = trigger + datetime.timedelta(days=rule.offset)
    else:
        months = rule.offset * (12 if rule.unit == Unit.YEARS else 1)
        day = add_months(trigger, months)
    if rule.trigger_day_counts:
        day -= datetime.timedelta(days=1)  # the trigger day was the first of the period
    day = max(day, trigger)
    if calendar.is_working_day(day):
        return day
    if rule.roll == Roll.BACKWARD:
        earlier = calendar.previous_working_day(day)
        if earlier >= trigger:
            return earlier
    return calendar.next_working_day(day)


def public_holidays(country: str, years) -> frozenset:
    """``country``'s public holidays in ``years`` from the ``holidays`` package; none where it does
    not know the country (the demo's fictional ones): closures entered by users fill the gap."""
    try:
        return frozenset(holidays.country_holidays(country, years=list(years)))
    except NotImplementedError:
        return frozenset()
