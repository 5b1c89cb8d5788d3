"""The receiver's forms: decline (coded reason, note, another service), service completed
(outcome and note, telling whether the sender will read it), closed without success."""

import pytest
from django.urls import reverse

from caseway.clients.models import ConsentPurpose, DataCategory
from caseway.clients.tests.factories import give_consent
from caseway.directory.tests.factories import ServiceFactory
from caseway.referrals.models import Referral, Status
from caseway.referrals.tests.helpers import a_referral, member
from caseway.referrals.tests.pages import assert_refused

pytestmark = pytest.mark.django_db


def url(name, referral):
    return reverse(f"referrals:{name}", args=[referral.pk])


def test_it_declines_with_a_reason_and_a_suggestion(personas, login_as):
    referred_to = ServiceFactory(organization=personas.org_b)
    alternative = ServiceFactory(organization=personas.org_b, name="Night shelter")
    referral = a_referral(personas, Status.VIEWED, to_service=referred_to)
    client = login_as(personas.caseworker_b)

    form = client.get(url("decline", referral)).content.decode()
    response = client.post(
        url("decline", referral), {"reason": "no_capacity", "note": "", "alternative_service": alternative.pk}
    )

    assert "Night shelter" in form
    assert response.status_code == 302
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.status, stored.decline_reason, stored.alternative_service) == (
        Status.DECLINED,
        "no_capacity",
        alternative,
    )
    sender_view = login_as(personas.caseworker_a).get(url("detail", referral)).content.decode()
    assert "No capacity" in sender_view
    assert "Night shelter" in sender_view


def test_it_asks_for_a_note_with_another_reason(personas, login_as):
    referral = a_referral(personas, Status.SENT)

    response = login_as(personas.caseworker_b).post(url("decline", referral), {"reason": "other", "note": ""})

    assert response.status_code == 400
    assert "Say why, without names or details of the client." in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == Status.SENT


def test_it_completes_with_an_outcome(personas, login_as):
    referral = a_referral(personas, Status.IN_SERVICE)
    client = login_as(personas.caseworker_b)

    form = client.get(url("complete", referral)).content.decode()
    response = client.post(
        url("complete", referral), {"outcome": "referred_on", "outcome_note": "Sent on to a clinic."}
    )

    assert "your note stays with your organization" in form
    assert response.status_code == 302
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.status, stored.outcome, stored.outcome_note) == (
        Status.COMPLETED,
        "referred_on",
        "Sent on to a clinic.",
    )


def test_it_tells_the_receiver_when_the_sender_will_read_the_note(personas, login_as):
    referral = a_referral(personas, Status.IN_SERVICE)
    give_consent(
        referral.client,
        ConsentPurpose.SHARING,
        recorded_by=member(personas.caseworker_b),
        recipient=personas.org_a,
        categories=[DataCategory.NEEDS],
    )

    form = login_as(personas.caseworker_b).get(url("complete", referral)).content.decode()

    assert "they also read your note" in form


def test_it_closes_without_success(personas, login_as):
    referral = a_referral(personas, Status.ACCEPTED)

    response = login_as(personas.caseworker_b).post(url("close_unsuccessful", referral), {"reason": "client_moved"})

    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).status == Status.CLOSED_UNSUCCESSFUL


@pytest.mark.parametrize(
    ("name", "status"),
    [("decline", Status.ACCEPTED), ("complete", Status.ACCEPTED), ("close_unsuccessful", Status.COMPLETED)],
)
def test_it_sends_back_to_the_referral_when_the_move_is_not_allowed_now(personas, login_as, name, status):
    referral = a_referral(personas, status)

    response = login_as(personas.caseworker_b).get(url(name, referral))

    assert response.status_code == 302
    assert response["Location"] == url("detail", referral)


def test_it_keeps_the_senders_staff_out_of_the_receivers_forms(personas, login_as):
    referral = a_referral(personas, Status.VIEWED)

    response = login_as(personas.caseworker_a).post(url("decline", referral), {"reason": "no_capacity"})

    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).status == Status.VIEWED


@pytest.mark.parametrize(
    ("name", "status"),
    [("decline", Status.SENT), ("complete", Status.IN_SERVICE), ("close_unsuccessful", Status.ACCEPTED)],
)
def test_it_refuses_anonymous_visitors_other_organizations_and_roles_without_personal_data(
    client, personas, login_as, name, status
):
    referral = a_referral(personas, status)

    assert_refused(client, login_as, personas, url(name, referral))
    assert_refused(client, login_as, personas, url(name, referral), "post", {"reason": "other", "outcome": "x"})
    assert Referral.objects.get(pk=referral.pk).status == status
