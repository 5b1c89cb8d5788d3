"""Closing a case: requested with a coded reason and the closure checklist, approved or returned by
a supervisor who did not request it; a supervisor may reopen a closed case.

The checklist (``CLOSURE_CHECKLIST``) says what must be true before a case closes. Which items
apply depends on the case and the reason (a safety plan is reviewed only when the risk was high;
nobody informs a client who died). Items the system can check are *facts*: the service checks
them itself, at the request and again at the approval (something may have been booked since);
the rest the person requesting confirms.

- Approval: the case is closed (``closed_at``) and, unless the client died or refused follow-up,
  follow-up tasks are created 3, 6 and 12 months after closure for the caseworker.
- Return: the case goes back to the status it had before the request, with the comments.
- Transfer: only through a referral to another organization sent from this case, with consent
  (the referrals app checks consent), accepted or in service; the request links it.
- Reopening: the case is active again; follow-ups still open stay.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caseway import audit
from caseway.casework import access
from caseway.casework.expressions import HIGH_RISK
from caseway.casework.models import Appointment, CasePlan, ClosureRequest, SupportPayment, Task
from caseway.casework.supervision_services import comment_text, require_supervisor
from caseway.clients.models import CaseStatus
from caseway.orgs.permissions import Action
from caseway.referrals import access as referral_access
from caseway.referrals.models import Referral, Status

Reason = ClosureRequest.Reason
FOLLOW_UP_MONTHS = (3, 6, 12)
# A case in one of these may be asked to close.
CLOSABLE = (CaseStatus.OPEN, CaseStatus.ACTIVE, CaseStatus.ON_HOLD)
# Referrals still waiting for the receiver's answer: answered or withdrawn before closing.
AWAITING_ANSWER = (Status.SENT, Status.VIEWED)
# A transfer needs the receiver to have taken the client on.
TRANSFER_STATUSES = (Status.ACCEPTED, Status.IN_SERVICE)
NO_CLIENT_CONTACT = (Reason.DECEASED, Reason.LOST_CONTACT)
# The client's answer to "may we contact you later?" (kept in the checklist, not an item).
FOLLOW_UP_AGREED = "follow_up_agreed"


@dataclass(frozen=True)
class Item:
    code: str
    label: object
    fact: bool  # checked by the service; otherwise confirmed by the person requesting
    applies: object  # (case, reason, plan) -> bool


def _always(case, reason, plan):
    return True


def _has_goals(case, reason, plan):
    return plan is not None


def _client_reachable(case, reason, plan):
    return reason not in NO_CLIENT_CONTACT


def _high_risk(case, reason, plan):
    return reason != Reason.DECEASED and (case.risk_level in HIGH_RISK or case.safety_plan_required)


CLOSURE_CHECKLIST = (
    Item("goals_reviewed", gettext_lazy("The plan's goals were reviewed with their outcome."), False, _has_goals),
    Item(
        "client_informed",
        gettext_lazy("The client was told the case is closing and how to come back."),
        False,
        _client_reachable,
    ),
    Item("safety_plan_reviewed", gettext_lazy("The safety plan was reviewed (the risk was high)."), False, _high_risk),
    Item("referrals_answered", gettext_lazy("Referrals sent from the case are answered or withdrawn."), True, _always),
    Item("appointments_cancelled", gettext_lazy("No appointment is still booked."), True, _always),
    Item("payments_settled", gettext_lazy("Every support payment is approved."), True, _always),
    Item(
        "follow_up_consent_asked",
        gettext_lazy("The client was asked whether we may follow up later."),
        False,
        _client_reachable,
    ),
)
ITEMS = {item.code: item for item in CLOSURE_CHECKLIST}


def checklist_for(case, reason, plan=None) -> list[Item]:
    """The items that apply to closing ``case`` for ``reason``."""
    return [item for item in CLOSURE_CHECKLIST if item.applies(case, reason, plan)]


def _fact_holds(code, case, now) -> bool:
    if code == "referrals_answered":
        return not Referral.objects.filter(from_case=case, status__in=AWAITING_ANSWER).exists()
    if code == "appointments_cancelled":
        return not Appointment.objects.filter(
            case=case, status=Appointment.Status.SCHEDULED, starts_at__gt=now
        ).exists()
    if code == "payments_settled":
        return not SupportPayment.objects.filter(case=case, approved_by__isnull=True).exists()
    raise ValueError(code)


def unmet_facts(case, reason, plan=None, now=None) -> list[Item]:
    now = now or timezone.now()
    return [item for item in checklist_for(case, reason, plan) if item.fact and not _fact_holds(item.code, case, now)]


def _check_facts(case, reason, plan, now) -> None:
    unmet = unmet_facts(case, reason, plan, now)
    if unmet:
        raise ValidationError({"checklist": [_("Not yet true: %(item)s") % {"item": item.label} for item in unmet]})


def _transfer_referral(membership, case, referral):
    """The referral a transfer goes through: sent from ``case`` to another organization, taken on."""
    pk = getattr(referral, "pk", referral)
    found = None
    if pk is not None:
        found = (
            referral_access.visible_referrals(membership)
            .filter(pk=pk, from_case=case, status__in=TRANSFER_STATUSES, to_organization__isnull=False)
            .exclude(to_organization_id=case.organization_id)
            .first()
        )
    if found is None:
        raise ValidationError(
            {
                "transfer_referral": _(
                    "A transfer goes through a referral from this case to another organization, accepted or in service."
                )
            }
        )
    return found


def _plan_of(case):
    return CasePlan.objects.filter(case=case).defer("decision_comment").first()


def closure_request(
    *, actor, membership, case, reason, confirmed=(), follow_up_agreed=True, transfer_referral=None, request=None
) -> ClosureRequest:
    """Ask to close ``case`` for ``reason``; ``confirmed`` lists the checklist items the person confirms.

    Every item that applies must hold: facts are checked here, the rest must be confirmed.
    """
    if membership is None or not membership.is_active or not membership.allows(Action.VIEW_PERSONAL_DATA):
        raise PermissionDenied
    if reason not in Reason.values:
        raise ValidationError({"reason": _("Choose a reason from the list.")})
    confirmed = set(confirmed or ())
    unknown = confirmed - set(ITEMS)
    if unknown:
        raise ValidationError({"checklist": _("Unknown checklist item.")})
    with transaction.atomic():
        case = access.get_case_for_update(membership, case.pk)
        if case.status not in CLOSABLE:
            raise ValidationError(_("Only an open, active or on-hold case can be asked to close."))
        plan = _plan_of(case)
        now = timezone.now()
        items = checklist_for(case, reason, plan)
        missing = [item for item in items if not item.fact and item.code not in confirmed]
        if missing:
            raise ValidationError(
                {"checklist": [_("Please confirm: %(item)s") % {"item": item.label} for item in missing]}
            )
        _check_facts(case, reason, plan, now)
        referral = _transfer_referral(membership, case, transfer_referral) if reason == Reason.TRANSFERRED else None
        checklist = {item.code: True for item in items}
        if _client_reachable(case, reason, plan):
            checklist[FOLLOW_UP_AGREED] = bool(follow_up_agreed)
        closure = ClosureRequest.objects.create(
            case=case,
            data_key_id=case.client.data_key_id,
            reason=reason,
            checklist=checklist,
            requested_by=actor,
            requested_at=now,
            previous_status=case.status,
            transfer_referral=referral,
        )
        case.status = CaseStatus.CLOSURE_REQUESTED
        case.save(update_fields=["status"])
        fields = ["reason", "checklist", "case.status"] + (["transfer_referral"] if referral else [])
        audit.record(
            actor,
            "casework.closure_requested",
            closure,
            fields=fields,
            organization=membership.organization_id,
            request=request,
        )
    return closure


def pending_closure(case) -> ClosureRequest | None:
    return (
        ClosureRequest.objects.filter(case=case, status=ClosureRequest.Status.PENDING).defer("decision_comment").first()
    )


def _locked_pending(case) -> ClosureRequest:
    closure = ClosureRequest.objects.select_for_update().filter(case=case, status=ClosureRequest.Status.PENDING).first()
    if closure is None:
        raise ValidationError(_("No closure is waiting for approval on this case."))
    return closure


def may_decide_closure(membership, closure) -> bool:
    if not access.is_supervisor(membership):
        return False
    if closure is None or closure.status != ClosureRequest.Status.PENDING:
        return False
    return closure.requested_by_id != membership.user_id


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months (31 January + 1 month → the last day of February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _follow_up_title(months) -> str:
    return _("Follow up with the client %(count)d months after closure (wellbeing, work).") % {"count": months}


def closure_approve(*, actor, membership, case, comment="", request=None) -> ClosureRequest:
    """A supervisor who did not request it approves the closure: the case closes, follow-ups are planned."""
    require_supervisor(membership)
    comment = comment_text(comment, required=False)
    with transaction.atomic():
        case = access.get_case_for_update(membership, case.pk)
        closure = _locked_pending(case)
        if closure.requested_by_id == actor.pk:
            raise ValidationError(_("You asked for this closure: another supervisor must decide on it."))
        now = timezone.now()
        _check_facts(case, closure.reason, _plan_of(case), now)
        if closure.reason == Reason.TRANSFERRED and (
            closure.transfer_referral is None or closure.transfer_referral.status not in TRANSFER_STATUSES
        ):
            raise ValidationError(
                {"transfer_referral": _("The transfer referral is no longer accepted or in service.")}
            )
        closure.status = ClosureRequest.Status.APPROVED
        closure.decided_by = actor
        closure.decided_at = now
        closure.decision_comment = comment or None
        closure.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
        case.status = CaseStatus.CLOSED
        case.closed_at = now
        case.save(update_fields=["status", "closed_at"])
        tasks = []
        if closure.reason != Reason.DECEASED and closure.checklist.get(FOLLOW_UP_AGREED, True):
            closed_on = timezone.localdate(now)
            assignee_id = case.caseworker_id or closure.requested_by_id
            tasks = Task.objects.bulk_create(
                Task(
                    case=case,
                    data_key_id=case.client.data_key_id,
                    kind=Task.Kind.CLOSURE_FOLLOW_UP,
                    title=_follow_up_title(months),
                    assignee_id=assignee_id,
                    due_on=add_months(closed_on, months),
                    months_after_closure=months,
                    created_by=actor,
                    created_at=now,
                )
                for months in FOLLOW_UP_MONTHS
            )
        fields = ["status", "decided_by", "case.status", "case.closed_at"]
        fields += ["decision_comment"] if comment else []
        fields += ["task.closure_follow_up"] if tasks else []
        audit.record(
            actor,
            "casework.closure_approved",
            closure,
            fields=fields,
            organization=membership.organization_id,
            request=request,
        )
    return closure


def closure_return(*, actor, membership, case, comment, request=None) -> ClosureRequest:
    """A supervisor who did not request it returns the closure with comments: the case goes back."""
    require_supervisor(membership)
    comment = comment_text(comment, required=True)
    with transaction.atomic():
        case = access.get_case_for_update(membership, case.pk)
        closure = _locked_pending(case)
        if closure.requested_by_id == actor.pk:
            raise ValidationError(_("You asked for this closure: another supervisor must decide on it."))
        closure.status = ClosureRequest.Status.RETURNED
        closure.decided_by = actor
        closure.decided_at = timezone.now()
        closure.decision_comment = comment
        closure.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
        case.status = closure.previous_status if closure.previous_status in CLOSABLE else CaseStatus.ACTIVE
        case.save(update_fields=["status"])
        audit.record(
            actor,
            "casework.closure_returned",
            closure,
            fields=["status", "decided_by", "decision_comment", "case.status"],
            organization=membership.organization_id,
            request=request,
        )
    return closure


def case_reopen(*, actor, membership, case, request=None):
    """A supervisor reopens a closed case (active again); follow-ups still open stay."""
    require_supervisor(membership)
    with transaction.atomic():
        case = access.get_case_for_update(membership, case.pk)
        if case.status != CaseStatus.CLOSED:
            raise ValidationError(_("Only a closed case can be reopened."))
        case.status = CaseStatus.ACTIVE
        case.closed_at = None
        case.save(update_fields=["status", "closed_at"])
        audit.record(
            actor,
            "casework.case_reopened",
            case,
            fields=["status", "closed_at"],
            organization=membership.organization_id,
            request=request,
        )
    return case
