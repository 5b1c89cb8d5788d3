from django import forms
from django.utils.translation import gettext_lazy as _

from caseway.feedback.models import Feedback


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you want to send?"), choices=Feedback.Kind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(label=_("Tell us"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    anonymous = forms.BooleanField(label=_("Do not say it is from me"), required=False, initial=True)
