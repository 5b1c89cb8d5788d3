import pytest
from django.urls import reverse

from caseway.api.tests.helpers import bearer, create_token
from caseway.casework.tests.appointment_helpers import a_client_case
from caseway.messaging.models import Message, MessageRead
from caseway.referrals.models import Status
from caseway.referrals.tests.helpers import a_referral

pytestmark = pytest.mark.django_db


def _as(user):
    _token, secret = create_token(user)
    return bearer(secret)


def test_a_case_team_integration_writes_to_the_client_and_reads_the_thread(client, personas):
    case = a_client_case(personas)
    url = reverse("api:case_messages", args=[case.pk])
    headers = _as(personas.caseworker_a)
    response = client.post(url, {"body": "Your appointment is confirmed."}, content_type="application/json", **headers)
    assert response.status_code == 201
    assert response.json()["body"] == "Your appointment is confirmed." and response.json()["from_client"] is False
    listed = client.get(url, **headers).json()
    assert [row["body"] for row in listed] == ["Your appointment is confirmed."]


def test_a_referrals_organizations_exchange_over_the_api_and_nobody_else(client, personas):
    referral = a_referral(personas, Status.SENT)
    url = reverse("api:referral_messages", args=[referral.pk])
    assert (
        client.post(
            url, {"body": "Hello B."}, content_type="application/json", **_as(personas.caseworker_a)
        ).status_code
        == 201
    )
    received = client.get(url, **_as(personas.caseworker_b)).json()
    assert received[0]["body"] == "Hello B." and received[0]["sender_organization"] == personas.org_a.pk
    assert MessageRead.objects.filter(reader=personas.caseworker_b).count() == 1
    assert client.get(url, **_as(personas.outsider)).status_code == 404
    assert client.post(url, {"body": "x"}, content_type="application/json", **_as(personas.outsider)).status_code == 404
    assert Message.objects.count() == 1


def test_an_empty_body_is_a_400_naming_the_field(client, personas):
    case = a_client_case(personas)
    response = client.post(
        reverse("api:case_messages", args=[case.pk]),
        {"body": ""},
        content_type="application/json",
        **_as(personas.caseworker_a),
    )
    assert response.status_code == 400 and "body" in response.json()
