from django import forms
from django.utils.translation import gettext_lazy as _


class StaffMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    file = forms.FileField(label=_("Attach a photo or a PDF"), required=False)
