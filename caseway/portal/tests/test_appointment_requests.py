import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caseway.casework.tests.appointment_helpers import an_appointment
from caseway.clients.models import CaseAlert
from caseway.portal.models import AppointmentRequest
from caseway.portal.tests.helpers import a_portal_case, an_account, sign_in

pytestmark = pytest.mark.django_db
PLACE = "Room 2, Cedar Street centre"  # fictional


def _signed_in(personas, case=None):
    account = an_account(personas, case)
    portal = Client()
    sign_in(portal, account)
    return account, portal


def test_the_client_sees_their_coming_appointments_and_nobody_elses(personas):
    account, portal = _signed_in(personas)
    mine = an_appointment(personas, case=account.case, place=PLACE, childcare_needed=True)
    other_case = a_portal_case(personas, given_name="Other", family_name="Client")
    an_appointment(personas, case=other_case, place="Somewhere else entirely")
    page = portal.get(reverse("portal:appointments")).content.decode()
    assert PLACE in page
    assert "Somewhere else entirely" not in page
    assert reverse("portal:appointment_change", args=[mine.pk]) in page


def test_asking_for_an_appointment_gives_the_caseworker_one_task(personas):
    account, portal = _signed_in(personas)
    for _attempt in range(2):
        response = portal.post(
            reverse("portal:appointment_new"),
            {"preferred_times": "Monday morning", "childcare_needed": "on"},
        )
        assert response.status_code == 302 and response["Location"].endswith("?asked=1")
    asked = AppointmentRequest.objects.filter(account=account)
    assert asked.count() == 2
    assert asked.first().preferred_times == "Monday morning" and asked.first().childcare_needed
    task = CaseAlert.objects.get(kind=CaseAlert.Kind.PORTAL_REQUEST)
    assert task.assigned_to == personas.caseworker_a and task.is_task and task.resolved_at is None


def test_it_asks_when_the_client_can_come_in_plain_words(personas):
    _account, portal = _signed_in(personas)
    response = portal.post(reverse("portal:appointment_new"), {"preferred_times": "  "})
    assert response.status_code == 200
    assert "Say when you can come, for example: Monday morning." in response.content.decode()
    assert not AppointmentRequest.objects.exists()


def test_a_cancellation_needs_no_times_and_is_asked_once(personas):
    account, portal = _signed_in(personas)
    appointment = an_appointment(personas, case=account.case)
    url = reverse("portal:appointment_change", args=[appointment.pk])
    for _attempt in range(2):
        assert portal.post(url, {"kind": "cancel"}).status_code == 302
    asked = AppointmentRequest.objects.get()
    assert (asked.kind, asked.appointment) == ("cancel", appointment)


def test_another_clients_or_a_past_appointment_answers_404(personas):
    account, portal = _signed_in(personas)
    theirs = an_appointment(personas, case=a_portal_case(personas, given_name="Other", family_name="Client"))
    past = an_appointment(personas, case=account.case, starts_at=timezone.now() - datetime.timedelta(days=2))
    for appointment in (theirs, past):
        url = reverse("portal:appointment_change", args=[appointment.pk])
        assert portal.get(url).status_code == 404
        assert portal.post(url, {"kind": "cancel"}).status_code == 404
    assert not AppointmentRequest.objects.exists()


def test_the_case_team_answers_and_the_task_closes(personas, login_as):
    account, portal = _signed_in(personas)
    portal.post(reverse("portal:appointment_new"), {"preferred_times": "Thursday after 2", "transport_needed": "on"})
    asked = AppointmentRequest.objects.get()
    staff = login_as(personas.caseworker_a)
    page = staff.get(reverse("portal_staff:case_portal", args=[account.case.pk])).content.decode()
    assert "Thursday after 2" in page and "Transport" in page
    response = staff.post(reverse("portal_staff:case_portal_request_handled", args=[account.case.pk, asked.pk]))
    assert response.status_code == 302
    asked.refresh_from_db()
    assert (asked.status, asked.handled_by) == ("handled", personas.caseworker_a)
    assert CaseAlert.objects.get(kind=CaseAlert.Kind.PORTAL_REQUEST).resolved_at is not None


def test_another_organization_cannot_answer(personas, login_as):
    account, portal = _signed_in(personas)
    portal.post(reverse("portal:appointment_new"), {"preferred_times": "Any day"})
    asked = AppointmentRequest.objects.get()
    outsider = login_as(personas.caseworker_b)
    url = reverse("portal_staff:case_portal_request_handled", args=[account.case.pk, asked.pk])
    assert outsider.post(url).status_code == 404
    asked.refresh_from_db()
    assert asked.status == "open"
