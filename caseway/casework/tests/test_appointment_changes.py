"""Reschedule, cancel, attended and no-show: statuses, the clock, locks, the stipend payment, audit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.casework import appointment_services
from caseway.casework.appointment_services import NotNow
from caseway.casework.models import Appointment, SupportPayment
from caseway.casework.tests.appointment_helpers import a_client_case, an_appointment, member, started

pytestmark = pytest.mark.django_db


def _as(personas, user=None):
    user = user or personas.caseworker_a
    return {"actor": user, "membership": member(user)}


def test_it_reschedules_into_a_new_appointment_keeping_the_old(personas):
    old = an_appointment(personas, place="Centre", childcare_needed=True)
    start = timezone.now() + datetime.timedelta(days=3)

    new = appointment_services.appointment_reschedule(
        **_as(personas), appointment=old, starts_at=start, ends_at=start + datetime.timedelta(minutes=30)
    )

    old.refresh_from_db()
    assert old.status == Appointment.Status.RESCHEDULED
    assert new.rescheduled_from == old and new.status == Appointment.Status.SCHEDULED
    assert new.place == "Centre" and new.childcare_needed and new.starts_at == start
    assert AuditEvent.objects.filter(action="casework.appointment_rescheduled", target_id=str(old.pk)).exists()


def test_it_refuses_to_reschedule_with_the_end_before_the_start(personas):
    old = an_appointment(personas)
    start = timezone.now() + datetime.timedelta(days=3)

    with pytest.raises(ValidationError) as caught:
        appointment_services.appointment_reschedule(
            **_as(personas), appointment=old, starts_at=start, ends_at=start - datetime.timedelta(hours=1)
        )
    assert caught.value.message_dict["ends_at"] == ["The appointment must end after it starts."]
    old.refresh_from_db()
    assert old.status == Appointment.Status.SCHEDULED


def test_it_cancels_with_a_coded_reason_once(personas):
    appointment = an_appointment(personas)

    appointment_services.appointment_cancel(**_as(personas), appointment=appointment, reason="transport")

    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED and appointment.cancel_reason == "transport"
    with pytest.raises(NotNow):
        appointment_services.appointment_cancel(**_as(personas), appointment=appointment, reason="transport")
    with pytest.raises(ValidationError):
        appointment_services.appointment_cancel(**_as(personas), appointment=an_appointment(personas), reason="x")


def test_it_records_attendance_only_once_started(personas):
    appointment = an_appointment(personas)

    with pytest.raises(NotNow) as caught:
        appointment_services.appointment_attended(**_as(personas), appointment=appointment)
    assert "once the appointment has started" in caught.value.messages[0]
    with pytest.raises(NotNow):
        appointment_services.appointment_no_show(**_as(personas), appointment=appointment)

    started(appointment)
    appointment_services.appointment_no_show(**_as(personas), appointment=appointment)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.NO_SHOW


def test_it_records_the_transport_stipend_given_as_a_payment(personas):
    appointment = started(
        an_appointment(
            personas,
            transport_needed=True,
            transport_support="voucher",
            transport_amount="4.00",
            transport_currency="XAF",
            childcare_needed=True,
        )
    )

    appointment_services.appointment_attended(**_as(personas), appointment=appointment, childcare_provided=True)

    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.ATTENDED and appointment.childcare_provided
    payment = SupportPayment.objects.get(appointment=appointment)
    assert (payment.kind, payment.method, str(payment.amount), payment.currency) == (
        "transport_stipend",
        "voucher",
        "4.00",
        "XAF",
    )
    assert payment.case_id == appointment.case_id and payment.approved_by is None


def test_it_records_no_payment_when_the_support_was_not_given(personas):
    appointment = started(
        an_appointment(
            personas,
            transport_needed=True,
            transport_support="stipend",
            transport_amount="4.00",
            transport_currency="USD",
        )
    )

    appointment_services.appointment_attended(**_as(personas), appointment=appointment, transport_given=False)

    assert not SupportPayment.objects.exists()


def test_it_leaves_nothing_half_done_when_the_payment_fails(personas, monkeypatch):
    appointment = started(
        an_appointment(
            personas, transport_needed=True, transport_support="stipend", transport_amount="4", transport_currency="USD"
        )
    )

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(appointment_services.payment_services, "create_payment", broken)
    with pytest.raises(RuntimeError):
        appointment_services.appointment_attended(**_as(personas), appointment=appointment)

    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.SCHEDULED


def test_it_counts_no_shows_per_case(personas):
    case, other = a_client_case(personas), a_client_case(personas)
    for _ in range(2):
        appointment_services.appointment_no_show(
            **_as(personas), appointment=started(an_appointment(personas, case=case))
        )
    an_appointment(personas, case=other)

    assert appointment_services.no_show_counts([case.pk, other.pk]) == {case.pk: 2}
