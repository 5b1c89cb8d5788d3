"""The subject access JSON download."""

import json

import pytest
from django.urls import reverse

from caseway.accounts.tests.helpers import audit_events, mark_reauthenticated
from caseway.clients.tests.erasure_helpers import GIVEN, identified_case

pytestmark = pytest.mark.django_db


def url(case):
    return reverse("clients:subject_access_json", kwargs={"pk": case.client_id})


def test_it_downloads_the_data_as_json_named_by_code_and_date(personas, login_as):
    case = identified_case(personas)

    response = login_as(personas.caseworker_a).get(url(case))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="subject-access-{case.client.code}-')
    assert GIVEN not in disposition
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["identity"]["given_name"] == GIVEN
    assert data["safety_plan"]["code_word"] == "pomegranate"
    assert audit_events("clients.subject_access_exported").count() == 1


def test_it_asks_to_confirm_identity_first(personas, login_as):
    client = login_as(personas.caseworker_a)
    mark_reauthenticated(client, seconds_ago=3600)

    response = client.get(url(identified_case(personas)))

    assert response["Location"].startswith(reverse("accounts:reauthenticate"))


def test_it_sends_anonymous_visitors_to_sign_in(client, personas):
    assert client.get(url(identified_case(personas))).status_code == 302


def test_it_answers_404_to_another_organization(personas, login_as):
    assert login_as(personas.caseworker_b).get(url(identified_case(personas))).status_code == 404


@pytest.mark.parametrize("who", ["admin_a", "donor"])
def test_it_refuses_roles_that_see_no_personal_data(personas, login_as, who):
    assert login_as(getattr(personas, who)).get(url(identified_case(personas))).status_code == 403
