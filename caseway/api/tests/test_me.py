import pytest
from django.utils.dateparse import parse_datetime

from caseway.api.tests.helpers import bearer, create_token
from caseway.orgs.models import Membership, Organization, OrganizationType
from caseway.orgs.permissions import Role

ME = "/api/v1/me/"
FIELDS = {"email", "display_name", "membership", "memberships", "token_authenticated", "token_expires_at"}


def _org(membership):
    return membership["organization"]


@pytest.mark.django_db
def test_it_describes_the_caller_of_a_session(login_as, personas):
    user = personas.caseworker_a
    user.display_name = "Amina K."
    user.save(update_fields=["display_name"])

    body = login_as(user).get(ME).json()

    assert set(body) == FIELDS
    assert body["email"] == "caseworker.a@example.org"
    assert body["display_name"] == "Amina K."
    assert body["membership"] == {
        "organization": {"id": personas.org_a.pk, "name": "Alpha Relief", "acronym": "ALR"},
        "role": "caseworker",
        "role_label": "Caseworker",
    }
    assert body["memberships"] == [body["membership"]]
    assert body["token_authenticated"] is False
    assert body["token_expires_at"] is None


@pytest.mark.django_db
def test_it_says_the_caller_used_a_token_and_when_it_expires(client, personas):
    token, secret = create_token(personas.legal_officer_b, days=7)

    body = client.get(ME, **bearer(secret)).json()

    assert body["email"] == "legal_officer.b@example.org"
    assert body["token_authenticated"] is True
    assert parse_datetime(body["token_expires_at"]) == token.expires_at
    assert _org(body["membership"])["id"] == personas.org_b.pk
    assert body["membership"]["role"] == Role.LEGAL_OFFICER


@pytest.mark.django_db
def test_it_lists_every_active_membership_of_a_session_but_only_the_tokens_own_for_a_token(login_as, personas):
    user = personas.caseworker_a
    Membership.objects.create(user=user, organization=personas.org_b, role=Role.LEGAL_OFFICER)
    closed = Organization.objects.create(
        name="Zeta Closed", type=OrganizationType.EMPLOYER, country="XA", is_active=False
    )
    Membership.objects.create(user=user, organization=closed, role=Role.CASEWORKER)
    Membership.objects.create(user=user, organization=personas.org_other, role=Role.CASEWORKER, is_active=False)
    _token, secret = create_token(user, personas.org_b)
    client = login_as(user)

    by_session = client.get(ME).json()
    assert [_org(m)["name"] for m in by_session["memberships"]] == ["Alpha Relief", "Beta Legal Aid"]

    client.logout()
    by_token = client.get(ME, **bearer(secret)).json()
    assert [_org(m)["name"] for m in by_token["memberships"]] == ["Beta Legal Aid"]
    assert by_token["membership"]["role"] == Role.LEGAL_OFFICER


@pytest.mark.django_db
def test_it_answers_a_session_without_active_membership_with_null(login_as, personas):
    client = login_as(personas.monitor_a)
    Membership.objects.filter(user=personas.monitor_a).update(is_active=False)

    body = client.get(ME).json()

    assert body["membership"] is None
    assert body["memberships"] == []


@pytest.mark.django_db
def test_it_refuses_anonymous_callers(client, personas):
    assert client.get(ME).status_code == 401


@pytest.mark.django_db
def test_it_is_read_only(client, personas):
    _token, secret = create_token(personas.caseworker_a)
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(ME, {}, content_type="application/json", **bearer(secret))
        assert response.status_code == 405, method
