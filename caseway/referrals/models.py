"""Referrals between organizations: consent- and agreement-gated, tracked, never silently lost.

A referral goes from a case at organization A to a service (or simply to organization B) with
a snapshot of only the categories the client consented to share with B, encrypted under the
client's key. Every transition is a ``ReferralEvent``; ``transitions.py`` is the state machine.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseway.clients.models import Case, Client
from caseway.directory.models import Service
from caseway.orgs.models import Organization
from caseway.vault.fields import EncryptedJSONField, EncryptedTextField


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")


# Hours to answer, per urgency, unless the network configures otherwise (ResponseDeadline rows).
DEFAULT_RESPONSE_HOURS = {Urgency.EMERGENCY: 2, Urgency.HIGH: 24, Urgency.NORMAL: 72}
# Hours after the receiver's supervisors were alerted of an unanswered referral before the
# sender is told, per urgency, unless the network configures otherwise.
DEFAULT_SENDER_NOTICE_HOURS = {Urgency.EMERGENCY: 1, Urgency.HIGH: 12, Urgency.NORMAL: 24}


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    VIEWED = "viewed", _("Seen by the receiver")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_SERVICE = "in_service", _("In service")
    COMPLETED = "completed", _("Completed")
    CLOSED_UNSUCCESSFUL = "closed_unsuccessful", _("Closed without success")
    WITHDRAWN = "withdrawn", _("Withdrawn by the sender")
    REVOKED = "revoked", _("Stopped: consent revoked")


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("No capacity")
    NOT_ELIGIBLE = "not_eligible", _("Client not eligible")
    CLIENT_UNREACHABLE = "client_unreachable", _("Client could not be reached")
    OTHER = "other", _("Other reason")


class UnsuccessfulReason(models.TextChoices):
    CLIENT_DECLINED = "client_declined", _("The client decided not to continue")
    CLIENT_UNREACHABLE = "client_unreachable", _("The client could not be reached")
    CLIENT_MOVED = "client_moved", _("The client moved away")
    SERVICE_ENDED = "service_ended", _("The service is no longer available")
    FILE_CLOSED = "file_closed", _("The receiving organization closed its file")
    OTHER = "other", _("Other reason")


class Outcome(models.TextChoices):
    SERVICE_PROVIDED = "service_provided", _("Service provided")
    PARTLY_PROVIDED = "partly_provided", _("Service partly provided")
    REFERRED_ON = "referred_on", _("Referred on to another service")
    NOT_PROVIDED = "not_provided", _("Service not provided")


class ResponseDeadline(models.Model):
    """The network's answer time for one urgency (defaults: emergency 2 h, high 24 h, normal 72 h).

    One deployment is one network, so one row per urgency. Past the answer time the receiver's
    supervisors are alerted; ``sender_notice_hours`` later (defaults: 1 h, 12 h, 24 h) the sender
    is told.
    """

    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, unique=True)
    hours = models.PositiveIntegerField(_("hours to answer"))
    sender_notice_hours = models.PositiveIntegerField(
        _("hours before the sender is told"),
        null=True,
        blank=True,
        help_text=_("After the receiver's supervisors were alerted; empty: the default for the urgency."),
    )

    def __str__(self):
        return f"{self.urgency}: {self.hours} h"


class Pathway(models.Model):
    """A standard sequence of referrals for a need profile, defined by coordinators as data."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_translations = models.JSONField(default=dict, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Which clients it suits, e.g. {"needs": ["health", "mental_health"], "incident_within_hours": 72}.
    need_profile = models.JSONField(_("need profile"), default=dict, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.code


class PathwayStep(models.Model):
    """One referral of a pathway: the need category it meets, how urgent, and its time frame.

    A step is *due* ``within_hours`` after the start of the pathway (``DueFrom.START``: steps
    that run side by side) or after the previous step was accepted (``DueFrom.PREVIOUS``: one
    after the other); see ``pathways.progress``.
    """

    class DueFrom(models.TextChoices):
        START = "start", _("the start of the pathway")
        PREVIOUS = "previous", _("the previous step")

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    category = models.CharField(_("need category"), max_length=100, help_text="Caseway taxonomy code")
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    within_hours = models.PositiveIntegerField(
        _("due within (hours)"),
        help_text="after the start of the pathway, or after the previous step was accepted (due_from)",
    )
    due_from = models.CharField(_("counted from"), max_length=10, choices=DueFrom.choices, default=DueFrom.START)

    class Meta:
        ordering = ["pathway", "order"]
        constraints = [models.UniqueConstraint(fields=["pathway", "order"], name="referrals_step_order")]

    def __str__(self):
        return f"{self.pathway_id} #{self.order} {self.category}"


class PathwayRun(models.Model):
    """One client's journey along a pathway, started from a case (``pathways.pathway_start``).

    Its referrals point back to it (``Referral.pathway_run`` and ``pathway_step``). Ended by the
    sender when it is no longer followed; a case has at most one run of a pathway not ended.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pathway_runs")
    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="runs")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "pathway"],
                condition=models.Q(ended_at__isnull=True),
                name="referrals_one_open_run_per_pathway",
            )
        ]

    def __str__(self):
        return f"{self.pathway_id} for {self.case_id}"


class Referral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="referrals")
    # None once the sender erased its case (clients.erasure): the receiver keeps its record of
    # the referral; the sender sees it no more (access.py).
    from_case = models.ForeignKey(Case, null=True, on_delete=models.SET_NULL, related_name="referrals_sent")
    from_organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="referrals_sent")
    # An organization outside the network is still an Organization row (nobody of it receives
    # referrals on Caseway, external.py): consent and agreements name it like any other, and
    # external_recipient keeps its name on the referral.
    to_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals_received"
    )
    to_service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("service")
    )
    external_recipient = models.CharField(_("organization outside the network"), max_length=200, blank=True)
    to_case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals_received"
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    categories = models.JSONField(_("information shared"), default=list, blank=True)

    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(key_field="data_key", null=True, blank=True)
    package = EncryptedJSONField(key_field="data_key", null=True, blank=True)
    consent_override_reason = EncryptedTextField(key_field="data_key", null=True, blank=True)
    consent_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # 0: not escalated; 1: the receiver's supervisors alerted; 2: the sender told.
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)  # when the last level was reached

    decline_reason = models.CharField(max_length=20, choices=DeclineReason.choices, blank=True)
    # The receiver's words on a decline (required with "other"): may describe the client, so encrypted.
    decline_note = EncryptedTextField(key_field="data_key", null=True, blank=True)
    alternative_service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    unsuccessful_reason = models.CharField(max_length=20, choices=UnsuccessfulReason.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = EncryptedTextField(key_field="data_key", null=True, blank=True)

    pathway_run = models.ForeignKey(
        PathwayRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    pathway_step = models.ForeignKey(PathwayStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [
            # The inbox and outbox (queries.Parts): counts by status and the ids of a page read these
            # alone, never the table: urgency for the filter, client for the erased clients left out,
            # from_case for the sender's erased cases, id for the page's rows.
            models.Index(
                fields=["to_organization", "status", "due_at", "urgency", "client", "id"], name="referrals_inbox"
            ),
            models.Index(
                fields=["from_organization", "status", "sent_at", "urgency", "client", "from_case", "id"],
                name="referrals_outbox",
            ),
            models.Index(fields=["status", "due_at"], name="referrals_due"),
            # The finished part of the inbox and outbox, latest first, however deep the page.
            models.Index(
                fields=["to_organization", "-created_at", "status", "client", "id"], name="referrals_inbox_history"
            ),
            models.Index(
                fields=["from_organization", "-created_at", "status", "client", "from_case", "id"],
                name="referrals_outbox_history",
            ),
        ]

    def __str__(self):
        return f"referral {self.pk} ({self.status})"


class ReferralEvent(models.Model):
    """One transition of a referral: who moved it from which status to which, and when."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    organization = models.ForeignKey(Organization, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    code = models.CharField(max_length=30, blank=True)  # a coded reason, never free text

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["referral", "at"], name="referrals_event_order")]

    def __str__(self):
        return f"{self.referral_id}: {self.from_status} → {self.to_status}"


