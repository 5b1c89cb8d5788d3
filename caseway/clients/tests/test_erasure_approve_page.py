"""Approving an erasure: POST only, after re-authentication, by an admin other than the requester."""

import pytest
from django.urls import reverse

from caseway.accounts.tests.helpers import mark_reauthenticated
from caseway.clients import erasure
from caseway.clients.models import Client, ErasureRequest
from caseway.clients.tests.erasure_helpers import identified_case, member, referred_to_b, second_admin
from caseway.vault.models import DataKey

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_a(personas):
    return identified_case(personas)


@pytest.fixture
def request_a(personas, case_a):
    requester = second_admin(personas.org_a)
    return erasure.erasure_request(
        actor=requester, membership=member(requester), case=case_a, reason_code="client_asked", reason="asked"
    )


def url(request):
    return reverse("clients:erasure_approve", kwargs={"pk": request.pk})


def key_destroyed(case):
    return DataKey.objects.get(pk=case.client.data_key_id).is_destroyed


def test_it_erases_and_says_so(personas, login_as, request_a, case_a):
    client = login_as(personas.admin_a)

    response = client.post(url(request_a), follow=True)

    assert response.redirect_chain[-1][0] == reverse("clients:erasure_list")
    assert "The client was erased." in response.content.decode()
    assert key_destroyed(case_a)
    assert Client.objects.get(pk=case_a.client_id).is_erased


def test_it_says_when_only_this_organizations_case_was_erased(personas, login_as, request_a, case_a):
    referred_to_b(personas, case_a)

    response = login_as(personas.admin_a).post(url(request_a), follow=True)

    assert "case was erased. Other organizations that work with the client keep" in response.content.decode()
    assert not key_destroyed(case_a)


def test_it_asks_to_confirm_identity_first(personas, login_as, request_a, case_a):
    client = login_as(personas.admin_a)
    mark_reauthenticated(client, seconds_ago=3600)

    response = client.post(url(request_a))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert "erasure%2F" in response["Location"]  # back to the request's page afterwards
    assert not key_destroyed(case_a)


def test_it_refuses_the_requester_with_a_message(personas, login_as, request_a, case_a):
    response = login_as(second_admin(personas.org_a)).post(url(request_a), follow=True)

    assert "Another agency admin must decide" in response.content.decode()
    assert not key_destroyed(case_a)
    request_a.refresh_from_db()
    assert request_a.status == ErasureRequest.Status.PENDING


def test_it_answers_405_to_get(personas, login_as, request_a):
    assert login_as(personas.admin_a).get(url(request_a)).status_code == 405


def test_it_sends_anonymous_visitors_to_sign_in(client, request_a, case_a):
    assert client.post(url(request_a)).status_code == 302
    assert not key_destroyed(case_a)


def test_it_answers_404_to_another_organization(personas, login_as, request_a, case_a):
    assert login_as(personas.admin_b).post(url(request_a)).status_code == 404
    assert not key_destroyed(case_a)


@pytest.mark.parametrize("who", ["caseworker_a", "supervisor_a", "monitor_a"])
def test_it_refuses_roles_that_cannot_erase(personas, login_as, request_a, case_a, who):
    assert login_as(getattr(personas, who)).post(url(request_a)).status_code == 403
    assert not key_destroyed(case_a)
