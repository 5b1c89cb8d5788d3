"""Case notes: who may write which readers, supervision notes, corrections, audited reads."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from caseway.audit.models import AuditEvent
from caseway.casework import access, note_services
from caseway.casework.models import CaseNote
from caseway.casework.tests.case_helpers import a_note, a_supervision_note, member, our_case
from caseway.orgs.permissions import Role
from caseway.tests.personas import make_member

pytestmark = pytest.mark.django_db

TEAM, ASSIGNED, SUPERVISORS = (
    CaseNote.Confidentiality.CASE_TEAM,
    CaseNote.Confidentiality.ASSIGNED,
    CaseNote.Confidentiality.SUPERVISORS,
)


@pytest.fixture
def case(personas):
    return our_case(personas)


def test_it_writes_an_encrypted_note_and_moves_the_last_contact(personas, case):
    note = a_note(personas, case, text="Talked about the training course.")

    stored = CaseNote.objects.filter(pk=note.pk).values_list("text_sealed", flat=True).get()
    assert "training" not in str(stored)
    assert note.data_key_id == case.client.data_key_id
    case.refresh_from_db()
    assert case.last_contact_at == note.written_at
    assert AuditEvent.objects.get(action="casework.note_written").fields == ["kind", "confidentiality", "text"]


def test_it_makes_every_supervision_note_for_supervisors_only(personas, case):
    note = a_note(personas, case, by=personas.supervisor_a, kind=CaseNote.Kind.SUPERVISION, confidentiality=TEAM)

    assert note.confidentiality == SUPERVISORS


def test_it_lets_only_supervisors_write_supervision_notes_or_notes_for_supervisors(personas, case):
    with pytest.raises(ValidationError) as raised:
        a_note(personas, case, kind=CaseNote.Kind.SUPERVISION)
    assert "kind" in raised.value.error_dict
    with pytest.raises(ValidationError) as raised:
        a_note(personas, case, confidentiality=SUPERVISORS)
    assert "confidentiality" in raised.value.error_dict

    assert a_note(personas, case, by=personas.supervisor_a, confidentiality=SUPERVISORS).confidentiality == SUPERVISORS


def test_it_lets_only_the_assigned_caseworker_write_for_the_assigned_team(personas, case):
    other = make_member(personas.org_a, Role.CASEWORKER, "second.caseworker.a@example.org")

    assert a_note(personas, case, confidentiality=ASSIGNED).confidentiality == ASSIGNED
    with pytest.raises(ValidationError):
        a_note(personas, case, by=other, confidentiality=ASSIGNED)
    assert a_note(personas, case, by=other).confidentiality == TEAM


def test_a_caseworker_cannot_reach_a_supervision_note(personas, case):
    note = a_supervision_note(personas, case)
    caseworker, supervisor = member(personas.caseworker_a), member(personas.supervisor_a)

    assert list(access.visible_notes(caseworker, case)) == []
    with pytest.raises(Http404):
        access.get_note(caseworker, case, note.pk)
    assert access.get_note(supervisor, case, note.pk) == note


def test_it_corrects_a_note_with_a_new_one_keeping_the_original(personas, case):
    note = a_note(personas, case, confidentiality=ASSIGNED, text="Met on Monday.")

    correction = note_services.note_correct(
        actor=personas.caseworker_a,
        membership=member(personas.caseworker_a),
        case=case,
        note=note,
        text="Met on Tuesday.",
    )

    assert correction.corrects == note
    assert (correction.kind, correction.confidentiality) == (note.kind, note.confidentiality)
    assert CaseNote.objects.select_related("data_key").get(pk=note.pk).text == "Met on Monday."
    with pytest.raises(ValidationError):
        note_services.note_correct(
            actor=personas.caseworker_a, membership=member(personas.caseworker_a), case=case, note=note, text="Again."
        )


def test_it_refuses_to_correct_a_note_the_writer_may_not_read(personas, case):
    note = a_supervision_note(personas, case)

    with pytest.raises(Http404):
        note_services.note_correct(
            actor=personas.caseworker_a, membership=member(personas.caseworker_a), case=case, note=note, text="No."
        )


def test_it_audits_reads_with_field_names_only(personas, case):
    note = a_note(personas, case, text="Spoke about the children.")

    note_services.note_read(actor=personas.caseworker_a, membership=member(personas.caseworker_a), notes=[note])

    event = AuditEvent.objects.get(action="casework.note_read")
    assert event.fields == ["text"]
    assert event.target_id == str(note.pk)
    assert "children" not in event.reason


def test_it_refuses_other_organizations_roles_without_personal_data_and_empty_notes(personas, case):
    with pytest.raises(Http404):
        a_note(personas, case, by=personas.caseworker_b)
    with pytest.raises(PermissionDenied):
        a_note(personas, case, by=personas.admin_a)
    with pytest.raises(ValidationError):
        a_note(personas, case, text="  ")


def test_its_messages_go_through_the_translation_catalog(personas, case, monkeypatch):
    monkeypatch.setattr(note_services, "_", lambda message: f"[{translation.get_language()}] {message}")

    with translation.override("ar"), pytest.raises(ValidationError) as raised:
        a_note(personas, case, kind=CaseNote.Kind.SUPERVISION)

    assert raised.value.error_dict["kind"][0].messages == ["[ar] Only supervisors write supervision notes."]
