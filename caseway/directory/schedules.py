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

The database side is a table of precomputed openings (``ScheduleOpening``, written by
``refresh_openings``): each opening of each weekly schedule as a range of seconds of the week, on
the UTC clock for schedules with an offset and on the site's wall clock (``settings.TIME_ZONE``,
read when searching, so daylight saving time and a changed setting need no refresh) for those
without, with the weeks in which it counts. "Open at ``when``" is then one range condition per
clock (``open_openings``). The table also decides whose hours a schedule is: a service's own hours
(its schedules and those of its service-at-location links) decide, else its locations' hours.
"""

import datetime
from collections import namedtuple
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.apps import apps as installed_apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.translation import gettext as _

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # index = datetime.date.weekday()
WEEKLY = "WEEKLY"
DAY = 24 * 60 * 60
WEEK = 7 * DAY
# Weeks of an opening without date bounds: the whole range of a 32-bit integer column.
NO_FIRST_WEEK = -(2**31)
NO_LAST_WEEK = 2**31 - 1
UTC_CLOCK, SITE_CLOCK = 0, 1  # ScheduleOpening.Clock
SCHEDULE_FIELDS = (
    "freq",
    "interval",
    "count",
    "byday",
    "opens_at",
    "closes_at",
    "timezone",
    "valid_from",
    "valid_to",
    "dtstart",
    "until",
)
ScheduleRow = namedtuple("ScheduleRow", SCHEDULE_FIELDS)


def _ascii_upper(text: str) -> str:
    # The databases' UPPER() and Python's str.upper() disagree beyond ASCII ("ſ" → "S" in Python):
    # day codes are ASCII, so upper-casing ASCII only keeps both sides identical.
    return "".join(chr(ord(c) - 32) if "a" <= c <= "z" else c for c in text)


def _byday_key(byday: str) -> str:
    """ ",MO,TU," — what the database builds with CONCAT/REPLACE/UPPER, built the same way here."""
    return f",{_ascii_upper(byday or '').replace(' ', '')},"


def _offset_minutes(offset_hours) -> int:
    return int((Decimal(offset_hours) * 60).to_integral_value())


def local_time(when: datetime.datetime, offset_hours) -> datetime.datetime:
    """``when`` as a naive local date and time at a UTC offset in hours (None: settings.TIME_ZONE)."""
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if offset_hours is None:
        local = when.astimezone(ZoneInfo(settings.TIME_ZONE))
    else:
        local = when.astimezone(datetime.UTC) + datetime.timedelta(minutes=_offset_minutes(offset_hours))
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


# ---------------------------------------------------------------------------------------------
# Precomputed openings: the database side


def _seconds(time: datetime.time) -> int:
    """Seconds since midnight, a fraction rounded up: compared with a whole-second "now" as the time is."""
    whole = time.hour * 3600 + time.minute * 60 + time.second
    return whole + 1 if time.microsecond else whole


def _date_bounds(schedule) -> tuple:
    starts = [start for start in (schedule.valid_from, schedule.dtstart) if start is not None]
    ends = [end for end in (schedule.valid_to, schedule.until) if end is not None]
    return (max(starts) if starts else None), (min(ends) if ends else None)


def schedule_openings(schedule) -> list[tuple]:
    """(clock, start second, end second, first week, last week) of each weekly opening of ``schedule``.

    The same rules as ``is_open_at``, worked out once per schedule instead of at every search.
    One row per day the schedule opens (a day at most: ``open_openings`` counts on it), two where
    it runs over the end of the week.

    On a clock, the absolute second of a naive date and time is counted from 0001-01-01 00:00 (a
    Monday), so a week starts at a multiple of ``WEEK``. The opening that starts on local day D
    starts at ``(D.toordinal() - 1) * DAY + opens - shift`` on its clock (``shift``: the UTC
    offset on the UTC clock, 0 on the site's clock); seen from the week ``now`` falls in, that is
    ``week * WEEK + opened``, which turns the date bounds on D into bounds on that week.
    """
    if not _is_countable(schedule):
        return []
    listed = _byday_key(schedule.byday)
    days = [index for index, code in enumerate(DAY_CODES) if f",{code}," in listed]
    first_day, last_day = _date_bounds(schedule)
    if not days or (first_day is not None and last_day is not None and first_day > last_day):
        return []
    opens = _seconds(schedule.opens_at)
    closes = _seconds(schedule.closes_at)
    if schedule.closes_at <= schedule.opens_at:  # past midnight; equal times: the whole day
        closes += DAY
    if closes <= opens:  # shorter than a second: never open at a whole second
        return []
    if schedule.timezone is None:
        clock, shift = SITE_CLOCK, 0
    else:
        clock, shift = UTC_CLOCK, _offset_minutes(schedule.timezone) * 60
    pieces = []
    for day in days:
        start = (day * DAY + opens - shift) % WEEK
        end = start + closes - opens
        # Past the end of the week: the rest is at the start of the next week, where the
        # opening began in the week before.
        parts = [(start, end, start)] if end <= WEEK else [(start, WEEK, start), (0, end - WEEK, start - WEEK)]
        for part_start, part_end, opened in parts:
            first_week, last_week = NO_FIRST_WEEK, NO_LAST_WEEK
            if first_day is not None:
                first_week = -((opened - ((first_day.toordinal() - 1) * DAY + opens - shift)) // WEEK)
            if last_day is not None:
                last_week = ((last_day.toordinal() - 1) * DAY + opens - shift - opened) // WEEK
            if first_week <= last_week:
                pieces.append((clock, part_start, part_end, first_week, last_week))
    return pieces


def clock_readings(when: datetime.datetime) -> dict:
    """{clock: (second of the week, week)} at ``when``, to the second, on the UTC and site clocks."""
    readings = {}
    for clock, offset in ((UTC_CLOCK, 0), (SITE_CLOCK, None)):
        local = local_time(when, offset)
        absolute = (local.toordinal() - 1) * DAY + local.hour * 3600 + local.minute * 60 + local.second
        readings[clock] = (absolute % WEEK, absolute // WEEK)
    return readings


def opening_is_open(opening: tuple, readings: dict) -> bool:
    """Whether one (clock, start, end, first week, last week) opening runs at ``readings``."""
    clock, start, end, first_week, last_week = opening
    second, week = readings[clock]
    return start <= second < end and first_week <= week <= last_week


def open_openings(when: datetime.datetime) -> Q:
    """A filter on ``ScheduleOpening`` for the openings running at ``when``.

    One range per clock; when the site's clock reads UTC (``TIME_ZONE = "UTC"``), one range in all.
    No opening lasts more than a day, so one that runs now started within the last day: that bound
    (implied by the others) narrows the index range to a seventh of the openings.
    """
    readings = clock_readings(when)

    def running(second, week):
        return Q(
            start_second__gt=second - DAY,
            start_second__lte=second,
            end_second__gt=second,
            first_week__lte=week,
            last_week__gte=week,
        )

    if readings[UTC_CLOCK] == readings[SITE_CLOCK]:
        return running(*readings[UTC_CLOCK])
    return (Q(clock=UTC_CLOCK) & running(*readings[UTC_CLOCK])) | (Q(clock=SITE_CLOCK) & running(*readings[SITE_CLOCK]))


REFRESH_BATCH = 500  # services per round of refresh_openings (bounded query parameters)


def _directory_models(apps):
    apps = apps or installed_apps
    return (
        apps.get_model("directory", "Schedule"),
        apps.get_model("directory", "ServiceAtLocation"),
        apps.get_model("directory", "ScheduleOpening"),
    )


@transaction.atomic
def refresh_openings(service_ids=None, *, apps=None) -> tuple[int, int]:
    """Brings the precomputed openings of these services (None: every service) in line with their schedules.

    Every path that writes schedules, or the service-at-location links location hours reach a
    service through, calls it for the services concerned (``services_touched`` finds them) in the
    same transaction; saving a single row with ``save()`` calls it by itself (models.py). Rows
    already right are left alone, so a refresh that changes nothing writes nothing. ``apps``: a
    migration's app registry. Returns (rows added, rows removed).
    """
    if service_ids is None:
        return _refresh(None, apps)
    ids = sorted({pk for pk in service_ids if pk is not None}, key=str)
    added = removed = 0
    for start in range(0, len(ids), REFRESH_BATCH):
        batch_added, batch_removed = _refresh(ids[start : start + REFRESH_BATCH], apps)
        added, removed = added + batch_added, removed + batch_removed
    return added, removed


_OPENING_COLUMNS = (
    "schedule_id",
    "service_id",
    "service_at_location_id",
    "clock",
    "start_second",
    "end_second",
    "first_week",
    "last_week",
)


def _refresh(ids, apps) -> tuple[int, int]:
    schedule_model, link_model, opening_model = _directory_models(apps)
    schedules = schedule_model.objects.order_by()
    if ids is None:
        own = schedules.filter(service_id__isnull=False)
        via_links = schedules.filter(service_id__isnull=True, service_at_location_id__isnull=False)
        links = link_model.objects.order_by()
        existing = opening_model.objects.order_by()
    else:
        own = schedules.filter(service_id__in=ids)
        via_links = schedules.filter(service_id__isnull=True, service_at_location__service_id__in=ids)
        links = link_model.objects.filter(service_id__in=ids).order_by()
        existing = opening_model.objects.filter(service_id__in=ids).order_by()
    wanted = set()
    has_own_hours = set()
    for schedule_id, service_id, *fields in [
        *own.values_list("pk", "service_id", *SCHEDULE_FIELDS),
        *via_links.values_list("pk", "service_at_location__service_id", *SCHEDULE_FIELDS),
    ]:
        has_own_hours.add(service_id)
        for opening in schedule_openings(ScheduleRow(*fields)):
            wanted.add((schedule_id, service_id, None, *opening))
    # A location's hours are the hours of each service there that has none of its own.
    at_location = {}
    for link_id, service_id, location_id in links.values_list("pk", "service_id", "location_id"):
        if service_id not in has_own_hours:
            at_location.setdefault(location_id, []).append((link_id, service_id))
    location_hours = schedules.filter(service_id__isnull=True, service_at_location_id__isnull=True)
    for start in range(0, len(at_location), REFRESH_BATCH):
        locations = list(at_location)[start : start + REFRESH_BATCH]
        for schedule_id, location_id, *fields in location_hours.filter(location_id__in=locations).values_list(
            "pk", "location_id", *SCHEDULE_FIELDS
        ):
            openings = schedule_openings(ScheduleRow(*fields))
            for link_id, service_id in at_location[location_id]:
                wanted.update((schedule_id, service_id, link_id, *opening) for opening in openings)
    stale = []
    for pk, *key in existing.values_list("pk", *_OPENING_COLUMNS):
        key = tuple(key)
        if key in wanted:
            wanted.discard(key)  # kept as it is (a duplicate row would be stale: removed)
        else:
            stale.append(pk)
    for start in range(0, len(stale), REFRESH_BATCH):
        opening_model.objects.filter(pk__in=stale[start : start + REFRESH_BATCH]).delete()
    _insert(opening_model, wanted)
    return len(wanted), len(stale)


def _insert(opening_model, rows):
    """INSERT the rows with executemany: tens of thousands at a time (a bulk import), where building
    a model instance per row cost four times the writing."""
    if not rows:
        return
    meta = opening_model._meta
    fields = [meta.get_field(name.removesuffix("_id")) for name in _OPENING_COLUMNS]
    quote = connection.ops.quote_name
    # Only the model's table and column names are formatted in; every value is a parameter.
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
    links = range(3)  # schedule, service, service-at-location: ids as the database driver wants them
    params = [
        [fields[i].get_db_prep_value(value, connection) if i in links else value for i, value in enumerate(row)]
        for row in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(params), 1000):
            cursor.executemany(sql, params[start : start + 1000])


def services_touched(*, schedule_ids=(), link_ids=(), apps=None) -> set:
    """Services whose openings writing these schedules or service-at-location links may change.

    Call it before and after the write (a schedule moved from one service to another concerns both):
    the schedules' services (their own or through a link), the services at their locations, the
    links' services, and the services that have openings from them now.
    """
    schedule_model, link_model, opening_model = _directory_models(apps)
    schedule_ids, link_ids = list(schedule_ids), list(link_ids)
    found = set()
    for start in range(0, max(len(schedule_ids), len(link_ids)), REFRESH_BATCH):
        schedules = schedule_model.objects.filter(pk__in=schedule_ids[start : start + REFRESH_BATCH]).order_by()
        links = link_model.objects.filter(pk__in=link_ids[start : start + REFRESH_BATCH]).order_by()
        found.update(schedules.values_list("service_id", flat=True))
        found.update(schedules.values_list("service_at_location__service_id", flat=True))
        found.update(
            link_model.objects.filter(location_id__in=schedules.values("location_id")).values_list(
                "service_id", flat=True
            )
        )
        found.update(links.values_list("service_id", flat=True))
        found.update(
            opening_model.objects.filter(
                Q(schedule_id__in=schedules.values("pk")) | Q(service_at_location_id__in=links.values("pk"))
            ).values_list("service_id", flat=True)
        )
    found.discard(None)
    return found


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
