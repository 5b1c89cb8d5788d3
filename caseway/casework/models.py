"""The work done on a case: plans with goals per domain, tasks, milestones, notes, appointments,
support payments, approvals and closure.

Every row hangs from a ``clients.Case`` (one organization's file on one client), which decides
who may see it (``access.py``). Free text that may describe the client is encrypted under the
client's data key (``data_key``, the key of ``case.client``): erasing the client destroys it with
everything else. Codes, dates, amounts and statuses stay in clear for lists, supervision and
(later) the indicators.
"""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseway.clients.models import Case
from caseway.orgs.models import Membership
from caseway.vault.fields import EncryptedTextField

currency_validator = RegexValidator(r"^[A-Z]{3}$", _("Use the three-letter ISO 4217 currency code, for example USD."))


class Domain(models.TextChoices):
    """The domains a case plan sets goals in (issue: case management)."""

    HEALTH = "health", _("Health")
    MENTAL_HEALTH = "mental_health", _("Mental health and psychosocial support")
    SAFETY = "safety", _("Safety")
    LEGAL = "legal", _("Legal")
    HOUSING = "housing", _("Housing")
    CHILDCARE = "childcare", _("Childcare")
    EDUCATION = "education", _("Education")
    LIVELIHOODS = "livelihoods", _("Livelihoods")
    CIVIL_DOCUMENTATION = "civil_documentation", _("Civil documentation")


# ---------------------------------------------------------------------------------------------
# Case plan, goals, tasks, milestones


class CasePlan(models.Model):
    """A case's plan. A supervisor approves it (never its author unless the role allows it).

    One plan per case; changing an approved plan sends it back to draft (a new approval is needed).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned with comments")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="plan")
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # How often the caseworker follows the client up while the plan runs (days).
    follow_up_days = models.PositiveSmallIntegerField(
        _("follow up every (days)"), default=14, validators=[MinValueValidator(1)]
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # A supervisor's comments on a returned plan: may describe the client.
    decision_comment = EncryptedTextField(key_field="data_key", null=True, blank=True)

    class Meta:
        indexes = [
            # Plans waiting for a decision, the oldest first (caseload): few among many plans.
            models.Index(fields=["status", "submitted_at", "id"], name="casework_plan_waiting"),
        ]

    def __str__(self):
        return f"plan of {self.case_id} ({self.status})"


class Goal(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("No longer pursued")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="goals")
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    description = EncryptedTextField(key_field="data_key")
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "domain", "created_at", "pk"]

    def __str__(self):
        return f"{self.domain} goal of {self.plan_id}"


class GoalProgress(models.Model):
    """A progress note on a goal (append-only: a correction is a new note)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="progress")
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField(key_field="data_key")
    status_after = models.CharField(max_length=12, choices=Goal.Status.choices, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["goal", "written_at", "pk"]

    def __str__(self):
        return f"progress on {self.goal_id}"


class Task(models.Model):
    """Something to do on a case, by someone, by a date; follow-ups after closure are tasks too."""

    class Kind(models.TextChoices):
        TASK = "task", _("Task")
        FOLLOW_UP = "follow_up", _("Follow-up")
        CLOSURE_FOLLOW_UP = "closure_follow_up", _("Follow-up after closure")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    goal = models.ForeignKey(Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TASK)
    title = EncryptedTextField(key_field="data_key")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="casework_tasks",
        verbose_name=_("assigned to"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    # Closure follow-ups: 3, 6 or 12 months after closure (0 otherwise).
    months_after_closure = models.PositiveSmallIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # "My overdue tasks" (home page, caseload): open tasks of a person by due date.
            # With the case, so that counting them per person reads this index and probes the cases.
            models.Index(
                fields=["assignee", "due_on", "case"],
                name="casework_task_open_due",
                condition=Q(done_at__isnull=True),
            ),
            models.Index(fields=["case", "done_at", "due_on"], name="casework_task_case"),
        ]

    def __str__(self):
        return f"{self.kind} on {self.case_id}"


class Milestone(models.Model):
    """A reintegration milestone reached, with its date (feeds the indicators later)."""

    class Kind(models.TextChoices):
        SAFE_HOUSING = "safe_housing", _("Safe housing secured")
        CHILDCARE_ARRANGED = "childcare_arranged", _("Childcare arranged")
        TRAINING_ENROLLED = "training_enrolled", _("Enrolled in training")
        TRAINING_COMPLETED = "training_completed", _("Completed training")
        EMPLOYED = "employed", _("Employed")
        BUSINESS_STARTED = "business_started", _("Business started")
        DOCUMENTS_OBTAINED = "documents_obtained", _("Documents obtained")
        COMMUNITY_REJOINED = "community_rejoined", _("Rejoined community activity")

    class Formality(models.TextChoices):
        NOT_APPLICABLE = "", _("Not applicable")
        FORMAL = "formal", _("Formal")
        INFORMAL = "informal", _("Informal")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("milestone"), max_length=20, choices=Kind.choices)
    reached_on = models.DateField(_("reached on"))
    # Employment only: the sector (ISIC section letter) and whether the work is formal.
    sector = models.CharField(_("sector"), max_length=1, blank=True)
    formality = models.CharField(_("formal or informal"), max_length=8, choices=Formality.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "reached_on", "pk"]

    def __str__(self):
        return f"{self.kind} on {self.reached_on}"


