from django import forms
from django.utils.translation import gettext_lazy as _

PIN_WIDGET = forms.PasswordInput(
    attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]*", "class": "big", "maxlength": 12}
)


class SharedDeviceField(forms.BooleanField):
    def __init__(self, **kwargs):
        super().__init__(
            label=_("This is not my phone (keep nothing here)"), required=False, widget=forms.CheckboxInput(), **kwargs
        )


class SignInForm(forms.Form):
    number = forms.CharField(
        label=_("Your number"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "big"}),
    )
    pin = forms.CharField(label=_("Your PIN"), max_length=12, strip=True, widget=PIN_WIDGET)
    shared_device = SharedDeviceField()


class StartForm(forms.Form):
    code = forms.CharField(
        label=_("Your code (from your caseworker)"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "class": "big"}),
    )
    pin = forms.CharField(label=_("Choose a PIN: 6 numbers or more"), max_length=12, strip=True, widget=PIN_WIDGET)
    pin_again = forms.CharField(label=_("Type the same PIN again"), max_length=12, strip=True, widget=PIN_WIDGET)
    shared_device = SharedDeviceField()


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Your message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
