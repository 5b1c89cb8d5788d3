"""Sending the outbox: only inside the safe window as it reads at the moment of sending, only while
the appointment is on and the consent stands; the console backend says it delivered nothing."""

import datetime

import pytest
from django.core import mail

from caseway.audit.models import AuditEvent
from caseway.casework import appointment_services
from caseway.clients import consent
from caseway.clients.models import Consent
from caseway.messaging import channels, reminders
from caseway.messaging.models import Notification
from caseway.messaging.reminders import Code
from caseway.messaging.tests.helpers import a_day, a_reminded_case, an_appointment_on, contact, member, the_notification

pytestmark = pytest.mark.django_db
Status = Notification.Status
HOUR = datetime.timedelta(hours=1)


def queued(personas, safe_times="10:00-12:00", hour=15):
    case = a_reminded_case(personas, safe_times=safe_times)
    appointment = an_appointment_on(personas, case, a_day(2, hour=hour))
    reminders.reminders_queue_run(now=a_day(1, hour=19))
    return case, appointment


def send_at(moment):
    return reminders.notifications_send_run(now=moment)


def test_it_sends_nothing_before_the_window_and_sends_once_inside_it(personas):
    queued(personas)

    assert send_at(a_day(1, hour=21)).due == 0
    assert send_at(a_day(2, hour=9, minute=59)).due == 0
    run = send_at(a_day(2, hour=10, minute=5))
    again = send_at(a_day(2, hour=10, minute=10))

    notification = the_notification()
    assert run.as_dict() == {"due": 1, "sent": 1} and again.due == 0
    assert notification.status == Status.SENT and notification.sent_at == a_day(2, hour=10, minute=5)
    assert notification.code == channels.CONSOLE_NOT_DELIVERED  # recorded, not delivered to any network
    assert notification.attempts == 1
    assert notification.destination is None and notification.text is None  # not kept once sent
    event = AuditEvent.objects.get(action="messaging.notification_sent")
    assert event.fields == ["status", "channel", "code.console_not_delivered", "client.phone"]
    assert event.actor_label == "task:messaging_reminders" and event.organization_id == personas.org_a.pk


def test_it_waits_for_the_next_window_when_the_safe_times_changed_since(personas):
    case, _appointment = queued(personas, safe_times="10:00-12:00")
    contact(personas, case, safe_times="11:00-12:00", recorded_at=a_day(1, hour=20))

    assert send_at(a_day(2, hour=10, minute=5)).as_dict() == {"due": 1, "postponed": 1}
    notification = the_notification()
    assert notification.status == Status.PENDING and notification.not_before == a_day(2, hour=11)
    assert send_at(a_day(2, hour=11)).counts == {"sent": 1}


def test_it_never_sends_outside_safe_times_even_when_late(personas):
    queued(personas, safe_times="10:00-12:00", hour=15)
    run = send_at(a_day(2, hour=13))  # the window passed (no worker ran): none left before 14:30
    assert run.counts == {"cancelled": 1}
    assert (the_notification().status, the_notification().code) == (Status.CANCELLED, Code.NO_SAFE_TIME_LEFT)


def test_it_cancels_at_once_when_the_appointment_is_cancelled_or_moved(personas):
    _case, appointment = queued(personas)
    cw = personas.caseworker_a
    appointment_services.appointment_cancel(
        actor=cw, membership=member(cw), appointment=appointment, reason="client_request"
    )

    run = send_at(a_day(1, hour=20))  # before the window opens

    assert run.counts == {"cancelled": 1}
    notification = the_notification()
    assert (notification.status, notification.code) == (Status.CANCELLED, Code.APPOINTMENT_NOT_SCHEDULED)
    assert notification.destination is None and notification.text is None


def test_a_moved_appointment_cancels_the_old_reminder_and_gets_its_own(personas):
    _case, appointment = queued(personas)
    cw = personas.caseworker_a
    moved = appointment_services.appointment_reschedule(
        actor=cw,
        membership=member(cw),
        appointment=appointment,
        starts_at=a_day(2, hour=16),
        ends_at=a_day(2, hour=17),
    )

    assert send_at(a_day(1, hour=20)).counts == {"cancelled": 1}
    reminders.reminders_queue_run(now=a_day(1, hour=20))
    assert send_at(a_day(2, hour=10)).counts == {"sent": 1}

    old, new = (Notification.objects.get(object_id=pk) for pk in (appointment.pk, moved.pk))
    assert (old.status, old.code) == (Status.CANCELLED, Code.APPOINTMENT_NOT_SCHEDULED)
    assert new.status == Status.SENT


def test_it_suppresses_when_the_consent_is_withdrawn_after_queueing(personas):
    case, _appointment = queued(personas)
    answer = Consent.objects.get(client=case.client, purpose="contact")
    consent.consent_revoke(actor=personas.caseworker_a, membership=member(personas.caseworker_a), consent=answer)

    assert send_at(a_day(2, hour=10, minute=30)).counts == {"suppressed": 1}
    assert (the_notification().status, the_notification().code) == (Status.SUPPRESSED, Code.CONTACT_WITHDRAWN)


def test_it_suppresses_when_sms_is_no_longer_an_allowed_method(personas):
    case, _appointment = queued(personas)
    contact(personas, case, methods=("phone", "sms"), recorded_at=a_day(1, hour=20))
    contact(personas, case, methods=("phone",), recorded_at=a_day(1, hour=21))
    assert send_at(a_day(2, hour=10, minute=30)).counts == {"suppressed": 1}
    assert the_notification().code == Code.NO_WRITTEN_CHANNEL


class Failing(channels.Backend):
    def send(self, *, notification_id, destination, text):
        raise OSError(f"gateway refused {destination}")


def test_it_retries_a_failing_gateway_with_backoff_then_gives_up_with_a_code(personas, settings):
    settings.MESSAGING_SMS_BACKEND = f"{__name__}.Failing"
    queued(personas, safe_times="")
    moment = a_day(2, hour=8)
    outcomes = []
    for _attempt in range(reminders.MAX_ATTEMPTS):
        notification = the_notification()
        moment = max(moment, notification.not_before)
        outcomes.append(send_at(moment).counts)
    notification = the_notification()
    assert outcomes[:-1] == [{"retry": 1}] * (reminders.MAX_ATTEMPTS - 1) and outcomes[-1] == {"failed": 1}
    assert (notification.status, notification.code, notification.attempts) == (Status.FAILED, "backend_error", 5)
    assert notification.last_error == "backend_error"
    assert notification.destination is None


def test_the_email_backend_hands_the_text_to_the_mailer_under_the_neutral_site_name(settings):
    settings.PORTAL_SITE_NAME = "Neighbourhood help"
    result = channels.backend_for("email").send(notification_id="x", destination="a@example.org", text="Hello.")
    assert result == channels.Result(ok=True, code=channels.EMAIL_HANDED_TO_MAILER)
    assert mail.outbox[0].subject == "Neighbourhood help" and mail.outbox[0].body == "Hello."


def test_the_console_backend_logs_no_destination_and_no_text(caplog):
    with caplog.at_level("INFO", logger="caseway.messaging"):
        result = channels.backend_for("sms").send(notification_id="n-1", destination="+000 555 0142", text="Hi there")
    assert result.code == channels.CONSOLE_NOT_DELIVERED
    assert "0142" not in caplog.text and "Hi there" not in caplog.text and "n-1" in caplog.text
