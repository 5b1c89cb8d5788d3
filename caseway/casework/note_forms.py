"""Forms of the note pages: the choices offered are those ``note_services`` allows the writer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from caseway.casework import note_services
from caseway.casework.models import CaseNote


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseNote.Kind.choices)
    confidentiality = forms.ChoiceField(
        label=_("Who may read it"), choices=CaseNote.Confidentiality.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Note"),
        max_length=note_services.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Facts, what was agreed, next steps. Notes cannot be edited: a mistake is corrected by a new note."
        ),
    )

    def __init__(self, *args, membership, case, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = note_services.kinds_for(membership)
        readers = note_services.confidentialities_for(membership, case)
        self.fields["kind"].choices = [(value, label) for value, label in CaseNote.Kind.choices if value in kinds]
        self.fields["confidentiality"].choices = [
            (value, label) for value, label in CaseNote.Confidentiality.choices if value in readers
        ]
        self.fields["confidentiality"].initial = CaseNote.Confidentiality.CASE_TEAM
        if CaseNote.Kind.SUPERVISION in kinds:
            self.fields["confidentiality"].help_text = _("Supervision notes are always for supervisors only.")
        else:
            self.fields["confidentiality"].help_text = _(
                "Only supervisors write supervision notes and notes for supervisors only."
            )


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=_("Corrected note"),
        max_length=note_services.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The whole note as it should read. The original stays, marked corrected."),
    )
