"""Legal aid coordination: where deadlines come from, and the matters they fall on.

A **jurisdiction** is a forum in a country (or an international one) with its working calendar:
which weekdays it does not work, whose public holidays it keeps (the ``holidays`` package's country
code, if any) and the closures users enter (``CourtClosure``). A **deadline rule** is data: for a
trigger event at that forum, an offset in a unit, a roll and whether the trigger day counts, the
period it applies to, and the legal source it cites. ``deadlines.py`` does the arithmetic.
"""

import datetime
import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseway.clients.models import Case, Client
from caseway.legal import deadlines
from caseway.orgs.models import Organization
from caseway.vault.fields import EncryptedBinaryField, EncryptedTextField


class Forum(models.TextChoices):
    NATIONAL_COURT = "national_court", _("National court")
    REGIONAL_COURT = "regional_court", _("Regional human-rights court")
    REGIONAL_COMMISSION = "regional_commission", _("Regional human-rights commission")
    UN_TREATY_BODY = "un_treaty_body", _("UN treaty body")
    INTERNATIONAL_TRIBUNAL = "international_tribunal", _("International tribunal")


class TriggerEvent(models.TextChoices):
    """What can happen on a matter. Some events start deadlines (the forum's rules say which), some
    move the matter to a stage (``STAGE_AFTER``); a scheduled hearing may lie in the future."""

    INVESTIGATION_OPENED = "investigation_opened", _("Investigation opened")
    COMPLAINT_FILED = "complaint_filed", _("Complaint or application filed")
    FILING_RECEIVED = "filing_received", _("Filing received by the other side")
    ADMISSIBILITY_DECIDED = "admissibility_decided", _("Admissibility decided")
    HEARING_SCHEDULED = "hearing_scheduled", _("Hearing scheduled")
    HEARING_HELD = "hearing_held", _("Hearing held")
    JUDGMENT_SERVED = "judgment_served", _("Judgment served")
    DECISION_NOTIFIED = "decision_notified", _("Decision notified")
    FINAL_DOMESTIC_DECISION = "final_domestic_decision", _("Final domestic decision taken")
    FINAL_DECISION_NOTIFIED = "final_decision_notified", _("Final domestic decision notified")
    APPEAL_LODGED = "appeal_lodged", _("Appeal lodged")
    ENFORCEMENT_STARTED = "enforcement_started", _("Enforcement started")
    MATTER_CLOSED = "matter_closed", _("Matter closed")


# Events that can be recorded before they happen (the day they are set for).
FUTURE_EVENTS = frozenset({TriggerEvent.HEARING_SCHEDULED})
# Events that carry the forum's answer: an outcome may be recorded with them.
DECISION_EVENTS = frozenset(
    {TriggerEvent.ADMISSIBILITY_DECIDED, TriggerEvent.JUDGMENT_SERVED, TriggerEvent.DECISION_NOTIFIED}
)


class Jurisdiction(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{2}$")],
        help_text=_("Empty for an international forum."),
    )
    forum = models.CharField(_("forum"), max_length=24, choices=Forum.choices)
    non_working_weekdays = models.JSONField(default=list, help_text="0 is Monday: [5, 6] is Saturday and Sunday")
    holiday_country = models.CharField(
        max_length=2, blank=True, help_text="Whose public holidays the forum keeps (holidays package code)."
    )

    def __str__(self):
        return self.name

    def working_calendar(self, years) -> deadlines.WorkingCalendar:
        """The forum's calendar over ``years``: its weekends, public holidays and closures."""
        years = sorted(set(years))
        closures = self.closures.filter(day__year__in=years).values_list("day", flat=True)
        closed = deadlines.public_holidays(self.holiday_country, years) if self.holiday_country else frozenset()
        return deadlines.WorkingCalendar(
            non_working_weekdays=frozenset(self.non_working_weekdays), closed_days=closed | frozenset(closures)
        )


