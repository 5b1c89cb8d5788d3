"""Measures: registered functions that build the database query of what an indicator counts.

A measure answers "which units (referrals, cases, goals, appointments, deadlines...) fall in this
period", as a queryset; ``counts``, ``rate_counts`` and ``medians`` below then restrict it to the
population and aggregate it **in the database**: one query per indicator, for every breakdown
asked, whatever the number of rows:

- the population: units whose client agreed to be counted in anonymous statistics, in force at
  the time of computation (``consent.network_consent_in_force``, in SQL), not erased, and whose
  organization is in the scope (the network, or a set of organizations), compiled once into a
  common table with one column per dimension (``dimensions.py``) — the expensive part runs once;
- every cell and margin level of every breakdown: a grouped select over that table with distinct
  counts of units, people and organizations, joined with UNION ALL; a rate's numerator is a mark
  on its denominator's units, so that both parts come from the same pass;
- for a median, the database numbers each cell's (and each margin's) values by length with window
  functions and returns only the one or two middle rows, as ``legal/analytics.py`` does.

A measure knows the path from its unit to the client (``client``) and to the organization whose
work it is (``organization``): the receiver of a referral, the organization of a case, the lead
organization of a legal matter.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Case,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from caseway.casework.models import Appointment, Goal, Milestone
from caseway.clients import consent
from caseway.clients.models import Assessment, CaseStatus, ConsentPurpose
from caseway.clients.models import Case as ClientCase
from caseway.indicators.periods import Period, Scope
from caseway.legal.models import Deadline, LegalMatter, Remedy, Stage, StageChange
from caseway.referrals.models import Outcome, Referral, ReferralEvent, Status

MARGIN = "*"
WHO5, PHQ9, RISK = "who5", "phq9", "risk"
WHO5_RISE = 10  # percentage points: the change the WHO-5 source calls significant
RETENTION_DAYS = 90
SIX_MONTHS, TWELVE_MONTHS = 182, 365
PHQ9_RANK = {"none_minimal": 0, "mild": 1, "moderate": 2, "moderately_severe": 3, "severe": 4}
RISK_RANK = {"low": 0, "medium": 1, "high": 2, "imminent": 3}
EMPLOYMENT = (Milestone.Kind.EMPLOYED, Milestone.Kind.BUSINESS_STARTED)


@dataclass(frozen=True)
class Context:
    period: Period
    now: datetime.datetime

    @property
    def start(self):
        return self.period.bounds()[0]

    @property
    def after(self):
        return self.period.bounds()[1]

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)

    def in_period(self, field):
        return Q(**{f"{field}__gte": self.start, f"{field}__lt": self.after})

    def days_in_period(self, field):
        return Q(**{f"{field}__gte": self.period.start, f"{field}__lt": self.period.after})

    def cohort(self, field, days):
        """Units whose ``field`` + ``days`` falls in the period and has already come."""
        delay = datetime.timedelta(days=days)
        return Q(**{f"{field}__gte": self.start - delay, f"{field}__lt": min(self.after, self.now) - delay})


@dataclass(frozen=True)
class Measure:
    key: str
    build: Callable  # (Context) -> QuerySet of units, in the period
    client: str  # path from a unit to its client
    organization: str  # path from a unit to the organization whose work it is
    counted: str = "pk"  # what is counted (distinct): "pk", or the client for people
    median: bool = False  # True: the units carry ``length`` (a duration) and the figure is its median


REGISTRY: dict[str, Measure] = {}


def measure(key, *, client, organization, counted="pk", median=False):
    def register(build):
        if key in REGISTRY:
            raise ValueError(f"Measure {key!r} is registered twice.")
        REGISTRY[key] = Measure(key, build, client, organization, counted, median)
        return build

    return register


def get(key: str) -> Measure:
    try:
        return REGISTRY[key]
    except KeyError:
        raise ValueError(f"No measure {key!r} is registered.") from None


# ---------------------------------------------------------------------------------------------
# The population and the aggregation


def population(measure_: Measure, context: Context, scope: Scope):
    """The measure's units in the period, counted only for consenting, not-erased clients in scope."""
    units = measure_.build(context)
    units = units.filter(**{f"{measure_.client}__erased_at__isnull": True})
    units = units.filter(
        consent.network_consent_in_force(
            ConsentPurpose.STATISTICS, client_field=f"{measure_.client}_id", at=context.now
        )
    )
    if not scope.is_network:
        units = units.filter(**{f"{measure_.organization}_id__in": sorted(scope.organization_ids)})
    return units


