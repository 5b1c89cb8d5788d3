"""Forms of the evidence register: they validate and convert; the services in ``evidence.py`` and
``bundle.py`` decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from caseway.legal.models import CustodyEvent, EvidenceCopy, EvidenceItem

FORUM = "forum"
PLACE = {"label": _("Where (kept encrypted)"), "required": False, "max_length": 300}


def _why(required=False, label=None):
    return forms.CharField(
        label=label or _("Why (kept encrypted)"),
        required=required,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of evidence"), choices=EvidenceItem.Kind.choices)
    file = forms.FileField(
        label=_("The original"),
        required=False,
        help_text=_("Kept exactly as sent, sealed. Not for physical evidence."),
    )
    physical_location = forms.CharField(
        label=_("Where the physical evidence is held (kept encrypted)"), required=False, max_length=500
    )
    description = forms.CharField(
        label=_("Description (kept encrypted)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    collected_on = forms.DateField(
        label=_("Collected on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    arrival = forms.ChoiceField(
        label=_("How your organization got it"),
        choices=[
            (CustodyEvent.Kind.COLLECTION, _("We collected it")),
            (CustodyEvent.Kind.RECEIPT, _("We received it")),
        ],
        initial=CustodyEvent.Kind.RECEIPT,
    )
    place = forms.CharField(**PLACE)
    reason = _why()


class OpenForm(forms.Form):
    reason = forms.CharField(label=_("Why you open it (kept encrypted)"), required=False, max_length=1000)


class TransferForm(forms.Form):
    to = forms.ChoiceField(label=_("Hand over to"))
    place = forms.CharField(**PLACE)
    reason = _why(required=True)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organizations = {str(organization.pk): organization for organization in organizations}
        self.fields["to"].choices = [
            (FORUM, _("The forum (submission)")),
            *[(pk, organization.name) for pk, organization in self.organizations.items()],
        ]

    def clean_to(self):
        chosen = self.cleaned_data["to"]
        return None if chosen == FORUM else self.organizations[chosen]


class CopyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Working copy"), choices=EvidenceCopy.Kind.choices)
    file = forms.FileField(label=_("Redacted version"), required=False)
    note = forms.CharField(label=_("Note (kept encrypted)"), required=False, max_length=1000)


class BundleForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Export for"),
        choices=[
            (CustodyEvent.Kind.COPY, _("A copy for the team")),
            (CustodyEvent.Kind.SUBMISSION, _("Submission to the forum")),
        ],
    )
    reason = forms.CharField(label=_("Why (kept encrypted)"), required=False, max_length=1000)
