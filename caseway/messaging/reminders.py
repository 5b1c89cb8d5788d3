"""Appointment reminders through the outbox: only by a consented channel, only at a safe time.

Two steps, both run by ``tasks.py`` every 5 minutes and by ``manage.py messaging_reminders``:

1. **Queue** (``reminders_queue_run``): each scheduled appointment starting within
   ``settings.REMINDER_HOURS`` (``CASEWAY_REMINDER_HOURS``) and not handled yet
   (``reminder_sent_at`` empty: the partial index ``casework_appt_reminder_due``) gets one outbox row.
   The client's *current* contact consent decides: no answer, a refusal, a withdrawn or expired
   agreement, "do not contact", or no written channel (SMS, email) with a destination on record →
   a ``suppressed`` row with a code and no destination or text. Otherwise the first channel allowed
   (SMS before email), the neutral text in the client's language, and the first window of the
   client's safe times (``safe_times.py``) before the appointment; safe times not understood or no
   safe moment left → suppressed. ``reminder_sent_at`` is then set: the reminder has been decided.
2. **Send** (``notifications_send_run``): a pending row whose appointment is no longer scheduled (or
   no longer exists) is ``cancelled`` at once; each pending row whose window has opened is checked again
   at the moment of sending: the appointment still scheduled and not about to start (else
   ``cancelled``), the consent still standing for that channel (else ``suppressed``), *now* inside
   the safe times as they read now (else the row waits for the next window, or is ``cancelled`` when
   none is left before the appointment). It goes to the client's phone number as it is now (a number
   changed because the old phone is no longer safe must not get the reminder). A failed attempt is
   retried with backoff, ``MAX_ATTEMPTS`` times in all.

Each appointment and each row is handled in its own transaction on its locked row
(``select_for_update(skip_locked=True)``; SQLite's IMMEDIATE transactions serialize writers), and a
row is unique per (purpose, appointment, channel): two workers at once queue once and send once.
Sending happens inside that transaction, so a crash between the gateway's answer and the commit
could, at worst, send again on the next run; never twice at once. Destination and text are cleared
once a row is sent, cancelled or suppressed. Every decision is audited with codes only.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from caseway import audit
from caseway.casework.models import Appointment
from caseway.clients import consent
from caseway.clients.models import Consent, ConsentPurpose
from caseway.messaging import channels, safe_times, texts
from caseway.messaging.models import Notification

ACTOR_LABEL = "task:messaging_reminders"
MIN_BEFORE = datetime.timedelta(minutes=30)  # no reminder in the last half hour before the appointment
MAX_ATTEMPTS = 5
RETRY_AFTER = datetime.timedelta(minutes=5)  # doubled after each failed attempt
PURPOSE = Notification.Purpose.APPOINTMENT_REMINDER
WRITTEN_CHANNELS = (Notification.Channel.SMS, Notification.Channel.EMAIL)  # in order of preference
Status = Notification.Status


class Code:
    CONTACT_NOT_ASKED = "contact_not_asked"
    CONTACT_REFUSED = "contact_refused"
    CONTACT_WITHDRAWN = "contact_withdrawn"  # revoked or expired
    CONTACT_NONE = "contact_none"  # "do not contact" among the methods
    NO_WRITTEN_CHANNEL = "no_written_channel"  # phone calls only: a person calls, not the outbox
    CHANNEL_WITHDRAWN = "channel_withdrawn"
    NO_DESTINATION = "no_destination"
    SAFE_TIMES_UNCLEAR = "safe_times_unclear"
    NO_SAFE_TIME = "no_safe_time"
    QUEUED = "queued"
    APPOINTMENT_NOT_SCHEDULED = "appointment_not_scheduled"
    APPOINTMENT_GONE = "appointment_gone"
    CLIENT_ERASED = "client_erased"
    TOO_LATE = "too_late"
    NO_SAFE_TIME_LEFT = "no_safe_time_left"
    BACKEND_ERROR = "backend_error"


# ---------------------------------------------------------------------------------------------
# What the client agreed to, now


def contact_answer(client, now) -> tuple[Consent | None, str]:
    """The client's deciding contact answer at ``now`` if it lets the outbox write; else (None, code)."""
    answer = (
        Consent.objects.filter(client=client, purpose=ConsentPurpose.CONTACT, recorded_at__lte=now)
        .order_by("-recorded_at", "-pk")
        .first()
    )
    if answer is None:
        return None, Code.CONTACT_NOT_ASKED
    if not answer.granted:
        return None, Code.CONTACT_REFUSED
    if not consent.in_force(answer, now):
        return None, Code.CONTACT_WITHDRAWN
    methods = set(answer.contact_methods or ())
    if Consent.ContactMethod.NONE in methods:
        return None, Code.CONTACT_NONE
    if not methods & set(WRITTEN_CHANNELS):
        return None, Code.NO_WRITTEN_CHANNEL
    return answer, ""


