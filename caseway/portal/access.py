"""What a signed-in client may reach: only rows of their own account's case. Anything else is 404,
exactly like something that does not exist (the ids in a portal address are never enough)."""

from django.http import Http404
from django.utils import timezone

from caseway.casework.models import Appointment
from caseway.portal.models import AppointmentRequest


def my_appointments(account):
    """The client's appointments with the case team, from today on, soonest first."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return Appointment.objects.filter(case_id=account.case_id, starts_at__gte=today).order_by("starts_at", "pk")


def get_my_upcoming_appointment(account, pk) -> Appointment:
    """One of the client's scheduled appointments still to come; else 404."""
    appointment = (
        Appointment.objects.filter(
            case_id=account.case_id,
            status=Appointment.Status.SCHEDULED,
            starts_at__gt=timezone.now(),
        )
        .filter(pk=pk)
        .first()
    )
    if appointment is None:
        raise Http404
    return appointment


def my_requests(account):
    return AppointmentRequest.objects.filter(account=account, case_id=account.case_id).select_related("appointment")


def get_request_for_member(membership, case, pk) -> AppointmentRequest:
    """A request on ``case`` (already reached through the case's access helper); else 404."""
    found = AppointmentRequest.objects.filter(case=case, pk=pk).first()
    if found is None:
        raise Http404
    return found
