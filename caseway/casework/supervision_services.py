"""Supervision writes: approving or returning a case plan, and reassigning cases when staff leave.

Same rules as the other casework services: keyword-only, ``actor`` and ``membership``; the role
table is checked again here (``Action.SUPERVISE_CASES``), the case through
``access.get_case_for_update`` (another organization's: 404; the row locked so two supervisors
deciding at once queue); one transaction; an audit event naming fields, never values.

No self-approval: whoever submitted the plan, started it or wrote one of its goals may not
approve it, whatever their role (no role in ``orgs.permissions`` allows it). A supervisor who
wrote the plan needs another supervisor: four eyes on every plan.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway import audit
from caseway.casework import access
from caseway.casework.models import Appointment, CasePlan, Task
from caseway.casework.plan_services import ASSIGNABLE_ROLES
from caseway.clients import access as client_access
from caseway.clients.models import Case
from caseway.orgs.models import Membership
from caseway.orgs.permissions import Action

COMMENT_MAX_LENGTH = 2000


def require_supervisor(membership) -> None:
    if membership is None or not membership.is_active or not membership.allows(Action.SUPERVISE_CASES):
        raise PermissionDenied


def comment_text(value, *, required) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({"comment": _("Say what needs to change: the comments are required to return it.")})
    if len(value) > COMMENT_MAX_LENGTH:
        raise ValidationError({"comment": _("Keep it under %(count)d characters.") % {"count": COMMENT_MAX_LENGTH}})
    return value


# ---------------------------------------------------------------------------------------------
# Plan approval


def plan_authors(plan) -> set:
    """The users who may not approve ``plan``: its submitter, who started it, who wrote its goals."""
    authors = {plan.submitted_by_id, plan.created_by_id}
    authors.update(plan.goals.values_list("created_by_id", flat=True))
    authors.discard(None)
    return authors


def may_decide_plan(membership, plan) -> bool:
    """Whether ``membership`` may approve or return ``plan`` (for showing the buttons)."""
    if not access.is_supervisor(membership):
        return False
    if plan is None or plan.status != CasePlan.Status.SUBMITTED:
        return False
    return membership.user_id not in plan_authors(plan)


def _decide_plan(*, actor, membership, case, approve, comment, request):
    require_supervisor(membership)
    comment = comment_text(comment, required=not approve)
    with transaction.atomic():
        case = access.get_case_for_update(membership, case.pk)
        plan = CasePlan.objects.select_for_update().filter(case=case).first()
        if plan is None:
            raise ValidationError(_("This case has no plan yet."))
        if plan.status != CasePlan.Status.SUBMITTED:
            raise ValidationError(_("Only a plan waiting for approval can be approved or returned."))
        if actor.pk in plan_authors(plan):
            raise ValidationError(_("You wrote or submitted this plan: another supervisor must decide on it."))
        plan.status = CasePlan.Status.APPROVED if approve else CasePlan.Status.RETURNED
        plan.decided_by = actor
        plan.decided_at = timezone.now()
        plan.decision_comment = comment or None
        plan.updated_at = plan.decided_at
        plan.save(update_fields=["status", "decided_by", "decided_at", "decision_comment", "updated_at"])
        fields = ["status", "decided_by"] + (["decision_comment"] if comment else [])
        action = "casework.plan_approved" if approve else "casework.plan_returned"
        audit.record(actor, action, plan, fields=fields, organization=membership.organization_id, request=request)
    return plan


def plan_approve(*, actor, membership, case, comment="", request=None) -> CasePlan:
    """A supervisor (not its author) approves a submitted plan, with optional comments."""
    return _decide_plan(actor=actor, membership=membership, case=case, approve=True, comment=comment, request=request)


def plan_return(*, actor, membership, case, comment, request=None) -> CasePlan:
    """A supervisor (not its author) returns a submitted plan with comments (required)."""
    return _decide_plan(actor=actor, membership=membership, case=case, approve=False, comment=comment, request=request)


# ---------------------------------------------------------------------------------------------
# Reassignment


def reassignment_targets(membership):
    """Who may take cases over: active members of the organization who may see personal data."""
    return (
        Membership.objects.filter(
            organization_id=membership.organization_id,
            is_active=True,
            user__is_active=True,
            role__in=ASSIGNABLE_ROLES,
        )
        .select_related("user")
        .order_by("user__display_name", "user__email", "pk")
    )


def _check_target(membership, to_user):
    pk = getattr(to_user, "pk", to_user)
    if pk is None or not reassignment_targets(membership).filter(user_id=pk).exists():
        raise ValidationError(
            {"to_user": _("Choose an active member of your organization who works on cases and may see their data.")}
        )
    return pk


def _user(user):
    if hasattr(user, "_meta"):
        return user
    return get_user_model().objects.filter(pk=user).first()


def cases_reassign(*, actor, membership, from_user, to_user, case=None, request=None) -> dict:
    """Give ``from_user``'s cases (or only ``case``) to ``to_user``, with their open tasks and future
    appointments that were ``from_user``'s. All or nothing; one audit event with the counts.

    Returns ``{"cases": n, "tasks": n, "appointments": n}``.
    """
    require_supervisor(membership)
    from_pk = getattr(from_user, "pk", from_user)
    to_pk = _check_target(membership, to_user)
    if from_pk == to_pk:
        raise ValidationError({"to_user": _("Choose someone other than the current caseworker.")})
    with transaction.atomic():
        if case is not None:
            locked = access.get_case_for_update(membership, case.pk)
            if locked.caseworker_id != from_pk:
                raise ValidationError(_("This case is not assigned to that caseworker."))
            case_ids = [locked.pk]
        else:
            case_ids = list(
                client_access.visible_cases(membership)
                .select_for_update(of=("self",))
                .filter(caseworker_id=from_pk)
                .values_list("pk", flat=True)
            )
        if not case_ids:
            raise ValidationError(_("This caseworker has no cases to hand over."))
        now = timezone.now()
        counts = {
            "cases": Case.objects.filter(pk__in=case_ids).update(caseworker_id=to_pk),
            "tasks": Task.objects.filter(case_id__in=case_ids, assignee_id=from_pk, done_at__isnull=True).update(
                assignee_id=to_pk
            ),
            "appointments": Appointment.objects.filter(
                Q(case_id__in=case_ids, staff_id=from_pk, starts_at__gt=now, status=Appointment.Status.SCHEDULED)
            ).update(staff_id=to_pk),
        }
        reason = "cases={cases} tasks={tasks} appointments={appointments}".format(**counts)
        target = Case.objects.get(pk=case_ids[0]) if case is not None else _user(from_user)
        audit.record(
            actor,
            "casework.cases_reassigned",
            target,
            fields=["case.caseworker", "task.assignee", "appointment.staff"],
            reason=reason,
            organization=membership.organization_id,
            request=request,
        )
    return counts
