"""Appointments and payments for tests, made through the real services (real vault, real audit)."""

import datetime

from django.utils import timezone

from caseway.casework import appointment_services, payment_services
from caseway.casework.models import Appointment
from caseway.clients.tests.factories import a_case

NAME_GIVEN, NAME_FAMILY = "Zahra", "Qasimova"  # fictional
HOME = "House 4, Olive Lane, Northfield"  # fictional


def member(user):
    return user.memberships.select_related("organization").get()


def a_client_case(personas, user=None, **values):
    values.setdefault("given_name", NAME_GIVEN)
    values.setdefault("family_name", NAME_FAMILY)
    return a_case(member(user or personas.caseworker_a), **values)


def an_appointment(personas, *, case=None, user=None, starts_at=None, minutes=60, **values) -> Appointment:
    user = user or personas.caseworker_a
    case = case or a_client_case(personas, user)
    starts_at = starts_at or timezone.now() + datetime.timedelta(days=1)
    values.setdefault("kind", Appointment.Kind.CASEWORK)
    return appointment_services.appointment_book(
        actor=user,
        membership=member(user),
        case=case,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
        **values,
    )


def started(appointment, hours=1):
    """Move ``appointment`` into the past (as if its time had come), keeping its length."""
    length = appointment.ends_at - appointment.starts_at
    appointment.starts_at = timezone.now() - datetime.timedelta(hours=hours)
    appointment.ends_at = appointment.starts_at + length
    Appointment.objects.filter(pk=appointment.pk).update(starts_at=appointment.starts_at, ends_at=appointment.ends_at)
    return appointment


def a_payment(personas, *, case=None, user=None, **values):
    user = user or personas.caseworker_a
    case = case or a_client_case(personas, user)
    values.setdefault("kind", "cash_grant")
    values.setdefault("amount", "25.00")
    values.setdefault("currency", "USD")
    values.setdefault("method", "cash")
    values.setdefault("paid_on", timezone.localdate())
    return payment_services.payment_record(actor=user, membership=member(user), case=case, **values)
