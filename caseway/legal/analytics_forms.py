"""The legal analytics filters (GET, for the page, the CSV and the API): matters opened between two
days (each optional, ISO dates, both included), a type of matter and a forum."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseway.directory.forms import FastSelect
from caseway.legal.analytics import Filters
from caseway.legal.models import MatterType
from caseway.referrals.statistics_forms import DayInput


class AnalyticsFilterForm(forms.Form):
    type = forms.ChoiceField(
        label=_("Type of matter"), required=False, choices=[("", _("Any type")), *MatterType.choices], widget=FastSelect
    )
    forum = forms.ChoiceField(label=_("Forum"), required=False, widget=FastSelect)

    def __init__(self, data, *, forums, today: datetime.date | None = None):
        super().__init__(data)
        self.forums = {forum.code: forum for forum in forums}
        self.today = today or timezone.localdate()
        # "from" and "to" are Python keywords: the fields are added by name, first in the form.
        dates = {
            "from": forms.DateField(
                label=_("Opened from"), required=False, widget=DayInput, input_formats=["%Y-%m-%d"]
            ),
            "to": forms.DateField(label=_("Opened until"), required=False, widget=DayInput, input_formats=["%Y-%m-%d"]),
        }
        self.fields = {**dates, **self.fields}
        self.fields["forum"].choices = [("", _("Every forum"))] + [
            (code, forum.name) for code, forum in self.forums.items()
        ]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        start, end = data.get("from"), data.get("to")
        if end is not None and end > self.today:
            self.add_error("to", _("The period cannot end after today."))
        elif start is not None and start > (end or self.today):
            self.add_error("from", _("The period must start on or before the day it ends."))
        return data

    def filters(self) -> Filters:
        """The filters asked for; call after ``is_valid()``. Unbound: every matter."""
        if not self.is_bound:
            return Filters()
        data = self.cleaned_data
        return Filters(
            opened_from=data.get("from"),
            opened_to=data.get("to"),
            type=data.get("type") or "",
            jurisdiction=self.forums.get(data.get("forum") or ""),
        )
