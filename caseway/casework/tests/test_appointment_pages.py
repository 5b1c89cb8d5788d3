"""The appointment pages of a case: list, book, move, cancel, came / did not come."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from caseway.casework.models import Appointment, SupportPayment
from caseway.casework.tests.appointment_helpers import HOME, NAME_GIVEN, a_client_case, an_appointment, started
from caseway.referrals.tests.pages import assert_refused

pytestmark = pytest.mark.django_db


def test_it_refuses_others(client, personas, login_as):
    case = a_client_case(personas)
    appointment = an_appointment(personas, case=case)
    for url in (
        reverse("casework:appointments", args=[case.pk]),
        reverse("casework:appointment_book", args=[case.pk]),
        reverse("casework:appointment_reschedule", args=[appointment.pk]),
        reverse("casework:appointment_cancel", args=[appointment.pk]),
    ):
        assert_refused(client, login_as, personas, url)


def test_it_lists_appointments_with_missed_ones_by_code(personas, login_as):
    case = a_client_case(personas)
    an_appointment(personas, case=case, place=HOME)

    html = login_as(personas.caseworker_a).get(reverse("casework:appointments", args=[case.pk])).content.decode()

    assert case.client.code in html and NAME_GIVEN not in html
    assert "Missed appointments: 0" in html
    assert "Olive Lane" in html  # the caseworker may see the client's contact details here


def test_it_books_on_the_sites_clock_and_shows_errors_in_place(personas, login_as):
    case = a_client_case(personas)
    client = login_as(personas.caseworker_a)
    url = reverse("casework:appointment_book", args=[case.pk])
    day = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    data = {
        "kind": "medical",
        "day": day,
        "starts": "10:00",
        "ends": "11:00",
        "staff": personas.caseworker_a.pk,
        "mode": "in_person",
        "childcare_needed": "on",
        "transport_needed": "on",
        "transport_support": "stipend",
        "transport_amount": "3",
    }

    bad = client.post(url, {**data, "ends": "09:00"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "The appointment must end after it starts." in html and "Give the currency of the amount." in html

    response = client.post(url, {**data, "transport_currency": "USD"})
    assert response.status_code == 302
    appointment = Appointment.objects.get(case=case)
    assert timezone.localtime(appointment.starts_at).hour == 10 and appointment.childcare_needed


def test_it_moves_and_cancels(personas, login_as):
    appointment = an_appointment(personas)
    client = login_as(personas.caseworker_a)
    day = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()

    response = client.post(
        reverse("casework:appointment_reschedule", args=[appointment.pk]),
        {"day": day, "starts": "14:00", "ends": "15:00", "staff": personas.caseworker_a.pk},
    )
    assert response.status_code == 302
    new = Appointment.objects.get(rescheduled_from=appointment)

    client.post(reverse("casework:appointment_cancel", args=[new.pk]), {"reason": "client_unwell"})
    new.refresh_from_db()
    assert new.status == Appointment.Status.CANCELLED
    moved_again = client.get(reverse("casework:appointment_reschedule", args=[new.pk]))
    assert moved_again.status_code == 302


def test_it_records_came_with_the_stipend_and_did_not_come(personas, login_as):
    came = started(
        an_appointment(
            personas, transport_needed=True, transport_support="stipend", transport_amount="2", transport_currency="USD"
        )
    )
    missed = started(an_appointment(personas, case=came.case))
    client = login_as(personas.caseworker_a)

    client.post(reverse("casework:appointment_attended", args=[came.pk]), {"transport_given": "on"})
    client.post(reverse("casework:appointment_no_show", args=[missed.pk]))

    came.refresh_from_db()
    missed.refresh_from_db()
    assert (came.status, missed.status) == (Appointment.Status.ATTENDED, Appointment.Status.NO_SHOW)
    assert SupportPayment.objects.get().appointment == came
    html = client.get(reverse("casework:appointments", args=[came.case_id])).content.decode()
    assert "Missed appointments: 1" in html


def test_it_refuses_to_record_attendance_before_the_start(personas, login_as):
    appointment = an_appointment(personas)

    response = login_as(personas.caseworker_a).post(
        reverse("casework:appointment_attended", args=[appointment.pk]), follow=True
    )

    assert "once the appointment has started" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.SCHEDULED
