"""The appointment and payment API: same services, 404 for what the caller may not see, 409 for moves."""

import datetime

import pytest
from django.utils import timezone

from caseway.api.tests.helpers import create_token
from caseway.casework.models import Appointment, SupportPayment
from caseway.casework.tests.appointment_helpers import HOME, a_client_case, a_payment, an_appointment, started

pytestmark = pytest.mark.django_db


def bearer(user):
    _token, secret = create_token(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def when(days=2):
    start = timezone.now() + datetime.timedelta(days=days)
    return {"starts_at": start.isoformat(), "ends_at": (start + datetime.timedelta(hours=1)).isoformat()}


def test_it_books_and_lists_a_cases_appointments(client, personas):
    case = a_client_case(personas)
    headers = bearer(personas.caseworker_a)
    url = f"/api/v1/cases/{case.pk}/appointments/"

    created = client.post(url, {"kind": "legal", "place": HOME, **when()}, content_type="application/json", **headers)
    listed = client.get(url, **headers)

    assert created.status_code == 201, created.content
    assert created.json()["client_code"] == case.client.code and created.json()["place"] == HOME
    assert [row["id"] for row in listed.json()] == [created.json()["id"]]


def test_it_names_the_refused_fields(client, personas):
    case = a_client_case(personas)
    times = when()
    body = {"kind": "legal", **times, "ends_at": times["starts_at"]}

    response = client.post(
        f"/api/v1/cases/{case.pk}/appointments/", body, content_type="application/json", **bearer(personas.caseworker_a)
    )

    assert response.status_code == 400
    assert response.json()["ends_at"] == ["The appointment must end after it starts."]


def test_it_answers_404_to_another_organization(client, personas):
    appointment = an_appointment(personas)
    headers = bearer(personas.caseworker_b)

    assert client.get(f"/api/v1/cases/{appointment.case_id}/appointments/", **headers).status_code == 404
    assert client.get(f"/api/v1/cases/{appointment.case_id}/payments/", **headers).status_code == 404
    cancel = client.post(
        f"/api/v1/appointments/{appointment.pk}/cancel/",
        {"reason": "other"},
        content_type="application/json",
        **headers,
    )
    assert cancel.status_code == 404


def test_it_moves_cancels_and_answers_409_when_it_cannot(client, personas):
    appointment = an_appointment(personas)
    headers = bearer(personas.caseworker_a)

    moved = client.post(
        f"/api/v1/appointments/{appointment.pk}/reschedule/", when(4), content_type="application/json", **headers
    )
    assert moved.status_code == 200 and moved.json()["rescheduled_from"] == str(appointment.pk)
    again = client.post(
        f"/api/v1/appointments/{appointment.pk}/cancel/",
        {"reason": "other"},
        content_type="application/json",
        **headers,
    )
    assert again.status_code == 409
    early = client.post(f"/api/v1/appointments/{moved.json()['id']}/no-show/", **headers)
    assert early.status_code == 409


def test_it_records_attendance_with_the_stipend(client, personas):
    appointment = started(
        an_appointment(
            personas, transport_needed=True, transport_support="stipend", transport_amount="6", transport_currency="USD"
        )
    )

    response = client.post(
        f"/api/v1/appointments/{appointment.pk}/attended/",
        {},
        content_type="application/json",
        **bearer(personas.caseworker_a),
    )

    assert response.status_code == 200 and response.json()["status"] == Appointment.Status.ATTENDED
    assert SupportPayment.objects.get().appointment_id == appointment.pk


def test_it_records_and_lists_payments_with_totals(client, personas):
    case = a_client_case(personas)
    a_payment(personas, case=case, amount="4", currency="USD")
    headers = bearer(personas.caseworker_a)
    url = f"/api/v1/cases/{case.pk}/payments/"

    created = client.post(
        url,
        {
            "kind": "microgrant",
            "amount": "150.00",
            "currency": "USD",
            "method": "bank_transfer",
            "paid_on": str(timezone.localdate()),
        },
        content_type="application/json",
        **headers,
    )
    refused = client.post(
        url,
        {
            "kind": "microgrant",
            "amount": "-1",
            "currency": "USD",
            "method": "cash",
            "paid_on": str(timezone.localdate()),
        },
        content_type="application/json",
        **headers,
    )
    listed = client.get(url, **headers).json()

    assert created.status_code == 201 and refused.status_code == 400
    assert refused.json()["amount"] == ["The amount must be more than zero."]
    assert listed["totals"] == [{"currency": "USD", "total": "154.00", "count": 2}]
