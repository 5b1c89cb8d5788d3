"""The filters of the exports, the printable report and the API: period, scope, disaggregation,
indicators. Query-string fields; lists come as ``a,b`` or as the same name repeated. And the
transparency page's filters (``PublicFilterForm``): its periods are the published quarters only,
like the public downloads' (``exports.published_periods``)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseway.indicators import exports
from caseway.indicators.dimensions import DIMENSIONS, resolve
from caseway.indicators.forms import DashboardFilterForm
from caseway.indicators.models import Indicator
from caseway.indicators.periods import Period, PeriodKind, Scope

MAX_ORGANIZATIONS = 50


class ListInput(forms.TextInput):
    """A text field that reads ``name=a,b`` and ``name=a&name=b`` alike (as ``a,b``)."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return ",".join(value for value in values if value)


class DimensionsInput(ListInput):
    """``dimensions=sex,age_band``, or the dashboards' ``by=sex&and_by=age_band``."""

    def value_from_datadict(self, data, files, name):
        given = super().value_from_datadict(data, files, name)
        if given:
            return given
        return ",".join(value for value in (data.get("by"), data.get("and_by")) if value)


def split(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


NOTHING_PUBLISHED = _("No figures are published yet: a quarter's figures appear here once they are final.")


def parse_period(text: str) -> Period:
    """``Period.parse`` with its (translated) message as a form error."""
    try:
        return Period.parse(text)
    except ValueError as error:
        raise forms.ValidationError(str(error), code="period") from None


def default_period(today: datetime.date | None = None) -> Period:
    """The last quarter that has ended: the usual reporting period for donors."""
    today = today or timezone.localdate()
    return Period.containing(PeriodKind.QUARTER, today).previous()


class ExportFilterForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        required=False,
        max_length=20,
        help_text=_("A month, quarter or year, such as 2026-03, 2026-Q1 or 2026. Default: the last quarter."),
    )
    scope = forms.CharField(
        label=_("Scope"),
        required=False,
        max_length=400,
        help_text=_("network, or org: followed by organization numbers (org:12). Default: what you see first."),
    )
    dimensions = forms.CharField(
        label=_("Disaggregation"),
        required=False,
        max_length=60,
        widget=DimensionsInput,
        help_text=_("Up to two of: %(keys)s.") % {"keys": ", ".join(DIMENSIONS)},
    )
    indicator = forms.CharField(
        label=_("Indicators"),
        required=False,
        max_length=2000,
        widget=ListInput,
        help_text=_("Indicator codes; default: every indicator."),
    )

    def __init__(self, *args, public: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.public = public

    def clean_period(self) -> Period:
        text = self.cleaned_data.get("period")
        if self.public:
            return self._public_period(text)
        if not text:
            return default_period()
        return parse_period(text)

    def _public_period(self, text: str) -> Period:
        """A published quarter (the latest by default): the public never gets another period."""
        if not text:
            published = exports.published_periods(limit=1)
            if not published:
                raise forms.ValidationError(NOTHING_PUBLISHED, code="period")
            return published[0]
        period = parse_period(text)
        refusal = exports.public_period_refusal(period)
        if refusal:
            raise forms.ValidationError(refusal, code="period")
        return period

    def clean_scope(self) -> Scope | None:
        text = (self.cleaned_data.get("scope") or "").strip()
        if not text:
            return None
        message = _("Enter network, or org: followed by organization numbers separated by commas (org:12,14).")
        try:
            scope = Scope.parse(text)
        except ValueError:
            raise forms.ValidationError(message, code="scope") from None
        if scope.is_network:
            return scope
        if self.public:
            raise forms.ValidationError(_("Public figures cover the whole network only."), code="scope")
        ids = scope.organization_ids
        if len(ids) > MAX_ORGANIZATIONS or not all(part.isdigit() and len(part) <= 18 for part in ids):
            raise forms.ValidationError(message, code="scope")
        return scope

    def clean_dimensions(self) -> tuple[str, ...]:
        keys = split(self.cleaned_data.get("dimensions"))
        try:
            chosen = resolve(keys)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="dimensions") from None
        if self.public and any(not dimension.public for dimension in chosen):
            raise forms.ValidationError(_("Public figures are never broken down by organization."), code="dimensions")
        return tuple(dimension.key for dimension in chosen)

    def clean_indicator(self) -> list[str] | None:
        codes = list(dict.fromkeys(split(self.cleaned_data.get("indicator"))))
        if not codes:
            return None
        known = set(Indicator.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise forms.ValidationError(_("Unknown indicator: %(code)s.") % {"code": unknown[0][:60]}, code="indicator")
        return codes

    def filters(self) -> dict:
        """The keyword arguments of ``exports.build`` (call after ``is_valid``)."""
        data = self.cleaned_data
        return {
            "period": data["period"],
            "scope": data["scope"],
            "dimensions": data["dimensions"],
            "indicators": data["indicator"],
        }

    def errors_text(self) -> str:
        return "\n".join(str(message) for messages in self.errors.values() for message in messages)


class PublicFilterForm(DashboardFilterForm):
    """The transparency page's filters: the period is one of ``periods`` (the published quarters,
    the latest by default), never a month, a year or the unfinished quarter."""

    def __init__(self, data, *, indicators, dimensions, periods: list[Period]):
        super().__init__(data, indicators=indicators, dimensions=dimensions)
        keys = [period.key for period in periods]
        field = self.fields["period"]
        field.choices = [(key, key) for key in keys]
        given = data.get("period") if data is not None else None
        if not given and keys:
            self.data["period"] = keys[0]
        field.error_messages = {**field.error_messages, "invalid_choice": _public_period_message(given)}


def _public_period_message(text) -> str:
    """Why a period typed into the public page's address is not offered."""
    if not text:
        return str(NOTHING_PUBLISHED)
    try:
        period = Period.parse(text)
    except ValueError as error:
        return str(error)
    return exports.public_period_refusal(period) or _("Choose one of the quarters offered.")
