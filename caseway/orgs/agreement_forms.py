"""Forms of the data-sharing agreement pages: they validate and convert, the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from caseway.orgs.categories import DataCategory, SharingPurpose


class AgreementProposeForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner organization"), queryset=None, empty_label=None)
    categories = forms.MultipleChoiceField(
        label=_("Information that may flow"),
        choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("In both directions, only where the client also agreed."),
    )
    purposes = forms.MultipleChoiceField(
        label=_("For what"), choices=SharingPurpose.choices, widget=forms.CheckboxSelectMultiple
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for no end date."),
    )
    signed_by = forms.CharField(
        label=_("Signed for your organization by"),
        max_length=200,
        help_text=_("Name and position of the person who signed the agreement."),
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners


class AgreementAcceptForm(forms.Form):
    signed_by = forms.CharField(
        label=_("Signed for your organization by"),
        max_length=200,
        help_text=_("Name and position of the person who signed the agreement."),
    )
