"""The statistics filters (GET, for the page, the CSV and the API): a period and three optional filters.

``from`` and ``to`` are days (ISO dates), both included; left out, the last 90 days up to today.
"""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseway.directory.forms import FastSelect
from caseway.referrals.models import Urgency
from caseway.referrals.statistics import DEFAULT_DAYS, MAX_DAYS, Filters, Options, Period


class DayInput(forms.DateInput):
    input_type = "date"  # a date picker without JavaScript; the value is always ISO (YYYY-MM-DD)

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class StatisticsFilterForm(forms.Form):
    urgency = forms.ChoiceField(
        label=_("Urgency"), required=False, choices=[("", _("Any urgency")), *Urgency.choices], widget=FastSelect
    )
    category = forms.ChoiceField(label=_("Category of the receiving service"), required=False, widget=FastSelect)
    organization = forms.ChoiceField(label=_("Receiving organization"), required=False, widget=FastSelect)

    def __init__(self, data, *, options: Options, today: datetime.date | None = None):
        super().__init__(data)
        self.options = options
        self.today = today or timezone.localdate()
        default = Period.default(self.today)
        # "from" and "to" are Python keywords: the fields are added by name, first in the form.
        dates = {
            "from": forms.DateField(
                label=_("From"), required=False, widget=DayInput, input_formats=["%Y-%m-%d"], initial=default.start
            ),
            "to": forms.DateField(
                label=_("To"), required=False, widget=DayInput, input_formats=["%Y-%m-%d"], initial=default.end
            ),
        }
        self.fields = {**dates, **self.fields}
        self.fields["category"].choices = [("", _("All categories"))] + [
            (term.code, term.localized_name()) for term in options.categories
        ]
        self.fields["organization"].choices = [("", _("All organizations"))] + [
            (str(organization.pk), organization.name) for organization in options.organizations
        ]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        end = data.get("to") or self.today
        start = data.get("from") or (end - datetime.timedelta(days=DEFAULT_DAYS - 1))
        if end > self.today:
            self.add_error("to", _("The period cannot end after today."))
        elif start > end:
            self.add_error("from", _("The period must start on or before the day it ends."))
        elif (end - start).days + 1 > MAX_DAYS:
            self.add_error("from", _("Choose a period of at most three years."))
        data["period"] = Period(start=start, end=end)
        return data

    def filters(self) -> Filters:
        """The filters asked for; call after ``is_valid()``. Unbound: the defaults."""
        if not self.is_bound:
            return Filters(period=Period.default(self.today))
        data = self.cleaned_data
        return Filters(
            period=data["period"],
            urgency=data.get("urgency") or "",
            category=self.options.category(data.get("category") or ""),
            organization=self.options.organization(data.get("organization") or ""),
        )
