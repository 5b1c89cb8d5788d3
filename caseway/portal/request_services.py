"""Appointment requests from the portal: the client asks, the case team answers.

The client asks for a new appointment (when they can come, whether they need childcare or
transport), or for another time or a cancellation of one of their scheduled appointments. The case's
caseworker gets a task (``CaseAlert.Kind.PORTAL_REQUEST``); a second identical request while the
first waits adds nothing. The team books, moves or cancels through casework as usual, then marks
the request answered, which closes the task once no request of the case waits.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway import audit
from caseway.clients.models import CaseAlert
from caseway.messaging import access as messaging_access
from caseway.orgs.permissions import Action
from caseway.portal import access
from caseway.portal.models import AppointmentRequest

PREFERRED_TIMES_MAX_LENGTH = 300
CLIENT_LABEL = "portal:client"
Kind = AppointmentRequest.Kind


def _preferred_times(kind, text) -> str:
    text = (text or "").strip()
    if kind != Kind.CANCEL and not text:
        raise ValidationError({"preferred_times": _("Say when you can come, for example: Monday morning.")})
    if len(text) > PREFERRED_TIMES_MAX_LENGTH:
        raise ValidationError(
            {"preferred_times": _("Keep it under %(count)d characters.") % {"count": PREFERRED_TIMES_MAX_LENGTH}}
        )
    return text


def request_create(
    *, account, kind, appointment_pk=None, preferred_times="", childcare_needed=False, transport_needed=False
) -> AppointmentRequest:
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose what you ask for.")})
    text = _preferred_times(kind, preferred_times)
    now = timezone.now()
    with transaction.atomic():
        appointment = None
        if kind != Kind.NEW:
            appointment = access.get_my_upcoming_appointment(account, appointment_pk)
            waiting = AppointmentRequest.objects.filter(
                account=account, appointment=appointment, kind=kind, status=AppointmentRequest.Status.OPEN
            ).first()
            if waiting is not None:
                return waiting
        case = account.case
        request = AppointmentRequest.objects.create(
            account=account,
            case=case,
            appointment=appointment,
            data_key_id=account.client.data_key_id,
            kind=kind,
            preferred_times=text or None,
            childcare_needed=bool(childcare_needed),
            transport_needed=bool(transport_needed),
            created_at=now,
        )
        has_task = CaseAlert.objects.filter(
            case=case, kind=CaseAlert.Kind.PORTAL_REQUEST, resolved_at__isnull=True
        ).exists()
        if not has_task:
            CaseAlert.objects.create(
                case=case,
                kind=CaseAlert.Kind.PORTAL_REQUEST,
                audience=CaseAlert.Audience.CASEWORKER if case.caseworker_id else CaseAlert.Audience.SUPERVISOR,
                assigned_to=case.caseworker,
                is_task=True,
                due_at=now,
                created_at=now,
            )
        audit.record(
            None,
            "portal.appointment_requested",
            request,
            fields=["kind", "preferred_times", "childcare_needed", "transport_needed"],
            organization=case.organization_id,
            actor_label=CLIENT_LABEL,
        )
    return request


def request_handle(*, actor, membership, case, request_pk, http_request=None) -> AppointmentRequest:
    """The case team marks a request answered; the caseworker's task closes when none waits."""
    if membership is None or not membership.allows(Action.VIEW_PERSONAL_DATA):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        case = messaging_access.get_case_for_messages(membership, case.pk)
        found = access.get_request_for_member(membership, case, request_pk)
        found = AppointmentRequest.objects.select_for_update().get(pk=found.pk)
        if found.status == AppointmentRequest.Status.HANDLED:
            return found
        found.status = AppointmentRequest.Status.HANDLED
        found.handled_by = actor
        found.handled_at = now
        found.save(update_fields=["status", "handled_by", "handled_at"])
        if not AppointmentRequest.objects.filter(case=case, status=AppointmentRequest.Status.OPEN).exists():
            CaseAlert.objects.filter(case=case, kind=CaseAlert.Kind.PORTAL_REQUEST, resolved_at__isnull=True).update(
                resolved_at=now, resolved_by=actor
            )
        audit.record(
            actor,
            "portal.appointment_request_handled",
            found,
            fields=["status"],
            organization=membership.organization_id,
            request=http_request,
        )
    return found
