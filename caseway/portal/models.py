"""Portal accounts: a client's own way in, only with their consent, never with their name.

A client signs in with a **number** (printed on the invitation slip, eight digits) and a **PIN**
they chose (at least six digits, common PINs refused), stored as an Argon2 hash. The first PIN is
set with a one-time **invitation code** a member of the case team gives in person; a new
invitation resets a forgotten PIN and unlocks a locked account. Nothing here holds a name.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseway.clients.models import Case, Client
from caseway.lib.uploads import EXTENSIONS
from caseway.vault.fields import EncryptedBinaryField, EncryptedTextField


class PortalAccount(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("Invited: no PIN yet")
        ACTIVE = "active", _("Active")
        LOCKED = "locked", _("Locked by the client")
        CLOSED = "closed", _("Closed by the case team")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="+")
    # The case whose team invited the client: what the portal shows, and who is alerted.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    number = models.CharField(max_length=8, unique=True)
    pin_hash = models.CharField(max_length=200, blank=True)
    # The client's data key: the second factor's secret is theirs, shredded with the rest.
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    # An authenticator app's secret (base32), if the client added this second lock.
    second_factor = EncryptedTextField(key_field="data_key", null=True, blank=True)
    # The last time step accepted: a code is never accepted twice.
    second_factor_step = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.INVITED)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    lockouts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    # Changed when the account is locked or its PIN reset: every open session ends.
    generation = models.CharField(max_length=32, default="")
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"portal account {self.pk} ({self.status})"


class PortalInvitation(models.Model):
    """A one-time code to set the PIN; only its keyed digest is stored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="invitations")
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["account"], name="portal_invitation_open", condition=Q(used_at=None, withdrawn_at=None)
            )
        ]

    def __str__(self):
        return f"invitation {self.pk}"


class PortalSignIn(models.Model):
    """One attempt to sign in, or a lock: what the client sees as their sign-in history."""

    class Outcome(models.TextChoices):
        SIGNED_IN = "signed_in", _("Signed in")
        WRONG_PIN = "wrong_pin", _("Wrong PIN")
        WRONG_CODE = "wrong_code", _("Wrong code from the app")
        REFUSED_LOCKED = "refused_locked", _("Refused: account locked")
        PIN_SET = "pin_set", _("PIN chosen")
        LOCKED_BY_CLIENT = "locked_by_client", _("Locked by you")

    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="sign_ins")
    at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    # A coarse description of the device ("Phone", "Computer"), never an address or a fingerprint.
    device = models.CharField(max_length=12, blank=True)
    shared_device = models.BooleanField(default=False)

    class Meta:
        ordering = ["account", "-at", "-pk"]
        indexes = [models.Index(fields=["account", "-at"], name="portal_signin_recent")]

    def __str__(self):
        return f"{self.outcome} at {self.at:%Y-%m-%d %H:%M}"


class AppointmentRequest(models.Model):
    """The client asks, on the portal, for an appointment or for a change to one; the case team
    answers by booking, moving or cancelling it (casework), then marks the request handled."""

    class Kind(models.TextChoices):
        NEW = "new", _("A new appointment")
        RESCHEDULE = "reschedule", _("Another time")
        CANCEL = "cancel", _("Cancel")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        HANDLED = "handled", _("Answered")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="requests")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    appointment = models.ForeignKey(
        "casework.Appointment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # When the client can come, in their words: may say where they are at what time, so encrypted.
    preferred_times = EncryptedTextField(key_field="data_key", null=True, blank=True)
    childcare_needed = models.BooleanField(default=False)
    transport_needed = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "-created_at", "pk"]
        indexes = [models.Index(fields=["case", "status"], name="portal_request_case_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="new", appointment__isnull=True) | (~Q(kind="new") & Q(appointment__isnull=False)),
                name="portal_request_names_its_appointment",
            )
        ]

    def __str__(self):
        return f"{self.kind} request {self.pk}"


class Document(models.Model):
    """A document the client uploaded on the portal: checked by content (``lib/uploads.py``), kept
    encrypted under their data key. Its file name is not kept (names say too much); it is shown
    by its kind and date."""

    class Kind(models.TextChoices):
        IDENTITY = "identity", _("Identity paper")
        CERTIFICATE = "certificate", _("Certificate or letter")
        PHOTO = "photo", _("Photo")
        OTHER = "other", _("Something else")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="documents")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    content = EncryptedBinaryField(key_field="data_key")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "-uploaded_at", "pk"]
        indexes = [models.Index(fields=["case", "-uploaded_at"], name="portal_document_case")]

    def __str__(self):
        return f"{self.kind} document {self.pk}"

    @property
    def download_name(self) -> str:
        extension = EXTENSIONS.get(self.content_type, "bin")
        return f"{self.kind}-{self.uploaded_at:%Y%m%d-%H%M}.{extension}"


class AddressFailure(models.Model):
    """A failed sign-in or invitation code from one network address, kept a short while to slow
    someone trying one PIN on many numbers. The address itself is not kept: only its keyed digest."""

    digest = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["digest", "at"], name="portal_address_failures")]

    def __str__(self):
        return f"failure at {self.at:%Y-%m-%d %H:%M}"