def _key(value) -> str:
    return "unknown" if value is None or value == "" else str(value)


@dataclass(frozen=True)
class Counts:
    """What one measure counts, by cell: ``units`` per cell (keys: one category key per dimension;
    () without dimension), ``people`` (distinct clients) and ``organizations`` (distinct
    organizations whose work it is) per cell *and* margin (``MARGIN`` in a key: every category of
    that dimension). Disclosure thresholds apply to people, not to units: one person's ten
    referrals are one person."""

    units: dict
    people: dict
    organizations: dict


# A *breakdown* is a tuple of dimension keys; a *level* is what one of its cells or margins is
# grouped by: the breakdown (sex, age) has the levels (sex, age), (sex,), (age,) and (). Breakdowns
# computed together share their levels: every one has (), and (sex,) serves sex alone and each pair.


def _levels(breakdown: tuple) -> list[tuple]:
    if len(breakdown) == 2:
        return [breakdown, breakdown[:1], breakdown[1:], ()]
    if len(breakdown) == 1:
        return [breakdown, ()]
    return [()]


@dataclass(frozen=True)
class _Frame:
    """A measure's units as one materialized common table (``sql``, ``params``) with the columns
    ``cw_pk``, ``cw_counted``, ``cw_client``, ``cw_organization``, ``cw_d<i>`` (the category key
    of ``dimensions[i]``) and the caller's extra columns; ``levels``: every level of the
    breakdowns asked, in the order of their numbers. The expensive part (the population, with
    its consent check, subqueries and joins) runs once, whatever the number of breakdowns and
    levels read from it."""

    sql: str
    params: tuple
    dimensions: tuple
    levels: tuple
    connection: object
    converters: dict  # extra column -> (expression, its db converters)

    def quote(self, name) -> str:
        return self.connection.ops.quote_name(name)

    def level_of(self, breakdown) -> tuple:
        """A level as the frame numbers it: its dimensions in column order."""
        return tuple(sorted(breakdown, key=self.dimensions.index))

    def columns(self, level) -> list[str]:
        """Every dimension column, NULL where ``level`` does not group by it."""
        return [self.quote(f"cw_d{i}") if key in level else "NULL" for i, key in enumerate(self.dimensions)]

    def partition(self, level) -> str:
        grouped = [self.quote(f"cw_d{self.dimensions.index(key)}") for key in level]
        return ", ".join(grouped)

    def run(self, selects: list[str]) -> list[tuple]:
        """The rows of ``selects`` (each reading ``cw_units``) put together with UNION ALL."""
        if not self.sql:
            return []
        units = self.quote("cw_units")
        sql = f"WITH {units} AS {_materialized(self.connection)}({self.sql}) " + " UNION ALL ".join(selects)
        with self.connection.cursor() as cursor:
            cursor.execute(sql, self.params)
            return cursor.fetchall()

    def split(self, row) -> tuple[tuple, dict, tuple]:
        """A result row as (its level, {dimension key: category key} at that level, the rest)."""
        level = self.levels[row[0]]
        width = len(self.dimensions)
        keys = {key: _key(value) for key, value in zip(self.dimensions, row[1 : 1 + width], strict=True)}
        return level, {key: keys[key] for key in level}, row[1 + width :]

    def convert(self, column, value):
        expression, converters = self.converters[column]
        for converter in converters:
            value = converter(value, expression, self.connection)
        return value


def _materialized(connection) -> str:
    """Ask for the common table to be computed once (PostgreSQL 12+, SQLite 3.35+; an older SQLite
    may compute it again for each level: the same answer, more slowly)."""
    if connection.vendor == "sqlite" and connection.Database.sqlite_version_info < (3, 35):
        return ""
    return "MATERIALIZED "


