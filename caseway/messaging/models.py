"""Conversations and the notification outbox.

**Threads and messages.** A client thread is the conversation between a client (on the portal) and
the organization working their case: one per case, encrypted under the client's data key, so
erasing the client (crypto-shredding) makes every message unreadable. Who reads it is decided by
``access.py``: the case's team on the staff side, the client's portal account on the other. Each
message records who read it and when (read receipts).

**The notification outbox**: one row per message to send, by one channel, to one person.

A row's destination (phone number, email address) and text are encrypted under the recipient
client's data key, so erasing the client (crypto-shredding) makes any copy unreadable; they are
cleared as soon as the row is sent, cancelled or suppressed. A row says what it is about with a
purpose code and an object id (for a reminder, the appointment), never in words, and is unique per
(purpose, object, channel): a reminder is queued once whoever runs the job, however often.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseway.clients.models import Case, Client
from caseway.lib.uploads import EXTENSIONS
from caseway.orgs.models import Organization
from caseway.vault.fields import EncryptedBinaryField, EncryptedTextField


class Notification(models.Model):
    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("Email")
        NONE = "none", _("None")  # suppressed before any channel was allowed

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        SUPPRESSED = "suppressed", _("Not sent: no consent or no safe time")

    class Purpose(models.TextChoices):
        APPOINTMENT_REMINDER = "appointment_reminder", _("Appointment reminder")
        NEW_MESSAGE = "new_message", _("New message on the portal")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The recipient: a client, or (later: issue 7) a member of staff.
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The client's data key (a staff notification will get a key of its own: vault.data_key_create).
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    destination = EncryptedTextField(key_field="data_key", null=True, blank=True)
    text = EncryptedTextField(key_field="data_key", null=True, blank=True)
    purpose = models.CharField(max_length=40, choices=Purpose.choices)
    object_id = models.UUIDField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    # Why it is in this status, as a code ("contact_refused", "console_not_delivered"...), never a value.
    code = models.CharField(max_length=40, blank=True)
    # The safe-time window it may be sent in.
    not_before = models.DateTimeField(null=True, blank=True)
    not_after = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["purpose", "object_id", "channel"], name="messaging_notification_once"),
            models.CheckConstraint(
                condition=Q(client__isnull=False, user__isnull=True) | Q(client__isnull=True, user__isnull=False),
                name="messaging_notification_one_recipient",
            ),
        ]
        indexes = [
            # What the sender looks at: pending rows by the start of their window.
            models.Index(fields=["not_before"], name="messaging_notif_pending", condition=Q(status="pending")),
            models.Index(fields=["client"], name="messaging_notif_client"),
        ]

    def __str__(self):
        return f"{self.purpose} {self.channel} {self.status}"


class Thread(models.Model):
    """A conversation: the client thread of a case (the client and the case team); an interagency
    thread on a referral (its sending and receiving organizations); or an interagency thread on a
    case with one other organization working with the same client (``access.py`` says when)."""

    class Kind(models.TextChoices):
        CLIENT = "client", _("With the client")
        INTERAGENCY = "interagency", _("Between organizations")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CLIENT)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    referral = models.ForeignKey(
        "referrals.Referral", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # For an interagency thread on a case: the organization the case's team writes with.
    other_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The client's data key in every kind: erasing the client makes every message unreadable.
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(kind="client"), name="messaging_one_client_thread"),
            models.UniqueConstraint(
                fields=["referral"], condition=Q(kind="interagency"), name="messaging_one_referral_thread"
            ),
            models.UniqueConstraint(
                fields=["case", "other_organization"],
                condition=Q(kind="interagency"),
                name="messaging_one_case_thread_per_partner",
            ),
            models.CheckConstraint(
                condition=Q(kind="client", case__isnull=False, referral__isnull=True, other_organization__isnull=True)
                | Q(kind="interagency", case__isnull=True, referral__isnull=False, other_organization__isnull=True)
                | Q(kind="interagency", case__isnull=False, referral__isnull=True, other_organization__isnull=False),
                name="messaging_thread_hangs_on_one_thing",
            ),
        ]

    def __str__(self):
        return f"{self.kind} thread {self.pk}"


class Message(models.Model):
    """One message of a thread, encrypted under the thread's key. Messages are never edited."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    body = EncryptedTextField(key_field="data_key")
    # Written by the client (on the portal), or by a member of staff for their organization.
    from_client = models.BooleanField(default=False)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sender_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["thread", "sent_at", "pk"]
        indexes = [models.Index(fields=["thread", "sent_at"], name="messaging_message_thread")]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_client=True, sender__isnull=True, sender_organization__isnull=True)
                | Q(from_client=False, sender_organization__isnull=False),
                name="messaging_message_one_side",
            ),
        ]

    def __str__(self):
        return f"message {self.pk} in {self.thread_id}"


class MessageRead(models.Model):
    """A read receipt: who read a message (a member of staff, or the client) and when."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reads")
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    by_client = models.BooleanField(default=False)
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "reader"], name="messaging_read_once_by_staff"),
            models.UniqueConstraint(
                fields=["message"], condition=Q(by_client=True), name="messaging_read_once_by_client"
            ),
            models.CheckConstraint(
                condition=Q(by_client=True, reader__isnull=True) | Q(by_client=False, reader__isnull=False),
                name="messaging_read_one_reader",
            ),
        ]

    def __str__(self):
        return f"read {self.message_id}"


class Attachment(models.Model):
    """A file sent with a message: checked like any upload (``lib/uploads.py``), kept encrypted under
    the thread's key, without the name it had."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    content = EncryptedBinaryField(key_field="data_key")

    def __str__(self):
        return f"attachment {self.pk}"

    @property
    def download_name(self) -> str:
        extension = EXTENSIONS.get(self.content_type, "bin")
        return f"attachment-{self.message.sent_at:%Y%m%d-%H%M}.{extension}"
