"""Measures: registered functions that build the database query of what an indicator counts.

A measure answers "which units (referrals, cases, goals, appointments, deadlines...) fall in this
period", as a queryset; ``count`` and ``medians`` below then restrict it to the population and
aggregate it **in the database**, one query per measure whatever the number of rows:

- the population: units whose client agreed to be counted in anonymous statistics, in force at
  the time of computation (``consent.network_consent_in_force``, in SQL), not erased, and whose
  organization is in the scope (the network, or a set of organizations);
- up to two dimensions (``dimensions.py``), grouped by ``values().annotate(Count)``;
- for a median, the database numbers each cell's (and each margin's) values by length with window
  functions and returns only the one or two middle rows, as ``legal/analytics.py`` does.

A measure knows the path from its unit to the client (``client``) and to the organization whose
work it is (``organization``): the receiver of a referral, the organization of a case, the lead
organization of a legal matter.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
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
    Window,
)
from django.db.models.functions import DenseRank, RowNumber, TruncDate
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


def _keys(units, measure_, dimensions):
    names = [f"dim{i}" for i in range(len(dimensions))]
    expressions = {
        name: dimension.expression(measure_.client, measure_.organization)
        for name, dimension in zip(names, dimensions, strict=True)
    }
    return units.annotate(**expressions), names


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


def count(measure_: Measure, context: Context, scope: Scope, dimensions=(), *, units=None) -> Counts:
    """``Counts`` of the measure (or of ``units``, a subset of its population), in one query: one
    grouped select per cell and margin level, put together with UNION ALL."""
    if units is None:
        units = population(measure_, context, scope)
    units, names = _keys(units, measure_, dimensions)
    aggregates = {
        "n": Count(measure_.counted, distinct=True),
        "people": Count(measure_.client, distinct=True),
        "organizations": Count(measure_.organization, distinct=True),
    }
    if not names:
        row = units.aggregate(**aggregates)
        return Counts({(): row["n"]}, {(): row["people"]}, {(): row["organizations"]})
    keys = [f"key{i}" for i in range(len(names))]
    parts = []
    for partition in _partitions(names):
        levels = {
            key: F(name) if name in partition else Value(MARGIN, output_field=CharField())
            for key, name in zip(keys, names, strict=True)
        }
        parts.append(units.annotate(**levels).values(*keys).annotate(**aggregates).order_by())
    rows = parts[0].union(*parts[1:], all=True).order_by()
    result = Counts({}, {}, {})
    for row in rows:
        key = tuple(_key(row[k]) if row[k] != MARGIN else MARGIN for k in keys)
        if MARGIN not in key:
            result.units[key] = result.units.get(key, 0) + row["n"]
        result.people[key] = result.people.get(key, 0) + row["people"]
        result.organizations[key] = result.organizations.get(key, 0) + row["organizations"]
    return result


def medians(measure_: Measure, context: Context, scope: Scope, dimensions=()) -> dict[tuple, tuple[int, float, int]]:
    """{(key or "*", ...): (how many values, their median in days, how many people)} for every
    cell and margin with values, in one query: each partition's rows are numbered by length and
    only the middle ones come back; the number of distinct clients of a partition is read on any of
    its rows as the rank of its client counted from both ends (dense ranks), less one."""
    units, names = _keys(population(measure_, context, scope), measure_, dimensions)
    partitions = _partitions(names)
    windows, middle = {}, Q()
    client = F(measure_.client)
    for i, partition in enumerate(partitions):
        by = [F(name) for name in partition] or None
        windows[f"pos{i}"] = Window(RowNumber(), partition_by=by, order_by=[F("length").asc(), F("pk").asc()])
        windows[f"n{i}"] = Window(Count("pk"), partition_by=by)
        windows[f"up{i}"] = Window(DenseRank(), partition_by=by, order_by=[client.asc()])
        windows[f"down{i}"] = Window(DenseRank(), partition_by=by, order_by=[client.desc()])
        middle |= Q(**{f"pos{i}": (F(f"n{i}") + 1) / 2}) | Q(**{f"pos{i}": F(f"n{i}") / 2 + 1})
    rows = units.annotate(**windows).filter(middle).values(*names, "length", *windows)
    found: dict[tuple, tuple[int, int, list]] = {}
    for row in rows:
        for i, partition in enumerate(partitions):
            position, size = row[f"pos{i}"], row[f"n{i}"]
            if position not in ((size + 1) // 2, size // 2 + 1):
                continue
            key = tuple(_key(row[name]) if name in partition else MARGIN for name in names)
            people = row[f"up{i}"] + row[f"down{i}"] - 1
            _size, _people, lengths = found.setdefault(key, (size, people, []))
            lengths.append(_days(row["length"]))
    return {key: (size, _middle(lengths), people) for key, (size, people, lengths) in found.items()}


def _partitions(names):
    """Every cell and margin: (dim0, dim1), (dim0,), (dim1,), () — as many as there are dimensions."""
    if len(names) == 2:
        return [tuple(names), (names[0],), (names[1],), ()]
    if len(names) == 1:
        return [tuple(names), ()]
    return [()]


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


def _follow_ups(code, context, rank=None):
    """Cases with a baseline of ``code`` and a follow-up in the period: first baseline and latest
    follow-up (score, or band rank when ``rank`` maps bands)."""
    baseline = _assessments(code, stage=Assessment.Stage.BASELINE)
    follow_up = _assessments(code, stage=Assessment.Stage.FOLLOW_UP).filter(context.in_period("assessed_at"))
    if rank is not None:
        baseline, follow_up, field = baseline.annotate(rank=_rank(rank)), follow_up.annotate(rank=_rank(rank)), "rank"
    else:
        field = "score"
    return ClientCase.objects.annotate(
        baseline_value=_first(baseline, field), follow_up_value=_latest(follow_up, field)
    ).filter(baseline_value__isnull=False, follow_up_value__isnull=False)


# ---------------------------------------------------------------------------------------------
# Services received

CASE = {"client": "client", "organization": "organization"}
REFERRAL = {"client": "client", "organization": "to_organization"}


@measure("clients_served", counted="client", **CASE)
def clients_served(context: Context):
    attended = Appointment.objects.filter(case_id=OuterRef("pk"), status=Appointment.Status.ATTENDED).filter(
        context.in_period("starts_at")
    )
    provided = Referral.objects.filter(
        to_case_id=OuterRef("pk"), outcome__in=(Outcome.SERVICE_PROVIDED, Outcome.PARTLY_PROVIDED)
    ).filter(context.in_period("closed_at"))
    return ClientCase.objects.filter(Exists(attended) | Exists(provided))


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
        ClientCase.objects.annotate(
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
    enrolled = _milestone(Milestone.Kind.TRAINING_ENROLLED).filter(context.days_in_period("reached_on"))
    return ClientCase.objects.filter(Exists(enrolled))


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
