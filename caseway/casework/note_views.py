"""Case note pages: the notes the viewer may read, writing one, a note's page, correcting one.

Thin: the case through ``casework.access``, a note through ``access.get_note`` (a note the
viewer may not read answers 404, like one that does not exist). The list shows kind, date,
author and readers, never the text; the text is on the note's page, and reading it is audited
(``note_services.note_read``). Notes are never edited or deleted: a correction is a new note.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from caseway.casework import access, note_services
from caseway.casework.models import CaseNote
from caseway.casework.note_forms import CorrectionForm, NoteForm
from caseway.casework.plan_views import form_page, posted
from caseway.lib.access import object_scoped
from caseway.lib.forms import add_service_errors
from caseway.orgs.permissions import Action

NOTES_PER_PAGE = 25


def _case(request, case_pk):
    return access.get_case(request.membership, case_pk)


@object_scoped(Action.VIEW_PERSONAL_DATA)
def note_list(request, case_pk):
    membership = request.membership
    case = _case(request, case_pk)
    notes = (
        access.visible_notes(membership, case)
        .select_related("author")
        .defer("text")
        .annotate(is_corrected=Exists(CaseNote.objects.filter(corrects=OuterRef("pk"))))
        .order_by("-written_at", "-pk")
    )
    page = Paginator(notes, NOTES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "casework/note/list.html", {"case": case, "page": page})


@object_scoped(Action.VIEW_PERSONAL_DATA)
def note_new(request, case_pk):
    membership = request.membership
    case = _case(request, case_pk)
    form = NoteForm(posted(request), membership=membership, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            note = note_services.note_write(
                actor=request.user,
                membership=membership,
                case=case,
                kind=data["kind"],
                confidentiality=data["confidentiality"],
                text=data["text"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Note saved."))
            return redirect("casework:note_detail", case_pk=case.pk, note_pk=note.pk)
    return form_page(request, "casework/note/form.html", {"case": case}, form)


def _note(membership, case, note_pk) -> CaseNote:
    note = access.get_note(membership, case, note_pk)
    note.case = case
    return note


def _note_context(request, case, note):
    membership = request.membership
    readable = access.visible_notes(membership, case).select_related("author", "data_key")
    corrections = list(readable.filter(corrects=note).order_by("written_at", "pk"))
    original = readable.filter(pk=note.corrects_id).first() if note.corrects_id else None
    note_services.note_read(actor=request.user, membership=membership, notes=[note], request=request)
    return {"case": case, "note": note, "corrections": corrections, "original": original}


@object_scoped(Action.VIEW_PERSONAL_DATA)
def note_detail(request, case_pk, note_pk):
    case = _case(request, case_pk)
    note = _note(request.membership, case, note_pk)
    return render(request, "casework/note/detail.html", _note_context(request, case, note))


@object_scoped(Action.VIEW_PERSONAL_DATA)
def note_correct(request, case_pk, note_pk):
    membership = request.membership
    case = _case(request, case_pk)
    note = _note(membership, case, note_pk)
    form = CorrectionForm(posted(request), initial={"text": note.text} if request.method == "GET" else None)
    if request.method == "POST" and form.is_valid():
        try:
            correction = note_services.note_correct(
                actor=request.user,
                membership=membership,
                case=case,
                note=note,
                text=form.cleaned_data["text"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Correction saved. The original note stays, marked corrected."))
            return redirect("casework:note_detail", case_pk=case.pk, note_pk=correction.pk)
    if request.method == "GET":
        # The form is filled with the note's text: that is a read, like the note's page.
        note_services.note_read(actor=request.user, membership=membership, notes=[note], request=request)
    return form_page(request, "casework/note/correct.html", {"case": case, "note": note}, form)
