"""'You have a new message' notices through the outbox (notices.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from caseway.casework.tests.appointment_helpers import member
from caseway.clients.erasure import case_erasing
from caseway.messaging import notices, reminders, thread_services
from caseway.messaging.models import Notification, Thread
from caseway.messaging.tests.helpers import FAMILY, GIVEN, PHONE, contact
from caseway.portal.models import PortalAccount
from caseway.portal.tests.helpers import a_portal_case, an_account, sign_in

pytestmark = pytest.mark.django_db
Status = Notification.Status
TEXT = "Community services. You have a new message. Log in to read it."


def _client_with_portal(personas, *, methods=("sms",), safe_times="", with_account=True):
    case = a_portal_case(personas, given_name=GIVEN, family_name=FAMILY, phone=PHONE)
    contact(personas, case, methods=methods, safe_times=safe_times)
    if with_account:
        an_account(personas, case)
    return case


def _write(personas, case, body="Your documents are ready."):
    return thread_services.message_to_client(
        actor=personas.caseworker_a, membership=member(personas.caseworker_a), case=case, body=body
    )


def test_it_queues_one_neutral_notice_for_what_the_team_writes(personas):
    case = _client_with_portal(personas)
    _write(personas, case)
    _write(personas, case, body="And one more thing.")
    notice = Notification.objects.get(purpose=notices.PURPOSE)
    assert (notice.status, notice.channel, notice.client_id) == (Status.PENDING, "sms", case.client_id)
    assert notice.text == TEXT
    for value in (GIVEN, FAMILY, case.client.code, personas.org_a.name, personas.org_a.acronym, "documents"):
        assert value.lower() not in notice.text.lower()


def test_no_notice_without_a_portal_account(personas):
    case = _client_with_portal(personas, with_account=False)
    _write(personas, case)
    assert not Notification.objects.exists()


def test_a_client_who_refused_contact_gets_none(personas):
    case = _client_with_portal(personas, methods=("none",))
    _write(personas, case)
    notice = Notification.objects.get()
    assert (notice.status, notice.code, notice.text, notice.destination) == (
        Status.SUPPRESSED,
        reminders.Code.CONTACT_NONE,
        None,
        None,
    )


def test_it_is_sent_in_a_safe_time_then_forgotten(personas):
    case = _client_with_portal(personas)
    _write(personas, case)
    notice = Notification.objects.get()
    run = reminders.notifications_send_run(now=max(notice.not_before, timezone.now()))
    assert run.counts == {Status.SENT: 1}
    notice.refresh_from_db()
    assert (notice.status, notice.destination, notice.text) == (Status.SENT, None, None)
    _write(personas, case, body="Later news.")
    assert Notification.objects.filter(status=Status.PENDING).count() == 1  # a new one, now the first went


def test_it_is_cancelled_when_the_client_read_the_message_first(client, personas):
    case = _client_with_portal(personas)
    _write(personas, case)
    sign_in(client, PortalAccount.objects.get(client=case.client))
    client.get(reverse("portal:messages"))
    notice = Notification.objects.get()
    reminders.notifications_send_run(now=max(notice.not_before, timezone.now()))
    notice.refresh_from_db()
    assert (notice.status, notice.code) == (Status.CANCELLED, notices.ALREADY_READ)


def test_it_gives_up_when_no_safe_time_comes_in_time(personas, settings):
    settings.MESSAGE_NOTICE_HOURS = 48
    case = _client_with_portal(personas)
    _write(personas, case)
    notice = Notification.objects.get()
    reminders.notifications_send_run(now=notice.created_at + datetime.timedelta(hours=48, minutes=1))
    notice.refresh_from_db()
    assert (notice.status, notice.code) == (Status.CANCELLED, reminders.Code.TOO_LATE)


def test_erasing_the_case_takes_its_thread_and_notices(personas):
    case = _client_with_portal(personas)
    _write(personas, case)
    case_erasing.send(
        sender=type(case), case=case, organization_id=case.organization_id, actor=None, now=timezone.now()
    )
    assert not Thread.objects.exists()
    assert not Notification.objects.exists()
