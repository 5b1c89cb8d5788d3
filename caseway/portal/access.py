"""What a signed-in client may reach: only rows of their own account's case. Anything else is 404,
exactly like something that does not exist (the ids in a portal address are never enough)."""

from django.db.models import Min
from django.http import Http404
from django.utils import timezone

from caseway.casework.models import Appointment, Milestone
from caseway.clients.models import Consent
from caseway.legal.models import Deadline, LegalMatter, MatterEvent, TriggerEvent
from caseway.portal.models import AppointmentRequest, PortalSignIn
from caseway.referrals.models import Referral, Status


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


# What a referral's status means for the client, in plain words (the staff's words are for staff).
REFERRAL_IN_PLAIN_WORDS = {
    Status.SENT: "asked",
    Status.VIEWED: "asked",
    Status.ACCEPTED: "accepted",
    Status.IN_SERVICE: "in_service",
    Status.COMPLETED: "completed",
    Status.DECLINED: "not_possible",
    Status.CLOSED_UNSUCCESSFUL: "not_possible",
    Status.WITHDRAWN: "stopped",
    Status.REVOKED: "stopped",
}


def my_milestones(account):
    return Milestone.objects.filter(case_id=account.case_id).order_by("-reached_on", "-pk")


def my_referrals(account):
    """Referrals the client's case team made for them (not drafts), newest first, each with ``plain``."""
    referrals = list(
        Referral.objects.filter(from_case_id=account.case_id, client_id=account.client_id)
        .exclude(status=Status.DRAFT)
        .select_related("to_organization", "to_service")
        .order_by("-sent_at", "-pk")[:20]
    )
    for referral in referrals:
        referral.plain = REFERRAL_IN_PLAIN_WORDS.get(referral.status, "asked")
    return referrals


def my_legal_matters(account):
    """The client's legal matters led from their account's case, each with ``next_deadline`` (the
    soonest open one still to come) and ``next_hearing`` (the day of the soonest hearing set), for
    the journey page."""
    today = timezone.localdate()
    matters = list(
        LegalMatter.objects.filter(client_id=account.client_id, lead_case_id=account.case_id)
        .select_related("jurisdiction")
        .order_by("-opened_at")[:10]
    )
    soonest = {}
    for deadline in (
        Deadline.objects.filter(matter__in=matters, status=Deadline.Status.OPEN, due_on__gte=today)
        .select_related("rule")
        .order_by("due_on")
    ):
        soonest.setdefault(deadline.matter_id, deadline)
    hearings = dict(
        MatterEvent.objects.filter(matter__in=matters, trigger=TriggerEvent.HEARING_SCHEDULED, occurred_on__gte=today)
        .values("matter_id")
        .annotate(day=Min("occurred_on"))
        .values_list("matter_id", "day")
    )
    for matter in matters:
        matter.next_deadline = soonest.get(matter.pk)
        matter.next_hearing = hearings.get(matter.pk)
    return matters


def my_sign_ins(account):
    """The account's sign-in history, newest first."""
    return PortalSignIn.objects.filter(account=account)


def my_consents(account):
    """Every answer the client gave (to any organization), newest first."""
    return (
        Consent.objects.filter(client_id=account.client_id).select_related("recipient").order_by("-recorded_at", "-pk")
    )


def get_my_agreement(account, pk) -> Consent:
    """One of the client's own agreements (a refusal cannot be withdrawn); else 404."""
    answer = my_consents(account).filter(pk=pk, granted=True).first()
    if answer is None:
        raise Http404
    return answer