def _frame(measure_: Measure, units, breakdowns, **extra) -> _Frame:
    """The frame of ``units`` (the measure's units, a queryset) for ``breakdowns`` (tuples of
    ``Dimension``), with ``extra`` columns (name -> expression)."""
    by_key = {dimension.key: dimension for breakdown in breakdowns for dimension in breakdown}
    dimensions = tuple(by_key)
    columns = {
        "cw_pk": F("pk"),
        "cw_counted": F(measure_.client if measure_.counted == "client" else measure_.counted),
        "cw_client": F(measure_.client),
        "cw_organization": F(measure_.organization),
        **{
            f"cw_d{i}": by_key[key].expression(measure_.client, measure_.organization)
            for i, key in enumerate(dimensions)
        },
        **extra,
    }
    selected = units.order_by().values(**columns)
    connection = connections[selected.db]
    try:
        sql, params = selected.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:  # a scope without organizations: nothing to count
        sql, params = "", ()
    converters = {}
    for name in extra:
        expression = selected.query.annotations[name]
        found = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        converters[name] = (expression, found)
    order = {key: i for i, key in enumerate(dimensions)}
    levels = tuple(
        dict.fromkeys(
            tuple(sorted(level, key=order.__getitem__))
            for breakdown in breakdowns
            for level in _levels(tuple(dimension.key for dimension in breakdown))
        )
    )
    return _Frame(sql, tuple(params), dimensions, levels, connection, converters)


def _breakdown_keys(breakdowns) -> list[tuple]:
    return [tuple(dimension.key for dimension in breakdown) for breakdown in breakdowns]


def _grouped(frame: _Frame, parts: list[str]) -> dict[tuple, list[Counts]]:
    """Distinct units, people and organizations per level, for each of ``parts`` (SQL conditions
    on the frame's columns, "" for every row), in one query; as one ``Counts`` per part for every
    level, keyed by level. A level without any row still has its () entry (zeros) when it is ()."""
    selects = []
    for number, level in enumerate(frame.levels):
        aggregates = []
        for condition in parts:
            for column in ("cw_counted", "cw_client", "cw_organization"):
                value = frame.quote(column)
                aggregates.append(
                    f"COUNT(DISTINCT CASE WHEN {condition} THEN {value} END)"
                    if condition
                    else f"COUNT(DISTINCT {value})"
                )
        group_by = f" GROUP BY {frame.partition(level)}" if level else ""
        selected = ", ".join([str(number), *frame.columns(level), *aggregates])
        selects.append(f"SELECT {selected} FROM {frame.quote('cw_units')}{group_by}")  # noqa: S608 (names, numbers)
    by_level = {level: [] for level in frame.levels}
    for row in frame.run(selects):
        level, keys, figures = frame.split(row)
        by_level[level].append((keys, figures))
    return by_level


def _counts(frame: _Frame, by_level, breakdown: tuple, part: int) -> Counts:
    """One breakdown's ``Counts`` of one part, from its levels' rows (units only for its cells:
    the margins of units are sums of cells)."""
    result = Counts({}, {}, {})
    for level in _levels(breakdown):
        for keys, figures in by_level[frame.level_of(level)]:
            key = tuple(keys[name] if name in level else MARGIN for name in breakdown)
            units, people, organizations = figures[3 * part : 3 * part + 3]
            if len(level) == len(breakdown):
                result.units[key] = result.units.get(key, 0) + units
            result.people[key] = result.people.get(key, 0) + people
            result.organizations[key] = result.organizations.get(key, 0) + organizations
    return result


def counts(measure_: Measure, context: Context, scope: Scope, breakdowns) -> dict[tuple, Counts]:
    """``Counts`` of the measure by each of ``breakdowns`` (tuples of ``Dimension``), keyed by
    their dimension keys; one query for them all."""
    frame = _frame(measure_, population(measure_, context, scope), breakdowns)
    by_level = _grouped(frame, [""])
    return {keys: _counts(frame, by_level, keys, 0) for keys in _breakdown_keys(breakdowns)}


