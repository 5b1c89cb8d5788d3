"""The case page's timeline: everything that happened on a case, in one list, newest first.

One query per source whatever the number of items (each source reads its latest
``PER_SOURCE`` rows, the merged list keeps the latest ``LIMIT``), and each source only through
what decides who may see it:

- assessments in the categories the viewer's organization may see (as the assessment pages);
- referrals through ``referrals.access.visible_referrals`` (sent from or received into the case);
- notes through ``casework.access.visible_notes`` (kind, date and author: no text here);
- appointments that have started, milestones, goal progress, tasks done, support given and its
  approval, the plan's submission and decision, closure requests and their decisions (the viewer
  may open the case, so these).

No encrypted text is read: the timeline says what happened and links to where it is told.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway.casework import access
from caseway.casework.models import (
    Appointment,
    CaseNote,
    CasePlan,
    ClosureRequest,
    GoalProgress,
    Milestone,
    SupportPayment,
    Task,
)
from caseway.clients.models import Assessment, Case
from caseway.referrals import access as referral_access

PER_SOURCE = 50
LIMIT = 100


@dataclass(frozen=True)
class Entry:
    at: datetime.datetime
    kind: str  # a code for the template: assessment, referral, appointment, note, milestone, ...
    title: str
    detail: str = ""
    url: str = ""
    by: object = None
    date_only: bool = False


def _start_of(day) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _assessments(case, categories):
    rows = (
        Assessment.objects.filter(case=case, instrument__category__in=categories)
        .select_related("instrument", "assessed_by")
        .defer("answers", "instrument__definition")
        .order_by("-assessed_at", "-pk")[:PER_SOURCE]
    )
    for row in rows:
        yield Entry(
            at=row.assessed_at,
            kind="assessment",
            title=_("Assessment: %(instrument)s") % {"instrument": row.instrument.code.upper()},
            detail=" · ".join(part for part in (row.get_stage_display(), row.band) if part),
            url=reverse("clients:assessment_detail", kwargs={"pk": case.pk, "assessment_pk": row.pk}),
            by=row.assessed_by,
        )


def _referrals(membership, case):
    rows = (
        referral_access.visible_referrals(membership)
        .filter(Q(from_case=case) | Q(to_case=case))
        .order_by("-created_at", "-pk")[:PER_SOURCE]
    )
    for row in rows:
        if row.from_case_id == case.pk:
            title = _("Referral sent to %(organization)s") % {
                "organization": row.to_organization.name if row.to_organization else row.external_recipient
            }
        else:
            title = _("Referral received from %(organization)s") % {"organization": row.from_organization.name}
        yield Entry(
            at=row.sent_at or row.created_at,
            kind="referral",
            title=title,
            detail=row.get_status_display(),
            url=reverse("referrals:detail", kwargs={"pk": row.pk}),
        )


def _appointments(case, now):
    rows = (
        Appointment.objects.filter(case=case, starts_at__lte=now)
        .select_related("staff")
        .defer("place", "childcare_where")
        .order_by("-starts_at", "-pk")[:PER_SOURCE]
    )
    for row in rows:
        yield Entry(
            at=row.starts_at,
            kind="appointment",
            title=_("Appointment: %(kind)s") % {"kind": row.get_kind_display()},
            detail=" · ".join((row.get_mode_display(), row.get_status_display())),
            by=row.staff,
        )


def _notes(membership, case):
    corrected = CaseNote.objects.filter(corrects=OuterRef("pk"))
    rows = (
        access.visible_notes(membership, case)
        .select_related("author")
        .defer("text")
        .annotate(is_corrected=Exists(corrected))
        .order_by("-written_at", "-pk")[:PER_SOURCE]
    )
    for row in rows:
        detail = row.get_confidentiality_display()
        if row.is_corrected:
            detail = _("%(readers)s · corrected") % {"readers": detail}
        yield Entry(
            at=row.written_at,
            kind="note",
            title=_("Note: %(kind)s") % {"kind": row.get_kind_display()},
            detail=detail,
            url=reverse("casework:note_detail", kwargs={"case_pk": case.pk, "note_pk": row.pk}),
            by=row.author,
        )


def _milestones(case):
    rows = Milestone.objects.filter(case=case).select_related("recorded_by").order_by("-reached_on", "-pk")
    for row in rows[:PER_SOURCE]:
        detail = ""
        if row.sector:
            detail = _("Sector %(sector)s · %(formality)s") % {
                "sector": row.sector,
                "formality": row.get_formality_display(),
            }
        yield Entry(
            at=_start_of(row.reached_on),
            kind="milestone",
            title=_("Milestone: %(kind)s") % {"kind": row.get_kind_display()},
            detail=detail,
            by=row.recorded_by,
            date_only=True,
        )


def _progress(case):
    rows = (
        GoalProgress.objects.filter(goal__plan__case=case)
        .select_related("goal", "author")
        .defer("text", "goal__description")
        .order_by("-written_at", "-pk")[:PER_SOURCE]
    )
    plan_url = reverse("casework:plan", kwargs={"case_pk": case.pk})
    for row in rows:
        yield Entry(
            at=row.written_at,
            kind="progress",
            title=_("Progress on the %(domain)s goal") % {"domain": row.goal.get_domain_display()},
            detail=row.get_status_after_display() if row.status_after else "",
            url=plan_url,
            by=row.author,
        )


def _tasks_done(case):
    rows = (
        Task.objects.filter(case=case, done_at__isnull=False)
        .select_related("done_by", "goal")
        .defer("title", "goal__description")
        .order_by("-done_at", "-pk")[:PER_SOURCE]
    )
    plan_url = reverse("casework:plan", kwargs={"case_pk": case.pk})
    for row in rows:
        yield Entry(
            at=row.done_at,
            kind="task",
            title=_("Task done") if row.kind == Task.Kind.TASK else _("Follow-up done"),
            detail=row.goal.get_domain_display() if row.goal else "",
            url=plan_url,
            by=row.done_by,
        )


def _payments(case):
    """Support given (on its day) and, apart, its approval (amounts: people who open the case see them)."""
    rows = (
        SupportPayment.objects.filter(case=case)
        .select_related("recorded_by", "approved_by")
        .order_by("-paid_on", "-recorded_at", "-pk")[:PER_SOURCE]
    )
    url = reverse("casework:payments", kwargs={"case_pk": case.pk})
    for row in rows:
        detail = " · ".join((f"{row.amount} {row.currency}", row.get_method_display()))
        title = _("Support given: %(kind)s") % {"kind": row.get_kind_display()}
        yield Entry(at=_start_of(row.paid_on), kind="payment", title=title, detail=detail, url=url, date_only=True)
        if row.approved_at is not None:
            title = _("Support approved: %(kind)s") % {"kind": row.get_kind_display()}
            yield Entry(at=row.approved_at, kind="payment", title=title, detail=detail, url=url, by=row.approved_by)


def _closures(case):
    """Closure requests and their decisions (the comments stay on the decision page)."""
    rows = (
        ClosureRequest.objects.filter(case=case)
        .select_related("requested_by", "decided_by")
        .defer("decision_comment")
        .order_by("-requested_at", "-pk")[:PER_SOURCE]
    )
    url = reverse("casework:closure_decide", kwargs={"case_pk": case.pk})
    for row in rows:
        reason = row.get_reason_display()
        yield Entry(
            at=row.requested_at,
            kind="closure",
            title=_("Closure requested"),
            detail=reason,
            url=url,
            by=row.requested_by,
        )
        if row.decided_at is None:
            continue
        title = (
            _("Case closed") if row.status == ClosureRequest.Status.APPROVED else _("Closure returned with comments")
        )
        yield Entry(at=row.decided_at, kind="closure", title=title, detail=reason, url=url, by=row.decided_by)


def _plan(plan):
    if plan is None:
        return
    url = reverse("casework:plan", kwargs={"case_pk": plan.case_id})
    if plan.submitted_at:
        yield Entry(at=plan.submitted_at, kind="plan", title=_("Plan submitted for approval"), url=url)
    if plan.decided_at and plan.status in (CasePlan.Status.APPROVED, CasePlan.Status.RETURNED):
        title = _("Plan approved") if plan.status == CasePlan.Status.APPROVED else _("Plan returned with comments")
        yield Entry(at=plan.decided_at, kind="plan", title=title, url=url)


def case_plan(case) -> CasePlan | None:
    return (
        CasePlan.objects.filter(case=case)
        .select_related("submitted_by", "decided_by")
        .defer("decision_comment")
        .first()
    )


def timeline(membership, case: Case, categories, *, plan=None, now=None) -> list[Entry]:
    """Everything that happened on ``case`` that ``membership`` may see, newest first (at most ``LIMIT``)."""
    now = now or timezone.now()
    entries = [
        *_assessments(case, categories),
        *_referrals(membership, case),
        *_appointments(case, now),
        *_notes(membership, case),
        *_milestones(case),
        *_progress(case),
        *_tasks_done(case),
        *_plan(plan),
        *_payments(case),
        *_closures(case),
    ]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:LIMIT]


def next_appointment(case, now=None):
    now = now or timezone.now()
    return (
        Appointment.objects.filter(case=case, starts_at__gt=now, status=Appointment.Status.SCHEDULED)
        .defer("place", "childcare_where")
        .order_by("starts_at")
        .first()
    )


def open_task_counts(case, today=None) -> dict:
    today = today or timezone.localdate()
    return Task.objects.filter(case=case, done_at__isnull=True).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today))
    )
