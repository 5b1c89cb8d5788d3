"""What a client tells the network about the help they get: feedback or a complaint.

Kept simple and ready for the grievance handling to come: who it concerns (the organization of the
case it came from), whether it is a complaint, the words (encrypted under a key of its own, so it
can be destroyed alone, and so an anonymous message carries nothing of the client's), and the
client only when they chose to give their name.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseway.clients.models import Client
from caseway.orgs.models import Organization
from caseway.vault.fields import EncryptedTextField


class Feedback(models.Model):
    class Kind(models.TextChoices):
        FEEDBACK = "feedback", _("An idea or a thank-you")
        COMPLAINT = "complaint", _("A complaint")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Portal")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    # Empty when the client chose to stay anonymous.
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField(key_field="data_key")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    # The day only: an exact time could tell who wrote an anonymous message.
    received_on = models.DateField(default=timezone.localdate)

    class Meta:
        indexes = [models.Index(fields=["organization", "status"], name="feedback_org_status")]

    def __str__(self):
        return f"{self.kind} {self.pk}"
