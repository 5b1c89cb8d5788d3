"""Network referral statistics for coordinators: aggregates only, small cells hidden.

One selector, ``network_statistics``: for a period (default the last 90 days, by the day a
referral was sent; drafts never count) and optional filters (urgency, the receiving service's
category, the receiving organization), it counts in the database, with a fixed number of queries
whatever the number of referrals, and returns tables already through ``lib.disclosure``:

- referrals by status, by urgency, by the receiving service's category, by month; decline
  reasons (coded); referrals per sending → receiving organization pair (operational, not about
  clients: organizations are named, counts still suppressed);
- figures: acceptance rate, median hours to the first answer, share answered by the deadline,
  unanswered past their deadline now;
- people referred, by sex and age group, disability (Washington Group) and region (admin 1):
  **only clients whose consent to anonymous statistics is in force now** (``consent.
  network_consent_in_force``, in SQL), each person once however many referrals she had.

What leaves this module is counts, shares and a median: no client code, name or id, ever.
A referral's category is the top-level Caseway term of the service it was sent to; a service
tagged in several top-level categories counts under "several categories" (so the table still
adds up to its total, which secondary suppression relies on), a referral without a service under
"no service named".
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, Count, DurationField, ExpressionWrapper, F, Q, UUIDField, When
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from caseway.clients import consent
from caseway.clients.models import AgeBand, Client, ConsentPurpose, Sex
from caseway.directory import queries as directory_queries
from caseway.directory.models import AdminArea, ServiceTerm, TaxonomyTerm
from caseway.lib import disclosure
from caseway.orgs.models import Organization
from caseway.referrals.models import DeclineReason, Referral, Status, Urgency
from caseway.referrals.statistics_access import check_statistics_viewer

DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366
SEVERAL = "several"
NOT_STATED = "none"
UNKNOWN = "unknown"
REFERRALS, PEOPLE = "referrals", "people"
# Every status a sent referral can be in (a draft was never sent).
SENT_STATUSES = tuple(status for status in Status if status != Status.DRAFT)


# ---------------------------------------------------------------------------------------------
# What is asked


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included, in the site's time zone."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def default(cls, today: datetime.date | None = None) -> "Period":
        today = today or timezone.localdate()
        return cls(start=today - datetime.timedelta(days=DEFAULT_DAYS - 1), end=today)

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Aware datetimes: the start of the first day and the start of the day after the last."""
        zone = timezone.get_current_timezone()
        first = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone)
        after = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
        return first, after

    def months(self) -> list[tuple[int, int]]:
        months, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            months.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months


@dataclass(frozen=True)
class Filters:
    period: Period
    urgency: str = ""
    category: TaxonomyTerm | None = None  # a top-level Caseway term
    organization: Organization | None = None  # the receiving organization


@dataclass(frozen=True)
class Options:
    """What the filters offer: active organizations and the top-level Caseway categories."""

    organizations: tuple[Organization, ...]
    categories: tuple[TaxonomyTerm, ...]

    def organization(self, pk) -> Organization | None:
        return next((o for o in self.organizations if str(o.pk) == str(pk)), None)

    def category(self, code) -> TaxonomyTerm | None:
        return next((term for term in self.categories if term.code == code), None)


def filter_options() -> Options:
    organizations = Organization.objects.filter(is_active=True).only("pk", "name", "acronym").order_by("name")
    categories = directory_queries.caseway_terms().filter(parent__isnull=True).order_by("code")
    return Options(organizations=tuple(organizations), categories=tuple(categories))


# ---------------------------------------------------------------------------------------------
# What is answered


@dataclass(frozen=True)
class Line:
    key: str  # a stable code (status, urgency, category code, "2026-03", P-code, "12>15")
    labels: tuple[str, ...]  # one per heading of its table
    value: int | None  # None: hidden


@dataclass(frozen=True)
class CountTable:
    key: str
    title: str
    headings: tuple[str, ...]  # the headers of the label columns
    unit: str  # what is counted: "referrals" or "people"
    lines: tuple[Line, ...]
    total: int | None

    @property
    def all_hidden(self) -> bool:
        return self.total is None and all(line.value in (None, 0) for line in self.lines)

    @property
    def any_hidden(self) -> bool:
        return self.total is None or any(line.value is None for line in self.lines)


