"""The erasure page: request by code, see what waits and what was decided. Agency admins only."""

import pytest
from django.urls import reverse

from caseway.accounts.tests.helpers import audit_events
from caseway.clients import erasure
from caseway.clients.models import ErasureRequest
from caseway.clients.tests.erasure_helpers import GIVEN, identified_case, member, second_admin

pytestmark = pytest.mark.django_db
URL = reverse("clients:erasure_list")


def test_it_requests_an_erasure_by_code(personas, login_as):
    case = identified_case(personas)
    client = login_as(personas.admin_a)

    response = client.post(
        URL, {"code": case.client.code.lower(), "reason_code": "client_asked", "reason": "The client asked us."}
    )

    request = ErasureRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:erasure_detail", kwargs={"pk": request.pk})
    assert (request.client_id, request.requested_by, request.reason) == (
        case.client_id,
        personas.admin_a,
        "The client asked us.",
    )
    assert audit_events("clients.erasure_requested").count() == 1


def test_it_lists_pending_requests_by_code_and_never_shows_a_name(personas, login_as):
    case = identified_case(personas)
    requester = second_admin(personas.org_a)
    erasure.erasure_request(
        actor=requester, membership=member(requester), case=case, reason_code="client_asked", reason="asked"
    )

    html = login_as(personas.admin_a).get(URL).content.decode()

    assert case.client.code in html
    assert GIVEN not in html


def test_it_answers_the_same_for_an_unknown_code_and_another_organizations_client(personas, login_as):
    case = identified_case(personas)
    client = login_as(personas.admin_b)

    theirs = client.post(URL, {"code": case.client.code, "reason_code": "client_asked", "reason": "x"})
    # A well-formed code that nobody holds.
    from caseway.clients import codes

    payload = "222222222"
    unknown = client.post(
        URL, {"code": payload + codes.check_character(payload), "reason_code": "client_asked", "reason": "x"}
    )

    assert theirs.status_code == unknown.status_code == 400
    assert "No client of your organization has this code." in theirs.content.decode()
    assert theirs.context["form"].errors == unknown.context["form"].errors
    assert not ErasureRequest.objects.exists()


def test_it_explains_a_mistyped_code(personas, login_as):
    response = login_as(personas.admin_a).post(
        URL, {"code": "K7MQX-4DP9O", "reason_code": "client_asked", "reason": "x"}
    )

    assert response.status_code == 400
    assert "code" in response.context["form"].errors


def test_it_refuses_a_second_pending_request_with_a_form_error(personas, login_as):
    case = identified_case(personas)
    client = login_as(personas.admin_a)
    client.post(URL, {"code": case.client.code, "reason_code": "client_asked", "reason": "first"})

    response = client.post(URL, {"code": case.client.code, "reason_code": "client_asked", "reason": "second"})

    assert response.status_code == 400
    assert ErasureRequest.objects.count() == 1


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ["caseworker_a", "supervisor_a", "monitor_a", "coordinator"])
def test_it_refuses_roles_that_cannot_erase(personas, login_as, who):
    case = identified_case(personas)

    response = login_as(getattr(personas, who)).post(
        URL, {"code": case.client.code, "reason_code": "client_asked", "reason": "x"}
    )

    assert response.status_code == 403
    assert not ErasureRequest.objects.exists()


def test_it_shows_another_organization_none_of_these_requests(personas, login_as):
    case = identified_case(personas)
    requester = second_admin(personas.org_a)
    erasure.erasure_request(
        actor=requester, membership=member(requester), case=case, reason_code="client_asked", reason="asked"
    )

    response = login_as(personas.admin_b).get(URL)

    assert response.status_code == 200
    assert list(response.context["pending"]) == []
    assert case.client.code not in response.content.decode()