def destination(client, channel) -> str:
    """Where ``channel`` reaches ``client`` now ("" if nowhere). Clients have no email address on record yet."""
    if channel == Notification.Channel.SMS:
        return (client.phone or "").strip()
    return (getattr(client, "email", None) or "").strip()


def channel_and_destination(client, answer) -> tuple[str, str]:
    for channel in WRITTEN_CHANNELS:
        if channel in answer.contact_methods and (address := destination(client, channel)):
            return channel, address
    return "", ""


def _latest_send(appointment) -> datetime.datetime:
    return appointment.starts_at - MIN_BEFORE


# ---------------------------------------------------------------------------------------------
# Queue


def decide(notification, client, *, now, latest) -> bool:
    """Fill the unsaved ``notification`` for ``client``: the first written channel they agreed to that
    has a destination, and the first window of their safe times before ``latest`` (True: to send, its
    text still to set); or suppressed with the code saying why (False). Saves nothing."""
    answer, code = contact_answer(client, now)
    channel, address = channel_and_destination(client, answer) if answer else ("", "")
    rule = safe_times.parse(answer.safe_times) if answer and channel else None
    window = safe_times.next_window(rule, now, latest) if rule else None
    if answer and not channel:
        code = Code.NO_DESTINATION
    elif channel and rule is None:
        code = Code.SAFE_TIMES_UNCLEAR
    elif rule and window is None:
        code = Code.NO_SAFE_TIME
    if window is None:
        notification.channel = channel or Notification.Channel.NONE
        notification.status, notification.code = Status.SUPPRESSED, code
        return False
    notification.channel = channel
    notification.destination = address
    notification.not_before, notification.not_after = window
    notification.code = Code.QUEUED
    return True


def due_appointments(*, now, hours=None):
    """Scheduled appointments starting within the lead time, not handled yet, of clients not erased."""
    hours = settings.REMINDER_HOURS if hours is None else hours
    return Appointment.objects.filter(
        status=Appointment.Status.SCHEDULED,
        reminder_sent_at__isnull=True,
        starts_at__gt=now + MIN_BEFORE,
        starts_at__lte=now + datetime.timedelta(hours=hours),
        case__client__erased_at__isnull=True,
    )


def _audit(action, notification, organization_id, *, read_phone=False):
    # The client's phone number read by the job (to queue or to send) is named, like any read of contact.
    fields = ["status", "channel", f"code.{notification.code}"] + (["client.phone"] if read_phone else [])
    audit.record(
        None,
        action,
        notification,
        fields=fields,
        organization=organization_id,
        actor_label=ACTOR_LABEL,
    )


def queue_one(pk, *, now, hours=None) -> Notification | None:
    """Decide appointment ``pk``'s reminder; None when not due (or another worker has it)."""
    with transaction.atomic():
        appointment = (
            due_appointments(now=now, hours=hours)
            .select_for_update(skip_locked=True, of=("self",))
            .filter(pk=pk)
            .first()
        )
        if appointment is None:
            return None
        Appointment.objects.filter(pk=appointment.pk).update(reminder_sent_at=now)
        if Notification.objects.filter(purpose=PURPOSE, object_id=appointment.pk).exists():
            return None  # decided before (its reminder_sent_at was cleared since): once only
        case = appointment.case
        client = case.client
        notification = Notification(
            client=client, data_key_id=client.data_key_id, purpose=PURPOSE, object_id=appointment.pk, created_at=now
        )
        if not decide(notification, client, now=now, latest=_latest_send(appointment)):
            notification.save()
            _audit("messaging.reminder_suppressed", notification, case.organization_id)
            return notification
        notification.text = texts.appointment_reminder(appointment.starts_at, texts.client_language(client))
        notification.save()
        _audit("messaging.reminder_queued", notification, case.organization_id, read_phone=True)
        return notification


# ---------------------------------------------------------------------------------------------
# Send


def _close(notification, status, code, *, now):
    notification.status, notification.code = status, code
    notification.destination, notification.text = None, None
    if status == Status.SENT:
        notification.sent_at = now
    notification.save(
        update_fields=["status", "code", "destination", "text", "sent_at", "attempts", "last_error", "not_before"]
    )


@dataclass(frozen=True)
class Subject:
    """What a row is about, as the sender needs it: whose organization, until when, or why not."""

    organization_id: int | None
    latest: datetime.datetime | None  # nothing is sent at or after this
    stop: tuple[str, str] | None = None  # (status, code) when the subject itself says stop


def _appointment_subject(notification) -> Subject:
    appointment = Appointment.objects.filter(pk=notification.object_id).select_related("case").first()
    if appointment is None:
        return Subject(None, None, (Status.CANCELLED, Code.APPOINTMENT_GONE))
    if appointment.status != Appointment.Status.SCHEDULED:
        return Subject(appointment.case.organization_id, None, (Status.CANCELLED, Code.APPOINTMENT_NOT_SCHEDULED))
    return Subject(appointment.case.organization_id, _latest_send(appointment))


