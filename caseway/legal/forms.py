from django import forms
from django.utils.translation import gettext_lazy as _

from caseway.legal.models import (
    CoCounsel,
    Jurisdiction,
    MatterType,
    Outcome,
    Party,
    ProtectionMeasure,
    Remedy,
    Stage,
    TriggerEvent,
    ViolationCategory,
)
from caseway.orgs.models import Organization


class EventForm(forms.Form):
    trigger = forms.ChoiceField(label=_("What happened"), choices=TriggerEvent.choices)
    occurred_on = forms.DateField(label=_("On"), widget=forms.DateInput(attrs={"type": "date"}))
    outcome = forms.ChoiceField(
        label=_("Outcome (a decision or a judgment)"),
        choices=[("", _("No outcome")), *Outcome.choices],
        required=False,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    entered_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))


class EventDayForm(forms.Form):
    occurred_on = forms.DateField(label=_("The right day"), widget=forms.DateInput(attrs={"type": "date"}))


class MetForm(forms.Form):
    met_on = forms.DateField(label=_("Met on"), widget=forms.DateInput(attrs={"type": "date"}))


class MatterForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(label=_("Forum"), queryset=Jurisdiction.objects.order_by("name"))
    type = forms.ChoiceField(label=_("Kind of matter"), choices=MatterType.choices)
    violation_categories = forms.MultipleChoiceField(
        label=_("Violations it is about"),
        choices=ViolationCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
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


class PartyForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Party.Role.choices)
    pseudonym = forms.CharField(
        label=_("Pseudonym"), max_length=60, help_text=_("How everyone else refers to them, such as Witness A.")
    )
    name = forms.CharField(label=_("Name (kept encrypted)"), max_length=200)
    details = forms.CharField(
        label=_("Contact and notes (kept encrypted)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    protection_measures = forms.MultipleChoiceField(
        label=_("Protection measures"),
        choices=ProtectionMeasure.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ProtectionForm(forms.Form):
    protection_measures = forms.MultipleChoiceField(
        label=_("Protection measures"),
        choices=ProtectionMeasure.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ClosureForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Why (a recess, a strike)"), required=False, max_length=200)
