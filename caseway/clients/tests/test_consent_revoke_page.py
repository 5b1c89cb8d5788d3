"""Withdrawing an agreement: one confirmation, effective at once; and who may reach the pages."""

import pytest
from django.urls import reverse

from caseway.accounts.tests.helpers import audit_events
from caseway.clients import consent
from caseway.clients.models import Consent, ConsentPurpose
from caseway.clients.tests.consent_pages_helpers import WRONG_ROLES, answer_data, list_url, new_url, revoke_url
from caseway.clients.tests.factories import a_case, give_consent
from caseway.orgs.tests.helpers import assert_not_found, assert_sent_to_sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_a(personas):
    return personas.caseworker_a.memberships.get()


@pytest.fixture
def case(member_a):
    return a_case(member_a)


def test_it_sends_anonymous_visitors_to_sign_in(client, personas, case):
    answer = Consent.objects.get()
    for path in (list_url(case), new_url(case), revoke_url(answer)):
        assert_sent_to_sign_in(client.get(path), path)


def test_it_answers_404_to_another_organization(client, personas, login_as, case):
    answer = Consent.objects.get()
    login_as(personas.supervisor_b)

    assert_not_found(client.get(list_url(case)))
    assert_not_found(client.get(new_url(case, "statistics")))
    assert_not_found(client.post(new_url(case, "statistics"), answer_data("statistics")))
    assert_not_found(client.post(revoke_url(answer)))
    answer.refresh_from_db()
    assert answer.revoked_at is None
    assert Consent.objects.count() == 1


@pytest.mark.parametrize("persona", WRONG_ROLES)
def test_it_refuses_roles_that_do_not_work_with_clients(client, personas, login_as, case, persona):
    answer = Consent.objects.get()
    login_as(getattr(personas, persona))

    assert client.get(list_url(case)).status_code == 403
    assert client.post(new_url(case, "statistics"), answer_data("statistics")).status_code == 403
    assert client.post(revoke_url(answer)).status_code == 403
    assert Consent.objects.count() == 1


def test_it_answers_404_for_a_consent_of_another_client(client, personas, login_as, member_a, case):
    other = a_case(member_a)
    answer = Consent.objects.get(client=other.client)
    login_as(personas.caseworker_a)

    path = reverse("clients:consent_revoke", kwargs={"client_pk": case.client_id, "pk": answer.pk})
    assert_not_found(client.get(path))


def test_it_asks_once_then_withdraws_at_once(client, personas, login_as, member_a, case):
    answer = give_consent(case.client, ConsentPurpose.REFERRAL, recorded_by=member_a, recipient=personas.org_b)
    login_as(personas.caseworker_a)

    confirmation = client.get(revoke_url(answer))
    response = client.post(revoke_url(answer), {"note": "client asked"})

    assert "Withdraw now" in confirmation.content.decode()
    assert response.status_code == 302
    assert not consent.allows(case.client, ConsentPurpose.REFERRAL, personas.org_b)
    answer.refresh_from_db()
    assert answer.revocation_note == "client asked"


def test_withdrawing_twice_changes_nothing(client, personas, login_as, member_a, case):
    answer = give_consent(case.client, ConsentPurpose.REFERRAL, recorded_by=member_a, recipient=personas.org_b)
    login_as(personas.caseworker_a)
    client.post(revoke_url(answer))
    answer.refresh_from_db()

    again = client.post(revoke_url(answer))

    assert again.status_code == 200
    assert "already withdrawn" in again.content.decode()
    assert audit_events("clients.consent_revoked").count() == 1


def test_a_refusal_cannot_be_withdrawn_on_the_page(client, personas, login_as, member_a, case):
    refusal = give_consent(case.client, ConsentPurpose.STATISTICS, recorded_by=member_a, granted=False)
    login_as(personas.caseworker_a)

    response = client.post(revoke_url(refusal))

    assert "A refusal cannot be withdrawn" in response.content.decode()
