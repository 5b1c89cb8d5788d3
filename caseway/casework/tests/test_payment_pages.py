"""The payment pages: a case's list with totals, record, approve, and the organization's totals."""

import pytest
from django.urls import reverse

from caseway.casework.models import SupportPayment
from caseway.casework.tests.appointment_helpers import NAME_GIVEN, a_client_case, a_payment
from caseway.referrals.tests.pages import assert_refused

pytestmark = pytest.mark.django_db


def test_it_refuses_others(client, personas, login_as):
    case = a_client_case(personas)
    for name in ("payments", "payment_record"):
        assert_refused(client, login_as, personas, reverse(f"casework:{name}", args=[case.pk]))


def test_it_lists_payments_with_totals_per_currency(personas, login_as):
    case = a_client_case(personas)
    a_payment(personas, case=case, amount="10", currency="USD")
    a_payment(personas, case=case, amount="2.50", currency="USD")
    a_payment(personas, case=case, amount="700", currency="XOF")

    response = login_as(personas.caseworker_a).get(reverse("casework:payments", args=[case.pk]))

    html = response.content.decode()
    assert "12.50 USD" in html and "700.00 XOF" in html
    assert case.client.code in html and NAME_GIVEN not in html


def test_it_records_a_payment_and_shows_errors_in_place(personas, login_as):
    case = a_client_case(personas)
    client = login_as(personas.caseworker_a)
    url = reverse("casework:payment_record", args=[case.pk])
    data = {"kind": "cash_grant", "amount": "20", "currency": "usd", "method": "mobile_money", "paid_on": "2026-01-05"}

    bad = client.post(url, {**data, "amount": "0"})
    assert bad.status_code == 400 and "The amount must be more than zero." in bad.content.decode()
    response = client.post(url, {**data, "paid_on": bad.context["form"]["paid_on"].value() or "2026-01-05"})

    assert response.status_code == 302
    assert SupportPayment.objects.get(case=case).currency == "USD"


def test_it_lets_a_supervisor_approve(personas, login_as):
    payment = a_payment(personas)

    response = login_as(personas.supervisor_a).post(reverse("casework:payment_approve", args=[payment.pk]))

    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.approved_by == personas.supervisor_a
    assert (
        login_as(personas.caseworker_a).post(reverse("casework:payment_approve", args=[payment.pk])).status_code == 403
    )


@pytest.mark.parametrize("name", ["supervisor_a", "admin_a"])
def test_it_shows_the_organizations_totals_to_supervisors_and_admins(personas, login_as, name):
    a_payment(personas, amount="10", currency="USD")
    a_payment(personas, amount="7", currency="XOF")

    response = login_as(personas.all()[name]).get(reverse("casework:payment_totals"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "10.00" in html and "XOF" in html


@pytest.mark.parametrize("name", ["caseworker_a", "monitor_a", "donor", "coordinator"])
def test_it_refuses_the_totals_to_others(personas, login_as, name):
    assert login_as(personas.all()[name]).get(reverse("casework:payment_totals")).status_code == 403


def test_it_refuses_a_period_that_ends_before_it_starts(personas, login_as):
    response = login_as(personas.supervisor_a).get(
        reverse("casework:payment_totals"), {"start": "2026-05-01", "end": "2026-04-01"}
    )
    assert response.status_code == 400