@dataclass(frozen=True)
class CrossTable:
    key: str
    title: str
    rows: tuple[tuple[str, str], ...]  # (key, label)
    columns: tuple[tuple[str, str], ...]
    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    total: int | None

    @property
    def all_hidden(self) -> bool:
        return self.total is None and all(value in (None, 0) for row in self.cells for value in row)

    @property
    def any_hidden(self) -> bool:
        entries = [*self.row_totals, *self.column_totals, self.total, *(v for row in self.cells for v in row)]
        return any(value is None for value in entries)

    def lines(self):
        """(row key, row label, cells, row total) in order, for templates and exports."""
        for (key, label), cells, total in zip(self.rows, self.cells, self.row_totals, strict=True):
            yield key, label, cells, total


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: float | int | None  # None: hidden (too few, or it would reveal a hidden count)
    unit: str  # "share" (0–1), "hours" or "count"


@dataclass(frozen=True)
class NetworkStatistics:
    filters: Filters
    threshold: int
    referrals: int | None
    people: int | None
    figures: tuple[Figure, ...]
    referral_tables: tuple[CountTable, ...]
    sex_and_age: CrossTable
    people_tables: tuple[CountTable, ...]
    generated_at: datetime.datetime = field(default_factory=timezone.now)

    @property
    def count_tables(self) -> tuple[CountTable, ...]:
        return (*self.referral_tables, *self.people_tables)


# ---------------------------------------------------------------------------------------------
# The selector


def network_statistics(*, membership, filters: Filters, now: datetime.datetime | None = None) -> NetworkStatistics:
    """The statistics ``filters`` ask for, suppressed. ``Http404`` for anyone who may not see them."""
    check_statistics_viewer(membership)
    now = now or timezone.now()
    limit = disclosure.threshold()
    referrals = _referrals(filters)

    status = _status_table(referrals, limit)
    total = status.total
    declined = next(line.value for line in status.lines if line.key == Status.DECLINED)
    referral_tables = (
        status,
        _urgency_table(referrals, limit),
        _category_table(referrals, limit),
        _month_table(referrals, filters.period, limit),
        _decline_table(referrals, limit, declined_shown=declined is not None),
        _pair_table(referrals, limit),
    )
    people = Client.objects.filter(pk__in=referrals.values("client_id")).filter(
        consent.network_consent_in_force(ConsentPurpose.STATISTICS, client_field="pk", at=now)
    )
    sex_and_age = _sex_and_age_table(people, limit)
    return NetworkStatistics(
        filters=filters,
        threshold=limit,
        referrals=total,
        people=sex_and_age.total,
        figures=_figures(referrals, limit, now),
        referral_tables=referral_tables,
        sex_and_age=sex_and_age,
        people_tables=(_disability_table(people, limit), _area_table(people, limit)),
        generated_at=now,
    )


def _referrals(filters: Filters):
    start, after = filters.period.bounds()
    referrals = Referral.objects.filter(sent_at__gte=start, sent_at__lt=after)
    if filters.urgency:
        referrals = referrals.filter(urgency=filters.urgency)
    if filters.organization is not None:
        referrals = referrals.filter(to_organization_id=filters.organization.pk)
    if filters.category is not None:
        terms = directory_queries.category_term_ids([filters.category.code])
        tagged = ServiceTerm.objects.filter(taxonomy_term_id__in=terms).values("service_id")
        referrals = referrals.filter(to_service_id__in=tagged)
    return referrals


def _counts(queryset, field_name) -> dict:
    rows = queryset.values(field_name).annotate(n=Count("pk")).order_by()
    return {row[field_name]: row["n"] for row in rows}


def _one_way(key, title, heading, entries, limit, *, unit=REFERRALS, **options) -> CountTable:
    """``entries``: (key, label, count); the counts go through the disclosure rules together."""
    protected = disclosure.protect_counts([count for _key, _label, count in entries], threshold=limit, **options)
    lines = tuple(
        Line(str(entry_key), (str(label),), value)
        for (entry_key, label, _count), value in zip(entries, protected.values, strict=True)
    )
    return CountTable(key=key, title=title, headings=(heading,), unit=unit, lines=lines, total=protected.total)


def _status_table(referrals, limit) -> CountTable:
    counts = _counts(referrals, "status")
    entries = [(status.value, status.label, counts.get(status.value, 0)) for status in SENT_STATUSES]
    # Its total, the number of referrals, is printed by every other referral table: never a complement.
    return _one_way("status", _("Referrals by status"), _("Status"), entries, limit, total_published=True)


def _urgency_table(referrals, limit) -> CountTable:
    counts = _counts(referrals, "urgency")
    entries = [(urgency.value, urgency.label, counts.get(urgency.value, 0)) for urgency in Urgency]
    return _one_way("urgency", _("Referrals by urgency"), _("Urgency"), entries, limit, total_published=True)


