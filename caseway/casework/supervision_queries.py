"""The supervisors' caseload: per caseworker of the organization, what they carry and what is late.

Counted in SQL with one GROUP BY per source, so the page costs the same number of queries
whatever the number of cases (asserted in tests):

1. the organization's cases not closed, grouped by caseworker: open cases, counts by risk
   level, cases without contact for ``settings.NO_CONTACT_DAYS`` days (last contact, or opening
   when there was none), follow-ups overdue (the plan's ``follow_up_days`` since the last
   contact), plans waiting for approval, closures waiting; the group without a caseworker is the
   unassigned cases;
2. open tasks past their due date, grouped by the person they are assigned to;
3. the members who work on cases (and the people who still hold cases after leaving);
4. and 5. the plans and closures waiting for a decision (the oldest first, at most ``WAITING_SHOWN``).

Cases come from ``clients.access.visible_cases``: the organization's, clients not erased. No
encrypted text is read: codes, counts and dates only.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, DateTimeField, DurationField, ExpressionWrapper, F, Func, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.utils import timezone

from caseway.accounts.models import User
from caseway.casework.models import CasePlan, ClosureRequest, Task
from caseway.casework.plan_services import ASSIGNABLE_ROLES
from caseway.clients import access as client_access
from caseway.clients.models import CaseStatus, RiskLevel
from caseway.orgs.models import Membership

WAITING_SHOWN = 50
RISK_LEVELS = [value for value, _label in RiskLevel.choices]  # "" (not assessed) included


class Days(Func):
    """A whole number of days as a duration, on both databases (SQLite keeps microseconds)."""

    template = "make_interval(days => %(expressions)s)"
    output_field = DurationField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s * 86400000000)", **extra)


@dataclass
class Row:
    """One caseworker's caseload (``user`` None: the unassigned cases)."""

    user: User | None = None
    role: str = ""
    is_member: bool = True
    open_cases: int = 0
    by_risk: dict = field(default_factory=dict)  # risk level ("none": not assessed) → open cases
    no_contact: int = 0
    follow_ups_overdue: int = 0
    plans_waiting: int = 0
    closures_waiting: int = 0
    tasks_overdue: int = 0

    @property
    def needs_attention(self) -> bool:
        return bool(self.no_contact or self.follow_ups_overdue or self.tasks_overdue)


@dataclass
class Caseload:
    rows: list
    unassigned: Row
    totals: Row
    plans_waiting: list
    closures_waiting: list
    no_contact_days: int


def no_contact_days() -> int:
    return settings.NO_CONTACT_DAYS


def _case_counts(cases, now, days):
    contact = Coalesce(F("last_contact_at"), F("opened_at"))
    follow_up_due = ExpressionWrapper(contact + Days(F("plan__follow_up_days")), output_field=DateTimeField())
    cutoff = now - datetime.timedelta(days=days)
    counts = {
        "open_cases": Count("pk"),
        "no_contact": Count("pk", filter=Q(LessThan(contact, Value(cutoff)))),
        "follow_ups_overdue": Count("pk", filter=Q(plan__isnull=False) & Q(LessThan(follow_up_due, Value(now)))),
        "plans_waiting": Count("pk", filter=Q(plan__status=CasePlan.Status.SUBMITTED)),
        "closures_waiting": Count("pk", filter=Q(status=CaseStatus.CLOSURE_REQUESTED)),
    }
    for level in RISK_LEVELS:
        counts[f"risk_{level or 'none'}"] = Count("pk", filter=Q(risk_level=level))
    return cases.exclude(status=CaseStatus.CLOSED).order_by().values("caseworker_id").annotate(**counts)


def _fill(row: Row, values: dict) -> None:
    for name in ("open_cases", "no_contact", "follow_ups_overdue", "plans_waiting", "closures_waiting"):
        setattr(row, name, values[name])
    row.by_risk = {level or "none": values[f"risk_{level or 'none'}"] for level in RISK_LEVELS}


def _add(total: Row, row: Row) -> None:
    for name in (
        "open_cases",
        "no_contact",
        "follow_ups_overdue",
        "plans_waiting",
        "closures_waiting",
        "tasks_overdue",
    ):
        setattr(total, name, getattr(total, name) + getattr(row, name))
    for level, count in row.by_risk.items():
        total.by_risk[level] = total.by_risk.get(level, 0) + count


def caseload(membership, *, now=None, days=None) -> Caseload:
    """The organization's caseload per caseworker, in a fixed number of queries."""
    now = now or timezone.now()
    days = days or no_contact_days()
    today = timezone.localdate(now)
    cases = client_access.visible_cases(membership)
    per_worker = {values["caseworker_id"]: values for values in _case_counts(cases, now, days)}
    overdue = dict(
        Task.objects.filter(case__in=cases.values("pk"), done_at__isnull=True, due_on__lt=today)
        .order_by()
        .values("assignee_id")
        .annotate(count=Count("pk"))
        .values_list("assignee_id", "count")
    )
    members = {
        member.user_id: member
        for member in Membership.objects.filter(organization_id=membership.organization_id, role__in=ASSIGNABLE_ROLES)
        .select_related("user")
        .order_by("-is_active")
    }
    rows = {}
    for user_id, member in members.items():
        if member.is_active and member.user.is_active:
            rows[user_id] = Row(user=member.user, role=member.get_role_display())
    # People who still hold cases or tasks but no longer work here (left, or membership ended).
    holders = (set(per_worker) | set(overdue)) - {None} - set(rows)
    if holders:
        for user in User.objects.filter(pk__in=holders):
            member = members.get(user.pk)
            rows[user.pk] = Row(user=user, role=member.get_role_display() if member else "", is_member=False)
    unassigned = Row()
    for user_id, values in per_worker.items():
        _fill(rows[user_id] if user_id is not None else unassigned, values)
    for user_id, count in overdue.items():
        if user_id is None:
            unassigned.tasks_overdue = count
        else:
            rows[user_id].tasks_overdue = count
    ordered = sorted(rows.values(), key=lambda row: (not row.is_member, str(row.user).lower()))
    totals = Row()
    for row in [*ordered, unassigned]:
        _add(totals, row)
    return Caseload(
        rows=ordered,
        unassigned=unassigned,
        totals=totals,
        plans_waiting=list(
            CasePlan.objects.filter(case__in=cases.values("pk"), status=CasePlan.Status.SUBMITTED)
            .select_related("case__client", "submitted_by")
            .defer("decision_comment")
            .order_by("submitted_at", "pk")[:WAITING_SHOWN]
        ),
        closures_waiting=list(
            ClosureRequest.objects.filter(case__in=cases.values("pk"), status=ClosureRequest.Status.PENDING)
            .select_related("case__client", "requested_by")
            .defer("decision_comment", "checklist")
            .order_by("requested_at", "pk")[:WAITING_SHOWN]
        ),
        no_contact_days=days,
    )
