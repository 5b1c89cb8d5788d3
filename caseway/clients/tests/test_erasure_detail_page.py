"""One erasure request: what it is about, and the approve and reject forms for another admin."""

import pytest
from django.urls import reverse

from caseway.clients import erasure
from caseway.clients.tests.erasure_helpers import GIVEN, identified_case, member, second_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_a(personas):
    requester = second_admin(personas.org_a)
    return erasure.erasure_request(
        actor=requester,
        membership=member(requester),
        case=identified_case(personas),
        reason_code="client_asked",
        reason="Asked in person.",
    )


def url(request):
    return reverse("clients:erasure_detail", kwargs={"pk": request.pk})


def test_it_shows_the_request_and_the_decision_forms_to_another_admin(personas, login_as, request_a):
    html = login_as(personas.admin_a).get(url(request_a)).content.decode()

    assert request_a.client.code in html
    assert "Asked in person." in html
    assert reverse("clients:erasure_approve", kwargs={"pk": request_a.pk}) in html
    assert reverse("clients:erasure_reject", kwargs={"pk": request_a.pk}) in html
    assert GIVEN not in html


def test_it_offers_no_decision_to_the_requester(personas, login_as, request_a):
    response = login_as(second_admin(personas.org_a)).get(url(request_a))

    assert response.status_code == 200
    assert reverse("clients:erasure_approve", kwargs={"pk": request_a.pk}) not in response.content.decode()


def test_it_shows_no_code_once_the_client_is_erased(personas, login_as, request_a):
    code = request_a.client.code
    erasure.erasure_approve(actor=personas.admin_a, membership=member(personas.admin_a), erasure=request_a)

    html = login_as(personas.admin_a).get(url(request_a)).content.decode()

    assert code not in html
    assert "Erased client" in html


def test_it_sends_anonymous_visitors_to_sign_in(client, request_a):
    assert client.get(url(request_a)).status_code == 302


def test_it_answers_404_to_another_organization(personas, login_as, request_a):
    assert login_as(personas.admin_b).get(url(request_a)).status_code == 404


def test_it_refuses_roles_that_cannot_erase(personas, login_as, request_a):
    assert login_as(personas.supervisor_a).get(url(request_a)).status_code == 403
