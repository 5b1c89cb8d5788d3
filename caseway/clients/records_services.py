"""Writes of the case page: break-glass, assignment, sensitivity, alerts and link-request decisions.

Same rules as ``services.py``: keyword-only, ``actor`` and ``membership``, the role table and the
object scope checked again here (views are not trusted to have done it), one transaction, and
an audit event naming fields, never values.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway import audit
from caseway.clients import access
from caseway.clients.models import BreakGlassAccess, Case, CaseAlert, DataCategory, LinkRequest
from caseway.clients.services import require
from caseway.orgs.models import Membership
from caseway.orgs.permissions import Action, Role

BREAK_GLASS_REASON_MIN_LENGTH = 20
BREAK_GLASS_REASON_MAX_LENGTH = 1000
# Who may be the assigned caseworker of a case: staff who may see the client's personal data.
CASEWORKER_ROLES = (Role.CASEWORKER, Role.SUPERVISOR, Role.LEGAL_OFFICER)


def break_glass_minutes() -> int:
    """How long a break-glass opening lasts: ``settings.BREAK_GLASS_MINUTES`` (CASEWAY_BREAK_GLASS_MINUTES)."""
    return settings.BREAK_GLASS_MINUTES


def _check_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if len(reason) < BREAK_GLASS_REASON_MIN_LENGTH:
        raise ValidationError(
            {
                "reason": _("Explain why you need to see this identity in at least %(count)d characters.")
                % {"count": BREAK_GLASS_REASON_MIN_LENGTH}
            }
        )
    if len(reason) > BREAK_GLASS_REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("Keep the reason under %(count)d characters.") % {"count": BREAK_GLASS_REASON_MAX_LENGTH}}
        )
    return reason


def break_glass_open(*, actor, membership, case: Case, reason: str, request=None) -> BreakGlassAccess:
    """Open a sensitive case's identity for a limited time, with a reason; supervisors are alerted.

    Break-glass never overrides consent: a category the client did not share stays hidden.
    """
    require(membership, Action.VIEW_PERSONAL_DATA)
    reason = _check_reason(reason)
    with transaction.atomic():
        case = access.get_case_for_update(membership, case.pk)
        categories = access.visible_categories(membership, case)
        if not case.is_sensitive:
            raise ValidationError(_("This case is not sensitive: its identity is not masked."))
        if access.is_on_case_team(membership, case):
            raise ValidationError(_("You are on this case's team: you can already see the identity."))
        if DataCategory.IDENTITY not in categories:
            raise PermissionDenied  # the client did not share their identity: no reason overrides that
        now = timezone.now()
        opened = BreakGlassAccess.objects.create(
            case=case,
            user=actor,
            reason=reason,
            opened_at=now,
            expires_at=now + datetime.timedelta(minutes=break_glass_minutes()),
        )
        CaseAlert.objects.create(
            case=case,
            kind=CaseAlert.Kind.BREAK_GLASS,
            audience=CaseAlert.Audience.SUPERVISOR,
            assigned_to_id=case.supervisor_id,
            created_at=now,
        )
        # The reason stays in the BreakGlassAccess row for supervisors to read: it may describe the
        # client, and values never go into the audit log.
        audit.record(
            actor,
            "clients.break_glass_opened",
            case,
            fields=["reason", "expires_at"],
            organization=membership.organization_id,
            request=request,
        )
    return opened


def _active_member(organization_id, user, roles):
    return Membership.objects.filter(
        organization_id=organization_id, user=user, is_active=True, role__in=roles, user__is_active=True
    ).exists()


def case_assign(*, actor, membership, case: Case, caseworker=None, supervisor=None, request=None) -> list[str]:
    """Assign the case's caseworker and supervisor (None: nobody); return the fields changed."""
    require(membership, Action.SUPERVISE_CASES)
    errors = {}
    if caseworker is not None and not _active_member(membership.organization_id, caseworker, CASEWORKER_ROLES):
        errors["caseworker"] = _("Choose an active caseworker, supervisor or legal officer of your organization.")
    if supervisor is not None and not _active_member(membership.organization_id, supervisor, (Role.SUPERVISOR,)):
        errors["supervisor"] = _("Choose an active supervisor of your organization.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = access.get_case_for_update(membership, case.pk)
        changed = []
        if case.caseworker_id != getattr(caseworker, "pk", None):
            case.caseworker = caseworker
            changed.append("caseworker")
        if case.supervisor_id != getattr(supervisor, "pk", None):
            case.supervisor = supervisor
            changed.append("supervisor")
        if changed:
            case.save(update_fields=changed)
            audit.record(
                actor,
                "clients.case_assigned",
                case,
                fields=changed,
                organization=membership.organization_id,
                request=request,
            )
    return changed


def case_sensitivity_set(*, actor, membership, case: Case, sensitivity: str, request=None) -> bool:
    """Mark a case sensitive (GBV/CRSV: names masked, identity for its team only) or standard."""
    require(membership, Action.SUPERVISE_CASES)
    if sensitivity not in Case.Sensitivity.values:
        raise ValidationError({"sensitivity": _("Choose standard or sensitive.")})
    with transaction.atomic():
        case = access.get_case_for_update(membership, case.pk)
        if case.sensitivity == sensitivity:
            return False
        case.sensitivity = sensitivity
        case.save(update_fields=["sensitivity"])
        audit.record(
            actor,
            "clients.case_sensitivity_changed",
            case,
            fields=["sensitivity"],
            organization=membership.organization_id,
            request=request,
        )
    return True


def may_resolve(membership, alert: CaseAlert) -> bool:
    """Supervisor alerts are resolved by supervisors; a task by the person it is for, or a supervisor."""
    if membership.allows(Action.SUPERVISE_CASES):
        return True
    if alert.audience == CaseAlert.Audience.SUPERVISOR:
        return False
    if alert.assigned_to_id == membership.user_id:
        return True
    return alert.assigned_to_id is None and alert.case.caseworker_id == membership.user_id


def alert_resolve(*, actor, membership, alert: CaseAlert, request=None) -> bool:
    """Mark an alert or task done. Idempotent: False when it already was."""
    require(membership, Action.VIEW_PERSONAL_DATA)
    with transaction.atomic():
        case = access.get_case_for_update(membership, alert.case_id)
        alert = CaseAlert.objects.select_for_update().get(pk=alert.pk, case=case)
        if not may_resolve(membership, alert):
            raise PermissionDenied
        if alert.resolved_at is not None:
            return False
        alert.resolved_at = timezone.now()
        alert.resolved_by = actor
        alert.save(update_fields=["resolved_at", "resolved_by"])
        audit.record(
            actor,
            "clients.alert_resolved",
            alert,
            fields=["resolved_at"],
            organization=membership.organization_id,
            request=request,
        )
    return True


# ---------------------------------------------------------------------------------------------
# Link requests: another organization found a possible duplicate of one of our clients


def link_consent_categories(link_request: LinkRequest) -> frozenset:
    """What the client agreed to share with the requesting organization (empty: no consent yet)."""
    from caseway.clients import consent

    return consent.shared_categories(link_request.candidate, link_request.requesting_case.organization_id)


def _decidable(membership, link_request: LinkRequest) -> tuple[LinkRequest, Case]:
    link_request = LinkRequest.objects.select_for_update().get(pk=link_request.pk)
    case = access.case_of_client(membership, link_request.candidate_id)
    # Deciding means talking with the client, so it needs someone who may know who the client is.
    if not access.can_see_identity(membership, case):
        raise PermissionDenied
    if link_request.status != LinkRequest.Status.PENDING:
        raise ValidationError(_("This request was already answered."))
    return link_request, case


def _close_link_alerts(case: Case, actor) -> None:
    pending = LinkRequest.objects.filter(candidate_id=case.client_id, status=LinkRequest.Status.PENDING)
    if pending.exists():
        return
    CaseAlert.objects.filter(case=case, kind=CaseAlert.Kind.LINK_REQUEST, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=actor
    )


def link_request_accept(*, actor, membership, link_request: LinkRequest, request=None) -> Case:
    """Link: the requesting organization gets a case on our client, seeing only what the client shared.

    Refused until the client's consent to share with that organization is recorded (purpose
    SHARING, at least one category): linking without it would hand over a person's file unasked.
    """
    require(membership, Action.VIEW_PERSONAL_DATA)
    with transaction.atomic():
        link_request, case = _decidable(membership, link_request)
        requesting_organization_id = link_request.requesting_case.organization_id
        if not link_consent_categories(link_request):
            raise ValidationError(
                _(
                    "Record the client's consent to share information with %(organization)s first: "
                    "without it the records cannot be linked."
                )
                % {"organization": link_request.requesting_case.organization.name}
            )
        linked, created = Case.objects.get_or_create(
            organization_id=requesting_organization_id,
            client_id=link_request.candidate_id,
            defaults={
                "origin": Case.Origin.LINK,
                "caseworker_id": link_request.requested_by_id,
                "sensitivity": case.sensitivity,
            },
        )
        link_request.status = LinkRequest.Status.ACCEPTED
        link_request.decided_by = actor
        link_request.decided_at = timezone.now()
        link_request.save(update_fields=["status", "decided_by", "decided_at"])
        _close_link_alerts(case, actor)
        audit.record(
            actor,
            "clients.link_request_accepted",
            link_request,
            fields=["status"] + (["case"] if created else []),
            organization=membership.organization_id,
            request=request,
        )
    return linked


def link_request_decline(*, actor, membership, link_request: LinkRequest, request=None) -> LinkRequest:
    require(membership, Action.VIEW_PERSONAL_DATA)
    with transaction.atomic():
        link_request, case = _decidable(membership, link_request)
        link_request.status = LinkRequest.Status.DECLINED
        link_request.decided_by = actor
        link_request.decided_at = timezone.now()
        link_request.save(update_fields=["status", "decided_by", "decided_at"])
        _close_link_alerts(case, actor)
        audit.record(
            actor,
            "clients.link_request_declined",
            link_request,
            fields=["status"],
            organization=membership.organization_id,
            request=request,
        )
    return link_request
