"""Legal analytics for coordinators and legal leads: aggregates only, small cells hidden.

One selector, ``legal_analytics``: for optional filters (matters opened between two days, a type of
matter, a forum) it counts in the database, with a fixed number of queries whatever the number of
matters, and returns tables already through ``lib.disclosure``:

- matters by current stage and by outcome (blank: no outcome yet);
- time in each stage, from the stage history (``StageChange``): a matter's period in a stage runs
  from the day it entered it to the day it entered the next one, or to today for its current
  stage; per stage, how many periods and their median in days (hidden on fewer than the threshold);
- matters delayed: not closed, and in their current stage for more than ``LEGAL_DELAY_DAYS``
  (``CASEWAY_LEGAL_DELAY_DAYS``, default 180), counted by stage; an organization also gets the list
  of its own delayed matters by client code (it works on them, it sees them anyway);
- outcomes by sex, by age group, by disability (Washington Group) and by region (admin 1), one
  dimension at a time: **only matters of clients whose consent to anonymous statistics is in
  force now** (``consent.network_consent_in_force``, in SQL), so that outcome patterns that treat
  some groups worse become visible without exposing anyone.

Who sees what (``scope_of``): the roles the table gives ``VIEW_LEGAL_ANALYTICS``. A role that also
works legal matters (supervisors, legal officers) sees its organization's matters, as lead or as
co-counsel (``access.visible_matters``); one that does not (coordinators) sees the whole network's
matters in aggregate and never a client code. Matters of erased clients never count.

Outcome tables count matters, not people: a client with two matters counts twice. Every table of
one request shares its grand total (published: ``total_published``); what the disclosure module
does not audit is differencing across filters (see ``lib/disclosure.py``).
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    UUIDField,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway.clients import consent
from caseway.clients.models import AgeBand, ConsentPurpose, Sex
from caseway.directory.models import AdminArea
from caseway.legal import access
from caseway.legal.models import Jurisdiction, LegalMatter, MatterType, Outcome, Stage, StageChange
from caseway.lib import disclosure
from caseway.orgs.permissions import Action

NETWORK, ORGANIZATION = "network", "organization"
NO_OUTCOME = "none"
UNKNOWN = "unknown"
DELAYED_SHOWN = 100  # the organization's delayed matters listed, longest first
# Stages a matter can be delayed in: a closed matter waits for nothing.
OPEN_STAGES = tuple(stage for stage in Stage if stage != Stage.CLOSED)


# ---------------------------------------------------------------------------------------------
# Who sees what


def may_view_analytics(membership) -> bool:
    if membership is None:
        return False
    if not membership.is_active:
        return False
    if not membership.organization.is_active:
        return False
    return membership.allows(Action.VIEW_LEGAL_ANALYTICS)


def scope_of(membership) -> str:
    """``ORGANIZATION`` for a role that works legal matters, ``NETWORK`` (aggregates only) otherwise;
    ``Http404`` for anyone who may not see legal analytics at all."""
    if not may_view_analytics(membership):
        raise Http404
    if membership.allows(Action.WORK_LEGAL_MATTERS):
        return ORGANIZATION
    return NETWORK


def matters_in_scope(membership, scope: str):
    if scope == ORGANIZATION:
        return access.visible_matters(membership)
    return LegalMatter.objects.filter(client__erased_at__isnull=True)


def legend(limit: int | None = None) -> str:
    """The words that explain the marker, under every table that may hold one (as
    ``disclosure.legend``, which speaks of referrals)."""
    limit = disclosure.threshold() if limit is None else limit
    return _(
        "“%(marker)s”: fewer than %(threshold)d, or a figure from which such a number could be worked out. "
        "Hidden to protect people. A median time is hidden when it rests on fewer than %(threshold)d periods."
    ) % {"marker": disclosure.MARKER, "threshold": limit}


# ---------------------------------------------------------------------------------------------
# What is asked


@dataclass(frozen=True)
class Filters:
    """Matters opened from ``opened_from`` to ``opened_to`` (days included, either open-ended), of a
    ``type`` and before a forum (``jurisdiction``), each optional."""

    opened_from: datetime.date | None = None
    opened_to: datetime.date | None = None
    type: str = ""
    jurisdiction: Jurisdiction | None = None

    def apply(self, matters):
        zone = timezone.get_current_timezone()
        if self.opened_from is not None:
            matters = matters.filter(
                opened_at__gte=datetime.datetime.combine(self.opened_from, datetime.time.min, tzinfo=zone)
            )
        if self.opened_to is not None:
            after = self.opened_to + datetime.timedelta(days=1)
            matters = matters.filter(opened_at__lt=datetime.datetime.combine(after, datetime.time.min, tzinfo=zone))
        if self.type:
            matters = matters.filter(type=self.type)
        if self.jurisdiction is not None:
            matters = matters.filter(jurisdiction_id=self.jurisdiction.pk)
        return matters


def forum_options() -> tuple[Jurisdiction, ...]:
    return tuple(Jurisdiction.objects.only("pk", "code", "name").order_by("name", "code"))


# ---------------------------------------------------------------------------------------------
# What is answered


@dataclass(frozen=True)
class Line:
    key: str  # a stable code: stage, outcome, P-code...
    label: str
    value: int | None  # None: hidden


@dataclass(frozen=True)
class CountTable:
    key: str
    title: str
    heading: str
    lines: tuple[Line, ...]
    total: int | None

    @property
    def all_hidden(self) -> bool:
        return self.total is None and all(line.value in (None, 0) for line in self.lines)


@dataclass(frozen=True)
class CrossTable:
    """Matters by a group of their client (rows) and outcome (columns), with margins."""

    key: str
    title: str
    heading: str
    rows: tuple[tuple[str, str], ...]  # (key, label)
    columns: tuple[tuple[str, str], ...]
    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    total: int | None

    @property
    def all_hidden(self) -> bool:
        return self.total is None and all(value in (None, 0) for row in self.cells for value in row)

    def lines(self):
        """(row key, row label, cells, row total) in order, for templates and exports."""
        for (key, label), cells, total in zip(self.rows, self.cells, self.row_totals, strict=True):
            yield key, label, cells, total


@dataclass(frozen=True)
class StageTime:
    stage: str
    label: str
    periods: int | None  # None: hidden
    median_days: float | None  # None: hidden (fewer periods than the threshold) or none at all


@dataclass(frozen=True)
class DelayedMatter:
    """One of the organization's own delayed matters (never in the network's scope)."""

    pk: object
    client_code: str
    type_label: str
    stage: str
    stage_label: str
    since: datetime.date
    days: int


@dataclass(frozen=True)
class LegalAnalytics:
    scope: str
    filters: Filters
    threshold: int
    delay_days: int
    matters: int | None
    counted_matters: int | None  # matters of clients counted in anonymous statistics
    by_stage: CountTable
    by_outcome: CountTable
    time_in_stage: tuple[StageTime, ...]
    delayed: CountTable
    outcome_tables: tuple[CrossTable, ...]
    delayed_matters: tuple[DelayedMatter, ...] = ()  # the organization's; empty for the network
    delayed_listed: int = 0  # how many delayed matters the organization has (the list stops at DELAYED_SHOWN)
    generated_at: datetime.datetime = field(default_factory=timezone.now)

    @property
    def count_tables(self) -> tuple[CountTable, ...]:
        return (self.by_stage, self.by_outcome, self.delayed)


# ---------------------------------------------------------------------------------------------
# The selector


def legal_analytics(*, membership, filters: Filters, now: datetime.datetime | None = None) -> LegalAnalytics:
    """The analytics ``filters`` ask for, suppressed. ``Http404`` for anyone who may not see them."""
    scope = scope_of(membership)
    now = now or timezone.now()
    today = timezone.localdate(now)
    limit = disclosure.threshold()
    delay_days = settings.LEGAL_DELAY_DAYS
    matters = filters.apply(matters_in_scope(membership, scope))

    by_stage = _stage_table(matters, limit)
    counted = matters.filter(consent.network_consent_in_force(ConsentPurpose.STATISTICS, at=now))
    outcome_tables = (
        _sex_table(counted, limit),
        _age_table(counted, limit),
        _disability_table(counted, limit),
        _area_table(counted, limit),
    )
    delayed = _delayed(matters, today, delay_days)
    delayed_list, delayed_count = (), 0
    if scope == ORGANIZATION:
        delayed_list, delayed_count = _delayed_list(delayed, today)
    return LegalAnalytics(
        scope=scope,
        filters=filters,
        threshold=limit,
        delay_days=delay_days,
        matters=by_stage.total,
        counted_matters=outcome_tables[0].total,
        by_stage=by_stage,
        by_outcome=_outcome_table(matters, limit),
        time_in_stage=_time_in_stage(matters, today, limit),
        delayed=_delayed_table(delayed, limit),
        outcome_tables=outcome_tables,
        delayed_matters=delayed_list,
        delayed_listed=delayed_count,
        generated_at=now,
    )


def _counts(queryset, field_name) -> dict:
    rows = queryset.values(field_name).annotate(n=Count("pk")).order_by()
    return {row[field_name]: row["n"] for row in rows}


def _one_way(key, title, heading, entries, limit, **options) -> CountTable:
    """``entries``: (key, label, count); the counts go through the disclosure rules together."""
    protected = disclosure.protect_counts([count for _key, _label, count in entries], threshold=limit, **options)
    lines = tuple(
        Line(str(entry_key), str(label), value)
        for (entry_key, label, _count), value in zip(entries, protected.values, strict=True)
    )
    return CountTable(key=key, title=title, heading=heading, lines=lines, total=protected.total)


def _stage_table(matters, limit) -> CountTable:
    counts = _counts(matters, "stage")
    entries = [(stage.value, stage.label, counts.get(stage.value, 0)) for stage in Stage]
    # Its total, the number of matters, is printed by the outcome table too: never a complement.
    return _one_way("stage", _("Matters by current stage"), _("Stage"), entries, limit, total_published=True)


def _outcome_columns() -> list[tuple[str, str]]:
    return [(outcome.value, str(outcome.label)) for outcome in Outcome] + [(NO_OUTCOME, _("No outcome yet"))]


def _outcome_key(value) -> str:
    return value or NO_OUTCOME


def _outcome_table(matters, limit) -> CountTable:
    counts = {_outcome_key(key): count for key, count in _counts(matters, "outcome").items()}
    entries = [(key, label, counts.get(key, 0)) for key, label in _outcome_columns()]
    return _one_way("outcome", _("Matters by outcome"), _("Outcome"), entries, limit, total_published=True)


# ---------------------------------------------------------------------------------------------
# Time in each stage


def _periods(matters, today):
    """Every stage change of ``matters`` up to today, with the day its period ends (the next
    change's day, or today) and its length, as a queryset."""
    changes = StageChange.objects.filter(matter__in=matters.values("pk"), entered_on__lte=today)
    later = Q(entered_on__gt=OuterRef("entered_on")) | Q(
        entered_on=OuterRef("entered_on"), recorded_at__gt=OuterRef("recorded_at")
    )
    later |= Q(entered_on=OuterRef("entered_on"), recorded_at=OuterRef("recorded_at"), pk__gt=OuterRef("pk"))
    following = (
        StageChange.objects.filter(matter_id=OuterRef("matter_id"), entered_on__lte=today)
        .filter(later)
        .order_by("entered_on", "recorded_at", "pk")
        .values("entered_on")[:1]
    )
    ended = Coalesce(Subquery(following, output_field=DateField()), Value(today, output_field=DateField()))
    length = ExpressionWrapper(ended - F("entered_on"), output_field=DurationField())
    return changes.annotate(length=length)


def _time_in_stage(matters, today, limit) -> tuple[StageTime, ...]:
    """Per stage: how many periods, and their median length in days, in one query: the database
    numbers each stage's periods by length and returns only the one or two middle ones."""
    periods = _periods(matters, today).annotate(
        position=Window(RowNumber(), partition_by=[F("stage")], order_by=[F("length").asc(), F("pk").asc()]),
        periods=Window(Count("pk"), partition_by=[F("stage")]),
    )
    middle = periods.filter(
        Q(position=(F("periods") + 1) / 2) | Q(position=F("periods") / 2 + 1),
    ).values_list("stage", "periods", "length")
    found = {}
    for stage, count, length in middle:
        counted, lengths = found.get(stage, (count, []))
        found[stage] = (counted, [*lengths, _days(length)])
    result = []
    for stage in Stage:
        count, lengths = found.get(stage.value, (0, []))
        median = _middle(lengths)
        result.append(
            StageTime(
                stage=stage.value,
                label=str(stage.label),
                periods=disclosure.protect_count(count, threshold=limit),
                median_days=disclosure.protect_measure(median, count, threshold=limit),
            )
        )
    return tuple(result)


def _middle(lengths: list[int]) -> float | int | None:
    """The median from the one or two middle values: whole days stay whole, a half stays a half."""
    if not lengths:
        return None
    total, count = sum(lengths), len(lengths)
    return total // count if total % count == 0 else total / count


def _days(length) -> int:
    """A period's length in days (the database answers a duration, or days on some backends)."""
    return length.days if isinstance(length, datetime.timedelta) else int(length)


# ---------------------------------------------------------------------------------------------
# Delays


def _delayed(matters, today, delay_days):
    """Matters not closed whose current stage was entered more than ``delay_days`` ago. The current
    stage started on the latest stage change's day; a matter without history, on its opening day."""
    latest = (
        StageChange.objects.filter(matter_id=OuterRef("pk"), entered_on__lte=today)
        .order_by("-entered_on", "-recorded_at", "-pk")
        .values("entered_on")[:1]
    )
    since = Coalesce(
        Subquery(latest, output_field=DateField()),
        TruncDate("opened_at", tzinfo=timezone.get_current_timezone()),
        output_field=DateField(),
    )
    return (
        matters.exclude(stage=Stage.CLOSED)
        .annotate(since=since)
        .filter(since__lt=today - datetime.timedelta(days=delay_days))
    )


def _delayed_table(delayed, limit) -> CountTable:
    counts = _counts(delayed, "stage")
    entries = [(stage.value, stage.label, counts.get(stage.value, 0)) for stage in OPEN_STAGES]
    return _one_way("delayed", _("Delayed matters by current stage"), _("Stage"), entries, limit)


def _delayed_list(delayed, today) -> tuple[tuple[DelayedMatter, ...], int]:
    rows = list(
        delayed.annotate(total=Window(Count("pk")))
        .order_by("since", "pk")
        .values_list("pk", "client__code", "type", "stage", "since", "total")[:DELAYED_SHOWN]
    )
    types, stages = dict(MatterType.choices), dict(Stage.choices)
    listed = tuple(
        DelayedMatter(
            pk=pk,
            client_code=code,
            type_label=str(types.get(kind, kind)),
            stage=stage,
            stage_label=str(stages.get(stage, stage)),
            since=since,
            days=(today - since).days,
        )
        for pk, code, kind, stage, since, _total in rows
    )
    return listed, (rows[0][-1] if rows else 0)


# ---------------------------------------------------------------------------------------------
# Outcomes by group (only matters of clients counted in anonymous statistics)


def _cross(key, title, heading, matters, group, groups, limit) -> CrossTable:
    """``groups``: (key, label) rows; ``group``: the expression giving a matter's row key (keys
    not among ``groups`` count in the last row, "not known")."""
    counts = {}
    rows = matters.annotate(group=group).values("group", "outcome").annotate(n=Count("pk")).order_by()
    known = {row_key for row_key, _label in groups}
    for row in rows:
        row_key = str(row["group"]) if row["group"] is not None else UNKNOWN
        row_key = row_key if row_key in known else UNKNOWN
        cell = (row_key, _outcome_key(row["outcome"]))
        counts[cell] = counts.get(cell, 0) + row["n"]
    columns = _outcome_columns()
    matrix = [[counts.get((row_key, column), 0) for column, _label in columns] for row_key, _label in groups]
    protected = disclosure.protect_table(matrix, threshold=limit, total_published=True)
    return CrossTable(
        key=key,
        title=title,
        heading=heading,
        rows=tuple((row_key, str(label)) for row_key, label in groups),
        columns=tuple(columns),
        cells=protected.cells,
        row_totals=protected.row_totals,
        column_totals=protected.column_totals,
        total=protected.total,
    )


def _sex_table(matters, limit) -> CrossTable:
    groups = [(sex.value, sex.label) for sex in Sex]
    return _cross("sex", _("Outcomes by sex"), _("Sex"), matters, F("client__sex"), groups, limit)


def _age_table(matters, limit) -> CrossTable:
    groups = [(band.value, band.label) for band in AgeBand]
    return _cross("age", _("Outcomes by age group"), _("Age group"), matters, F("client__age_band"), groups, limit)


def _disability_table(matters, limit) -> CrossTable:
    disability = Case(
        When(client__has_disability=True, then=Value("yes")),
        When(client__has_disability=False, then=Value("no")),
        default=Value(UNKNOWN),
    )
    groups = [
        ("yes", _("With a disability (Washington Group)")),
        ("no", _("Without a disability")),
        (UNKNOWN, _("Not asked yet")),
    ]
    return _cross("disability", _("Outcomes by disability"), _("Disability"), matters, disability, groups, limit)


def _area_table(matters, limit) -> CrossTable:
    region = Case(
        When(client__admin_area__level=AdminArea.Level.ADMIN1, then=F("client__admin_area_id")),
        When(client__admin_area__level=AdminArea.Level.ADMIN2, then=F("client__admin_area__parent_id")),
        default=None,
        output_field=UUIDField(),
    )
    # Every region, not only those with a matter: a region listed only when someone came from it
    # would say so even with its counts hidden. Rows are keyed by the area's id, shown by P-code.
    regions = list(AdminArea.objects.filter(level=AdminArea.Level.ADMIN1).order_by("pcode"))
    groups = [(str(area.pk), area.localized_name()) for area in regions] + [(UNKNOWN, _("Region not known"))]
    table = _cross("region", _("Outcomes by region"), _("Region"), matters, region, groups, limit)
    pcodes = {str(area.pk): area.pcode for area in regions}
    rows = tuple((pcodes.get(row_key, row_key), label) for row_key, label in table.rows)
    return CrossTable(**{**table.__dict__, "rows": rows})
