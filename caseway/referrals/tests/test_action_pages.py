"""The buttons of the referral page: send (with the override for supervisors), accept, service
started, withdraw. Each calls its service, tells the result and comes back to the referral."""

import pytest
from django.urls import reverse

from caseway.clients.models import Case
from caseway.referrals.models import Referral, Status
from caseway.referrals.tests.helpers import a_draft, a_referral, an_agreement, ready_to_send
from caseway.referrals.tests.pages import assert_refused

pytestmark = pytest.mark.django_db

OVERRIDE_REASON = "The client is in hospital and cannot be asked; the clinic must see her today."


def post(client, name, referral, data=None):
    return client.post(reverse(f"referrals:{name}", args=[referral.pk]), data or {})


def status_of(referral):
    return Referral.objects.get(pk=referral.pk).status


def test_it_sends_a_draft(personas, login_as):
    referral = ready_to_send(personas)

    response = post(login_as(personas.caseworker_a), "send", referral)

    assert response.status_code == 302
    assert status_of(referral) == Status.SENT


def test_it_shows_why_a_draft_cannot_be_sent(personas, login_as):
    an_agreement(personas.org_a, personas.org_b)
    referral = a_draft(personas)

    response = post(login_as(personas.caseworker_a), "send", referral)

    assert response.status_code == 400
    assert "The client has not agreed to be referred to Beta Legal Aid" in response.content.decode()
    assert status_of(referral) == Status.DRAFT


def test_it_lets_a_supervisor_send_without_consent_with_a_reason(personas, login_as):
    an_agreement(personas.org_a, personas.org_b)
    referral = a_draft(personas)

    response = post(login_as(personas.supervisor_a), "send", referral, {"override_reason": OVERRIDE_REASON})

    assert response.status_code == 302
    assert status_of(referral) == Status.SENT
    assert Referral.objects.get(pk=referral.pk).consent_override_reason == OVERRIDE_REASON


def test_it_refuses_the_override_to_a_caseworker(personas, login_as):
    an_agreement(personas.org_a, personas.org_b)
    referral = a_draft(personas)

    response = post(login_as(personas.caseworker_a), "send", referral, {"override_reason": OVERRIDE_REASON})

    assert response.status_code == 400
    assert "Only a supervisor may send a referral without the client" in response.content.decode()
    assert status_of(referral) == Status.DRAFT


def test_it_accepts_and_opens_the_case(personas, login_as):
    referral = a_referral(personas, Status.VIEWED)

    response = post(login_as(personas.caseworker_b), "accept", referral)

    assert response.status_code == 302
    assert status_of(referral) == Status.ACCEPTED
    assert Case.objects.filter(organization=personas.org_b, client=referral.client).exists()


def test_it_tells_the_second_person_it_was_already_accepted(personas, login_as):
    referral = a_referral(personas, Status.ACCEPTED)
    client = login_as(personas.supervisor_b)

    response = client.post(reverse("referrals:accept", args=[referral.pk]), follow=True)

    assert "This referral was already accepted by caseworker.b@example.org." in response.content.decode()


def test_it_marks_the_service_started_and_lets_the_sender_withdraw(personas, login_as):
    started = a_referral(personas, Status.ACCEPTED)
    withdrawn = a_referral(personas, Status.SENT)

    assert post(login_as(personas.caseworker_b), "start_service", started).status_code == 302
    assert post(login_as(personas.caseworker_a), "withdraw", withdrawn).status_code == 302

    assert (status_of(started), status_of(withdrawn)) == (Status.IN_SERVICE, Status.WITHDRAWN)


def test_it_refuses_a_move_of_the_other_side_with_a_message(personas, login_as):
    referral = a_referral(personas, Status.SENT)

    response = login_as(personas.caseworker_a).post(reverse("referrals:accept", args=[referral.pk]), follow=True)

    assert "Only the other organization can make this change." in response.content.decode()
    assert status_of(referral) == Status.SENT


@pytest.mark.parametrize(
    ("name", "status"),
    [("send", Status.DRAFT), ("accept", Status.SENT), ("start_service", Status.ACCEPTED), ("withdraw", Status.SENT)],
)
def test_it_refuses_anonymous_visitors_other_organizations_and_roles_without_personal_data(
    client, personas, login_as, name, status
):
    referral = a_referral(personas, status)

    assert_refused(client, login_as, personas, reverse(f"referrals:{name}", args=[referral.pk]), "post")
    assert status_of(referral) == status


def test_it_answers_only_to_post(personas, login_as):
    referral = a_referral(personas, Status.SENT)

    assert login_as(personas.caseworker_b).get(reverse("referrals:accept", args=[referral.pk])).status_code == 405
