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
from caseway.vault.fields import EncryptedTextField


class Forum(models.TextChoices):
    NATIONAL_COURT = "national_court", _("National court")
    REGIONAL_COURT = "regional_court", _("Regional human-rights court")
    REGIONAL_COMMISSION = "regional_commission", _("Regional human-rights commission")
    UN_TREATY_BODY = "un_treaty_body", _("UN treaty body")
    INTERNATIONAL_TRIBUNAL = "international_tribunal", _("International tribunal")


class TriggerEvent(models.TextChoices):
    FINAL_DOMESTIC_DECISION = "final_domestic_decision", _("Final domestic decision taken")
    FINAL_DECISION_NOTIFIED = "final_decision_notified", _("Final domestic decision notified")
    JUDGMENT_SERVED = "judgment_served", _("Judgment served")
    DECISION_NOTIFIED = "decision_notified", _("Decision notified")
    FILING_RECEIVED = "filing_received", _("Filing received by the other side")


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

    def __str__(self):
        return f"{self.type} matter {self.pk}"


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