# Each purpose says what its rows are about (``notices.py`` registers the new-message notices).
SUBJECTS = {PURPOSE: _appointment_subject}


def _stop_reason(notification, subject, now) -> tuple[str, str] | None:
    """Why the row must not go now, as (status, code); None if it still may."""
    if subject.stop is not None:
        return subject.stop
    client = notification.client
    if client is None or client.is_erased:
        return Status.CANCELLED, Code.CLIENT_ERASED
    if now >= subject.latest:
        return Status.CANCELLED, Code.TOO_LATE
    answer, code = contact_answer(client, now)
    if answer is None:
        return Status.SUPPRESSED, code
    if notification.channel not in answer.contact_methods:
        return Status.SUPPRESSED, Code.CHANNEL_WITHDRAWN
    if not destination(client, notification.channel):
        return Status.SUPPRESSED, Code.NO_DESTINATION
    return None


def send_one(pk, *, now) -> str | None:
    """Send (or close, or postpone) pending row ``pk`` if its window has opened; returns what happened."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=pk, status=Status.PENDING)
            .select_related("client")
            .first()
        )
        if notification is None:
            return None
        subject = SUBJECTS[notification.purpose](notification)
        organization_id = subject.organization_id
        stop = _stop_reason(notification, subject, now)
        if stop is None and notification.not_before > now:
            return None  # its window has not opened
        if stop is None:
            answer, _code = contact_answer(notification.client, now)
            rule = safe_times.parse(answer.safe_times)
            window = safe_times.next_window(rule, now, subject.latest) if rule else None
            if rule is None:
                stop = (Status.SUPPRESSED, Code.SAFE_TIMES_UNCLEAR)
            elif window is None:
                stop = (Status.CANCELLED, Code.NO_SAFE_TIME_LEFT)
            elif window[0] > now:
                notification.not_before, notification.not_after = window
                notification.save(update_fields=["not_before", "not_after"])
                return "postponed"
        if stop is not None:
            _close(notification, *stop, now=now)
            _audit(f"messaging.notification_{stop[0]}", notification, organization_id)
            return stop[0]
        notification.attempts += 1
        try:
            result = channels.backend_for(notification.channel).send(
                notification_id=notification.pk,
                destination=destination(notification.client, notification.channel),
                text=notification.text,
            )
        except Exception:  # a gateway's error message may quote the number: only a code is kept
            result = channels.Result(ok=False, code=Code.BACKEND_ERROR)
        if result.ok:
            _close(notification, Status.SENT, result.code, now=now)
            _audit("messaging.notification_sent", notification, organization_id, read_phone=True)
            return Status.SENT
        notification.last_error = result.code[:40]
        if notification.attempts >= MAX_ATTEMPTS:
            _close(notification, Status.FAILED, result.code[:40], now=now)
            _audit("messaging.notification_failed", notification, organization_id)
            return Status.FAILED
        notification.not_before = now + RETRY_AFTER * 2 ** (notification.attempts - 1)
        notification.save(update_fields=["attempts", "last_error", "not_before"])
        return "retry"


# ---------------------------------------------------------------------------------------------
# Runs


@dataclass
class Run:
    due: int = 0
    counts: dict = field(default_factory=dict)

    def add(self, outcome):
        if outcome is not None:
            self.counts[outcome] = self.counts.get(outcome, 0) + 1

    def as_dict(self) -> dict:
        return {"due": self.due, **self.counts}


def reminders_queue_run(*, now=None, dry_run=False) -> Run:
    """Queue (or suppress) the reminder of every appointment due for one (module docstring, step 1)."""
    now = now or timezone.now()
    due = list(due_appointments(now=now).order_by("starts_at", "pk").values_list("pk", flat=True))
    run = Run(due=len(due))
    if not dry_run:
        for pk in due:
            notification = queue_one(pk, now=now)
            run.add(notification.status if notification else None)
    return run


def notifications_send_run(*, now=None, dry_run=False) -> Run:
    """Send every pending row whose window has opened (module docstring, step 2)."""
    now = now or timezone.now()
    pending = Notification.objects.filter(status=Status.PENDING)
    # Rows whose window has opened, and rows whose appointment is no longer on (closed at once).
    still_on = Appointment.objects.filter(pk=OuterRef("object_id"), status=Appointment.Status.SCHEDULED)
    due = list(pending.filter(not_before__lte=now).order_by("not_before", "pk").values_list("pk", flat=True)) + list(
        pending.filter(purpose=PURPOSE, not_before__gt=now).filter(~Exists(still_on)).values_list("pk", flat=True)
    )
    run = Run(due=len(due))
    if not dry_run:
        for pk in due:
            run.add(send_one(pk, now=now))
    return run