def _category_table(referrals, limit) -> CountTable:
    per_service = _counts(referrals, "to_service_id")
    tops = (
        ServiceTerm.objects.filter(
            service_id__in=referrals.values("to_service_id"),
            taxonomy_term__taxonomy_ref_id=directory_queries.caseway_taxonomy_id(),
        )
        .annotate(
            top=Coalesce("taxonomy_term__parent__parent__code", "taxonomy_term__parent__code", "taxonomy_term__code")
        )
        .values_list("service_id", "top")
        .distinct()
    )
    categories_of = {}
    for service_id, top in tops:
        categories_of.setdefault(service_id, set()).add(top)
    counts = {}
    for service_id, count in per_service.items():
        found = categories_of.get(service_id, set())
        code = NOT_STATED if service_id is None or not found else (next(iter(found)) if len(found) == 1 else SEVERAL)
        counts[code] = counts.get(code, 0) + count
    terms = directory_queries.caseway_terms().filter(parent__isnull=True).order_by("code")
    entries = [(term.code, term.localized_name(), counts.pop(term.code, 0)) for term in terms]
    entries.append((SEVERAL, _("Several categories"), counts.pop(SEVERAL, 0)))
    entries.append((NOT_STATED, _("No service named"), counts.pop(NOT_STATED, 0) + sum(counts.values())))
    return _one_way(
        "category",
        _("Referrals by category of the receiving service"),
        _("Category"),
        entries,
        limit,
        total_published=True,
    )


