"""An organization erases its own case (clients.erasure, case only): the referrals outlive it.

The referral is the other organization's record too, so it is settled, not deleted with the
case: the sender's drafts go, what the receiver has not taken on is withdrawn, the sender's pages
no longer list it; a receiver that erases its case closes what was in progress there.
"""

import pytest

from caseway.audit.models import AuditEvent
from caseway.clients.erasure import client_erase
from caseway.clients.models import Case, DataCategory
from caseway.referrals import access, escalation, services
from caseway.referrals.models import Referral, ReferralAlert, Status, UnsuccessfulReason
from caseway.referrals.tests.box_helpers import HOUR, due_in, inbox_url, outbox_url
from caseway.referrals.tests.helpers import a_draft, a_referral, member

pytestmark = pytest.mark.django_db


def erase_case(organization, case):
    outcome = client_erase(actor=None, organization_id=organization.pk, client_id=case.client_id, reason="test")
    assert str(outcome.outcome) == "case_only"


def ids(response):
    return [str(row["url"]).rstrip("/").rsplit("/", 1)[-1] for row in response.context["rows"]]


def test_the_receiver_keeps_a_referral_in_service_when_the_sender_erases_its_case(personas, login_as):
    referral = a_referral(personas, Status.IN_SERVICE)
    sender_case = referral.from_case

    erase_case(personas.org_a, sender_case)

    referral.refresh_from_db()
    assert (referral.status, referral.from_case_id, referral.to_case_id is not None) == (Status.IN_SERVICE, None, True)
    receiver = login_as(personas.caseworker_b)
    assert str(referral.pk) in ids(receiver.get(inbox_url()))
    assert receiver.get(f"/referrals/{referral.pk}/").status_code == 200
    completed = services.referral_complete(
        actor=personas.caseworker_b,
        membership=member(personas.caseworker_b),
        referral=referral,
        outcome="service_provided",
    )
    assert completed.status == Status.COMPLETED


def test_the_sender_sees_nothing_of_it_any_more(personas, login_as):
    referral = a_referral(personas, Status.ACCEPTED)

    erase_case(personas.org_a, referral.from_case)

    for user in (personas.caseworker_a, personas.supervisor_a):
        assert not access.visible_referrals(member(user)).filter(pk=referral.pk).exists()
        assert not access.outbox_referrals(member(user)).filter(pk=referral.pk).exists()
        sender = login_as(user)
        assert sender.get(f"/referrals/{referral.pk}/").status_code == 404
        assert ids(sender.get(outbox_url())) == []


def test_it_withdraws_what_the_receiver_has_not_taken_on_and_deletes_drafts(personas):
    in_service = a_referral(personas, Status.IN_SERVICE)
    case = in_service.from_case
    waiting = due_in(a_referral(personas, Status.SENT, case=case), -3 * HOUR)
    escalation.escalations_run(now=waiting.due_at + HOUR)
    assert ReferralAlert.objects.filter(referral=waiting, resolved_at__isnull=True).exists()
    draft = a_draft(personas, case=case)

    erase_case(personas.org_a, case)

    waiting.refresh_from_db()
    assert waiting.status == Status.WITHDRAWN
    assert waiting.events.last().code == "sender_case_erased"
    assert not ReferralAlert.objects.filter(referral=waiting, resolved_at__isnull=True).exists()
    assert not Referral.objects.filter(pk=draft.pk).exists()
    assert Referral.objects.filter(pk=in_service.pk, status=Status.IN_SERVICE).exists()


def test_a_receiver_that_erases_its_case_closes_the_referral_for_the_sender(personas, login_as):
    referral = a_referral(personas, Status.IN_SERVICE)
    receiver_case = referral.to_case

    erase_case(personas.org_b, receiver_case)

    referral.refresh_from_db()
    assert (referral.status, referral.to_case_id) == (Status.CLOSED_UNSUCCESSFUL, None)
    assert referral.unsuccessful_reason == UnsuccessfulReason.FILE_CLOSED
    assert referral.events.last().code == "receiver_case_erased"
    audited = AuditEvent.objects.filter(action="referrals.referral_closed_unsuccessful").latest("pk")
    assert audited.organization_id == personas.org_b.pk
    page = login_as(personas.caseworker_a).get(f"/referrals/{referral.pk}/").content.decode()
    assert "The receiving organization closed its file" in page


def test_a_sensitive_referral_stays_sensitive_for_the_receiver_after_the_sender_erased(personas):
    referral = a_referral(personas, Status.ACCEPTED, categories=[DataCategory.IDENTITY, DataCategory.NEEDS])
    Case.objects.filter(pk=referral.from_case_id).update(sensitivity=Case.Sensitivity.SENSITIVE)
    Case.objects.filter(pk=referral.to_case_id).update(sensitivity=Case.Sensitivity.SENSITIVE)

    erase_case(personas.org_a, referral.from_case)

    referral = Referral.objects.select_related("to_case").get(pk=referral.pk)
    assert DataCategory.IDENTITY in access.package_categories(member(personas.caseworker_b), referral)
    assert DataCategory.IDENTITY not in access.package_categories(member(personas.legal_officer_b), referral)