def rate_counts(
    numerator: Measure, base: Measure, context: Context, scope: Scope, breakdowns
) -> dict[tuple, tuple[Counts, Counts]]:
    """(numerator, rest) ``Counts`` of a rate by each of ``breakdowns``: the numerator's units,
    and the denominator's units the numerator does not count (its people, too, must be known).
    One query: the denominator's units, each marked when the numerator counts it (the two
    measures count the same kind of unit, the numerator's a subset of the denominator's)."""
    counted = population(numerator, context, scope).order_by().values("pk")
    marked = Case(When(pk__in=counted, then=Value(1)), default=Value(0), output_field=IntegerField())
    frame = _frame(base, population(base, context, scope), breakdowns, cw_numerator=marked)
    flag = frame.quote("cw_numerator")
    by_level = _grouped(frame, [f"{flag} = 1", f"{flag} = 0"])
    return {
        keys: (_counts(frame, by_level, keys, 0), _counts(frame, by_level, keys, 1))
        for keys in _breakdown_keys(breakdowns)
    }


def count(measure_: Measure, context: Context, scope: Scope, dimensions=()) -> Counts:
    """``Counts`` of the measure by one breakdown."""
    return counts(measure_, context, scope, [tuple(dimensions)])[tuple(d.key for d in dimensions)]


@dataclass(frozen=True)
class Median:
    """One cell's or margin's median: how many values, their median in days, and how many
    distinct people and organizations they come from."""

    size: int
    days: float
    people: int
    organizations: int


def medians(measure_: Measure, context: Context, scope: Scope, breakdowns) -> dict[tuple, dict[tuple, Median]]:
    """For each of ``breakdowns``: {(key or "*", ...): ``Median``} for every cell and margin with
    values, in one query for them all: each level's rows are numbered by length and only the
    middle ones come back. The number of distinct clients (organizations) of a partition is read
    on any of its rows as the rank of its client (organization) counted from both ends (dense
    ranks), less one; an organization left empty counts as none, as in ``COUNT(DISTINCT)``."""
    frame = _frame(measure_, population(measure_, context, scope), breakdowns, cw_length=F("length"))
    length, pk = frame.quote("cw_length"), frame.quote("cw_pk")
    client, organization = frame.quote("cw_client"), frame.quote("cw_organization")
    selects = []
    for number, level in enumerate(frame.levels):
        by = f"PARTITION BY {frame.partition(level)} " if level else ""
        windows = (
            f"ROW_NUMBER() OVER ({by}ORDER BY {length}, {pk}) AS cw_position, "
            f"COUNT(*) OVER ({by}) AS cw_size, "
            f"DENSE_RANK() OVER ({by}ORDER BY {client}) AS cw_up, "
            f"DENSE_RANK() OVER ({by}ORDER BY {client} DESC) AS cw_down, "
            f"DENSE_RANK() OVER ({by}ORDER BY {organization}) AS cw_organization_up, "
            f"DENSE_RANK() OVER ({by}ORDER BY {organization} DESC) AS cw_organization_down, "
            f"MAX(CASE WHEN {organization} IS NULL THEN 1 ELSE 0 END) OVER ({by}) AS cw_no_organization"
        )
        selected = ", ".join(
            [
                str(number),
                *frame.columns(level),
                length,
                "cw_size",
                "cw_up + cw_down - 1",
                "cw_organization_up + cw_organization_down - 1 - cw_no_organization",
            ]
        )
        selects.append(
            f"SELECT {selected} FROM (SELECT *, {windows} FROM {frame.quote('cw_units')}) AS cw_numbered "  # noqa: S608
            "WHERE cw_position = (cw_size + 1) / 2 OR cw_position = cw_size / 2 + 1"
        )
    by_level: dict[tuple, dict] = {level: {} for level in frame.levels}
    for row in frame.run(selects):
        level, keys, (value, size, people, organizations) = frame.split(row)
        found = by_level[level].setdefault(tuple(sorted(keys.items())), (keys, size, people, organizations, []))
        found[4].append(_days(frame.convert("cw_length", value)))
    result = {}
    for breakdown in _breakdown_keys(breakdowns):
        figures = {}
        for level in _levels(breakdown):
            for keys, size, people, organizations, lengths in by_level[frame.level_of(level)].values():
                key = tuple(keys[name] if name in level else MARGIN for name in breakdown)
                figures[key] = Median(size, _middle(lengths), people, organizations)
        result[breakdown] = figures
    return result


