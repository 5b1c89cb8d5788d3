"""Queueing reminders: only by a channel the client's current contact consent allows, in a safe
window before the appointment; otherwise a suppressed row with a code and nothing stored."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.casework.models import Appointment
from caseway.clients import consent
from caseway.clients.models import Consent
from caseway.messaging import reminders
from caseway.messaging.models import Notification
from caseway.messaging.reminders import Code
from caseway.messaging.tests.helpers import (
    PHONE,
    a_day,
    a_reminded_case,
    an_appointment_on,
    contact,
    member,
    the_notification,
)

pytestmark = pytest.mark.django_db
Status = Notification.Status


def queue_the_day_before(appointment, hours=8):
    now = appointment.starts_at - datetime.timedelta(hours=hours)
    return reminders.reminders_queue_run(now=now), now


def test_it_queues_one_sms_in_the_first_safe_window_and_marks_the_appointment(personas):
    case = a_reminded_case(personas, safe_times="10:00-12:00")
    appointment = an_appointment_on(personas, case, a_day(2, hour=15))

    run, now = queue_the_day_before(appointment, hours=20)  # 19:00 the day before

    notification = the_notification()
    assert run.as_dict() == {"due": 1, "pending": 1}
    assert notification.status == Status.PENDING and notification.channel == Notification.Channel.SMS
    assert notification.destination == PHONE
    assert notification.client_id == case.client_id and notification.object_id == appointment.pk
    assert notification.not_before == a_day(2, hour=10) and notification.not_after == a_day(2, hour=12)
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at == now
    assert AuditEvent.objects.filter(action="messaging.reminder_queued", target_id=str(notification.pk)).exists()


def test_it_queues_once_however_often_it_runs(personas):
    appointment = an_appointment_on(personas, a_reminded_case(personas), a_day(2, hour=15))
    queue_the_day_before(appointment)
    Appointment.objects.filter(pk=appointment.pk).update(reminder_sent_at=None)  # as if someone cleared it

    run, _now = queue_the_day_before(appointment, hours=7)

    assert Notification.objects.count() == 1
    assert run.counts == {}


def test_it_leaves_appointments_further_away_than_the_lead_time(personas, settings):
    settings.REMINDER_HOURS = 24
    appointment = an_appointment_on(personas, a_reminded_case(personas), a_day(3, hour=15))
    run, _now = queue_the_day_before(appointment, hours=30)
    assert run.due == 0 and not Notification.objects.exists()


def test_it_keeps_the_destination_and_text_encrypted_at_rest(personas):
    appointment = an_appointment_on(personas, a_reminded_case(personas), a_day(2, hour=15))
    queue_the_day_before(appointment)
    notification = the_notification()

    with connection.cursor() as cursor:
        cursor.execute("SELECT destination, text FROM messaging_notification WHERE id = %s", [notification.pk.hex])
        row = cursor.fetchone()
        if row is None:  # PostgreSQL stores the uuid natively
            cursor.execute("SELECT destination, text FROM messaging_notification WHERE id = %s", [notification.pk])
            row = cursor.fetchone()
    destination, text = row
    assert destination and text
    assert PHONE not in destination and "0142" not in destination
    assert "Reminder" not in text and "appointment" not in text
    assert notification.text.startswith("Community services. Reminder")


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        ({"granted": False, "methods": ("none",)}, Code.CONTACT_REFUSED),
        ({"methods": ("none",)}, Code.CONTACT_NONE),
        ({"methods": ("sms", "none")}, Code.CONTACT_NONE),
        ({"methods": ("phone",)}, Code.NO_WRITTEN_CHANNEL),
        ({"methods": ("email",)}, Code.NO_DESTINATION),  # no email address on record for clients yet
        ({"methods": ("sms",), "expires_at": timezone.now() - datetime.timedelta(hours=1)}, Code.CONTACT_WITHDRAWN),
        ({"methods": ("sms",), "safe_times": "ask her sister first"}, Code.SAFE_TIMES_UNCLEAR),
    ],
)
def test_it_suppresses_what_the_client_did_not_agree_to(personas, answer, code):
    case = a_reminded_case(personas, consent=False)
    contact(personas, case, **answer)
    appointment = an_appointment_on(personas, case, a_day(2, hour=15))

    queue_the_day_before(appointment)

    notification = the_notification()
    assert (notification.status, notification.code) == (Status.SUPPRESSED, code)
    assert notification.destination is None and notification.text is None
    assert AuditEvent.objects.filter(action="messaging.reminder_suppressed").count() == 1


def test_it_suppresses_when_the_client_never_answered(personas):
    appointment = an_appointment_on(personas, a_reminded_case(personas, consent=False), a_day(2, hour=15))
    queue_the_day_before(appointment)
    assert (the_notification().status, the_notification().code) == (Status.SUPPRESSED, Code.CONTACT_NOT_ASKED)
    assert the_notification().channel == Notification.Channel.NONE


def test_it_follows_the_newest_answer_and_a_withdrawal_at_once(personas):
    case = a_reminded_case(personas)
    answer = Consent.objects.get(client=case.client, purpose="contact")
    consent.consent_revoke(actor=personas.caseworker_a, membership=member(personas.caseworker_a), consent=answer)
    appointment = an_appointment_on(personas, case, a_day(2, hour=15))

    queue_the_day_before(appointment)

    assert (the_notification().status, the_notification().code) == (Status.SUPPRESSED, Code.CONTACT_WITHDRAWN)


def test_it_suppresses_a_client_with_no_phone_on_record(personas):
    appointment = an_appointment_on(personas, a_reminded_case(personas, phone=""), a_day(2, hour=15))
    queue_the_day_before(appointment)
    assert (the_notification().status, the_notification().code) == (Status.SUPPRESSED, Code.NO_DESTINATION)


def test_it_suppresses_when_no_safe_moment_is_left_before_the_appointment(personas):
    case = a_reminded_case(personas, safe_times="16:00-18:00")
    appointment = an_appointment_on(personas, case, a_day(2, hour=15))
    queue_the_day_before(appointment, hours=8)  # 07:00: the next 16:00 is after the appointment
    assert (the_notification().status, the_notification().code) == (Status.SUPPRESSED, Code.NO_SAFE_TIME)


def test_it_leaves_cancelled_appointments_and_erased_clients_alone(personas):
    appointment = an_appointment_on(personas, a_reminded_case(personas), a_day(2, hour=15))
    Appointment.objects.filter(pk=appointment.pk).update(status=Appointment.Status.CANCELLED)
    run, _now = queue_the_day_before(appointment)
    assert run.due == 0 and not Notification.objects.exists()
