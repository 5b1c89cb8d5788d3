"""Threads: the case team and the client write to each other (client threads); the two organizations
of a referral write to each other about it (interagency threads). Each side's reading is recorded.

- Staff write as their organization, on a case they may open (``access``), with personal-data
  rights (``clients.view_personal_data``); the client writes from the portal on their account's case.
- Bodies are encrypted under the client's data key: erasing the client makes them unreadable.
- Opening a thread is a read of sensitive data (audited, field names only) and marks the other
  side's messages read: the read receipt each side sees.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway import audit
from caseway.casework.plan_services import require
from caseway.lib import uploads
from caseway.messaging import access, notices
from caseway.messaging.models import Attachment, Message, MessageRead, Thread

BODY_MAX_LENGTH = 4000
CLIENT_LABEL = "portal:client"


def _body(text, *, attachment=None) -> str:
    text = (text or "").strip()
    if not text and attachment is None:
        raise ValidationError({"body": _("Write your message.")})
    if len(text) > BODY_MAX_LENGTH:
        raise ValidationError({"body": _("Keep the message under %(count)d characters.") % {"count": BODY_MAX_LENGTH}})
    return text


def _thread_for_update(kind, data_key_id, **hung_on) -> Thread:
    """The thread of ``kind`` on ``hung_on`` (a case, a referral), created on first use and locked:
    both sides may write at once."""
    threads = Thread.objects.select_for_update().filter(kind=kind, **hung_on)
    thread = threads.first()
    if thread is not None:
        return thread
    try:
        with transaction.atomic():
            Thread.objects.create(kind=kind, data_key_id=data_key_id, **hung_on)
    except IntegrityError:
        pass  # created by the other side meanwhile
    return threads.get()


def _client_thread_for_update(case) -> Thread:
    return _thread_for_update(Thread.Kind.CLIENT, case.client.data_key_id, case=case)


def _attachments():
    """The messages' attachments without their content (read only when downloaded)."""
    return Prefetch("attachments", queryset=Attachment.objects.defer("content").order_by("pk"))


def _sent_fields(checked) -> list[str]:
    return ["body", "attachment"] if checked is not None else ["body"]


def _send_as_staff(*, actor, membership, thread, body, checked, request) -> Message:
    """Append a member of staff's message to ``thread`` (locked by the caller), audited."""
    message = _append(
        thread, checked=checked, body=body, sender=actor, sender_organization_id=membership.organization_id
    )
    audit.record(
        actor,
        "messaging.message_sent",
        message,
        fields=_sent_fields(checked),
        organization=membership.organization_id,
        request=request,
    )
    return message


def _with_receipts(messages) -> list[Message]:
    """The messages, oldest first, each with ``read_by_other``: read by the other side (the client
    for the team's messages, anyone of the team for the client's), before this reading."""
    messages = list(messages.prefetch_related("reads", _attachments()).order_by("sent_at", "pk"))
    for message in messages:
        reads = message.reads.all()
        if message.from_client:
            message.read_by_other = any(not read.by_client for read in reads)
        else:
            message.read_by_other = any(read.by_client for read in reads)
    return messages


def _checked(attachment: bytes | None):
    """The attachment as it may be kept (``lib/uploads.py``), or None; ValidationError on ``file``."""
    return None if attachment is None else uploads.check_file(attachment, max_bytes=uploads.limit())


def _append(thread, *, checked=None, **fields) -> Message:
    message = Message.objects.create(thread=thread, data_key_id=thread.data_key_id, **fields)
    if checked is not None:
        Attachment.objects.create(
            message=message,
            data_key_id=thread.data_key_id,
            content_type=checked.content_type,
            size=len(checked.content),
            content=checked.content,
        )
    thread.last_message_at = message.sent_at
    thread.save(update_fields=["last_message_at"])
    return message