def _days(length) -> float:
    if isinstance(length, datetime.timedelta):
        return length.total_seconds() / 86400
    return float(length)  # some backends answer a date difference in days


def _middle(lengths: list[float]) -> float:
    return round(sum(lengths) / len(lengths), 1)


# ---------------------------------------------------------------------------------------------
# Helpers for the measures


def _rank(ranks: dict):
    return Case(*(When(band=band, then=Value(rank)) for band, rank in ranks.items()), output_field=IntegerField())


def _assessments(code, **filters):
    return Assessment.objects.filter(case_id=OuterRef("pk"), instrument__code=code, **filters)


def _first(queryset, field):
    return Subquery(queryset.order_by("assessed_at", "pk").values(field)[:1])


def _latest(queryset, field):
    return Subquery(queryset.order_by("-assessed_at", "-pk").values(field)[:1])


def _cases_assessed_in_period(code, context, **filters):
    """The cases with an assessment of ``code`` in the period: the few cases a follow-up measure
    can count, read once (an uncorrelated IN) before any per-case subquery runs."""
    assessed = Assessment.objects.filter(instrument__code=code, **filters).filter(context.in_period("assessed_at"))
    return assessed.values("case_id")


def _follow_ups(code, context, rank=None):
    """Cases with a baseline of ``code`` and a follow-up in the period: first baseline and latest
    follow-up (score, or band rank when ``rank`` maps bands)."""
    baseline = _assessments(code, stage=Assessment.Stage.BASELINE)
    follow_up = _assessments(code, stage=Assessment.Stage.FOLLOW_UP).filter(context.in_period("assessed_at"))
    if rank is not None:
        baseline, follow_up, field = baseline.annotate(rank=_rank(rank)), follow_up.annotate(rank=_rank(rank)), "rank"
    else:
        field = "score"
    return (
        ClientCase.objects.filter(pk__in=_cases_assessed_in_period(code, context, stage=Assessment.Stage.FOLLOW_UP))
        .annotate(baseline_value=_first(baseline, field), follow_up_value=_latest(follow_up, field))
        .filter(baseline_value__isnull=False, follow_up_value__isnull=False)
    )


# ---------------------------------------------------------------------------------------------
# Services received

CASE = {"client": "client", "organization": "organization"}
REFERRAL = {"client": "client", "organization": "to_organization"}


@measure("clients_served", counted="client", **CASE)
def clients_served(context: Context):
    # Driven from the period's rows (uncorrelated IN: each read once), not probed for every case.
    attended = Appointment.objects.filter(status=Appointment.Status.ATTENDED).filter(context.in_period("starts_at"))
    provided = Referral.objects.filter(outcome__in=(Outcome.SERVICE_PROVIDED, Outcome.PARTLY_PROVIDED)).filter(
        context.in_period("closed_at")
    )
    return ClientCase.objects.filter(Q(pk__in=attended.values("case_id")) | Q(pk__in=provided.values("to_case_id")))


# ---------------------------------------------------------------------------------------------
# Referrals


def _answered(context):
    return Referral.objects.exclude(status=Status.DRAFT).filter(context.in_period("answered_at"))


@measure("referrals_answered", **REFERRAL)
def referrals_answered(context: Context):
    return _answered(context)


@measure("referrals_accepted", **REFERRAL)
def referrals_accepted(context: Context):
    return _answered(context).exclude(status=Status.DECLINED)


@measure("referral_days_to_service", median=True, **REFERRAL)
def referral_days_to_service(context: Context):
    first = ReferralEvent.objects.filter(referral_id=OuterRef("pk"), to_status=Status.IN_SERVICE).order_by("at", "pk")
    return (
        Referral.objects.filter(sent_at__isnull=False)
        .annotate(first_service=Subquery(first.values("at")[:1]))
        .filter(context.in_period("first_service"))
        .annotate(length=ExpressionWrapper(F("first_service") - F("sent_at"), output_field=DurationField()))
    )


def _due(context):
    due = Referral.objects.exclude(status=Status.DRAFT).filter(due_at__isnull=False).filter(context.in_period("due_at"))
    return due.filter(Q(due_at__lt=context.now) | Q(answered_at__isnull=False))