class ReferralAlert(models.Model):
    """An unanswered referral brought to someone's attention (``escalation.py``), one per level.

    Level 1 goes to the receiving organization's supervisors, level 2 to the person who sent it
    (and the sending organization's supervisors). With nobody in that role, to the organization's
    staff who handle referrals: never to nobody. It carries no text: the page words it from the
    referral (client code, organizations, times), so it says nothing a reader may not see. It
    stays open until the referral is answered, withdrawn or stopped.
    """

    class Audience(models.TextChoices):
        SUPERVISORS = "supervisors", _("Supervisors")
        SENDER = "sender", _("The person who sent it")
        STAFF = "staff", _("Everyone handling referrals")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="alerts")
    level = models.PositiveSmallIntegerField()
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(max_length=12, choices=Audience.choices)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["referral", "level"], name="referrals_alert_once_per_level")]
        indexes = [models.Index(fields=["organization", "resolved_at"], name="referrals_alert_open")]

    def __str__(self):
        return f"level {self.level} alert on {self.referral_id}"


class ExternalLink(models.Model):
    """A one-time, expiring, PIN-protected link for a receiver outside the network."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="external_links")
    token_hash = models.CharField(max_length=64, unique=True)
    pin_hash = models.CharField(max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"external link for {self.referral_id}"
