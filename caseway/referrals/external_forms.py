"""Forms of the pages for organizations outside the network: they validate and convert; ``external`` decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from caseway.referrals.external import ACCEPT, DECLINE, PIN_MAX_LENGTH
from caseway.referrals.models import DeclineReason
from caseway.referrals.services import NOTE_MAX_LENGTH


class PinForm(forms.Form):
    pin = forms.CharField(
        label=_("PIN"),
        max_length=PIN_MAX_LENGTH,
        help_text=_("The organization that sent you this link gave you the PIN separately, for example by phone."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "dir": "ltr", "spellcheck": "false"}
        ),
    )


class AnswerForm(forms.Form):
    grant = forms.CharField(widget=forms.HiddenInput, max_length=200)
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=((ACCEPT, _("We accept this referral")), (DECLINE, _("We decline this referral"))),
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label=_("If you decline: why"),
        choices=DeclineReason.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required with “Other reason”. No names or details of the client: the sender reads it."),
    )
