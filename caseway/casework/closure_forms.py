"""The closure request form: a reason, the checklist items the person confirms, the follow-up answer
and, for a transfer, the referral it goes through. ``closure_services`` decides what must hold."""

from django import forms
from django.utils.translation import gettext_lazy as _

from caseway.casework import closure_services
from caseway.casework.models import ClosureRequest

YES_NO = [("yes", _("Yes, the client agrees to be contacted")), ("no", _("No, the client does not want follow-up"))]


class ClosureRequestForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=ClosureRequest.Reason.choices)
    confirmed = forms.MultipleChoiceField(
        label=_("Checklist"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick what is done. The items about referrals, appointments and payments are checked for you."),
    )
    follow_up_agreed = forms.ChoiceField(
        label=_("Follow-up after closure"),
        choices=YES_NO,
        initial="yes",
        widget=forms.RadioSelect,
        help_text=_("Follow-ups at 3, 6 and 12 months are planned only if the client agrees."),
    )
    transfer_referral = forms.ChoiceField(
        label=_("Transfer through the referral"), required=False, help_text=_("Transfers only.")
    )

    def __init__(self, *args, referrals, **kwargs):
        super().__init__(*args, **kwargs)
        # Every item a person confirms; the service asks only for those that apply to the case and reason.
        self.fields["confirmed"].choices = [
            (item.code, item.label) for item in closure_services.CLOSURE_CHECKLIST if not item.fact
        ]
        self.fields["transfer_referral"].choices = [("", _("No transfer"))] + [
            (str(referral.pk), referral.to_organization.name) for referral in referrals
        ]

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "reason": data["reason"],
            "confirmed": data["confirmed"],
            "follow_up_agreed": data["follow_up_agreed"] == "yes",
            "transfer_referral": data["transfer_referral"] or None,
        }