# ---------------------------------------------------------------------------------------------
# Notes


class CaseNote(models.Model):
    """A case note, encrypted. Append-only: a correction is a new note pointing at the one it corrects."""

    class Kind(models.TextChoices):
        CONTACT = "contact", _("Contact with the client")
        HOME_VISIT = "home_visit", _("Home visit")
        PHONE = "phone", _("Phone call")
        SUPERVISION = "supervision", _("Supervision")
        INTERAGENCY = "interagency", _("Interagency")

    class Confidentiality(models.TextChoices):
        CASE_TEAM = "case_team", _("The case team")  # staff of the organization who may open the case
        ASSIGNED = "assigned", _("The assigned caseworker and supervisors")
        SUPERVISORS = "supervisors", _("Supervisors only")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    confidentiality = models.CharField(
        _("who may read it"), max_length=12, choices=Confidentiality.choices, default=Confidentiality.CASE_TEAM
    )
    text = EncryptedTextField(key_field="data_key")
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="corrections")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "-written_at", "pk"]
        constraints = [
            # Supervision notes are for supervisors only, whatever the author picks.
            models.CheckConstraint(
                condition=~Q(kind="supervision") | Q(confidentiality="supervisors"),
                name="casework_supervision_note_for_supervisors",
            )
        ]

    def __str__(self):
        return f"{self.kind} note on {self.case_id}"


# ---------------------------------------------------------------------------------------------
# Appointments and support


