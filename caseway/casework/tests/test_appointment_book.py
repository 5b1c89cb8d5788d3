"""appointment_book: what an appointment holds, the checks and their messages, audit and encryption."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.casework import appointment_services
from caseway.casework.models import Appointment
from caseway.casework.tests.appointment_helpers import HOME, a_client_case, an_appointment, member
from caseway.clients.models import CaseStatus

pytestmark = pytest.mark.django_db


def test_it_books_with_childcare_and_transport(personas):
    appointment = an_appointment(
        personas,
        kind=Appointment.Kind.COUNSELLING,
        mode=Appointment.Mode.IN_PERSON,
        place=HOME,
        interpreter_language="ar",
        staff=personas.supervisor_a,
        childcare_needed=True,
        childcare_provided=True,
        childcare_where="Centre playroom",
        transport_needed=True,
        transport_support="stipend",
        transport_amount="5.50",
        transport_currency="usd",
    )

    appointment = Appointment.objects.get(pk=appointment.pk)
    assert appointment.status == Appointment.Status.SCHEDULED
    assert appointment.place == HOME and appointment.childcare_where == "Centre playroom"
    assert appointment.staff == personas.supervisor_a
    assert str(appointment.transport_amount) == "5.50" and appointment.transport_currency == "USD"
    assert appointment.data_key_id == appointment.case.client.data_key_id


def test_it_keeps_the_place_encrypted(personas):
    appointment = an_appointment(personas, place=HOME)

    with connection.cursor() as cursor:
        cursor.execute("SELECT place FROM casework_appointment WHERE id = %s", [appointment.pk.hex])
        row = cursor.fetchone() or ()
    if not row:  # PostgreSQL keeps uuids as uuids
        with connection.cursor() as cursor:
            cursor.execute("SELECT place FROM casework_appointment WHERE id = %s", [str(appointment.pk)])
            row = cursor.fetchone()
    assert "Olive" not in str(row[0])


def test_it_audits_field_names_never_values(personas):
    appointment = an_appointment(personas, place=HOME, interpreter_language="ar")

    event = AuditEvent.objects.get(action="casework.appointment_booked", target_id=str(appointment.pk))
    assert {"place", "interpreter_language", "starts_at", "staff"} <= set(event.fields)
    assert "Olive" not in str(event.fields) and "ar" not in event.fields


def test_it_books_with_the_actor_by_default(personas):
    assert an_appointment(personas).staff == personas.caseworker_a


def test_it_reads_a_naive_time_on_the_sites_clock(personas, settings):
    settings.TIME_ZONE = "Europe/Paris"
    with timezone.override(zoneinfo.ZoneInfo("Europe/Paris")):
        appointment = an_appointment(personas, starts_at=datetime.datetime(2026, 7, 1, 10, 0))

    assert appointment.starts_at == datetime.datetime(2026, 7, 1, 8, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"minutes": 0}, "ends_at", "The appointment must end after it starts."),
        ({"minutes": -30}, "ends_at", "The appointment must end after it starts."),
        ({"minutes": 13 * 60}, "ends_at", "An appointment lasts at most 12 hours."),
        ({"kind": "party"}, "kind", "Choose what kind of appointment this is."),
        ({"mode": "pigeon"}, "mode", "Choose how the appointment takes place."),
        ({"childcare_provided": True}, "childcare_provided", "Childcare is provided only where it is needed"),
        ({"childcare_needed": True, "childcare_where": "x"}, "childcare_where", "only when it is provided"),
        ({"transport_support": "stipend"}, "transport_support", "only where transport is needed"),
        (
            {"transport_needed": True, "transport_support": "stipend", "transport_amount": "5"},
            "transport_currency",
            "Give the currency of the amount.",
        ),
        (
            {"transport_needed": True, "transport_support": "voucher", "transport_currency": "USD"},
            "transport_amount",
            "Give the amount.",
        ),
        (
            {
                "transport_needed": True,
                "transport_support": "voucher",
                "transport_amount": "0",
                "transport_currency": "USD",
            },
            "transport_amount",
            "The amount must be more than zero.",
        ),
        (
            {
                "transport_needed": True,
                "transport_support": "stipend",
                "transport_amount": "3",
                "transport_currency": "US",
            },
            "transport_currency",
            "three-letter ISO 4217",
        ),
        ({"transport_needed": True, "transport_amount": "3"}, "transport_amount", "goes with a stipend or a voucher"),
        ({"transport_currency": "USD"}, "transport_currency", "A currency goes with an amount."),
    ],
)
def test_it_refuses_what_does_not_hold_together(personas, values, field, message):
    with pytest.raises(ValidationError) as caught:
        an_appointment(personas, **values)

    assert field in caught.value.message_dict
    assert message in " ".join(caught.value.message_dict[field])


def test_it_refuses_staff_of_another_organization_or_without_personal_data(personas):
    for staff in (personas.caseworker_b, personas.admin_a):
        with pytest.raises(ValidationError) as caught:
            an_appointment(personas, staff=staff)
        assert caught.value.message_dict["staff"] == [
            "The appointment is with a staff member of the case's organization."
        ]


def test_it_refuses_a_closed_case(personas):
    case = a_client_case(personas)
    case.status = CaseStatus.CLOSED
    case.save(update_fields=["status"])

    with pytest.raises(ValidationError) as caught:
        an_appointment(personas, case=case)
    assert "case" in caught.value.message_dict


def test_it_answers_404_for_another_organizations_case(personas):
    case = a_client_case(personas)

    with pytest.raises(Http404):
        an_appointment(personas, case=case, user=personas.caseworker_b)


def test_it_refuses_roles_without_personal_data(personas):
    case = a_client_case(personas)
    start = timezone.now()
    with pytest.raises(PermissionDenied):
        appointment_services.appointment_book(
            actor=personas.admin_a,
            membership=member(personas.admin_a),
            case=case,
            kind="casework",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
        )
