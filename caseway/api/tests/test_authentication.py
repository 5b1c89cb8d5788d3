"""Every way of failing to authenticate looks the same from outside: 401, one body, one header."""

from datetime import timedelta

import pytest
from django.utils import timezone

from caseway.api.tests.helpers import bearer, create_token, membership_of
from caseway.orgs.middleware import ACTIVE_MEMBERSHIP_SESSION_KEY
from caseway.orgs.models import Membership
from caseway.orgs.permissions import Role

ME = "/api/v1/me/"


def _expired(personas, client):
    token, secret = create_token(personas.caseworker_a)
    token.expires_at = timezone.now() - timedelta(seconds=1)
    token.save(update_fields=["expires_at"])
    return bearer(secret)


def _revoked(personas, client):
    token, secret = create_token(personas.caseworker_a)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return bearer(secret)


def _wrong_secret(personas, client):
    _token, secret = create_token(personas.caseworker_a)
    return bearer(secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB"))


def _deactivated_membership(personas, client):
    _token, secret = create_token(personas.caseworker_a)
    Membership.objects.filter(user=personas.caseworker_a).update(is_active=False)
    return bearer(secret)


def _deactivated_user(personas, client):
    _token, secret = create_token(personas.caseworker_a)
    type(personas.caseworker_a).objects.filter(pk=personas.caseworker_a.pk).update(is_active=False)
    return bearer(secret)


def _deactivated_organization(personas, client):
    _token, secret = create_token(personas.caseworker_a)
    personas.org_a.is_active = False
    personas.org_a.save(update_fields=["is_active"])
    return bearer(secret)


def _unverified_session(personas, client):
    client.force_login(personas.caseworker_a)  # password passed, second factor not yet
    return {}


def _bad_token_with_a_good_session(personas, client):
    from caseway.tests.personas import login

    login(client, personas.caseworker_a)
    return bearer("cw_000000000000_not-a-real-secret")


FAILURES = {
    "nothing": lambda personas, client: {},
    "empty bearer": lambda personas, client: {"HTTP_AUTHORIZATION": "Bearer"},
    "bearer with spaces": lambda personas, client: {"HTTP_AUTHORIZATION": "Bearer cw_a b"},
    "not our format": lambda personas, client: bearer("eyJhbGciOiJIUzI1NiJ9.e30.x"),
    "unknown prefix": lambda personas, client: bearer("cw_ffffffffffff_" + "x" * 43),
    "non-ascii": lambda personas, client: {"HTTP_AUTHORIZATION": "Bearer cw_é_é"},
    "basic auth": lambda personas, client: {"HTTP_AUTHORIZATION": "Basic Y2FzZXdvcmtlcjpwYXNzd29yZA=="},
    "expired": _expired,
    "revoked": _revoked,
    "wrong secret, right prefix": _wrong_secret,
    "deactivated membership": _deactivated_membership,
    "deactivated user": _deactivated_user,
    "deactivated organization": _deactivated_organization,
    "unverified session": _unverified_session,
    "bad token with a good session": _bad_token_with_a_good_session,
}


@pytest.fixture
def reference_401(db, client):
    response = client.get(ME)
    assert response.status_code == 401
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("kind", FAILURES)
def test_it_answers_every_failure_with_the_same_401(client, personas, reference_401, kind):
    headers = FAILURES[kind](personas, client)
    for path in (ME, "/api/v1/organizations/", f"/api/v1/organizations/{personas.org_a.pk}/"):
        response = client.get(path, **headers)
        assert response.status_code == 401, (kind, path)
        assert response.content == reference_401.content == b'{"detail":"Authentication required."}'
        assert response["WWW-Authenticate"] == "Bearer"
        assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_it_accepts_a_valid_token_and_keeps_the_answer_out_of_caches(client, personas):
    _token, secret = create_token(personas.caseworker_a)
    response = client.get(ME, **bearer(secret))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_accepts_a_verified_session_and_keeps_the_answer_out_of_caches(login_as, personas):
    client = login_as(personas.caseworker_a)
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["token_authenticated"] is False
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_acts_as_the_tokens_organization_even_when_the_session_chose_another(login_as, personas):
    user = personas.caseworker_a
    in_b = Membership.objects.create(user=user, organization=personas.org_b, role=Role.SUPERVISOR)
    _token, secret = create_token(user, personas.org_a)
    client = login_as(user)
    session = client.session
    session[ACTIVE_MEMBERSHIP_SESSION_KEY] = in_b.pk
    session.save()

    by_session = client.get(ME).json()
    assert by_session["membership"]["organization"]["id"] == personas.org_b.pk
    assert by_session["membership"]["role"] == Role.SUPERVISOR

    by_token = client.get(ME, **bearer(secret)).json()
    assert by_token["membership"]["organization"]["id"] == personas.org_a.pk
    assert by_token["membership"]["role"] == Role.CASEWORKER
    assert [m["organization"]["id"] for m in by_token["memberships"]] == [personas.org_a.pk]


@pytest.mark.django_db
def test_it_acts_as_the_token_owner_even_with_someone_elses_session(login_as, personas):
    _token, secret = create_token(personas.caseworker_b)
    client = login_as(personas.supervisor_a)
    me = client.get(ME, **bearer(secret)).json()
    assert me["email"] == personas.caseworker_b.email
    assert me["membership"]["organization"]["id"] == personas.org_b.pk
    assert [m["organization"]["id"] for m in me["memberships"]] == [personas.org_b.pk]


@pytest.mark.django_db
def test_it_stops_accepting_a_token_the_moment_it_is_revoked(client, personas):
    from caseway.orgs.services import api_token_revoke

    token, secret = create_token(personas.caseworker_a)
    assert client.get(ME, **bearer(secret)).status_code == 200
    api_token_revoke(actor=personas.caseworker_a, token=token)
    assert client.get(ME, **bearer(secret)).status_code == 401


@pytest.mark.django_db
def test_it_treats_the_bearer_keyword_case_insensitively(client, personas):
    _token, secret = create_token(personas.caseworker_a)
    response = client.get(ME, HTTP_AUTHORIZATION=f"bearer {secret}")
    assert response.status_code == 200
    assert response.json()["membership"]["organization"]["id"] == membership_of(personas.caseworker_a).organization_id


@pytest.mark.django_db
def test_it_answers_an_expired_session_with_the_same_401(login_as, personas, reference_401):
    from caseway.accounts.middleware import SESSION_LAST_SEEN_AT

    client = login_as(personas.caseworker_a)
    session = client.session
    session[SESSION_LAST_SEEN_AT] = 1.0  # idle since 1970
    session.save()

    response = client.get(ME)

    assert response.status_code == 401
    assert response.content == reference_401.content


@pytest.mark.django_db
@pytest.mark.urls("caseway.api.tests.urls_test_views")
def test_it_renders_the_error_page_for_a_token_caller_without_failing_again(client, personas):
    # The 500 page asks user.is_verified(), which only session users had: the error page itself crashed.
    _token, secret = create_token(personas.caseworker_a)
    client.raise_request_exception = False
    response = client.get("/boom/", **bearer(secret))
    assert response.status_code == 500