class Appointment(models.Model):
    class Kind(models.TextChoices):
        CASEWORK = "casework", _("Casework meeting")
        COUNSELLING = "counselling", _("Counselling")
        MEDICAL = "medical", _("Medical")
        LEGAL = "legal", _("Legal")
        TRAINING = "training", _("Training or group session")
        OTHER = "other", _("Other")

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("Phone")
        VIDEO = "video", _("Video")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        ATTENDED = "attended", _("Attended")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("Did not come")
        RESCHEDULED = "rescheduled", _("Moved to another time")

    class TransportSupport(models.TextChoices):
        NONE = "", _("None")
        STIPEND = "stipend", _("Stipend")
        VOUCHER = "voucher", _("Voucher")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="appointments")
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    # Where: may locate the client (a home visit), so encrypted.
    place = EncryptedTextField(key_field="data_key", null=True, blank=True)
    interpreter_language = models.CharField(_("interpreter language"), max_length=20, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="casework_appointments",
        verbose_name=_("with"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    # The appointment this one replaces (reschedule keeps the history).
    rescheduled_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="rescheduled_to"
    )
    cancel_reason = models.CharField(max_length=20, blank=True)
    childcare_needed = models.BooleanField(_("childcare needed"), default=False)
    childcare_provided = models.BooleanField(_("childcare provided"), default=False)
    childcare_where = EncryptedTextField(key_field="data_key", null=True, blank=True)
    transport_needed = models.BooleanField(_("transport needed"), default=False)
    transport_support = models.CharField(
        _("transport support"), max_length=10, choices=TransportSupport.choices, blank=True
    )
    transport_amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    transport_currency = models.CharField(_("currency"), max_length=3, blank=True, validators=[currency_validator])
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="casework_appt_ends"),
        ]
        indexes = [
            models.Index(fields=["staff", "starts_at"], name="casework_appt_staff"),
            models.Index(fields=["case", "starts_at"], name="casework_appt_case"),
            # Reminders due: scheduled appointments not reminded yet, by start.
            models.Index(
                fields=["starts_at"],
                name="casework_appt_reminder_due",
                condition=Q(status="scheduled", reminder_sent_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.kind} appointment on {self.case_id} at {self.starts_at:%Y-%m-%d %H:%M}"


class SupportPayment(models.Model):
    """Money or vouchers given to a client: transport stipends, childcare vouchers, grants."""

    class Kind(models.TextChoices):
        TRANSPORT_STIPEND = "transport_stipend", _("Transport stipend")
        CHILDCARE_VOUCHER = "childcare_voucher", _("Childcare voucher")
        CASH_GRANT = "cash_grant", _("Cash grant")
        MICROGRANT = "microgrant", _("Microgrant")
        OTHER = "other", _("Other support")

    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        MOBILE_MONEY = "mobile_money", _("Mobile money")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        VOUCHER = "voucher", _("Voucher")
        IN_KIND = "in_kind", _("In kind")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="payments")
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="payments"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, validators=[currency_validator])
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    paid_on = models.DateField(_("date"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # The funding app (a higher floor, not built yet) ties payments to budget lines by this code.
    budget_line = models.CharField(_("budget line"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["case", "paid_on"], name="casework_payment_case")]

    def __str__(self):
        return f"{self.kind} {self.amount} {self.currency} on {self.case_id}"


# ---------------------------------------------------------------------------------------------
# Closure and the calendar feed


class ClosureRequest(models.Model):
    """Closing a case: requested with a reason and a checklist, approved or returned by a supervisor."""

    class Reason(models.TextChoices):
        GOALS_MET = "goals_met", _("Goals met")
        CLIENT_REQUEST = "client_request", _("The client asked to close")
        MOVED = "moved", _("The client moved away")
        LOST_CONTACT = "lost_contact", _("Contact lost")
        DECEASED = "deceased", _("The client died")
        TRANSFERRED = "transferred", _("Transferred to another organization")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned with comments")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closure_requests")
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    # The closure checklist: item code → confirmed (services.CLOSURE_CHECKLIST says which apply).
    checklist = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = EncryptedTextField(key_field="data_key", null=True, blank=True)
    # The case's status before the request: a returned request puts the case back in it.
    previous_status = models.CharField(max_length=20, blank=True)
    # A transfer goes through a referral to another organization, sent from this case with consent.
    transfer_referral = models.ForeignKey(
        "referrals.Referral", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="pending"), name="casework_one_pending_closure_per_case"
            )
        ]
        indexes = [
            # Closures waiting for a decision, the oldest first (caseload).
            models.Index(fields=["status", "requested_at", "id"], name="casework_closure_waiting"),
        ]

    def __str__(self):
        return f"closure of {self.case_id} ({self.status})"


class CalendarFeed(models.Model):
    """A staff member's personal iCalendar feed: a secret URL (only its SHA-256 is kept), revocable."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["membership"], condition=Q(revoked_at__isnull=True), name="casework_one_live_feed"
            )
        ]

    def __str__(self):
        return f"calendar feed of {self.membership_id}"