class CourtClosure(models.Model):
    """A day the forum does not work beyond its weekends and public holidays (a recess, a strike)."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="closures")
    day = models.DateField(_("day"))
    note = models.CharField(_("why"), max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "day"], name="legal_one_closure_a_day")]

    def __str__(self):
        return f"{self.jurisdiction_id} closed {self.day}"


class DeadlineRule(models.Model):
    code = models.SlugField(max_length=60, unique=True)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="rules")
    trigger = models.CharField(_("trigger"), max_length=30, choices=TriggerEvent.choices)
    name = models.CharField(_("what must be done"), max_length=200)
    offset = models.PositiveIntegerField()
    unit = models.CharField(max_length=16, choices=[(unit.value, unit.value) for unit in deadlines.Unit])
    roll = models.CharField(max_length=10, choices=[(roll.value, roll.value) for roll in deadlines.Roll])
    trigger_day_counts = models.BooleanField(default=False)
    # The trigger dates the rule applies to (a reform changes the rule from a day on).
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    source = models.TextField(_("legal source"))

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(offset__gte=1), name="legal_rule_offset_positive"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="legal_rule_period_in_order",
            ),
        ]

    def __str__(self):
        return self.code

    def as_rule(self) -> deadlines.Rule:
        return deadlines.Rule(
            offset=self.offset,
            unit=deadlines.Unit(self.unit),
            roll=deadlines.Roll(self.roll),
            trigger_day_counts=self.trigger_day_counts,
        )

    def applies_to(self, trigger_day: datetime.date) -> bool:
        if self.valid_from is not None and trigger_day < self.valid_from:
            return False
        return self.valid_until is None or trigger_day <= self.valid_until

    def due_date(self, trigger_day: datetime.date) -> datetime.date:
        """The deadline this rule gives for an event on ``trigger_day``, in its forum's calendar."""
        rule = self.as_rule()
        # The calendar over every year the deadline can land in (offsets reach a few years at most).
        span = {trigger_day.year + extra for extra in range(self._years_reached() + 2)}
        return deadlines.due_date(trigger_day, rule, self.jurisdiction.working_calendar(span))

    def _years_reached(self) -> int:
        if self.unit == deadlines.Unit.YEARS:
            return self.offset
        if self.unit == deadlines.Unit.MONTHS:
            return self.offset // 12 + 1
        return self.offset // 200 + 1


class MatterType(models.TextChoices):
    CRIMINAL_COMPLAINT = "criminal_complaint", _("Criminal complaint")
    CIVIL_CLAIM = "civil_claim", _("Civil claim")
    ASYLUM = "asylum", _("Asylum or refugee status")
    CIVIL_DOCUMENTATION = "civil_documentation", _("Civil documentation")
    LAND_RESTITUTION = "land_restitution", _("Land and property restitution")
    REPARATIONS = "reparations", _("Reparations claim")
    HUMAN_RIGHTS_BODY = "human_rights_body", _("Complaint to a regional or UN human-rights body")


class ViolationCategory(models.TextChoices):
    """What the matter is about, in the broad categories human-rights documentation uses."""

    SEXUAL_VIOLENCE = "sexual_violence", _("Sexual and gender-based violence")
    TORTURE = "torture", _("Torture or ill-treatment")
    ARBITRARY_DETENTION = "arbitrary_detention", _("Arbitrary detention")
    ENFORCED_DISAPPEARANCE = "enforced_disappearance", _("Enforced disappearance")
    UNLAWFUL_KILLING = "unlawful_killing", _("Unlawful killing of a relative")
    FORCED_DISPLACEMENT = "forced_displacement", _("Forced displacement")
    PROPERTY = "property", _("Destruction or seizure of property")
    CHILD_RECRUITMENT = "child_recruitment", _("Recruitment of children")
    TRAFFICKING = "trafficking", _("Trafficking or forced labour")
    DISCRIMINATION = "discrimination", _("Discrimination")
    DENIAL_OF_DOCUMENTS = "denial_of_documents", _("Denial of civil documents")
    OTHER = "other", _("Other violation")


class Stage(models.TextChoices):
    INTAKE = "intake", _("Intake")
    INVESTIGATION = "investigation", _("Investigation")
    FILING = "filing", _("Filing")
    ADMISSIBILITY = "admissibility", _("Admissibility")
    HEARING = "hearing", _("Hearing")
    JUDGMENT = "judgment", _("Judgment")
    APPEAL = "appeal", _("Appeal")
    ENFORCEMENT = "enforcement", _("Enforcement")
    CLOSED = "closed", _("Closed")


# The stage a matter reaches on the event's day (``services.event_record``). A hearing set for a
# later day does not move the matter: holding it does.
STAGE_AFTER = {
    TriggerEvent.INVESTIGATION_OPENED: Stage.INVESTIGATION,
    TriggerEvent.COMPLAINT_FILED: Stage.FILING,
    TriggerEvent.ADMISSIBILITY_DECIDED: Stage.ADMISSIBILITY,
    TriggerEvent.HEARING_HELD: Stage.HEARING,
    TriggerEvent.JUDGMENT_SERVED: Stage.JUDGMENT,
    TriggerEvent.APPEAL_LODGED: Stage.APPEAL,
    TriggerEvent.ENFORCEMENT_STARTED: Stage.ENFORCEMENT,
    TriggerEvent.MATTER_CLOSED: Stage.CLOSED,
}


