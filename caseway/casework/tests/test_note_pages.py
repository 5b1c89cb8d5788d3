"""The note pages: write, list (no text), read (audited), correct; supervision notes for supervisors only."""

import pytest
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.casework.models import CaseNote
from caseway.casework.tests.case_helpers import WRONG_ROLES, a_note, a_supervision_note, our_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return our_case(personas)


def url(name, case, **kwargs):
    return reverse(f"casework:{name}", kwargs={"case_pk": case.pk, **kwargs})


def test_it_writes_a_note_and_shows_it_on_its_page(personas, login_as, case):
    client = login_as(personas.caseworker_a)

    response = client.post(
        url("note_new", case), {"kind": "home_visit", "confidentiality": "assigned", "text": "The roof leaks."}
    )

    note = CaseNote.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == url("note_detail", case, note_pk=note.pk)
    assert "The roof leaks." in client.get(response["Location"]).content.decode()
    assert AuditEvent.objects.filter(action="casework.note_read", target_id=str(note.pk)).count() == 1


def test_it_does_not_offer_a_caseworker_supervision_or_supervisors_only(personas, login_as, case):
    form = login_as(personas.caseworker_a).get(url("note_new", case)).context["form"]

    assert "supervision" not in dict(form.fields["kind"].choices)
    assert "supervisors" not in dict(form.fields["confidentiality"].choices)
    assert "Only supervisors write supervision notes" in form.fields["confidentiality"].help_text


def test_it_refuses_a_posted_supervision_note_from_a_caseworker(personas, login_as, case):
    response = login_as(personas.caseworker_a).post(
        url("note_new", case), {"kind": "supervision", "confidentiality": "supervisors", "text": "Sneaky."}
    )

    assert response.status_code == 400
    assert not CaseNote.objects.exists()


def test_a_caseworker_cannot_read_a_supervision_note_anywhere(personas, login_as, case):
    note = a_supervision_note(personas, case, text="Caseworker seems tired.")
    client = login_as(personas.caseworker_a)

    assert client.get(url("note_detail", case, note_pk=note.pk)).status_code == 404
    assert client.get(url("note_correct", case, note_pk=note.pk)).status_code == 404
    assert "Supervision" not in client.get(url("note_list", case)).content.decode()
    supervisor = login_as(personas.supervisor_a)
    assert "Caseworker seems tired." in supervisor.get(url("note_detail", case, note_pk=note.pk)).content.decode()


def test_it_lists_notes_without_their_text_in_a_fixed_number_of_queries(
    personas, login_as, case, django_assert_max_num_queries
):
    a_note(personas, case, text="Private words.")
    client = login_as(personas.caseworker_a)
    response = client.get(url("note_list", case))
    assert "Private words." not in response.content.decode()
    assert "Contact with the client" in response.content.decode()
    with django_assert_max_num_queries(30) as one:
        client.get(url("note_list", case))
    for _round in range(5):
        a_note(personas, case)

    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url("note_list", case))


def test_it_corrects_a_note_keeping_the_original_marked_corrected(personas, login_as, case):
    note = a_note(personas, case, text="Met on Monday.")
    client = login_as(personas.caseworker_a)

    form_page = client.get(url("note_correct", case, note_pk=note.pk))
    assert "Met on Monday." in form_page.content.decode()
    response = client.post(url("note_correct", case, note_pk=note.pk), {"text": "Met on Tuesday."})

    assert response.status_code == 302
    correction = CaseNote.objects.get(corrects=note)
    original_page = client.get(url("note_detail", case, note_pk=note.pk)).content.decode()
    assert "Corrected." in original_page
    assert url("note_detail", case, note_pk=correction.pk) in original_page
    assert "corrected" in client.get(url("note_list", case)).content.decode()
    again = client.post(url("note_correct", case, note_pk=note.pk), {"text": "Wednesday."})
    assert again.status_code == 400


@pytest.mark.parametrize("name", ["note_list", "note_new", "note_detail", "note_correct"])
def test_it_refuses_other_organizations_and_roles_without_personal_data(client, personas, login_as, case, name):
    kwargs = {"note_pk": a_note(personas, case).pk} if name in ("note_detail", "note_correct") else {}
    path = url(name, case, **kwargs)

    client.logout()
    assert client.get(path).status_code == 302
    for other in ("outsider", "caseworker_b", "supervisor_b"):
        assert login_as(getattr(personas, other)).get(path).status_code == 404, other
    for wrong in WRONG_ROLES:
        assert login_as(getattr(personas, wrong)).get(path).status_code == 403, wrong
