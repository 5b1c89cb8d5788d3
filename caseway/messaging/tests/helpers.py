"""Clients who agreed (or not) to be contacted, and their appointments, made through the real services."""

import datetime

from django.utils import timezone

from caseway.casework.models import Appointment
from caseway.casework.tests.appointment_helpers import a_client_case, an_appointment, member
from caseway.clients.models import ConsentPurpose
from caseway.clients.tests.factories import give_consent
from caseway.messaging.models import Notification

PHONE = "+000 555 0142"  # fictional
PLACE = "Shelter room 3, Olive Lane clinic"  # fictional
GIVEN, FAMILY = "Zahra", "Qasimova"  # fictional


def a_day(days=2, hour=15, minute=0) -> datetime.datetime:
    """``days`` from today at ``hour``:``minute`` on the site's clock (UTC in tests)."""
    today = timezone.localtime().replace(hour=hour, minute=minute, second=0, microsecond=0)
    return today + datetime.timedelta(days=days)


def contact(personas, case, *, methods=("sms",), safe_times="", granted=True, **extra):
    """A contact answer of ``case``'s client, recorded three days ago unless ``recorded_at`` says."""
    return give_consent(
        case.client,
        ConsentPurpose.CONTACT,
        recorded_by=member(personas.caseworker_a),
        granted=granted,
        contact_methods=list(methods),
        safe_times=safe_times,
        recorded_at=extra.pop("recorded_at", timezone.now() - datetime.timedelta(days=3)),
        **extra,
    )


def a_reminded_case(personas, *, methods=("sms",), safe_times="", phone=PHONE, consent=True, **values):
    """A client with a phone (and a contact answer unless ``consent`` is False) and an appointment."""
    case = a_client_case(personas, phone=phone, **values)
    if consent:
        contact(personas, case, methods=methods, safe_times=safe_times)
    return case


def an_appointment_on(personas, case, starts_at, **values) -> Appointment:
    values.setdefault("place", PLACE)
    return an_appointment(personas, case=case, starts_at=starts_at, **values)


def the_notification() -> Notification:
    return Notification.objects.get()