class Outcome(models.TextChoices):
    FAVOURABLE = "favourable", _("In the client's favour")
    PARTLY_FAVOURABLE = "partly_favourable", _("Partly in the client's favour")
    UNFAVOURABLE = "unfavourable", _("Against the client")
    INADMISSIBLE = "inadmissible", _("Declared inadmissible")
    SETTLED = "settled", _("Settled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class LegalMatter(models.Model):
    """A legal matter of a client, led by one organization (from its case of the client, with the
    client's consent to legal representation), worked with co-counsel organizations: every party
    sees it, nobody else does (``access.py``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    lead_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    lead_organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="matters")
    type = models.CharField(_("type"), max_length=24, choices=MatterType.choices)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.INTAKE)
    violation_categories = models.JSONField(default=list, blank=True)
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    summary = EncryptedTextField(key_field="data_key", null=True, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The latest decision's outcome (analytics: outcomes by sex, age, disability and area).
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["lead_organization", "stage"], name="legal_matter_org_stage")]

    def __str__(self):
        return f"{self.type} matter {self.pk}"


class StageChange(models.Model):
    """The matter entered ``stage`` on ``entered_on``: the history that time-in-stage is measured on."""

    matter = models.ForeignKey(LegalMatter, on_delete=models.CASCADE, related_name="stage_changes")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    entered_on = models.DateField(_("entered on"))
    event = models.ForeignKey(
        "MatterEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="stage_changes"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["matter", "entered_on", "recorded_at", "pk"]
        indexes = [models.Index(fields=["matter", "entered_on"], name="legal_stage_history")]

    def __str__(self):
        return f"{self.stage} from {self.entered_on}"


class ProtectionMeasure(models.TextChoices):
    PSEUDONYM = "pseudonym", _("Pseudonym")
    CLOSED_HEARING = "closed_hearing", _("Closed hearing")
    VOICE_DISTORTION = "voice_distortion", _("Voice distortion")
    FACE_DISTORTION = "face_distortion", _("Face distortion")
    RELOCATION = "relocation", _("Relocation")


class Party(models.Model):
    """A party to the matter or a witness. Names and details are encrypted; a protected witness
    (any protection measure) is shown by pseudonym to everyone without the need to know who they
    are (``access.may_see_identity``), and every look at the identity is audited."""

    class Role(models.TextChoices):
        APPLICANT = "applicant", _("Applicant or victim")
        RESPONDENT = "respondent", _("Respondent or accused")
        WITNESS = "witness", _("Witness")
        EXPERT_WITNESS = "expert_witness", _("Expert witness")
        OTHER = "other", _("Other party")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    matter = models.ForeignKey(LegalMatter, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    pseudonym = models.CharField(_("pseudonym"), max_length=60, help_text=_("How everyone else refers to them."))
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    name = EncryptedTextField(key_field="data_key")
    details = EncryptedTextField(key_field="data_key", null=True, blank=True)
    protection_measures = models.JSONField(default=list, blank=True)
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["matter", "role", "pseudonym"]
        constraints = [models.UniqueConstraint(fields=["matter", "pseudonym"], name="legal_party_pseudonym_once")]

    def __str__(self):
        return self.pseudonym

    @property
    def is_protected(self) -> bool:
        return bool(self.protection_measures)


class CoCounsel(models.Model):
    class Role(models.TextChoices):
        CO_COUNSEL = "co_counsel", _("Co-counsel")
        LOCAL_COUNSEL = "local_counsel", _("Local counsel")
        EXPERT = "expert", _("Expert support")
        DOCUMENTATION = "documentation", _("Documentation and evidence")

    matter = models.ForeignKey(LegalMatter, on_delete=models.CASCADE, related_name="co_counsel")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["matter", "organization"], name="legal_co_counsel_once"),
        ]

    def __str__(self):
        return f"{self.organization_id} on {self.matter_id}"


class MatterEvent(models.Model):
    """Something that happened on a matter, on a day; a trigger starts the deadlines its forum's rules give."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    matter = models.ForeignKey(LegalMatter, on_delete=models.CASCADE, related_name="events")
    trigger = models.CharField(_("event"), max_length=30, choices=TriggerEvent.choices)
    occurred_on = models.DateField(_("on"))
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    note = EncryptedTextField(key_field="data_key", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)

    class Meta:
        ordering = ["matter", "occurred_on", "recorded_at"]

    def __str__(self):
        return f"{self.trigger} on {self.occurred_on}"


class Deadline(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MET = "met", _("Met")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    matter = models.ForeignKey(LegalMatter, on_delete=models.CASCADE, related_name="deadlines")
    event = models.ForeignKey(MatterEvent, on_delete=models.CASCADE, related_name="deadlines")
    rule = models.ForeignKey(DeadlineRule, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due on"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    met_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "rule"], name="legal_one_deadline_per_rule")]
        indexes = [models.Index(fields=["status", "due_on"], name="legal_deadline_due")]

    def __str__(self):
        return f"{self.rule_id} due {self.due_on}"


class DeadlineAlert(models.Model):
    """A deadline coming close, for one party organization of its matter: ``lead_days`` before it
    (30, 14, 7, 1 by default), until someone of that organization marks it seen."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="alerts")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    lead_days = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deadline", "organization", "lead_days"], name="legal_alert_once"),
        ]
        indexes = [models.Index(fields=["organization", "resolved_at"], name="legal_alert_open")]

    def __str__(self):
        return f"{self.lead_days} days before {self.deadline_id}"


class Remedy(models.Model):
    """A remedy sought or obtained, in the five forms of the UN Basic Principles and Guidelines on
    the Right to a Remedy and Reparation (General Assembly resolution 60/147, 2005, principles 19–23)."""

    class Form(models.TextChoices):
        RESTITUTION = "restitution", _("Restitution")
        COMPENSATION = "compensation", _("Compensation")
        REHABILITATION = "rehabilitation", _("Rehabilitation")
        SATISFACTION = "satisfaction", _("Satisfaction")
        NON_REPETITION = "non_repetition", _("Guarantees of non-repetition")

    class Status(models.TextChoices):
        SOUGHT = "sought", _("Sought")
        OBTAINED = "obtained", _("Obtained")
        DENIED = "denied", _("Denied")

    class Enforcement(models.TextChoices):
        NOT_DUE = "", _("Not due yet")
        NOT_STARTED = "not_started", _("Not started")
        PARTIAL = "partial", _("Partly enforced")
        COMPLETE = "complete", _("Fully enforced")
        REFUSED = "refused", _("Not enforced")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    matter = models.ForeignKey(LegalMatter, on_delete=models.CASCADE, related_name="remedies")
    form = models.CharField(_("form"), max_length=16, choices=Form.choices)
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    description = EncryptedTextField(key_field="data_key", null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    sought_on = models.DateField(_("sought on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SOUGHT)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    enforcement = models.CharField(_("enforcement"), max_length=12, choices=Enforcement.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["matter", "sought_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(form="compensation"), name="legal_amount_for_compensation"
            ),
            models.CheckConstraint(
                condition=Q(status="sought", decided_on__isnull=True)
                | (~Q(status="sought") & Q(decided_on__isnull=False)),
                name="legal_remedy_decided_when_decided",
            ),
        ]

    def __str__(self):
        return f"{self.form} ({self.status})"


class AssistanceRequest(models.Model):
    """A mutual legal-assistance or information request made for a matter by one of its parties to
    another organization of the network or to an authority outside it (a prosecutor's office of a
    country): what is asked, of whom, by when, and the answer."""

    class Kind(models.TextChoices):
        MUTUAL_LEGAL_ASSISTANCE = "mutual_legal_assistance", _("Mutual legal assistance")
        INFORMATION = "information", _("Information request")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        ANSWERED = "answered", _("Answered")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    matter = models.ForeignKey(LegalMatter, on_delete=models.CASCADE, related_name="assistance_requests")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    requesting_organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    # Of whom: an organization of the network (it then sees and answers the request, not the
    # matter), or an authority outside it, named, in a country.
    addressed_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    addressed_authority = models.CharField(_("authority asked"), max_length=200, blank=True)
    addressed_country = models.CharField(
        _("country"), max_length=2, blank=True, validators=[RegexValidator(r"^[A-Z]{2}$")]
    )
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    question = EncryptedTextField(key_field="data_key")
    response = EncryptedTextField(key_field="data_key", null=True, blank=True)
    sent_on = models.DateField(_("sent on"))
    due_on = models.DateField(_("answer due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.SENT)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["matter", "sent_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(addressed_organization__isnull=False) | ~Q(addressed_authority=""),
                name="legal_request_addressed",
            ),
        ]
        indexes = [models.Index(fields=["addressed_organization", "status"], name="legal_request_inbox")]

    def __str__(self):
        return f"{self.kind} request {self.pk}"


class CaseReview(models.Model):
    """A multi-stakeholder review of a matter: a meeting of several organizations with an agenda,
    decisions and action items; its minutes are encrypted under the client's key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    matter = models.ForeignKey(LegalMatter, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField(_("held on"))
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    agenda = EncryptedTextField(key_field="data_key", null=True, blank=True)
    decisions = EncryptedTextField(key_field="data_key", null=True, blank=True)
    minutes = EncryptedTextField(key_field="data_key", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["matter", "-held_on", "-created_at"]

    def __str__(self):
        return f"review of {self.matter_id} on {self.held_on}"


class ReviewParticipant(models.Model):
    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="participants")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    # A person of the network, or how an outside participant is described ("prosecutor's office").
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(_("role in the meeting"), max_length=120, blank=True)

    class Meta:
        ordering = ["review", "organization", "pk"]

    def __str__(self):
        return f"{self.organization_id} at {self.review_id}"


class ReviewActionItem(models.Model):
    """A decision someone must carry out by a day; for an organization with a case of the client it
    becomes a task on that case (``task``), otherwise it is followed on the review itself."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="action_items")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    title = EncryptedTextField(key_field="data_key")
    due_on = models.DateField(_("due on"), null=True, blank=True)
    task = models.OneToOneField(
        "casework.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="review_action_item"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "due_on", "pk"]

    def __str__(self):
        return f"action of {self.organization_id} from {self.review_id}"


class EvidenceItem(models.Model):
    """A piece of evidence on a matter. An uploaded original is hashed (SHA-256) on arrival, kept
    encrypted and **sealed**: nothing ever writes ``original`` again (``evidence.py``); working copies
    are separate rows. Physical evidence is registered by reference (where it is held)."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        PHOTO = "photo", _("Photo")
        AUDIO = "audio", _("Audio recording")
        VIDEO = "video", _("Video recording")
        TRANSCRIPT = "transcript", _("Testimony transcript")
        PHYSICAL = "physical", _("Physical evidence (reference)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    matter = models.ForeignKey(LegalMatter, on_delete=models.CASCADE, related_name="evidence")
    number = models.PositiveIntegerField(help_text="E-1, E-2... within the matter")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    description = EncryptedTextField(key_field="data_key", null=True, blank=True)
    original = EncryptedBinaryField(key_field="data_key", null=True, blank=True)
    original_name = EncryptedTextField(key_field="data_key", null=True, blank=True)
    original_sha256 = models.CharField(max_length=64, blank=True)
    original_size = models.PositiveBigIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    physical_location = EncryptedTextField(key_field="data_key", null=True, blank=True)
    collected_on = models.DateField(_("collected on"), null=True, blank=True)
    # Who holds it now (changes with each transfer): the custodian organization.
    custodian = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["matter", "number"]
        constraints = [
            models.UniqueConstraint(fields=["matter", "number"], name="legal_evidence_number_once"),
            models.CheckConstraint(
                condition=Q(original__isnull=True) | ~Q(original_sha256=""), name="legal_evidence_hashed"
            ),
        ]

    def __str__(self):
        return f"E-{self.number}"


class EvidenceCopy(models.Model):
    """A working copy of an original (metadata stripped, redacted): its own bytes and hash, linked
    to the sealed original it was made from."""

    class Kind(models.TextChoices):
        METADATA_STRIPPED = "metadata_stripped", _("Metadata stripped")
        REDACTED = "redacted", _("Redacted")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="copies")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    content = EncryptedBinaryField(key_field="data_key")
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100, blank=True)
    note = EncryptedTextField(key_field="data_key", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item", "created_at"]

    def __str__(self):
        return f"{self.kind} copy of {self.item_id}"


class CustodyEvent(models.Model):
    """One link of an item's chain of custody: who, when, where, why. ``digest`` chains the item's
    events (each covers the one before) and is written into the audit event recorded with it, so a
    changed custody row no longer matches the tamper-evident audit chain."""

    class Kind(models.TextChoices):
        COLLECTION = "collection", _("Collected")
        RECEIPT = "receipt", _("Received")
        TRANSFER = "transfer", _("Transferred")
        ACCESS = "access", _("Opened")
        COPY = "copy", _("Copied")
        SUBMISSION = "submission", _("Submitted")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="custody")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(_("what"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=254, blank=True)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    to_organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    place = EncryptedTextField(key_field="data_key", null=True, blank=True)
    reason = EncryptedTextField(key_field="data_key", null=True, blank=True)
    digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["item", "sequence"]
        constraints = [models.UniqueConstraint(fields=["item", "sequence"], name="legal_custody_sequence_once")]

    def __str__(self):
        return f"{self.kind} of {self.item_id} #{self.sequence}"