@measure("referrals_due", **REFERRAL)
def referrals_due(context: Context):
    return _due(context)


@measure("referrals_answered_in_time", **REFERRAL)
def referrals_answered_in_time(context: Context):
    return _due(context).filter(answered_at__isnull=False, answered_at__lte=F("due_at"))


# ---------------------------------------------------------------------------------------------
# Cases and case plans


def _retention_cohort(context):
    return ClientCase.objects.filter(context.cohort("opened_at", RETENTION_DAYS))


@measure("cases_retention_due", **CASE)
def cases_retention_due(context: Context):
    return _retention_cohort(context)


@measure("cases_retained", **CASE)
def cases_retained(context: Context):
    mark = F("opened_at") + datetime.timedelta(days=RETENTION_DAYS)
    return _retention_cohort(context).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=mark), last_contact_at__gte=mark
    )


GOAL = {"client": "plan__case__client", "organization": "plan__case__organization"}


@measure("goals_due", **GOAL)
def goals_due(context: Context):
    """Goals whose target date falls in the period and has passed (or already achieved): a goal
    still ahead is not due yet, like a deadline."""
    due = Goal.objects.filter(context.days_in_period("target_date"))
    return due.filter(Q(target_date__lt=context.today) | Q(status=Goal.Status.ACHIEVED))


@measure("goals_achieved", **GOAL)
def goals_achieved(context: Context):
    return goals_due(context).filter(status=Goal.Status.ACHIEVED)


# ---------------------------------------------------------------------------------------------
# Wellbeing, depression, risk


@measure("who5_followed_up", **CASE)
def who5_followed_up(context: Context):
    return _follow_ups(WHO5, context)


@measure("who5_improved", **CASE)
def who5_improved(context: Context):
    return _follow_ups(WHO5, context).filter(follow_up_value__gte=F("baseline_value") + WHO5_RISE)


@measure("phq9_followed_up", **CASE)
def phq9_followed_up(context: Context):
    return _follow_ups(PHQ9, context, rank=PHQ9_RANK).filter(baseline_value__gt=0)


@measure("phq9_reduced", **CASE)
def phq9_reduced(context: Context):
    return phq9_followed_up(context).filter(follow_up_value__lt=F("baseline_value"))


def _risk_reassessed(context):
    every = _assessments(RISK).annotate(rank=_rank(RISK_RANK))
    in_period = every.filter(context.in_period("assessed_at"))
    return (
        ClientCase.objects.filter(pk__in=_cases_assessed_in_period(RISK, context))
        .annotate(
            first_pk=_first(every, "pk"),
            first_rank=_first(every, "rank"),
            latest_pk=_latest(in_period, "pk"),
            latest_rank=_latest(in_period, "rank"),
        )
        .filter(latest_pk__isnull=False, first_rank__gt=0)
        .exclude(latest_pk=F("first_pk"))
    )


@measure("risk_reassessed", **CASE)
def risk_reassessed(context: Context):
    return _risk_reassessed(context)


@measure("risk_reduced", **CASE)
def risk_reduced(context: Context):
    return _risk_reassessed(context).filter(latest_rank__lt=F("first_rank"))


# ---------------------------------------------------------------------------------------------
# Livelihoods and training


def _closed_cohort(context, days):
    return ClientCase.objects.filter(status=CaseStatus.CLOSED).filter(context.cohort("closed_at", days))


def _employed(context, days):
    """Employed by ``days`` after closure, whatever the length of the period (a yearly period must
    not stretch "6 months after" to a year)."""
    reached_by = min(context.period.end, context.today)
    mark = ExpressionWrapper(OuterRef("closed_at") + datetime.timedelta(days=days), output_field=DateTimeField())
    employed = Milestone.objects.filter(case_id=OuterRef("pk"), kind__in=EMPLOYMENT, reached_on__lte=reached_by).filter(
        reached_on__lte=mark
    )
    return _closed_cohort(context, days).filter(Exists(employed))


@measure("closed_6_months_ago", **CASE)
def closed_6_months_ago(context: Context):
    return _closed_cohort(context, SIX_MONTHS)


