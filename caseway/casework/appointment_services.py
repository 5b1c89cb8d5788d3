"""Appointments with a client: book, reschedule, cancel, record attended or no-show.

Keyword-only functions taking ``actor`` and ``membership``; each reaches the case (and the
appointment, locked: two people may act at once) through the access helpers, runs in one
transaction and writes an audit event naming fields, never values. Place and where childcare is
given may locate the client: they are encrypted under the client's data key.

Times are aware datetimes; a naive one is read on the current time zone (the site's,
``settings.TIME_ZONE``, unless a request activated another), as Django's forms do.

A transport stipend or voucher given at an appointment is recorded when attendance is: the
appointment and its ``SupportPayment`` change together or not at all.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caseway import audit
from caseway.casework import access, appointment_access, payment_services
from caseway.casework.models import Appointment, SupportPayment
from caseway.clients.models import CaseStatus
from caseway.orgs.models import Membership
from caseway.orgs.permissions import Action

MAX_DURATION = datetime.timedelta(hours=12)
PLACE_MAX_LENGTH = 500
LANGUAGE_MAX_LENGTH = 20

# Why an appointment was cancelled: codes only, never free text about the client.
CANCEL_REASONS = {
    "client_request": gettext_lazy("The client asked to cancel"),
    "client_unwell": gettext_lazy("The client is unwell"),
    "staff_unavailable": gettext_lazy("The staff member is not available"),
    "safety": gettext_lazy("Safety concern"),
    "transport": gettext_lazy("No transport"),
    "access": gettext_lazy("Access or weather"),
    "service_unavailable": gettext_lazy("The service is not available"),
    "other": gettext_lazy("Other reason"),
}
# What a booking may set, and what a reschedule may change besides the time.
DETAIL_FIELDS = (
    "kind",
    "mode",
    "place",
    "interpreter_language",
    "childcare_needed",
    "childcare_provided",
    "childcare_where",
    "transport_needed",
    "transport_support",
    "transport_amount",
    "transport_currency",
)
ENCRYPTED_FIELDS = ("place", "childcare_where")
DEFAULTS = {
    "mode": Appointment.Mode.IN_PERSON,
    "place": "",
    "interpreter_language": "",
    "childcare_needed": False,
    "childcare_provided": False,
    "childcare_where": "",
    "transport_needed": False,
    "transport_support": "",
    "transport_amount": None,
    "transport_currency": "",
}
# The payment recorded when transport support is given at an appointment.
TRANSPORT_METHODS = {
    Appointment.TransportSupport.STIPEND: SupportPayment.Method.CASH,
    Appointment.TransportSupport.VOUCHER: SupportPayment.Method.VOUCHER,
}


class NotNow(ValidationError):
    """The appointment's status (or the clock) does not allow this change now."""


def _require(membership) -> None:
    if membership is None or not membership.is_active or not membership.allows(Action.VIEW_PERSONAL_DATA):
        raise PermissionDenied


def aware(value):
    """``value`` as an aware datetime (a naive one read on the current time zone), or None."""
    if not isinstance(value, datetime.datetime):
        return None
    if timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def staff_choices(organization_id):
    """Who an appointment may be with: active members of the organization who may see personal data."""
    memberships = Membership.objects.filter(organization_id=organization_id, is_active=True).select_related("user")
    users = [m.user for m in memberships if m.allows(Action.VIEW_PERSONAL_DATA) and m.user.is_active]
    return sorted(users, key=lambda user: (user.display_name or user.email).lower())


