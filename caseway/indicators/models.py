"""The indicator library (versioned data), targets and baselines, and computed snapshots.

An ``Indicator`` row is one *version* of one indicator: changing a definition adds a row with the
next version and never edits the old one, which the snapshots computed with it keep pointing at.
Names and definitions are data in four languages ({"en": ..., "fr": ..., "ar": ..., "es": ...}),
shown in the reader's language, English when a translation is missing.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from caseway.indicators.periods import Period, PeriodKind
from caseway.orgs.models import Organization

LANGUAGES = ("en", "fr", "ar", "es")


class Unit(models.TextChoices):
    COUNT = "count", pgettext_lazy("the unit of an indicator: how many", "Number")
    PERCENT = "percent", _("Percentage")
    MEDIAN_DAYS = "median_days", _("Median, in days")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


def translated(texts: dict, language: str | None = None) -> str:
    """The text of ``language`` (default: the active one) in ``{lang: text}``, else English."""
    language = (language or get_language() or "en").split("-")[0]
    texts = texts or {}
    return texts.get(language) or texts.get("en") or ""


class Indicator(models.Model):
    """One version of one indicator. Never edited once snapshots use it: a change is a new version."""

    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    name = models.JSONField(_("name"), help_text='{"en": ..., "fr": ..., "ar": ..., "es": ...}')
    definition = models.JSONField(_("definition"), help_text="What is counted, exactly, per language.")
    unit = models.CharField(_("unit"), max_length=12, choices=Unit.choices)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    # Registered measure keys (``measures.REGISTRY``): the figure is numerator / denominator for a
    # percentage; a count or a median has no denominator.
    numerator = models.CharField(_("numerator"), max_length=60)
    denominator = models.CharField(_("denominator"), max_length=60, blank=True)
    dimensions = models.JSONField(_("disaggregations"), default=list, help_text="Keys of dimensions.DIMENSIONS.")
    hxl = models.CharField(_("HXL hashtag"), max_length=100, help_text="For example #reached +f")
    source = models.CharField(_("source"), max_length=300, blank=True)
    valid_from = models.DateField(_("valid from"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="indicators_indicator_version"),
            models.CheckConstraint(condition=~Q(unit="percent") | ~Q(denominator=""), name="indicators_rate_has_base"),
        ]

    def __str__(self):
        return f"{self.code} v{self.version}"

    def localized_name(self, language=None) -> str:
        return translated(self.name, language)

    def localized_definition(self, language=None) -> str:
        return translated(self.definition, language)


class Target(models.Model):
    """A target (and optionally its baseline) for one indicator version, one period, and the network
    (no organization) or one organization."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=4)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "organization", "period_kind", "period_start"],
                condition=Q(organization__isnull=False),
                name="indicators_target_once_per_organization",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period_kind", "period_start"],
                condition=Q(organization__isnull=True),
                name="indicators_target_once_for_network",
            ),
        ]

    def __str__(self):
        return f"target {self.target} for {self.indicator} {self.period_kind} {self.period_start}"

    @property
    def period(self) -> Period:
        return Period(self.period_kind, self.period_start)


class Snapshot(models.Model):
    """The raw result of one indicator version for one period, scope and disaggregation.

    Raw counts stay in the database (protected like everything else); disclosure control applies
    when they leave (``queries.indicator_values``). ``cells``: {"numerator": [[keys, n], ...],
    "denominator": [...], "medians": [[keys, base, days], ...]}; keys hold "*" for a margin.
    A snapshot of a period that ended long enough ago is frozen: never recomputed again.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="snapshots")
    period_kind = models.CharField(max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField()
    scope = models.CharField(max_length=400)  # periods.Scope.key
    dimensions = models.CharField(max_length=60, blank=True)  # "sex" or "sex,age_band"
    cells = models.JSONField()
    computed_at = models.DateTimeField(default=timezone.now)
    frozen_at = models.DateTimeField(null=True, blank=True)
    # ``dimensions.fingerprint``: the format and categories it was stored under; a snapshot whose
    # fingerprint is not today's is not read (an older format, or age bands changed since).
    fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_kind", "period_start", "scope", "dimensions"],
                name="indicators_snapshot_once",
            ),
        ]
        indexes = [
            models.Index(fields=["period_kind", "period_start", "scope", "dimensions"], name="indicators_snap_read")
        ]

    def __str__(self):
        return f"{self.indicator} {self.period_kind} {self.period_start} {self.scope} [{self.dimensions}]"

    @property
    def period(self) -> Period:
        return Period(self.period_kind, self.period_start)


class FundedOrganization(models.Model):
    """A donor organization funds an organization from one day until another (or open-ended).

    The smallest record the donor dashboard needs, kept by coordinators: which organizations'
    indicators a donor may see together, and for which periods (those the funding covers whole).
    Stands in until the funding app (floor 13: funds, grants, allocations) records grants; that app
    should replace it, and the donor dashboard should then read the grants instead.
    """

    donor = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("donor"))
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("funded organization")
    )
    starts_on = models.DateField(_("funded from"))
    ends_on = models.DateField(_("funded until"), null=True, blank=True, help_text=_("The last day funded."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["donor", "organization", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="indicators_funding_ends_after_start",
            ),
            models.CheckConstraint(condition=~Q(donor=models.F("organization")), name="indicators_funding_not_oneself"),
        ]
        indexes = [models.Index(fields=["donor", "starts_on"], name="indicators_funding_donor")]

    def __str__(self):
        return f"{self.donor_id} funds {self.organization_id} from {self.starts_on} until {self.ends_on or '…'}"

    def covers(self, period: Period) -> bool:
        """Funded for the whole of ``period``."""
        return self.starts_on <= period.start and (self.ends_on is None or self.ends_on >= period.end)
