from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from caseway.lib import uploads
from caseway.lib.forms import add_service_errors


class StaffMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    file = forms.FileField(label=_("Attach a photo or a PDF"), required=False)


def send_from_form(form, service, **target) -> bool:
    """Send the valid ``form``'s message (and file) through ``service`` for ``target`` (who writes,
    to which case, referral or thread); False with the service's errors put on the form."""
    upload = form.cleaned_data.get("file")
    try:
        service(body=form.cleaned_data["body"], attachment=uploads.read_limited(upload) if upload else None, **target)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True