@measure("employed_6_months_after_closure", **CASE)
def employed_6_months_after_closure(context: Context):
    return _employed(context, SIX_MONTHS)


@measure("closed_12_months_ago", **CASE)
def closed_12_months_ago(context: Context):
    return _closed_cohort(context, TWELVE_MONTHS)


@measure("employed_12_months_after_closure", **CASE)
def employed_12_months_after_closure(context: Context):
    return _employed(context, TWELVE_MONTHS)


def _milestone(kind, **filters):
    return Milestone.objects.filter(case_id=OuterRef("pk"), kind=kind, **filters)


@measure("training_enrolled", **CASE)
def training_enrolled(context: Context):
    enrolled = Milestone.objects.filter(kind=Milestone.Kind.TRAINING_ENROLLED).filter(
        context.days_in_period("reached_on")
    )
    return ClientCase.objects.filter(pk__in=enrolled.values("case_id"))


@measure("training_completed", **CASE)
def training_completed(context: Context):
    return training_enrolled(context).filter(Exists(_milestone(Milestone.Kind.TRAINING_COMPLETED)))


# ---------------------------------------------------------------------------------------------
# Appointments and childcare

APPOINTMENT = {"client": "case__client", "organization": "case__organization"}
KEPT_OR_MISSED = (Appointment.Status.ATTENDED, Appointment.Status.NO_SHOW)


def _childcare(context, provided):
    return Appointment.objects.filter(
        childcare_needed=True, childcare_provided=provided, status__in=KEPT_OR_MISSED
    ).filter(context.in_period("starts_at"))


@measure("appointments_childcare_provided", **APPOINTMENT)
def appointments_childcare_provided(context: Context):
    return _childcare(context, True)


@measure("appointments_childcare_provided_attended", **APPOINTMENT)
def appointments_childcare_provided_attended(context: Context):
    return _childcare(context, True).filter(status=Appointment.Status.ATTENDED)


@measure("appointments_childcare_missing", **APPOINTMENT)
def appointments_childcare_missing(context: Context):
    return _childcare(context, False)


@measure("appointments_childcare_missing_attended", **APPOINTMENT)
def appointments_childcare_missing_attended(context: Context):
    return _childcare(context, False).filter(status=Appointment.Status.ATTENDED)


# ---------------------------------------------------------------------------------------------
# Legal

MATTER = {"client": "client", "organization": "lead_organization"}
OF_MATTER = {"client": "matter__client", "organization": "matter__lead_organization"}


@measure("legal_matter_days_to_close", median=True, **MATTER)
def legal_matter_days_to_close(context: Context):
    closed = StageChange.objects.filter(matter_id=OuterRef("pk"), stage=Stage.CLOSED).order_by("-entered_on", "-pk")
    return (
        LegalMatter.objects.filter(stage=Stage.CLOSED)
        .annotate(closed_on=Subquery(closed.values("entered_on")[:1]))
        .filter(context.days_in_period("closed_on"))
        .annotate(
            length=ExpressionWrapper(
                F("closed_on") - TruncDate("opened_at", tzinfo=timezone.get_current_timezone()),
                output_field=DurationField(),
            )
        )
    )


def _decided(context):
    return Remedy.objects.filter(status__in=(Remedy.Status.OBTAINED, Remedy.Status.DENIED)).filter(
        context.days_in_period("decided_on")
    )


@measure("remedies_decided", **OF_MATTER)
def remedies_decided(context: Context):
    return _decided(context)


@measure("remedies_obtained", **OF_MATTER)
def remedies_obtained(context: Context):
    return _decided(context).filter(status=Remedy.Status.OBTAINED)


def _deadlines_due(context):
    due = Deadline.objects.filter(context.days_in_period("due_on"))
    return due.filter(Q(due_on__lt=context.today) | Q(status=Deadline.Status.MET))


@measure("deadlines_due", **OF_MATTER)
def deadlines_due(context: Context):
    return _deadlines_due(context)


@measure("deadlines_met", **OF_MATTER)
def deadlines_met(context: Context):
    return _deadlines_due(context).filter(status=Deadline.Status.MET, met_on__lte=F("due_on"))
