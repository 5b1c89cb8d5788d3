from django import forms
from django.utils.translation import gettext_lazy as _

from caseway.legal.models import TriggerEvent


class EventForm(forms.Form):
    trigger = forms.ChoiceField(label=_("What happened"), choices=TriggerEvent.choices)
    occurred_on = forms.DateField(label=_("On"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class MetForm(forms.Form):
    met_on = forms.DateField(label=_("Met on"), widget=forms.DateInput(attrs={"type": "date"}))
