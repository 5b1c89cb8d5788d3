"""The supervisors' caseload: per caseworker of the organization, what they carry and what is late.

Counted in SQL with one GROUP BY per source, so the page costs the same number of queries
whatever the number of cases (asserted in tests):

1. the organization's cases not closed, grouped by caseworker: open cases, counts by risk
   level, cases without contact for ``settings.NO_CONTACT_DAYS`` days (last contact, or opening
   when there was none), follow-ups overdue (the plan's ``follow_up_days`` since the last
   contact, copied on the case), closures waiting; the group without a caseworker is the
   unassigned cases — read from one index (``clients_case_caseload``), never the plans;
2. open tasks past their due date, grouped by the person they are assigned to;
3. plans waiting for approval, grouped by their case's caseworker;
4. the members who work on cases (and the people who still hold cases after leaving);
5. and 6. the plans and closures waiting for a decision (the oldest first, at most ``WAITING_SHOWN``).

Cases come from ``clients.access.visible_cases``: the organization's, clients not erased. No
encrypted text is read: codes, counts and dates only.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Count,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.utils import timezone

from caseway.accounts.models import User
from caseway.casework.expressions import (
    HIGH_RISK,
    first_with_total,
    follow_up_due,
    follow_up_due_before,
    last_contact,
    risk_rank,
)
from caseway.casework.models import CasePlan, ClosureRequest, Task
from caseway.casework.plan_services import ASSIGNABLE_ROLES
from caseway.clients import access as client_access
from caseway.clients.models import CaseStatus, RiskLevel
from caseway.orgs.models import Membership

WAITING_SHOWN = 50
RISK_LEVELS = [value for value, _label in RiskLevel.choices]  # "" (not assessed) included


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
    contact = last_contact()
    cutoff = now - datetime.timedelta(days=days)
    counts = {
        "open_cases": Count("pk"),
        "no_contact": Count("pk", filter=Q(LessThan(contact, Value(cutoff)))),
        "follow_ups_overdue": Count("pk", filter=Q(follow_up_due_before(now))),
        "closures_waiting": Count("pk", filter=Q(status=CaseStatus.CLOSURE_REQUESTED)),
    }
    for level in RISK_LEVELS:
        counts[f"risk_{level or 'none'}"] = Count("pk", filter=Q(risk_level=level))
    return cases.exclude(status=CaseStatus.CLOSED).order_by().values("caseworker_id").annotate(**counts)


def _plans_waiting(membership) -> dict:
    """{caseworker id: plans waiting for approval} on open cases (few plans: read by their index)."""
    return dict(
        CasePlan.objects.filter(client_access.of_visible_case(membership), status=CasePlan.Status.SUBMITTED)
        .exclude(case__status=CaseStatus.CLOSED)
        .order_by()
        .values("case__caseworker_id")
        .annotate(count=Count("pk"))
        .values_list("case__caseworker_id", "count")
    )


def _fill(row: Row, values: dict) -> None:
    for name in ("open_cases", "no_contact", "follow_ups_overdue", "closures_waiting"):
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
        Task.objects.filter(client_access.of_visible_case(membership), done_at__isnull=True, due_on__lt=today)
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
        (rows[user_id] if user_id is not None else unassigned).tasks_overdue = count
    for user_id, count in _plans_waiting(membership).items():
        (rows[user_id] if user_id is not None else unassigned).plans_waiting = count
    ordered = sorted(rows.values(), key=lambda row: (not row.is_member, str(row.user).lower()))
    totals = Row()
    for row in [*ordered, unassigned]:
        _add(totals, row)
    return Caseload(
        rows=ordered,
        unassigned=unassigned,
        totals=totals,
        plans_waiting=list(
            CasePlan.objects.filter(client_access.of_visible_case(membership), status=CasePlan.Status.SUBMITTED)
            .select_related("submitted_by")
            .annotate(client_code=F("case__client__code"))
            .defer("decision_comment")
            .order_by("submitted_at", "pk")[:WAITING_SHOWN]
        ),
        closures_waiting=list(
            ClosureRequest.objects.filter(
                client_access.of_visible_case(membership), status=ClosureRequest.Status.PENDING
            )
            .select_related("requested_by")
            .annotate(client_code=F("case__client__code"))
            .defer("decision_comment", "checklist")
            .order_by("requested_at", "pk")[:WAITING_SHOWN]
        ),
        no_contact_days=days,
    )


# ---------------------------------------------------------------------------------------------
# One caseworker's caseload

ATTENTION_SHOWN = 25  # a phone screen or two: rendering rows is most of the page's time; the count says the rest
TASKS_SHOWN = 20


@dataclass
class WorkerCaseload:
    """What one person carries: the counts of the overview's row, then what needs doing first."""

    row: Row
    attention: list  # cases needing attention, the most urgent first, at most ATTENTION_SHOWN
    attention_total: int
    tasks_overdue: list  # the person's open tasks past due (the oldest first), at most TASKS_SHOWN
    no_contact_days: int


def _attention_cases(cases, now, days):
    """The person's cases at high or imminent risk, without contact, with a follow-up or a task late;
    the most urgent first: imminent, then high risk, then the longest overdue."""
    contact = last_contact()
    follow_up = follow_up_due()
    late_tasks = (
        Task.objects.filter(case=OuterRef("pk"), done_at__isnull=True, due_on__lt=timezone.localdate(now))
        .order_by()
        .values("case")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        cases.exclude(status=CaseStatus.CLOSED)
        .select_related(None)
        .only("pk", "status", "risk_level", "opened_at", "last_contact_at")
        .annotate(
            client_code=F("client__code"),
            contact=contact,
            follow_up_due=follow_up,
            late_tasks=Coalesce(Subquery(late_tasks), 0),
            rank=risk_rank(),
        )
        .filter(
            Q(risk_level__in=HIGH_RISK)
            | Q(LessThan(contact, Value(now - datetime.timedelta(days=days))))
            | Q(follow_up_due_before(now))
            | Q(late_tasks__gt=0)
        )
        .order_by("rank", Coalesce(follow_up, contact), "pk")
    )


def worker_caseload(membership, user, *, now=None, days=None) -> WorkerCaseload:
    """``user``'s cases in ``membership``'s organization: the counts, then what needs doing first."""
    now = now or timezone.now()
    days = days or no_contact_days()
    cases = client_access.visible_cases(membership).filter(caseworker=user)
    row = Row(user=user)
    for values in _case_counts(cases, now, days):
        _fill(row, values)
    # From the person's few cases to their plans (the organization's waiting plans may be thousands).
    open_cases = cases.exclude(status=CaseStatus.CLOSED).select_related(None)
    row.plans_waiting = open_cases.filter(plan__status=CasePlan.Status.SUBMITTED).count()
    tasks = Task.objects.filter(
        client_access.of_visible_case(membership),
        assignee=user,
        done_at__isnull=True,
        due_on__lt=timezone.localdate(now),
    )
    attention, attention_total = first_with_total(_attention_cases(cases, now, days), ATTENTION_SHOWN)
    no_contact_before = now - datetime.timedelta(days=days)
    for case in attention:
        case.no_contact = case.contact < no_contact_before
        case.follow_up_late = case.follow_up_due is not None and case.follow_up_due < now
    overdue, row.tasks_overdue = first_with_total(
        tasks.annotate(client_code=F("case__client__code")).defer("title").order_by("due_on", "pk"), TASKS_SHOWN
    )
    return WorkerCaseload(
        row=row,
        attention=attention,
        attention_total=attention_total,
        tasks_overdue=overdue,
        no_contact_days=days,
    )
