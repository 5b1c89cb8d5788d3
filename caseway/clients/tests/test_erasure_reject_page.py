"""Rejecting an erasure with a note."""

import pytest
from django.urls import reverse

from caseway.clients import erasure
from caseway.clients.models import ErasureRequest
from caseway.clients.tests.erasure_helpers import identified_case, member, second_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_a(personas):
    requester = second_admin(personas.org_a)
    return erasure.erasure_request(
        actor=requester,
        membership=member(requester),
        case=identified_case(personas),
        reason_code="client_asked",
        reason="asked",
    )


def url(request):
    return reverse("clients:erasure_reject", kwargs={"pk": request.pk})


def status_of(request):
    request.refresh_from_db()
    return request.status


def test_it_rejects_with_a_note(personas, login_as, request_a):
    response = login_as(personas.admin_a).post(url(request_a), {"note": "Duplicate request."})

    assert response.status_code == 302
    assert status_of(request_a) == ErasureRequest.Status.REJECTED
    assert request_a.decision_note == "Duplicate request."


def test_it_shows_the_form_again_without_a_note(personas, login_as, request_a):
    response = login_as(personas.admin_a).post(url(request_a), {"note": ""})

    assert response.status_code == 400
    assert "note" in response.context["reject_form"].errors
    assert status_of(request_a) == ErasureRequest.Status.PENDING


def test_it_refuses_the_requester(personas, login_as, request_a):
    response = login_as(second_admin(personas.org_a)).post(url(request_a), {"note": "mine"})

    assert response.status_code == 400
    assert status_of(request_a) == ErasureRequest.Status.PENDING


def test_it_sends_anonymous_visitors_to_sign_in(client, request_a):
    assert client.post(url(request_a), {"note": "x"}).status_code == 302
    assert status_of(request_a) == ErasureRequest.Status.PENDING


def test_it_answers_404_to_another_organization(personas, login_as, request_a):
    assert login_as(personas.admin_b).post(url(request_a), {"note": "x"}).status_code == 404
    assert status_of(request_a) == ErasureRequest.Status.PENDING


def test_it_refuses_roles_that_cannot_erase(personas, login_as, request_a):
    assert login_as(personas.supervisor_a).post(url(request_a), {"note": "x"}).status_code == 403
    assert status_of(request_a) == ErasureRequest.Status.PENDING
