"""Case notes: write, correct, read. Append-only: nothing is edited or deleted.

Who may write what (decided here, for the pages and the API alike):

- anyone who may open the case writes notes for the case team;
- the assigned caseworker and supervisors may also write for "the assigned caseworker and
  supervisors" (someone else would write a note they could not read back);
- only supervisors write for supervisors only, and supervision notes (always supervisors only: a
  database constraint holds it whatever the caller).

A correction is a new note pointing at the one it corrects, with the same kind and readers (so
the correction never tells anyone more, or fewer people, than the original did); the original
stays, marked corrected, and only the newest version can be corrected again.

Reading a note's text is a read of sensitive data: ``note_read`` audits it (field names only).
Notes of a contact with the client (in person, home visit, phone) move the case's last contact.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway import audit
from caseway.casework import access
from caseway.casework.models import CaseNote
from caseway.casework.plan_services import require

TEXT_MAX_LENGTH = 10000
CONTACT_KINDS = frozenset({CaseNote.Kind.CONTACT, CaseNote.Kind.HOME_VISIT, CaseNote.Kind.PHONE})


def confidentialities_for(membership, case) -> list[str]:
    """The readers ``membership`` may choose for a new note on ``case``."""
    if access.is_supervisor(membership):
        return list(CaseNote.Confidentiality.values)
    if access.is_assigned(membership, case):
        return [CaseNote.Confidentiality.CASE_TEAM, CaseNote.Confidentiality.ASSIGNED]
    return [CaseNote.Confidentiality.CASE_TEAM]


def kinds_for(membership) -> list[str]:
    """The kinds of note ``membership`` may write: supervision notes are written by supervisors."""
    if access.is_supervisor(membership):
        return list(CaseNote.Kind.values)
    return [kind for kind in CaseNote.Kind.values if kind != CaseNote.Kind.SUPERVISION]


def _check_text(text) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError({"text": _("Keep the note under %(count)d characters.") % {"count": TEXT_MAX_LENGTH}})
    return text


def _touch_last_contact(case, kind, at) -> None:
    if kind not in CONTACT_KINDS:
        return
    if case.last_contact_at is not None and case.last_contact_at >= at:
        return
    case.last_contact_at = at
    case.save(update_fields=["last_contact_at"])


def note_write(*, actor, membership, case, kind, text, confidentiality=None, request=None) -> CaseNote:
    """Write a note on ``case``. A supervision note is always for supervisors only."""
    require(membership)
    text = _check_text(text)
    if kind not in CaseNote.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of note from the list.")})
    if kind == CaseNote.Kind.SUPERVISION:
        confidentiality = CaseNote.Confidentiality.SUPERVISORS
    confidentiality = confidentiality or CaseNote.Confidentiality.CASE_TEAM
    if confidentiality not in CaseNote.Confidentiality.values:
        raise ValidationError({"confidentiality": _("Choose who may read the note from the list.")})
    with transaction.atomic():
        case = access.get_case_for_update(membership, case.pk)
        if kind not in kinds_for(membership):
            raise ValidationError({"kind": _("Only supervisors write supervision notes.")})
        if confidentiality not in confidentialities_for(membership, case):
            raise ValidationError(
                {"confidentiality": _("You could not read this note back: choose readers that include you.")}
            )
        now = timezone.now()
        note = CaseNote.objects.create(
            case=case,
            data_key_id=case.client.data_key_id,
            kind=kind,
            confidentiality=confidentiality,
            text=text,
            author=actor,
            written_at=now,
        )
        _touch_last_contact(case, kind, now)
        audit.record(
            actor,
            "casework.note_written",
            note,
            fields=["kind", "confidentiality", "text"],
            organization=membership.organization_id,
            request=request,
        )
    return note


def note_correct(*, actor, membership, case, note, text, request=None) -> CaseNote:
    """Correct ``note``: a new note with the same kind and readers; the original stays, marked corrected."""
    require(membership)
    text = _check_text(text)
    with transaction.atomic():
        case = access.get_case_for_update(membership, case.pk)
        original = access.get_note(membership, case, getattr(note, "pk", note))
        original = CaseNote.objects.select_for_update().get(pk=original.pk)
        if original.corrections.exists():
            raise ValidationError(_("This note was corrected already: correct its newest version."))
        now = timezone.now()
        correction = CaseNote.objects.create(
            case=case,
            data_key_id=case.client.data_key_id,
            kind=original.kind,
            confidentiality=original.confidentiality,
            text=text,
            corrects=original,
            author=actor,
            written_at=now,
        )
        audit.record(
            actor,
            "casework.note_corrected",
            correction,
            fields=["text", "corrects"],
            organization=membership.organization_id,
            request=request,
        )
    return correction


def note_read(*, actor, membership, notes, request=None) -> None:
    """Record that ``actor`` read the text of ``notes`` (already reached through ``access``)."""
    for note in notes:
        audit.record(
            actor,
            "casework.note_read",
            note,
            fields=["text"],
            organization=membership.organization_id,
            request=request,
        )
