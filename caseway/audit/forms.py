from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventFilterForm(forms.Form):
    """The audit log page's filters (GET). Every field is optional; an empty form shows everything."""

    action = forms.CharField(
        label=_("Action starts with"),
        max_length=100,
        required=False,
        help_text=_("For example “accounts.” for every sign-in event, or “accounts.login_failed”."),
    )
    actor = forms.CharField(label=_("Actor email contains"), max_length=254, required=False)
    target_type = forms.CharField(
        label=_("Target type"), max_length=100, required=False, help_text=_("For example “orgs.membership”.")
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned

    def filter(self, events):
        """``events`` narrowed by the valid filters (call after is_valid())."""
        data = self.cleaned_data
        if data.get("action"):
            events = events.filter(action__startswith=data["action"].strip().lower())
        if data.get("actor"):
            events = events.filter(actor_label__icontains=data["actor"].strip())
        if data.get("target_type"):
            events = events.filter(target_type=data["target_type"].strip().lower())
        # Whole days in the user's time zone, as a range on created_at so the index can be used.
        if data.get("date_from"):
            events = events.filter(created_at__gte=_start_of(data["date_from"]))
        if data.get("date_to"):
            events = events.filter(created_at__lt=_start_of(data["date_to"] + timedelta(days=1)))
        return events


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))
