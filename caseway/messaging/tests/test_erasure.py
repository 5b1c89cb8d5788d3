"""Erasure: a client erased completely loses every outbox row addressed to them; a case erased alone
loses the rows about its appointments; nothing pending survives to be sent."""

import pytest

from caseway.casework.tests.test_erasure import erase
from caseway.clients.erasure import Outcome
from caseway.clients.models import Case, ConsentPurpose
from caseway.clients.tests.factories import give_consent
from caseway.messaging import reminders
from caseway.messaging.models import Notification
from caseway.messaging.tests.helpers import a_day, a_reminded_case, an_appointment_on, member

pytestmark = pytest.mark.django_db


def pending_reminder(personas, case):
    appointment = an_appointment_on(personas, case, a_day(2, hour=15))
    reminders.reminders_queue_run(now=a_day(1, hour=19))
    return Notification.objects.get(object_id=appointment.pk, status=Notification.Status.PENDING)


def test_a_client_erased_with_a_stub_has_no_notification_left(personas):
    case = a_reminded_case(personas)
    give_consent(case.client, ConsentPurpose.STATISTICS, recorded_by=member(personas.caseworker_a))
    pending_reminder(personas, case)

    assert erase(personas, case).outcome == Outcome.STUB
    assert not Notification.objects.exists()
    assert reminders.notifications_send_run(now=a_day(2, hour=10)).due == 0


def test_a_client_erased_without_a_stub_has_no_notification_left(personas):
    case = a_reminded_case(personas)
    pending_reminder(personas, case)
    assert erase(personas, case).outcome == Outcome.DELETED
    assert not Notification.objects.exists()


def test_a_case_erased_alone_takes_the_reminders_of_its_appointments_only(personas):
    case = a_reminded_case(personas)
    pending_reminder(personas, case)
    Case.objects.create(organization=personas.org_b, client=case.client, origin=Case.Origin.REFERRAL)
    other = a_reminded_case(personas)
    kept = pending_reminder(personas, other)

    assert erase(personas, case).outcome == Outcome.CASE_ONLY
    assert list(Notification.objects.values_list("pk", flat=True)) == [kept.pk]
