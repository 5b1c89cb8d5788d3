"""Forms of the indicators pages: the dashboards' filters (GET, so every view is a plain link),
targets and baselines, and who funds whom. They validate and convert; services decide."""

import datetime
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from caseway.directory.forms import FastSelect
from caseway.indicators.dimensions import resolve
from caseway.indicators.models import Indicator
from caseway.indicators.periods import Period, PeriodKind
from caseway.orgs.models import Organization, OrganizationType
from caseway.referrals.statistics_forms import DayInput

NETWORK = "network"
TREND_LENGTH = 6  # periods on the line chart, the chosen one last


def recent_periods(today: datetime.date, *, months=12, quarters=8, years=4, ahead=0) -> list[tuple]:
    """(group label, [(key, key), ...]) for a select: the latest months, quarters and years
    (``ahead``: as many future periods of each kind first, for targets)."""
    groups = []
    for kind, label, count in (
        (PeriodKind.MONTH, _("Months"), months),
        (PeriodKind.QUARTER, _("Quarters"), quarters),
        (PeriodKind.YEAR, _("Years"), years),
    ):
        period = Period.containing(kind, today)
        for _step in range(ahead):
            period = Period.containing(kind, period.after)
        keys = []
        for _step in range(count + ahead):
            keys.append((period.key, period.key))
            period = period.previous()
        groups.append((label, keys))
    return groups


def default_period(today: datetime.date) -> Period:
    """The last whole month: its snapshot is kept ready, and its figures are settled."""
    return Period.containing(PeriodKind.MONTH, today).previous()


def trend_periods(period: Period, length: int = TREND_LENGTH) -> list[Period]:
    periods = [period]
    while len(periods) < length:
        periods.insert(0, periods[0].previous())
    return periods


@dataclass(frozen=True)
class Filters:
    period: Period
    indicator: Indicator
    dimensions: tuple[str, ...]

    def query(self, **changes) -> dict:
        values = {
            "period": self.period.key,
            "indicator": self.indicator.code,
            "by": self.dimensions[0] if self.dimensions else "",
            "and_by": self.dimensions[1] if len(self.dimensions) > 1 else "",
        }
        values.update(changes)
        return values


class DashboardFilterForm(forms.Form):
    """What a dashboard shows. Always bound: what the link leaves out takes its default, so
    ``?indicator=...`` alone is a complete view."""

    period = forms.ChoiceField(label=_("Period"), widget=FastSelect)
    indicator = forms.ChoiceField(label=_("Indicator"), widget=FastSelect)
    by = forms.ChoiceField(label=_("Broken down by"), required=False, widget=FastSelect)
    and_by = forms.ChoiceField(label=_("and by"), required=False, widget=FastSelect)

    def __init__(self, data, *, indicators, dimensions, today: datetime.date | None = None, pairs=True):
        """``pairs`` False: one breakdown at a time (a coordinator looking at one organization)."""
        today = today or timezone.localdate()
        self.indicators = {indicator.code: indicator for indicator in indicators}
        defaults = {
            "period": default_period(today).key,
            "indicator": next(iter(self.indicators), ""),
            "by": "sex" if any(dimension.key == "sex" for dimension in dimensions) else "",
            "and_by": "",
        }
        given = {name: data.get(name) for name in defaults if data is not None and name in data}
        super().__init__({**defaults, **given})
        self.fields["period"].choices = recent_periods(today)
        self.fields["indicator"].choices = [
            (code, indicator.localized_name()) for code, indicator in self.indicators.items()
        ]
        options = [(dimension.key, dimension.label) for dimension in dimensions]
        self.fields["by"].choices = [("", _("Nothing (totals only)")), *options]
        self.fields["and_by"].choices = [("", _("Nothing else")), *options]
        if not pairs:
            del self.fields["and_by"]

    def clean(self):
        data = super().clean()
        by, and_by = data.get("by"), data.get("and_by")
        if and_by and not by:
            self.add_error("and_by", _("Choose the first breakdown before the second."))
        elif and_by and and_by == by:
            self.add_error("and_by", _("Choose two different breakdowns."))
        elif and_by:
            try:
                resolve((by, and_by))  # the pairs offered: sex with one other (dimensions.PAIRED_WITH)
            except ValueError as error:
                self.add_error("and_by", str(error))
        return data

    def filters(self) -> Filters:
        """Call after ``is_valid()``."""
        data = self.cleaned_data
        return Filters(
            period=Period.parse(data["period"]),
            indicator=self.indicators[data["indicator"]],
            dimensions=tuple(key for key in (data.get("by"), data.get("and_by")) if key),
        )


