from django import forms
from django.utils.translation import gettext_lazy as _

from caseway.portal.models import Document

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
    body = forms.CharField(
        label=_("Your message"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    file = forms.FileField(
        label=_("Add a photo or a PDF (if you want)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )


class AppointmentRequestForm(forms.Form):
    preferred_times = forms.CharField(
        label=_("When can you come?"),
        help_text=_("For example: Monday or Tuesday morning."),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"class": "big", "autocomplete": "off"}),
    )
    childcare_needed = forms.BooleanField(label=_("I need someone to look after my children"), required=False)
    transport_needed = forms.BooleanField(label=_("I need help to travel there"), required=False)


class AppointmentChangeForm(AppointmentRequestForm):
    kind = forms.ChoiceField(
        label=_("What do you want?"),
        choices=[("reschedule", _("Another time")), ("cancel", _("Cancel it"))],
        widget=forms.RadioSelect,
        initial="reschedule",
    )
    field_order = ["kind", "preferred_times", "childcare_needed", "transport_needed"]


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is it?"), choices=Document.Kind.choices, widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("Choose the file or take a photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("The 6 numbers in your app"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "class": "big"}),
    )
