"""GET /api/v1/clients/: the organization's clients, identity only where visible, in fixed queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caseway.accounts.tests.helpers import audit_events
from caseway.api.tests.helpers import bearer, create_token
from caseway.clients.access import MASKED_NAME
from caseway.clients.models import BreakGlassAccess, Case, DataCategory
from caseway.clients.tests.erasure_helpers import GIVEN, PHONE, identified_case, member, referred_to_b
from caseway.clients.tests.factories import a_case

pytestmark = pytest.mark.django_db
URL = "/api/v1/clients/"


def auth(user, organization=None):
    _token, secret = create_token(user, organization)
    return bearer(secret)


def results(client, user):
    response = client.get(URL, **auth(user))
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_it_lists_the_organizations_clients_with_statistical_fields_and_visible_identity(client, personas):
    case = identified_case(personas)

    (row,) = results(client, personas.caseworker_a)

    assert row["id"] == str(case.client_id)
    assert row["code"] == case.client.code
    assert row["case"]["id"] == str(case.pk) and row["case"]["origin"] == "intake"
    assert (row["sex"], row["age_band"], row["admin_area"]) == ("female", "25-59", case.client.admin_area.pcode)
    assert row["display_name"] == f"{GIVEN} Qutaybiyya"
    assert row["identity"]["given_name"] == GIVEN and row["identity"]["birth_date"] == "1991-03-14"
    assert row["contact"]["phone"] == PHONE
    assert set(row["categories"]) == set(DataCategory.values)
    assert audit_events("clients.clients_listed").get().fields == ["contact", "identity"]


def test_it_masks_a_sensitive_client_outside_the_case_team(client, personas):
    case = identified_case(personas, sensitive=True)
    Case.objects.filter(pk=case.pk).update(supervisor=None)

    (row,) = results(client, personas.legal_officer_a)

    assert row["display_name"] == MASKED_NAME
    assert (row["identity"], row["contact"]) == (None, None)
    assert row["code"] == case.client.code
    assert not audit_events("clients.clients_listed").exists()


def test_break_glass_unmasks_it(client, personas):
    case = identified_case(personas, sensitive=True)
    BreakGlassAccess.objects.create(
        case=case, user=personas.legal_officer_a, reason="x", expires_at=timezone.now() + timezone.timedelta(hours=1)
    )

    (row,) = results(client, personas.legal_officer_a)

    assert row["identity"]["given_name"] == GIVEN


def test_a_referral_organization_sees_only_the_categories_shared_with_it(client, personas):
    case_a = identified_case(personas)
    referred_to_b(personas, case_a, categories=[DataCategory.IDENTITY])

    (row,) = results(client, personas.caseworker_b)

    assert row["identity"]["given_name"] == GIVEN
    assert row["contact"] is None
    assert row["categories"] == ["identity"]
    assert row["case"]["origin"] == "referral"


def test_a_referral_organization_without_identity_consent_sees_a_masked_client(client, personas):
    referred_to_b(personas, identified_case(personas), categories=[DataCategory.NEEDS])

    (row,) = results(client, personas.caseworker_b)

    assert (row["display_name"], row["identity"], row["contact"]) == (MASKED_NAME, None, None)


def test_another_organization_lists_none_of_them(client, personas):
    identified_case(personas)

    assert results(client, personas.caseworker_b) == []


def test_it_leaves_out_erased_clients(client, personas):
    from caseway.clients.erasure import client_erase

    case = identified_case(personas)
    client_erase(actor=None, organization_id=personas.org_a.pk, client_id=case.client_id, reason="test")

    assert results(client, personas.caseworker_a) == []


def test_it_costs_the_same_queries_whatever_the_rows(client, personas):
    headers = auth(personas.caseworker_a)
    a_case(member(personas.caseworker_a), given_name="One")
    client.get(URL, **headers)  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as one:
        client.get(URL, **headers)
    for number in range(4):
        a_case(member(personas.caseworker_a), sensitive=number % 2 == 0, given_name=f"Name{number}")
    from_b = a_case(member(personas.caseworker_b))
    Case.objects.create(organization=personas.org_a, client=from_b.client, origin=Case.Origin.REFERRAL)
    with CaptureQueriesContext(connection) as five:
        body = client.get(URL, **headers).json()

    assert body["count"] == 6
    assert len(five) == len(one)


def test_it_answers_401_without_credentials(client):
    assert client.get(URL).status_code == 401


@pytest.mark.parametrize("who", ["admin_a", "coordinator", "donor", "monitor_a"])
def test_it_refuses_roles_that_see_no_personal_data(client, personas, who):
    assert client.get(URL, **auth(getattr(personas, who))).status_code == 403
