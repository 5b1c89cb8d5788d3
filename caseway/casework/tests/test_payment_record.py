"""payment_record, payment_approve and the totals: amounts, currencies, approvers, audit."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.casework import payment_services
from caseway.casework.tests.appointment_helpers import a_client_case, a_payment, member

pytestmark = pytest.mark.django_db


def test_it_records_a_payment_with_its_budget_line(personas):
    payment = a_payment(personas, amount="12.50", currency="usd", budget_line="BL-2.1")

    assert payment.amount == Decimal("12.50") and payment.currency == "USD" and payment.budget_line == "BL-2.1"
    event = AuditEvent.objects.get(action="casework.payment_recorded")
    assert "amount" in event.fields and "12.50" not in str(event.fields)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"amount": "0"}, "amount", "The amount must be more than zero."),
        ({"amount": "-3"}, "amount", "The amount must be more than zero."),
        ({"amount": "1.005"}, "amount", "at most two decimals"),
        ({"amount": "abc"}, "amount", "as a number"),
        ({"currency": ""}, "currency", "Give the currency of the amount."),
        ({"currency": "DOLLARS"}, "currency", "ISO 4217"),
        ({"kind": "bribe"}, "kind", "Choose what kind of support"),
        ({"method": "cheque"}, "method", "Choose how it was given."),
        ({"paid_on": datetime.date(2999, 1, 1)}, "paid_on", "cannot be in the future"),
        ({"budget_line": "a b;c"}, "budget_line", "code of letters"),
    ],
)
def test_it_refuses_what_is_not_a_payment(personas, values, field, message):
    with pytest.raises(ValidationError) as caught:
        a_payment(personas, **values)
    assert message in " ".join(caught.value.message_dict[field])


def test_it_takes_approval_from_a_supervisor_of_the_organization_only(personas):
    assert a_payment(personas, approved_by=personas.supervisor_a).approved_by == personas.supervisor_a
    for approver in (personas.caseworker_a, personas.supervisor_b, personas.admin_a):
        with pytest.raises(ValidationError) as caught:
            a_payment(personas, approved_by=approver)
        assert caught.value.message_dict["approved_by"] == [
            "Payments are approved by a supervisor of your organization."
        ]


def test_it_refuses_self_approval(personas):
    with pytest.raises(ValidationError) as caught:
        a_payment(personas, user=personas.supervisor_a, approved_by=personas.supervisor_a)
    assert caught.value.message_dict["approved_by"] == ["Someone else approves a payment you recorded."]

    payment = a_payment(personas, user=personas.supervisor_a)
    with pytest.raises(ValidationError):
        payment_services.payment_approve(
            actor=personas.supervisor_a, membership=member(personas.supervisor_a), payment=payment
        )


def test_it_lets_a_supervisor_approve_a_caseworkers_payment_once(personas):
    payment = a_payment(personas)
    supervisor = {"actor": personas.supervisor_a, "membership": member(personas.supervisor_a)}

    payment_services.payment_approve(**supervisor, payment=payment)

    payment.refresh_from_db()
    assert payment.approved_by == personas.supervisor_a
    assert payment.approved_at is not None and payment.approved_at >= payment.recorded_at
    with pytest.raises(ValidationError):
        payment_services.payment_approve(**supervisor, payment=payment)
    with pytest.raises(PermissionDenied):
        payment_services.payment_approve(
            actor=personas.caseworker_a, membership=member(personas.caseworker_a), payment=a_payment(personas)
        )


def test_it_adds_up_per_currency_never_across(personas):
    case = a_client_case(personas)
    a_payment(personas, case=case, amount="10", currency="USD")
    a_payment(personas, case=case, amount="5.25", currency="USD", kind="transport_stipend")
    a_payment(personas, case=case, amount="1000", currency="XOF")

    totals = payment_services.totals_by_currency(case.payments.all())

    assert [(row["currency"], row["total"], row["count"]) for row in totals] == [
        ("USD", Decimal("15.25"), 2),
        ("XOF", Decimal("1000"), 1),
    ]


def test_it_totals_the_organization_by_kind_and_currency_for_a_period(personas):
    today = timezone.localdate()
    a_payment(personas, amount="10", currency="USD")
    a_payment(personas, amount="3", currency="USD", paid_on=today - datetime.timedelta(days=40))
    a_payment(personas, user=personas.caseworker_b, amount="99", currency="USD")  # another organization

    rows = payment_services.organization_totals(
        member(personas.admin_a), start=today - datetime.timedelta(days=7), end=today
    )

    assert [(row["kind"], row["currency"], row["total"]) for row in rows] == [("cash_grant", "USD", Decimal("10"))]
    assert payment_services.organization_totals(member(personas.caseworker_a), start=today, end=today) == []