def message_to_client(*, actor, membership, case, body, attachment=None, request=None) -> Message:
    """A message from the case team to the client (read on the portal), with a file if given."""
    require(membership)
    body = _body(body, attachment=attachment)
    checked = _checked(attachment)
    with transaction.atomic():
        case = access.get_case_for_messages(membership, case.pk)
        if case.client.erased_at is not None:
            raise ValidationError(_("This client's record was erased."))
        thread = _client_thread_for_update(case)
        message = _send_as_staff(
            actor=actor, membership=membership, thread=thread, body=body, checked=checked, request=request
        )
        notices.notice_queue(message=message, now=message.sent_at)
    return message


def message_from_client(*, account, body, attachment=None) -> Message:
    """A message from the client on the portal to their case team, with a file if given."""
    body = _body(body, attachment=attachment)
    checked = _checked(attachment)
    with transaction.atomic():
        thread = _client_thread_for_update(account.case)
        message = _append(thread, checked=checked, body=body, from_client=True)
        audit.record(
            None,
            "messaging.message_sent",
            message,
            fields=_sent_fields(checked),
            organization=account.case.organization_id,
            actor_label=CLIENT_LABEL,
        )
    return message


def thread_read_by_staff(*, actor, membership, case, request=None) -> list[Message]:
    """The case's client thread, oldest first, for the case team; the client's messages marked read."""
    require(membership)
    case = access.get_case_for_messages(membership, case.pk)
    thread = access.client_thread_of(case)
    if thread is None:
        return []
    messages = _with_receipts(thread.messages.select_related("sender", "sender_organization"))
    unread = [
        message
        for message in messages
        if message.from_client and not any(r.reader_id == actor.pk for r in message.reads.all())
    ]
    now = timezone.now()
    with transaction.atomic():
        MessageRead.objects.bulk_create(
            [MessageRead(message=message, reader=actor, read_at=now) for message in unread], ignore_conflicts=True
        )
        audit.record(
            actor,
            "messaging.thread_read",
            thread,
            fields=["body"],
            organization=membership.organization_id,
            request=request,
        )
    return messages


def thread_read_by_client(*, account) -> list[Message]:
    """The client's thread, oldest first; the team's messages marked read by the client."""
    thread = access.client_thread_of(account.case)
    if thread is None:
        return []
    messages = _with_receipts(thread.messages.all())
    unread = [m for m in messages if not m.from_client and not m.read_by_other]
    now = timezone.now()
    with transaction.atomic():
        MessageRead.objects.bulk_create(
            [MessageRead(message=message, by_client=True, read_at=now) for message in unread], ignore_conflicts=True
        )
        audit.record(
            None,
            "messaging.thread_read",
            thread,
            fields=["body"],
            organization=account.case.organization_id,
            actor_label=CLIENT_LABEL,
        )
    return messages


def unread_for_client(account) -> int:
    return (
        Message.objects.filter(thread__case=account.case, thread__kind=Thread.Kind.CLIENT, from_client=False)
        .exclude(reads__by_client=True)
        .count()
    )


# ---------------------------------------------------------------------------------------------
# Interagency threads on a referral


def _referral_thread_for_update(referral) -> Thread:
    return _thread_for_update(Thread.Kind.INTERAGENCY, referral.client.data_key_id, referral=referral)


def message_on_referral(*, actor, membership, referral, body, attachment=None, request=None) -> Message:
    """A message from one organization of a referral to the other, with a file if given."""
    require(membership)
    body = _body(body, attachment=attachment)
    checked = _checked(attachment)
    with transaction.atomic():
        referral = access.get_referral_for_messages(membership, referral.pk)
        if referral.client.erased_at is not None:
            raise ValidationError(_("This client's record was erased."))
        thread = _referral_thread_for_update(referral)
        message = _send_as_staff(
            actor=actor, membership=membership, thread=thread, body=body, checked=checked, request=request
        )
    return message


def referral_thread_read(*, actor, membership, referral, request=None) -> list[Message]:
    """The referral's thread, oldest first (``_interagency_read``)."""
    require(membership)
    referral = access.get_referral_for_messages(membership, referral.pk)
    thread = access.referral_thread_of(referral)
    if thread is None:
        return []
    return _interagency_read(actor, membership, thread, request)


