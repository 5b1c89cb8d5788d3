"""Legal aid coordination. For now: where deadlines come from.

A **jurisdiction** is a forum in a country (or an international one) with its working calendar:
which weekdays it does not work, whose public holidays it keeps (the ``holidays`` package's country
code, if any) and the closures users enter (``CourtClosure``). A **deadline rule** is data: for a
trigger event at that forum, an offset in a unit, a roll and whether the trigger day counts, the
period it applies to, and the legal source it cites. ``deadlines.py`` does the arithmetic.
"""

import datetime

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from caseway.legal import deadlines


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
