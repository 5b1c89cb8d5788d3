from django import forms
from django.utils.translation import gettext_lazy as _

from caseway.clients import codes
from caseway.clients.erasure import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, ErasureReason
from caseway.clients.retention import MAX_DAYS

NO_IDENTITY_HELP = _(
    "Do not write the client's name or anything else that identifies them: this text is kept until the client "
    "is erased."
)


class ErasureRequestForm(forms.Form):
    code = forms.CharField(
        label=_("Client code"), max_length=20, help_text=_("The code on the client's file, as you would read it aloud.")
    )
    reason_code = forms.ChoiceField(label=_("Why"), choices=ErasureReason.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("In a few words (required for another reason)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Do not write the client's name or anything else that identifies them. This text is deleted when "
            "the client is erased; the reason chosen above is kept."
        ),
    )

    def clean_code(self):
        try:
            return codes.normalize(self.cleaned_data["code"])
        except codes.InvalidCode as error:
            raise forms.ValidationError(str(error)) from None


class ErasureRejectForm(forms.Form):
    note = forms.CharField(label=_("Why it is rejected"), max_length=NOTE_MAX_LENGTH, help_text=NO_IDENTITY_HELP)


class RetentionPolicyForm(forms.Form):
    erase_closed_after_days = forms.IntegerField(
        label=_("Erase closed cases after (days)"),
        required=False,
        min_value=1,
        max_value=MAX_DAYS,
        help_text=_("Leave blank to keep closed cases. For example 1825 days is about five years."),
    )