def _month_table(referrals, period: Period, limit) -> CountTable:
    rows = (
        referrals.annotate(month=TruncMonth("sent_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {}
    for row in rows:
        month = timezone.localtime(row["month"]) if timezone.is_aware(row["month"]) else row["month"]
        counts[(month.year, month.month)] = counts.get((month.year, month.month), 0) + row["n"]
    entries = [
        (
            f"{year:04d}-{month:02d}",
            date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT"),
            counts.get((year, month), 0),
        )
        for year, month in period.months()
    ]
    return _one_way("month", _("Referrals by month sent"), _("Month"), entries, limit, total_published=True)


def _decline_table(referrals, limit, *, declined_shown: bool) -> CountTable:
    counts = _counts(referrals.filter(status=Status.DECLINED), "decline_reason")
    entries = [(reason.value, reason.label, counts.pop(reason.value, 0)) for reason in DeclineReason]
    # A decline recorded before reasons were coded counts as "other": the total stays the status cell.
    key, label, count = entries[-1]
    entries[-1] = (key, label, count + sum(counts.values()))
    return _one_way(
        "decline_reason",
        _("Declined referrals by reason"),
        _("Reason"),
        entries,
        limit,
        total_published=declined_shown,
        total_hidden=not declined_shown,
    )


def _organization_label(name, acronym) -> str:
    return acronym or name or _("Not named")


def _pair_table(referrals, limit) -> CountTable:
    """Sending → receiving organization: protected as the full matrix with its margins (each
    organization's sent and received totals can be read from the filters), listed pair by pair."""
    rows = (
        referrals.values(
            "from_organization_id",
            "from_organization__name",
            "from_organization__acronym",
            "to_organization_id",
            "to_organization__name",
            "to_organization__acronym",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    senders, receivers, counts = {}, {}, {}
    for row in rows:
        sender, receiver = row["from_organization_id"], row["to_organization_id"]
        senders[sender] = _organization_label(row["from_organization__name"], row["from_organization__acronym"])
        receivers[receiver] = _organization_label(row["to_organization__name"], row["to_organization__acronym"])
        counts[(sender, receiver)] = row["n"]
    sender_ids = sorted(senders, key=lambda pk: (senders[pk], str(pk)))
    receiver_ids = sorted(receivers, key=lambda pk: (receivers[pk], str(pk)))
    matrix = [[counts.get((s, r), 0) for r in receiver_ids] for s in sender_ids]
    protected = disclosure.protect_table(matrix, threshold=limit, total_published=True)
    lines = tuple(
        Line(f"{s}>{r}", (senders[s], receivers[r]), protected.cells[i][j])
        for i, s in enumerate(sender_ids)
        for j, r in enumerate(receiver_ids)
        if counts.get((s, r), 0) or protected.cells[i][j] is None
    )
    return CountTable(
        key="organizations",
        title=_("Referrals from one organization to another"),
        headings=(_("Sending organization"), _("Receiving organization")),
        unit=REFERRALS,
        lines=lines,
        total=protected.total,
    )


def _figures(referrals, limit, now) -> tuple[Figure, ...]:
    answered = Q(answered_at__isnull=False)
    facts = referrals.aggregate(
        answered=Count("pk", filter=answered),
        declined=Count("pk", filter=answered & Q(status=Status.DECLINED)),
        with_deadline=Count("pk", filter=answered & Q(due_at__isnull=False)),
        on_time=Count("pk", filter=answered & Q(due_at__isnull=False, answered_at__lte=F("due_at"))),
        overdue=Count("pk", filter=Q(status__in=(Status.SENT, Status.VIEWED), due_at__lt=now)),
    )
    accepted = facts["answered"] - facts["declined"]
    return (
        Figure(
            "acceptance_rate",
            _("Accepted, of the referrals answered"),
            disclosure.protect_share(accepted, facts["answered"], threshold=limit),
            "share",
        ),
        Figure(
            "median_hours_to_answer",
            _("Median time to the first answer"),
            disclosure.protect_measure(_median_hours(referrals, facts["answered"]), facts["answered"], threshold=limit),
            "hours",
        ),
        Figure(
            "answered_in_time",
            _("Answered by the deadline, of the referrals answered"),
            disclosure.protect_share(facts["on_time"], facts["with_deadline"], threshold=limit),
            "share",
        ),
        Figure(
            "overdue_now",
            _("Unanswered and past the deadline now"),
            disclosure.protect_count(facts["overdue"], threshold=limit),
            "count",
        ),
    )


def _median_hours(referrals, answered: int) -> float | None:
    """The median wait from sending to the first answer, by ORDER BY … OFFSET in the database
    (SQLite has no percentile function): the one or two middle values, never the list."""
    if answered == 0:
        return None
    wait = ExpressionWrapper(F("answered_at") - F("sent_at"), output_field=DurationField())
    middle = (answered - 1) // 2
    values = list(
        referrals.filter(answered_at__isnull=False)
        .annotate(wait=wait)
        .order_by("wait", "pk")
        .values_list("wait", flat=True)[middle : middle + (1 if answered % 2 else 2)]
    )
    seconds = [value.total_seconds() for value in values]
    return round(sum(seconds) / len(seconds) / 3600, 1) if seconds else None


# ---------------------------------------------------------------------------------------------
# People (only those who agreed to be counted)


def _sex_and_age_table(people, limit) -> CrossTable:
    counts = {
        (row["sex"], row["age_band"]): row["n"]
        for row in people.values("sex", "age_band").annotate(n=Count("pk")).order_by()
    }
    sexes, bands = list(Sex), list(AgeBand)
    matrix = [[counts.get((sex.value, band.value), 0) for band in bands] for sex in sexes]
    protected = disclosure.protect_table(matrix, threshold=limit, total_published=True)
    return CrossTable(
        key="sex_and_age",
        title=_("People referred, by sex and age group"),
        rows=tuple((sex.value, str(sex.label)) for sex in sexes),
        columns=tuple((band.value, str(band.label)) for band in bands),
        cells=protected.cells,
        row_totals=protected.row_totals,
        column_totals=protected.column_totals,
        total=protected.total,
    )


def _disability_table(people, limit) -> CountTable:
    counts = _counts(people, "has_disability")
    entries = [
        ("yes", _("With a disability (Washington Group)"), counts.get(True, 0)),
        ("no", _("Without a disability"), counts.get(False, 0)),
        (UNKNOWN, _("Not asked yet"), counts.get(None, 0)),
    ]
    return _one_way(
        "disability",
        _("People referred, by disability"),
        _("Disability"),
        entries,
        limit,
        unit=PEOPLE,
        total_published=True,
    )


def _area_table(people, limit) -> CountTable:
    region = Case(
        When(admin_area__level=AdminArea.Level.ADMIN1, then=F("admin_area_id")),
        When(admin_area__level=AdminArea.Level.ADMIN2, then=F("admin_area__parent_id")),
        default=None,
        output_field=UUIDField(),
    )
    counts = {
        row["region"]: row["n"]
        for row in people.annotate(region=region).values("region").annotate(n=Count("pk")).order_by()
    }
    # Every region, not only those with someone: a region listed only when someone came from it
    # would say so even with its count hidden.
    regions = AdminArea.objects.filter(level=AdminArea.Level.ADMIN1).order_by("pcode")
    entries = [(area.pcode, area.localized_name(), counts.pop(area.pk, 0)) for area in regions]
    entries.append((UNKNOWN, _("Region not known"), sum(counts.values())))
    return _one_way(
        "region", _("People referred, by region"), _("Region"), entries, limit, unit=PEOPLE, total_published=True
    )
