"""The staff member's home page: what needs them today, in a fixed number of queries.

For a member who may see personal data (caseworker, supervisor, legal officer), each block is
the member's own, within their organization, and reached through the access helpers:

- today's appointments with them (``staff``), cancelled and moved ones left out;
- their open tasks overdue and due today (``assignee``; any kind: tasks and follow-ups);
- referrals received by the organization: new ones (not opened yet) and those overdue for an
  answer (``referrals.access.inbox_referrals``);
- their open alerts of the suicide-risk protocol, imminent risk and urgent health needs
  (``clients.queries.inbox_alerts``), and their open cases at high or imminent risk or with an
  urgent health need;
- the plans of their cases returned with comments, and their cases whose plan's follow-up is due
  (``follow_up_days`` since the last contact, or the opening: the caseload page's rule).

Counts come from one aggregate per source and the rows shown from one query per list (at most
``SHOWN`` rows each): the page costs the same whatever the number of cases. Rows carry the client
code only: no client row, name or encrypted text is read.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    F,
    Q,
)
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import ngettext

from caseway.casework.expressions import HIGH_RISK, first_with_total, follow_up_due, follow_up_due_before, risk_rank
from caseway.casework.models import Appointment, CasePlan, Domain, Task
from caseway.clients import access as client_access
from caseway.clients import queries as client_queries
from caseway.clients.models import CaseAlert, CaseStatus
from caseway.orgs.permissions import Action
from caseway.referrals import access as referral_access
from caseway.referrals.models import Status as ReferralStatus
from caseway.referrals.transitions import AWAITING_ANSWER

SHOWN = 5  # rows per list; the block's link leads to the rest
APPOINTMENTS_SHOWN = 12  # a day's appointments are few: show them all up to this
ALERT_KINDS = (
    CaseAlert.Kind.SUICIDE_RISK,
    CaseAlert.Kind.IMMINENT_RISK,
    CaseAlert.Kind.URGENT_HEALTH,
    CaseAlert.Kind.PORTAL_LOCKED,  # someone else may have the client's phone
)
GONE = (Appointment.Status.CANCELLED, Appointment.Status.RESCHEDULED)


@dataclass
class Block:
    count: int = 0
    rows: list = field(default_factory=list)


@dataclass
class Home:
    today: datetime.date
    appointments: Block
    tasks_overdue: Block
    tasks_today: Block
    referrals_new: int
    referrals_overdue: int
    referrals: list  # awaiting an answer, the most overdue first
    alerts: Block
    risk_cases: Block
    plans_returned: Block
    follow_ups: Block
    caseload_url: str = ""

    @property
    def task_blocks(self) -> list[tuple[Block, str]]:
        overdue, today = self.tasks_overdue.count, self.tasks_today.count
        return [
            (self.tasks_overdue, ngettext("%(count)d overdue", "%(count)d overdue", overdue) % {"count": overdue}),
            (self.tasks_today, ngettext("%(count)d due today", "%(count)d due today", today) % {"count": today}),
        ]


def shows_work(membership) -> bool:
    """Whether ``membership``'s home page shows casework (others keep the plain welcome)."""
    if membership is None:
        return False
    if not membership.is_active:
        return False
    return membership.allows(Action.VIEW_PERSONAL_DATA)


def _counted(rows) -> Block:
    return Block(*reversed(first_with_total(rows, SHOWN)))


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _appointments(membership, today) -> Block:
    start, end = _local_midnight(today), _local_midnight(today + datetime.timedelta(days=1))
    rows = list(
        Appointment.objects.filter(client_access.of_visible_case(membership), staff_id=membership.user_id)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .exclude(status__in=GONE)
        .annotate(client_code=F("case__client__code"))
        .only(
            "id",
            "case_id",
            "kind",
            "mode",
            "status",
            "starts_at",
            "ends_at",
            "interpreter_language",
            "childcare_needed",
            "childcare_provided",
            "transport_needed",
            "transport_support",
        )
        .order_by("starts_at", "pk")[: APPOINTMENTS_SHOWN + 1]
    )
    return Block(count=len(rows), rows=rows[:APPOINTMENTS_SHOWN])


