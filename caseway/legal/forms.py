from django import forms
from django.utils.translation import gettext_lazy as _

from caseway.legal.models import CoCounsel, Jurisdiction, MatterType, Remedy, TriggerEvent
from caseway.orgs.models import Organization


class EventForm(forms.Form):
    trigger = forms.ChoiceField(label=_("What happened"), choices=TriggerEvent.choices)
    occurred_on = forms.DateField(label=_("On"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class MetForm(forms.Form):
    met_on = forms.DateField(label=_("Met on"), widget=forms.DateInput(attrs={"type": "date"}))


class MatterForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(label=_("Forum"), queryset=Jurisdiction.objects.order_by("name"))
    type = forms.ChoiceField(label=_("Kind of matter"), choices=MatterType.choices)
    summary = forms.CharField(
        label=_("Summary (kept encrypted)"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CoCounselForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=CoCounsel.Role.choices)

    def __init__(self, *args, lead_organization_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.filter(is_active=True).exclude(pk=lead_organization_id).order_by("name")
        )


class RemedyForm(forms.Form):
    form = forms.ChoiceField(label=_("Form of remedy"), choices=Remedy.Form.choices)
    sought_on = forms.DateField(label=_("Sought on"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label=_("Amount (compensation)"), required=False, max_digits=14, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3)
    description = forms.CharField(
        label=_("What is asked (kept encrypted)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RemedyDecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"), choices=[(Remedy.Status.OBTAINED, _("Obtained")), (Remedy.Status.DENIED, _("Denied"))]
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=forms.DateInput(attrs={"type": "date"}))
    enforcement = forms.ChoiceField(label=_("Enforcement"), choices=Remedy.Enforcement.choices, required=False)
