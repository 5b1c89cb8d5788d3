"""The invariants the casework tables hold themselves, whatever the caller."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from caseway.casework.models import Appointment, CaseNote, ClosureRequest
from caseway.clients.tests.factories import a_case

pytestmark = pytest.mark.django_db


def a_client_case(personas):
    return a_case(personas.caseworker_a.memberships.get())


def test_it_refuses_a_supervision_note_readable_by_more_than_supervisors(personas):
    case = a_client_case(personas)

    with pytest.raises(IntegrityError), transaction.atomic():
        CaseNote.objects.create(
            case=case,
            data_key_id=case.client.data_key_id,
            kind=CaseNote.Kind.SUPERVISION,
            confidentiality=CaseNote.Confidentiality.CASE_TEAM,
            text="Discussed the plan.",
        )
    note = CaseNote.objects.create(
        case=case,
        data_key_id=case.client.data_key_id,
        kind=CaseNote.Kind.SUPERVISION,
        confidentiality=CaseNote.Confidentiality.SUPERVISORS,
        text="Discussed the plan.",
    )
    assert CaseNote.objects.get(pk=note.pk).text == "Discussed the plan."


def test_it_refuses_an_appointment_that_ends_before_it_starts(personas):
    case = a_client_case(personas)
    start = timezone.now()

    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            case=case, data_key_id=case.client.data_key_id, kind="casework", starts_at=start, ends_at=start
        )
    Appointment.objects.create(
        case=case,
        data_key_id=case.client.data_key_id,
        kind="casework",
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=45),
    )


def test_it_allows_one_pending_closure_request_per_case(personas):
    case = a_client_case(personas)
    ClosureRequest.objects.create(case=case, data_key_id=case.client.data_key_id, reason="goals_met")

    with pytest.raises(IntegrityError), transaction.atomic():
        ClosureRequest.objects.create(case=case, data_key_id=case.client.data_key_id, reason="moved")
    ClosureRequest.objects.filter(case=case).update(status=ClosureRequest.Status.RETURNED)
    ClosureRequest.objects.create(case=case, data_key_id=case.client.data_key_id, reason="moved")