def _interagency_read(actor, membership, thread, request) -> list[Message]:
    """``thread``'s messages, oldest first; the other organization's marked read by ``actor``. Each
    message gets ``mine`` (written by the reader's organization) and ``read_by_other`` (read by
    someone other than its writer)."""
    messages = list(
        thread.messages.select_related("sender", "sender_organization")
        .prefetch_related("reads", _attachments())
        .order_by("sent_at", "pk")
    )
    own = membership.organization_id
    for message in messages:
        message.mine = message.sender_organization_id == own
        message.read_by_other = any(
            read.reader_id != message.sender_id and read.reader_id is not None for read in message.reads.all()
        )
    unread = [m for m in messages if not m.mine and not any(r.reader_id == actor.pk for r in m.reads.all())]
    now = timezone.now()
    with transaction.atomic():
        MessageRead.objects.bulk_create(
            [MessageRead(message=message, reader=actor, read_at=now) for message in unread], ignore_conflicts=True
        )
        audit.record(actor, "messaging.thread_read", thread, fields=["body"], organization=own, request=request)
    return messages


# ---------------------------------------------------------------------------------------------
# Interagency threads on a case, with a partner organization (access.py says who and when)


def partner_thread_open(*, membership, case, partner) -> Thread:
    """The thread of ``case`` with ``partner``, created on first use (404 unless the rule holds)."""
    require(membership)
    with transaction.atomic():
        case, partner = access.get_partner_for_case(membership, case.pk, partner.pk)
        return _thread_for_update(
            Thread.Kind.INTERAGENCY, case.client.data_key_id, case=case, other_organization=partner
        )


def message_with_partner(*, actor, membership, thread, body, attachment=None, request=None) -> Message:
    """A message on a case's thread with a partner organization, from either side."""
    require(membership)
    body = _body(body, attachment=attachment)
    checked = _checked(attachment)
    with transaction.atomic():
        thread = access.get_case_thread_for_member(membership, thread.pk)
        thread = Thread.objects.select_for_update().get(pk=thread.pk)
        message = _send_as_staff(
            actor=actor, membership=membership, thread=thread, body=body, checked=checked, request=request
        )
    return message


def partner_thread_read(*, actor, membership, thread, request=None) -> list[Message]:
    require(membership)
    thread = access.get_case_thread_for_member(membership, thread.pk)
    return _interagency_read(actor, membership, thread, request)


def attachment_for_client(*, account, pk) -> Attachment:
    """An attachment of the client's own thread; else 404."""
    found = (
        Attachment.objects.select_related("message")
        .filter(pk=pk, message__thread__case_id=account.case_id, message__thread__kind=Thread.Kind.CLIENT)
        .first()
    )
    if found is None:
        raise Http404
    return found


def attachment_for_staff(*, actor, membership, pk, case=None, referral=None, thread=None, request=None) -> Attachment:
    """An attachment of ``case``'s client thread, ``referral``'s thread or a partner ``thread``, read
    by staff (audited); else 404."""
    require(membership)
    if thread is not None:
        thread = access.get_case_thread_for_member(membership, thread.pk)
        where = {"message__thread": thread}
    elif case is not None:
        case = access.get_case_for_messages(membership, case.pk)
        where = {"message__thread__case": case, "message__thread__kind": Thread.Kind.CLIENT}
    else:
        referral = access.get_referral_for_messages(membership, referral.pk)
        where = {"message__thread__referral": referral, "message__thread__kind": Thread.Kind.INTERAGENCY}
    found = Attachment.objects.select_related("message").filter(pk=pk, **where).first()
    if found is None:
        raise Http404
    audit.record(
        actor,
        "messaging.attachment_read",
        found,
        fields=["content"],
        organization=membership.organization_id,
        request=request,
    )
    return found
