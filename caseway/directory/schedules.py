"""Opening hours: "is it open now?" from HSDS schedules, in Python and as a database filter.

Both answer the same question by the same rules, and a property test holds them to it:

- only WEEKLY recurrences with BYDAY ("MO,TU,...") and both opening and closing times count;
  anything else (MONTHLY, an INTERVAL above 1, a COUNT, free-text descriptions) is never
  reported open: we would rather say "not sure" (not open now) than send someone to a closed door;
- times are local to the schedule: its UTC offset in hours (HSDS ``timezone``) or, without one,
  ``settings.TIME_ZONE``;
- a closing time at or before the opening time runs past midnight into the next day (22:00–06:00);
  equal times mean the whole day;
- ``valid_from``/``valid_to`` (and RFC 5545 ``dtstart``/``until``) bound the day an opening starts on;
- times are compared to the second.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from caseway.directory.models import Schedule

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # index = datetime.date.weekday()
WEEKLY = "WEEKLY"


def _ascii_upper(text: str) -> str:
    # The databases' UPPER() and Python's str.upper() disagree beyond ASCII ("ſ" → "S" in Python):
    # day codes are ASCII, so upper-casing ASCII only keeps both sides identical.
    return "".join(chr(ord(c) - 32) if "a" <= c <= "z" else c for c in text)


def _byday_key(byday: str) -> str:
    """ ",MO,TU," — what the database builds with CONCAT/REPLACE/UPPER, built the same way here."""
    return f",{_ascii_upper(byday or '').replace(' ', '')},"


def local_time(when: datetime.datetime, offset_hours) -> datetime.datetime:
    """``when`` as a naive local date and time at a UTC offset in hours (None: settings.TIME_ZONE)."""
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if offset_hours is None:
        local = when.astimezone(ZoneInfo(settings.TIME_ZONE))
    else:
        minutes = int((Decimal(offset_hours) * 60).to_integral_value())
        local = when.astimezone(datetime.UTC) + datetime.timedelta(minutes=minutes)
    return local.replace(tzinfo=None, microsecond=0)


def _is_countable(schedule) -> bool:
    if _ascii_upper(schedule.freq or "") != WEEKLY:
        return False
    if schedule.interval not in (None, 1):
        return False
    if schedule.count is not None:
        return False
    return schedule.opens_at is not None and schedule.closes_at is not None


def _valid_on(schedule, day: datetime.date) -> bool:
    starts = [start for start in (schedule.valid_from, schedule.dtstart) if start is not None]
    ends = [end for end in (schedule.valid_to, schedule.until) if end is not None]
    return all(start <= day for start in starts) and all(day <= end for end in ends)


def _opens_on(schedule, day: datetime.date) -> bool:
    return f",{DAY_CODES[day.weekday()]}," in _byday_key(schedule.byday) and _valid_on(schedule, day)


def is_open_at(schedule, when: datetime.datetime) -> bool:
    """Whether ``schedule`` has an opening running at ``when`` (an aware datetime)."""
    if not _is_countable(schedule):
        return False
    local = local_time(when, schedule.timezone)
    today, now = local.date(), local.time()
    opens, closes = schedule.opens_at, schedule.closes_at
    runs_past_midnight = closes <= opens
    if _opens_on(schedule, today):
        if runs_past_midnight and now >= opens:
            return True
        if not runs_past_midnight and opens <= now < closes:
            return True
    yesterday = today - datetime.timedelta(days=1)
    return runs_past_midnight and now < closes and _opens_on(schedule, yesterday)


class _Columns:
    """Quoted column names of the schedule table under an alias, for the SQL below."""

    def __init__(self, alias: str):
        quote = connection.ops.quote_name
        self._names = {field.name: f"{alias}.{quote(field.column)}" for field in Schedule._meta.concrete_fields}

    def __getattr__(self, name):
        return self._names[name]


def _param(field_name: str, value):
    """``value`` as the database driver wants it for that column (time and date types differ)."""
    return Schedule._meta.get_field(field_name).get_db_prep_value(value, connection, prepared=False)


def _valid_on_sql(c: _Columns, day: datetime.date) -> tuple[str, list]:
    sql = (
        f"({c.valid_from} IS NULL OR {c.valid_from} <= %s) AND ({c.dtstart} IS NULL OR {c.dtstart} <= %s)"
        f" AND ({c.valid_to} IS NULL OR {c.valid_to} >= %s) AND ({c.until} IS NULL OR {c.until} >= %s)"
    )
    return sql, [_param("valid_from", day)] * 4


def _open_at_local_sql(c: _Columns, local: datetime.datetime) -> tuple[str, list]:
    # Cheapest tests first: databases stop at the first false term of an AND. The day test builds
    # ",MO,TU," from BYDAY exactly as _byday_key does (ASCII upper case, spaces removed).
    today, now = local.date(), _param("opens_at", local.time())
    yesterday = today - datetime.timedelta(days=1)
    days = f"(',' || REPLACE(UPPER({c.byday}), ' ', '') || ',')"
    valid_today, today_params = _valid_on_sql(c, today)
    valid_yesterday, yesterday_params = _valid_on_sql(c, yesterday)
    sql = (
        f"(({c.opens_at} <= %s AND (({c.closes_at} > %s AND {c.closes_at} > {c.opens_at})"
        f" OR {c.closes_at} <= {c.opens_at}) AND {valid_today} AND {days} LIKE %s)"
        f" OR ({c.closes_at} > %s AND {c.closes_at} <= {c.opens_at} AND {valid_yesterday} AND {days} LIKE %s))"
    )
    params = [
        now,
        now,
        *today_params,
        f"%,{DAY_CODES[today.weekday()]},%",
        now,
        *yesterday_params,
        f"%,{DAY_CODES[yesterday.weekday()]},%",
    ]
    return sql, params


def schedule_offsets():
    """The distinct UTC offsets schedules use (one small query: the filter needs one branch each)."""
    return sorted(
        Schedule.objects.filter(timezone__isnull=False).order_by().values_list("timezone", flat=True).distinct()
    )


def open_schedules_sql(when: datetime.datetime, *, alias: str = "s", offsets=None) -> tuple[str, list]:
    """An SQL condition on the schedule table (as ``alias``) true for schedules open at ``when``.

    Agrees with ``is_open_at`` (a property test holds them together). Written as SQL rather than
    ORM lookups: with one branch per UTC offset in use it is long, and building and compiling it
    through the ORM cost more than running it. Local time depends on each row's offset, hence
    the branch per offset (``offsets``, read from the database when not given).
    """
    if offsets is None:
        offsets = schedule_offsets()
    c = _Columns(alias)
    branch_sql, params = _open_at_local_sql(c, local_time(when, None))
    branches = [f"({c.timezone} IS NULL AND {branch_sql})"]
    for offset in offsets:
        branch_sql, branch_params = _open_at_local_sql(c, local_time(when, offset))
        branches.append(f"({c.timezone} = %s AND {branch_sql})")
        params += [_param("timezone", offset), *branch_params]
    countable = (
        f"{c.opens_at} IS NOT NULL AND {c.closes_at} IS NOT NULL AND {c.count} IS NULL"
        f" AND ({c.interval} IS NULL OR {c.interval} = 1) AND UPPER({c.freq}) = '{WEEKLY}'"
    )
    return f"(({' OR '.join(branches)}) AND {countable})", params


# ---------------------------------------------------------------------------------------------
# Plain words


def _day_ranges(day_indexes):
    """[0, 1, 2, 4] → [(0, 2), (4, 4)]: runs of consecutive days, Monday first."""
    ranges = []
    for index in sorted(day_indexes):
        if ranges and ranges[-1][1] == index - 1:
            ranges[-1] = (ranges[-1][0], index)
        else:
            ranges.append((index, index))
    return ranges


def _days_in_words(byday: str) -> str:
    indexes = [i for i, code in enumerate(DAY_CODES) if f",{code}," in _byday_key(byday)]
    parts = []
    for first, last in _day_ranges(indexes):
        if first == last:
            parts.append(str(WEEKDAYS[first]))
        elif last == first + 1:
            parts.append(_("%(first)s and %(last)s") % {"first": WEEKDAYS[first], "last": WEEKDAYS[last]})
        else:
            parts.append(_("%(first)s to %(last)s") % {"first": WEEKDAYS[first], "last": WEEKDAYS[last]})
    return ", ".join(parts)


def describe_schedule(schedule) -> str:
    """One line a caseworker can read out: "Monday to Friday, 09:00–17:00 (UTC+3)"."""
    if not _is_countable(schedule) or not _days_in_words(schedule.byday):
        return schedule.description or schedule.notes or _("Hours not given in a regular weekly pattern.")
    opens, closes = schedule.opens_at.strftime("%H:%M"), schedule.closes_at.strftime("%H:%M")
    hours = _("all day") if opens == closes else f"{opens}–{closes}"
    line = _("%(days)s, %(hours)s") % {"days": _days_in_words(schedule.byday), "hours": hours}
    if schedule.timezone is not None:
        offset = Decimal(schedule.timezone).normalize()
        line += f" (UTC{'+' if offset >= 0 else ''}{offset:f})"
    if schedule.valid_from or schedule.valid_to:
        line += " · " + _valid_period_in_words(schedule)
    return line


def _valid_period_in_words(schedule) -> str:
    if schedule.valid_from and schedule.valid_to:
        return _("from %(start)s to %(end)s") % {
            "start": date_format(schedule.valid_from),
            "end": date_format(schedule.valid_to),
        }
    if schedule.valid_from:
        return _("from %(start)s") % {"start": date_format(schedule.valid_from)}
    return _("until %(end)s") % {"end": date_format(schedule.valid_to)}
