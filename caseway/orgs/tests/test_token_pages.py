"""The API token pages (list, create, revoke). The token services are tested in test_api_token_services.py."""

import pytest
from django.urls import reverse

from caseway.accounts.tests.helpers import audit_events, mark_reauthenticated
from caseway.orgs import services
from caseway.orgs.models import ApiToken, Membership
from caseway.orgs.permissions import Action, Role
from caseway.orgs.tests.helpers import assert_forbidden_and_recorded, assert_not_found, assert_sent_to_sign_in
from caseway.tests.personas import make_user

LIST_URL = reverse("orgs:api_token_list")
CREATE_URL = reverse("orgs:api_token_create")


def _revoke_url(token):
    return reverse("orgs:api_token_revoke", kwargs={"pk": token.pk})


def _token_of(user, name="export"):
    return services.api_token_create(actor=user, membership=Membership.objects.get(user=user), name=name)


def test_it_sends_an_anonymous_visitor_to_sign_in(client, personas):
    token, _ = _token_of(personas.caseworker_a)

    assert_sent_to_sign_in(client.get(LIST_URL), LIST_URL)
    assert_sent_to_sign_in(client.post(CREATE_URL, {"name": "x", "days": 5}), CREATE_URL)
    assert_sent_to_sign_in(client.post(_revoke_url(token)), _revoke_url(token))
    assert ApiToken.objects.count() == 1
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_refuses_someone_without_an_organization(client, db, login_as):
    user = make_user("loose@example.org")
    login_as(user)

    assert_forbidden_and_recorded(client.get(LIST_URL), user, Action.MANAGE_API_TOKENS)


def test_it_refuses_token_creation_to_someone_without_an_organization(client, db, login_as):
    user = make_user("loose@example.org")
    login_as(user)

    assert_forbidden_and_recorded(client.post(CREATE_URL, {"name": "x", "days": 5}), user, Action.MANAGE_API_TOKENS)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("persona", ["caseworker_a", "admin_a", "monitor_a", "coordinator", "donor"])
def test_it_lists_the_users_own_tokens_only(client, personas, login_as, persona):
    user = getattr(personas, persona)
    mine, _ = _token_of(user, "mine")
    theirs, _ = _token_of(personas.supervisor_a if user != personas.supervisor_a else personas.caseworker_b, "theirs")
    login_as(user)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert mine.prefix.encode() in response.content
    assert theirs.prefix.encode() not in response.content
    assert b"theirs" not in response.content


def test_it_creates_a_token_and_shows_the_secret_once(client, personas, login_as):
    user = personas.caseworker_a
    login_as(user)

    response = client.post(CREATE_URL, {"name": "monthly export", "days": 30})

    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.membership == Membership.objects.get(user=user)
    assert token.name == "monthly export"
    secret = response.content.decode().split('<p class="secret">')[1].split("</p>")[0]
    assert services.api_token_authenticate(secret) == token
    assert "no-store" in response["Cache-Control"]
    assert audit_events("orgs.api_token_created", actor_id=user.pk).count() == 1
    listing = client.get(LIST_URL).content.decode()
    assert token.prefix in listing
    assert secret not in listing


def test_it_creates_the_token_for_the_active_organization(client, personas, login_as):
    user = personas.coordinator
    extra = Membership.objects.create(user=user, organization=personas.org_a, role=Role.SUPERVISOR)
    home = Membership.objects.get(user=user, organization=personas.org_other)
    login_as(user)
    client.post(reverse("orgs:switch"), {"membership": home.pk})

    client.post(CREATE_URL, {"name": "coordination", "days": 10})

    assert ApiToken.objects.get().membership == home
    assert ApiToken.objects.filter(membership=extra).count() == 0


@pytest.mark.parametrize("data", [{"name": "", "days": 30}, {"name": "x", "days": 0}, {"name": "x", "days": 366}])
def test_it_refuses_an_invalid_form(client, personas, login_as, data):
    login_as(personas.caseworker_a)

    response = client.post(CREATE_URL, data)

    assert response.status_code == 400
    assert b'class="errorlist"' in response.content
    assert not ApiToken.objects.exists()


def test_it_creates_with_post_only(client, personas, login_as):
    login_as(personas.caseworker_a)

    assert client.get(CREATE_URL).status_code == 405


def test_it_asks_for_proof_again_before_creating_when_the_last_is_old(client, personas, login_as):
    login_as(personas.caseworker_a)
    mark_reauthenticated(client, seconds_ago=3600)

    response = client.post(CREATE_URL, {"name": "x", "days": 5})

    assert response["Location"] == f"{reverse('accounts:reauthenticate')}?next=%2Forgs%2Fapi-tokens%2F"
    assert not ApiToken.objects.exists()


def test_it_revokes_the_users_own_token(client, personas, login_as):
    user = personas.caseworker_a
    token, secret = _token_of(user)
    login_as(user)

    response = client.post(_revoke_url(token))

    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert services.api_token_authenticate(secret) is None
    assert audit_events("orgs.api_token_revoked", actor_id=user.pk).count() == 1


def test_it_answers_not_found_for_someone_elses_token(client, personas, login_as):
    token, secret = _token_of(personas.caseworker_a)
    login_as(personas.admin_a)

    assert_not_found(client.post(_revoke_url(token)))
    token.refresh_from_db()
    assert token.revoked_at is None
    assert services.api_token_authenticate(secret) == token


def test_it_answers_not_found_for_a_token_that_does_not_exist(client, personas, login_as):
    login_as(personas.caseworker_a)

    assert_not_found(client.post(reverse("orgs:api_token_revoke", kwargs={"pk": 999_999})))


def test_it_revokes_with_post_only(client, personas, login_as):
    token, _ = _token_of(personas.caseworker_a)
    login_as(personas.caseworker_a)

    assert client.get(_revoke_url(token)).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None
