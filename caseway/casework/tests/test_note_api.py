"""Notes over the API: no text in lists, audited reads, corrections, supervision notes for supervisors."""

import pytest
from django.urls import reverse

from caseway.api.tests.helpers import bearer, create_token
from caseway.audit.models import AuditEvent
from caseway.casework.models import CaseNote
from caseway.casework.tests.case_helpers import a_note, a_supervision_note, our_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return our_case(personas)


def api(client, user, method, name, data=None, **kwargs):
    _token, secret = create_token(user)
    return getattr(client, method)(
        reverse(f"api:{name}", kwargs=kwargs), data or {}, content_type="application/json", **bearer(secret)
    )


def test_it_writes_lists_without_text_and_reads_with_an_audit(client, personas, case):
    cw = personas.caseworker_a
    created = api(client, cw, "post", "casework_notes", {"kind": "phone", "text": "Called back."}, pk=case.pk)
    assert created.status_code == 201

    listed = api(client, cw, "get", "casework_notes", pk=case.pk).json()["results"]
    assert "text" not in listed[0]
    read = api(client, cw, "get", "casework_note", pk=case.pk, note_pk=created.json()["id"]).json()
    assert read["text"] == "Called back."
    assert AuditEvent.objects.filter(action="casework.note_read").count() == 1


def test_a_caseworker_cannot_read_supervision_notes_over_the_api(client, personas, case):
    note = a_supervision_note(personas, case)

    listed = api(client, personas.caseworker_a, "get", "casework_notes", pk=case.pk).json()["results"]
    detail = api(client, personas.caseworker_a, "get", "casework_note", pk=case.pk, note_pk=note.pk)
    written = api(
        client, personas.caseworker_a, "post", "casework_notes", {"kind": "supervision", "text": "x"}, pk=case.pk
    )

    assert listed == []
    assert detail.status_code == 404
    assert written.status_code == 400
    supervisor = api(client, personas.supervisor_a, "get", "casework_note", pk=case.pk, note_pk=note.pk)
    assert supervisor.status_code == 200


def test_it_corrects_a_note(client, personas, case):
    note = a_note(personas, case, text="Wrong date.")

    response = api(
        client,
        personas.caseworker_a,
        "post",
        "casework_notes",
        {"corrects": str(note.pk), "text": "Right date."},
        pk=case.pk,
    )

    assert response.status_code == 201
    assert response.json()["corrects"] == str(note.pk)
    listed = api(client, personas.caseworker_a, "get", "casework_notes", pk=case.pk).json()["results"]
    assert {item["id"]: item["corrected"] for item in listed}[str(note.pk)] is True
    assert CaseNote.objects.count() == 2


def test_it_answers_404_to_other_organizations_and_403_to_roles_without_personal_data(client, personas, case):
    note = a_note(personas, case)
    for name, kwargs in (("casework_notes", {}), ("casework_note", {"note_pk": note.pk})):
        for other in (personas.caseworker_b, personas.supervisor_b, personas.outsider):
            assert api(client, other, "get", name, pk=case.pk, **kwargs).status_code == 404, name
        assert api(client, personas.admin_a, "get", name, pk=case.pk, **kwargs).status_code == 403, name