def _clean_details(values: dict) -> dict:
    cleaned = {**values}
    for name in ("place", "childcare_where", "interpreter_language", "transport_currency"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if "transport_currency" in cleaned:
        cleaned["transport_currency"] = cleaned["transport_currency"].upper()
    if cleaned.get("transport_support") is None:
        cleaned["transport_support"] = ""
    return cleaned


def _check_details(errors, details: dict) -> None:
    if details["kind"] not in Appointment.Kind.values:
        errors["kind"] = _("Choose what kind of appointment this is.")
    if details["mode"] not in Appointment.Mode.values:
        errors["mode"] = _("Choose how the appointment takes place.")
    if len(details["place"]) > PLACE_MAX_LENGTH:
        errors["place"] = _("Keep the place under %(count)d characters.") % {"count": PLACE_MAX_LENGTH}
    if len(details["interpreter_language"]) > LANGUAGE_MAX_LENGTH:
        errors["interpreter_language"] = _("Give the language in at most %(count)d characters.") % {
            "count": LANGUAGE_MAX_LENGTH
        }
    if details["childcare_provided"] and not details["childcare_needed"]:
        errors["childcare_provided"] = _("Childcare is provided only where it is needed: tick both.")
    if details["childcare_where"] and not details["childcare_provided"]:
        errors["childcare_where"] = _("Say where childcare is given only when it is provided.")
    elif len(details["childcare_where"]) > PLACE_MAX_LENGTH:
        errors["childcare_where"] = _("Keep the place under %(count)d characters.") % {"count": PLACE_MAX_LENGTH}
    _check_transport(errors, details)


def _check_transport(errors, details) -> None:
    support, amount, currency = details["transport_support"], details["transport_amount"], details["transport_currency"]
    if support and support not in Appointment.TransportSupport.values:
        errors["transport_support"] = _("Choose a stipend or a voucher.")
        return
    if support and not details["transport_needed"]:
        errors["transport_support"] = _("Transport support is given only where transport is needed: tick it.")
    if not support:
        if amount is not None:
            errors["transport_amount"] = _("An amount goes with a stipend or a voucher: choose one.")
        elif currency:
            errors["transport_currency"] = _("A currency goes with an amount.")
        return
    if amount is None and not currency:
        errors["transport_amount"] = _("Give the amount of the stipend or voucher.")
        return
    payment_services.check_amount(
        errors, amount, currency, amount_field="transport_amount", currency_field="transport_currency"
    )


def _check_time(errors, starts_at, ends_at) -> None:
    if starts_at is None:
        errors["starts_at"] = _("Give the date and time the appointment starts.")
    if ends_at is None:
        errors["ends_at"] = _("Give the time the appointment ends.")
    if starts_at is None or ends_at is None:
        return
    if ends_at <= starts_at:
        errors["ends_at"] = _("The appointment must end after it starts.")
    elif ends_at - starts_at > MAX_DURATION:
        errors["ends_at"] = _("An appointment lasts at most %(hours)d hours.") % {
            "hours": MAX_DURATION.total_seconds() // 3600
        }


def _check_staff(errors, case, staff) -> None:
    if staff is None:
        return
    if staff.pk not in {user.pk for user in staff_choices(case.organization_id)}:
        errors["staff"] = _("The appointment is with a staff member of the case's organization.")


def _check_case(errors, case) -> None:
    if case.status == CaseStatus.CLOSED:
        errors["case"] = _("This case is closed: reopen it before booking an appointment.")


def _audit(actor, membership, action, appointment, fields, request):
    audit.record(
        actor,
        f"casework.appointment_{action}",
        appointment,
        fields=sorted(fields),
        organization=membership.organization_id,
        request=request,
    )


def appointment_book(*, actor, membership, case, starts_at, ends_at, staff=None, request=None, **values) -> Appointment:
    """Book an appointment with the client of ``case``; ``values`` are among ``DETAIL_FIELDS``.

    ``staff`` (default: the actor) is a staff member of the case's organization who may see personal data.
    """
    _require(membership)
    unknown = set(values) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"Unknown appointment fields: {sorted(unknown)}")
    details = _clean_details({**DEFAULTS, **values})
    details.setdefault("kind", "")
    starts_at, ends_at = aware(starts_at), aware(ends_at)
    staff = actor if staff is None else staff
    errors = {}
    _check_time(errors, starts_at, ends_at)
    _check_details(errors, details)
    with transaction.atomic():
        case = access.get_case_for_update(membership, case.pk)
        _check_case(errors, case)
        _check_staff(errors, case, staff)
        if errors:
            raise ValidationError(errors)
        appointment = Appointment(
            case=case,
            data_key_id=case.client.data_key_id,
            starts_at=starts_at,
            ends_at=ends_at,
            staff=staff,
            created_by=actor,
            created_at=timezone.now(),
            **{name: (None if name in ENCRYPTED_FIELDS and not value else value) for name, value in details.items()},
        )
        appointment.save()
        written = ["case", "starts_at", "ends_at", "staff"] + [
            name for name in DETAIL_FIELDS if details[name] not in ("", None, False)
        ]
        _audit(actor, membership, "booked", appointment, written, request)
    return appointment


def _locked_scheduled(membership, appointment) -> Appointment:
    appointment = appointment_access.get_appointment_for_update(membership, appointment.pk)
    if appointment.status != Appointment.Status.SCHEDULED:
        raise NotNow(
            _("This appointment is %(status)s: it can no longer be changed.")
            % {"status": appointment.get_status_display().lower()},
            code="not_scheduled",
        )
    return appointment


