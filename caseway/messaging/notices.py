"""'You have a new message' notices: when the case team writes to a client who reads the portal.

Queued by ``thread_services.message_to_client`` and sent by the same outbox run as the reminders
(``reminders.notifications_send_run``), under the same rules: only by a written channel the client
agreed to, only inside their safe times, decided again at the moment of sending. The text is fixed
and neutral (``texts.new_message``): no name, no organization, nothing about the message.

- One notice at a time: while one waits, later messages add none (it already says "a new message").
- It waits at most ``MESSAGE_NOTICE_HOURS`` for a safe time; it is cancelled if the client reads
  the message on the portal first, or if the message is gone.
- Only clients with an active portal account get one: a notice to read what cannot be read would
  only worry them. The account is looked up by its label: the portal app is built on this one.
"""

import datetime

from django.apps import apps
from django.conf import settings

from caseway import audit
from caseway.messaging import reminders, texts
from caseway.messaging.models import Message, MessageRead, Notification

PURPOSE = Notification.Purpose.NEW_MESSAGE
Status = Notification.Status
Code = reminders.Code
ALREADY_READ = "already_read"
MESSAGE_GONE = "message_gone"


def _window_end(start) -> datetime.datetime:
    return start + datetime.timedelta(hours=settings.MESSAGE_NOTICE_HOURS)


def _reads_the_portal(client) -> bool:
    account_model = apps.get_model("portal", "PortalAccount")
    return account_model.objects.filter(client=client, status="active").exists()


def _audit(action, notification, organization_id):
    fields = ["status", "channel", f"code.{notification.code}"]
    if notification.status == Status.PENDING:
        fields.append("client.phone")
    audit.record(
        None, action, notification, fields=fields, organization=organization_id, actor_label=reminders.ACTOR_LABEL
    )


def notice_queue(*, message, now) -> Notification | None:
    """Queue (or suppress) the notice of ``message``; None when none is due. In the caller's transaction."""
    case = message.thread.case
    client = case.client
    if message.from_client or client.is_erased or not _reads_the_portal(client):
        return None
    if Notification.objects.filter(client=client, purpose=PURPOSE, status=Status.PENDING).exists():
        return None
    notification = Notification(
        client=client, data_key_id=client.data_key_id, purpose=PURPOSE, object_id=message.pk, created_at=now
    )
    if not reminders.decide(notification, client, now=now, latest=_window_end(now)):
        notification.save()
        _audit("messaging.notice_suppressed", notification, case.organization_id)
        return notification
    notification.text = texts.new_message(texts.client_language(client))
    notification.save()
    _audit("messaging.notice_queued", notification, case.organization_id)
    return notification


def subject(notification) -> reminders.Subject:
    message = Message.objects.filter(pk=notification.object_id).select_related("thread__case").first()
    if message is None:
        return reminders.Subject(None, None, (Status.CANCELLED, MESSAGE_GONE))
    organization_id = message.thread.case.organization_id
    read = MessageRead.objects.filter(
        message__thread_id=message.thread_id, by_client=True, message__sent_at__gte=message.sent_at
    )
    if read.exists():
        return reminders.Subject(organization_id, None, (Status.CANCELLED, ALREADY_READ))
    return reminders.Subject(organization_id, _window_end(notification.created_at))


reminders.SUBJECTS[PURPOSE] = subject