def _tasks(membership, today) -> tuple[Block, Block]:
    mine = Task.objects.filter(
        client_access.of_visible_case(membership),
        assignee_id=membership.user_id,
        done_at__isnull=True,
        due_on__lte=today,
    )
    shown = mine.annotate(client_code=F("case__client__code"), domain=F("goal__domain")).only(
        "id", "case_id", "kind", "due_on"
    )
    overdue = _counted(shown.filter(due_on__lt=today).order_by("due_on", "pk"))
    due_today = _counted(shown.filter(due_on=today).order_by("pk"))
    for task in (*overdue.rows, *due_today.rows):
        task.domain_label = Domain(task.domain).label if task.domain else ""
    return overdue, due_today


def _referrals(membership, now):
    awaiting = referral_access.inbox_referrals(membership).filter(status__in=AWAITING_ANSWER)
    counts = awaiting.aggregate(
        new=Count("pk", filter=Q(status=ReferralStatus.SENT)), overdue=Count("pk", filter=Q(due_at__lt=now))
    )
    rows = list(
        awaiting.annotate(client_code=F("client__code"), sender=F("from_organization__name"))
        .only("id", "status", "urgency", "due_at", "sent_at", "created_at")
        .order_by("due_at", "pk")[:SHOWN]
    )
    for row in rows:
        row.is_new = row.status == ReferralStatus.SENT
        row.is_overdue = row.due_at is not None and row.due_at < now
    return counts["new"], counts["overdue"], rows


def _alerts(membership) -> Block:
    """The member's open alerts (``clients.queries.inbox_alerts``) of the kinds the home page shows."""
    alerts = client_queries.inbox_alerts(membership).filter(kind__in=ALERT_KINDS)
    return _counted(
        alerts.select_related(None)
        .annotate(client_code=F("case__client__code"))
        .only("id", "case_id", "kind", "audience", "is_task", "due_at", "created_at")
    )


def _my_open_cases(membership, cases):
    return cases.select_related(None).filter(caseworker_id=membership.user_id).exclude(status=CaseStatus.CLOSED)


def _my_cases(membership, cases, end_of_today) -> tuple[Block, Block, Block]:
    """High-risk cases, plans returned and follow-ups due among the member's open cases."""
    mine = _my_open_cases(membership, cases)
    at_risk = Q(risk_level__in=HIGH_RISK) | Q(urgent_health_need=True)
    returned = Q(plan__status=CasePlan.Status.RETURNED)
    due = Q(follow_up_due_before(end_of_today))
    shown = mine.annotate(client_code=F("client__code")).only(
        "id", "risk_level", "urgent_health_need", "safety_plan_required", "last_contact_at", "opened_at"
    )
    return (
        _counted(shown.filter(at_risk).alias(rank=risk_rank()).order_by("rank", "pk")),
        _counted(shown.filter(returned).annotate(decided_at=F("plan__decided_at")).order_by("plan__decided_at", "pk")),
        _counted(shown.filter(due).annotate(due_at=follow_up_due()).order_by("due_at", "pk")),
    )


def home(membership, *, now=None) -> Home:
    """What ``membership`` (one who ``shows_work``) has to do today."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    cases = client_access.visible_cases(membership)
    overdue, due_today = _tasks(membership, today)
    new, late, referrals = _referrals(membership, now)
    at_risk, returned, follow_ups = _my_cases(membership, cases, _local_midnight(today + datetime.timedelta(days=1)))
    return Home(
        today=today,
        appointments=_appointments(membership, today),
        tasks_overdue=overdue,
        tasks_today=due_today,
        referrals_new=new,
        referrals_overdue=late,
        referrals=referrals,
        alerts=_alerts(membership),
        risk_cases=at_risk,
        plans_returned=returned,
        follow_ups=follow_ups,
        caseload_url=_caseload_url(membership),
    )


def _caseload_url(membership) -> str:
    if not membership.allows(Action.SUPERVISE_CASES):
        return ""
    try:
        return reverse("casework:caseload")
    except NoReverseMatch:  # the supervision pages are not wired in this checkout
        return ""