def appointment_reschedule(
    *, actor, membership, appointment, starts_at, ends_at, staff=None, request=None, **changes
) -> Appointment:
    """Move a scheduled appointment: a new appointment (``rescheduled_from`` the old one) takes its
    place with the new time and the same details unless ``changes`` says otherwise; the old one is
    kept, marked rescheduled."""
    _require(membership)
    unknown = set(changes) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"Unknown appointment fields: {sorted(unknown)}")
    with transaction.atomic():
        case = access.get_case_for_update(membership, appointment.case_id)
        old = _locked_scheduled(membership, appointment)
        details = {name: getattr(old, name) for name in DETAIL_FIELDS}
        details = _clean_details({**details, **changes})
        for name in ENCRYPTED_FIELDS:
            details[name] = details[name] or ""
        starts_at, ends_at = aware(starts_at), aware(ends_at)
        staff = old.staff if staff is None else staff
        errors = {}
        _check_time(errors, starts_at, ends_at)
        _check_details(errors, details)
        _check_case(errors, case)
        _check_staff(errors, case, staff)
        if errors:
            raise ValidationError(errors)
        old.status = Appointment.Status.RESCHEDULED
        old.save(update_fields=["status"])
        new = Appointment(
            case=case,
            data_key_id=case.client.data_key_id,
            starts_at=starts_at,
            ends_at=ends_at,
            staff=staff,
            rescheduled_from=old,
            created_by=actor,
            created_at=timezone.now(),
            **{name: (None if name in ENCRYPTED_FIELDS and not value else value) for name, value in details.items()},
        )
        new.save()
        _audit(actor, membership, "rescheduled", old, ["status"], request)
        _audit(
            actor,
            membership,
            "booked",
            new,
            ["case", "starts_at", "ends_at", "staff", "rescheduled_from", *changes],
            request,
        )
    return new


def appointment_cancel(*, actor, membership, appointment, reason, request=None) -> Appointment:
    """Cancel a scheduled appointment with a coded reason (``CANCEL_REASONS``)."""
    _require(membership)
    if reason not in CANCEL_REASONS:
        raise ValidationError({"reason": _("Choose why the appointment is cancelled.")})
    with transaction.atomic():
        appointment = _locked_scheduled(membership, appointment)
        appointment.status = Appointment.Status.CANCELLED
        appointment.cancel_reason = reason
        appointment.save(update_fields=["status", "cancel_reason"])
        _audit(actor, membership, "cancelled", appointment, ["status", "cancel_reason"], request)
    return appointment


def _check_started(appointment, now) -> None:
    if now < appointment.starts_at:
        raise NotNow(_("Attendance is recorded once the appointment has started."), code="not_started")


def appointment_attended(
    *, actor, membership, appointment, childcare_provided=None, transport_given=True, request=None
) -> Appointment:
    """The client came. Transport support planned for the appointment (stipend or voucher) is
    recorded as given, a ``SupportPayment`` dated the appointment's day, unless ``transport_given``
    is false; ``childcare_provided`` (None: unchanged) says whether childcare was given."""
    _require(membership)
    now = timezone.now()
    with transaction.atomic():
        case = access.get_case_for_update(membership, appointment.case_id)  # the case first, as everywhere
        appointment = _locked_scheduled(membership, appointment)
        _check_started(appointment, now)
        fields = ["status"]
        appointment.status = Appointment.Status.ATTENDED
        if childcare_provided is not None and childcare_provided != appointment.childcare_provided:
            if childcare_provided and not appointment.childcare_needed:
                raise ValidationError(
                    {"childcare_provided": _("Childcare is provided only where it is needed: tick both.")}
                )
            appointment.childcare_provided = childcare_provided
            fields.append("childcare_provided")
        appointment.save(update_fields=fields)
        _audit(actor, membership, "attended", appointment, fields, request)
        if transport_given and appointment.transport_support and appointment.transport_amount:
            payment_services.create_payment(
                actor=actor,
                membership=membership,
                case=case,
                appointment=appointment,
                request=request,
                kind=SupportPayment.Kind.TRANSPORT_STIPEND,
                amount=appointment.transport_amount,
                currency=appointment.transport_currency,
                method=TRANSPORT_METHODS[appointment.transport_support],
                paid_on=timezone.localdate(appointment.starts_at),
                budget_line="",
            )
    return appointment


def appointment_no_show(*, actor, membership, appointment, request=None) -> Appointment:
    """The client did not come (recorded once the appointment has started)."""
    _require(membership)
    now = timezone.now()
    with transaction.atomic():
        appointment = _locked_scheduled(membership, appointment)
        _check_started(appointment, now)
        appointment.status = Appointment.Status.NO_SHOW
        appointment.save(update_fields=["status"])
        _audit(actor, membership, "no_show", appointment, ["status"], request)
    return appointment


def no_show_counts(case_ids) -> dict:
    """{case id: number of missed appointments} for ``case_ids``, in one query (absent: none)."""
    rows = (
        Appointment.objects.filter(case_id__in=list(case_ids), status=Appointment.Status.NO_SHOW)
        .order_by()
        .values("case_id")
        .annotate(count=Count("pk"))
    )
    return {row["case_id"]: row["count"] for row in rows}