class TargetForm(forms.Form):
    """A target (and baseline) for one indicator, period, and the network or one organization.
    The numbers are checked by ``services.target_set`` (one rule for every way in)."""

    organization = forms.ChoiceField(label=_("For"), widget=FastSelect)
    period = forms.ChoiceField(label=_("Period"), widget=FastSelect)
    indicator = forms.ChoiceField(label=_("Indicator"), widget=FastSelect)
    baseline = forms.CharField(
        label=pgettext_lazy("an indicator's starting value", "Baseline"), required=False, max_length=30
    )
    target = forms.CharField(label=pgettext_lazy("an indicator's goal", "Target"), required=False, max_length=30)

    def __init__(self, data=None, *, indicators, organizations, network: bool, today=None, initial=None):
        super().__init__(data, initial=initial)
        today = today or timezone.localdate()
        self.indicators = {indicator.code: indicator for indicator in indicators}
        self.organizations = {str(organization.pk): organization for organization in organizations}
        choices = [(NETWORK, _("The whole network"))] if network else []
        self.fields["organization"].choices = choices + [
            (key, organization.name) for key, organization in self.organizations.items()
        ]
        self.fields["period"].choices = recent_periods(today, months=6, quarters=4, years=2, ahead=4)
        self.fields["indicator"].choices = [
            (code, indicator.localized_name()) for code, indicator in self.indicators.items()
        ]
        for name in ("baseline", "target"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"

    def clean_organization(self):
        key = self.cleaned_data["organization"]
        return None if key == NETWORK else self.organizations[key]

    def clean_period(self):
        return Period.parse(self.cleaned_data["period"])

    def clean_indicator(self):
        return self.indicators[self.cleaned_data["indicator"]]


class FundingForm(forms.Form):
    donor = forms.ChoiceField(label=_("Donor"), widget=FastSelect)
    organization = forms.ChoiceField(label=_("Funds"), widget=FastSelect)
    starts_on = forms.DateField(label=_("From"), widget=DayInput, input_formats=["%Y-%m-%d"])
    ends_on = forms.DateField(
        label=_("Until (the last day funded)"),
        required=False,
        widget=DayInput,
        input_formats=["%Y-%m-%d"],
        help_text=_("Leave empty while the funding goes on."),
    )

    def __init__(self, data=None):
        super().__init__(data)
        organizations = list(Organization.objects.filter(is_active=True).only("pk", "name", "type").order_by("name"))
        self.donors = {str(o.pk): o for o in organizations if o.type == OrganizationType.DONOR}
        self.funded = {str(o.pk): o for o in organizations if o.type != OrganizationType.DONOR}
        self.fields["donor"].choices = [(key, o.name) for key, o in self.donors.items()]
        self.fields["organization"].choices = [(key, o.name) for key, o in self.funded.items()]

    def clean_donor(self):
        return self.donors[self.cleaned_data["donor"]]

    def clean_organization(self):
        return self.funded[self.cleaned_data["organization"]]


class FundingEndForm(forms.Form):
    ends_on = forms.DateField(label=_("Last day funded"), widget=DayInput, input_formats=["%Y-%m-%d"])
