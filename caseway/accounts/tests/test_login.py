from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from caseway.accounts.tests.helpers import (
    LOGIN_URL,
    audit_events,
    is_signed_in,
    post_password,
    set_session,
    sign_in,
    totp_code,
    unthrottle,
)
from caseway.tests.personas import BACKUP_CODE, PASSWORD

VERIFY_URL = "/accounts/verify/"


def _next_of(location):
    return parse_qs(urlsplit(location).query).get("next", [None])[0]


def test_it_shows_the_sign_in_page(client, db):
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content


def test_it_signs_in_with_the_password_then_the_authenticator_code(client, personas):
    user = personas.caseworker_a

    response = post_password(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY_URL}?next=%2F"

    response = client.post(response["Location"], {"token": totp_code(user)})
    assert response.status_code == 302
    assert response["Location"] == "/"

    home = client.get("/")
    assert home.status_code == 200
    assert home.wsgi_request.user == user
    assert home.wsgi_request.user.is_verified()
    assert audit_events("accounts.login", actor_id=user.pk).count() == 1
    verified = audit_events("accounts.second_factor_verified", actor_id=user.pk).get()
    assert verified.fields == ["authenticator"]


def test_it_signs_in_with_a_backup_code_which_then_stops_working(client, personas):
    user = personas.supervisor_a

    post_password(client, user.email)
    response = client.post(VERIFY_URL, {"token": BACKUP_CODE, "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert audit_events("accounts.second_factor_verified", actor_id=user.pk).get().fields == ["backup_code"]

    other = Client()
    post_password(other, user.email)
    unthrottle(user)
    response = other.post(VERIFY_URL, {"token": BACKUP_CODE, "next": "/"})
    assert response.status_code == 200
    assert b"That code is not right, or it was used already." in response.content
    assert other.get("/").status_code == 302


def test_it_keeps_a_password_only_session_away_from_the_home_page(client, personas):
    post_password(client, personas.caseworker_a.email)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY_URL}?next=%2F"


@pytest.mark.parametrize(
    "url_name, kwargs",
    [
        ("accounts:account", {}),
        ("accounts:password_change", {}),
        ("accounts:reauthenticate", {}),
        ("orgs:organization_list", {}),
        ("orgs:member_list", {}),
        ("orgs:member_invite", {}),
        ("orgs:api_token_list", {}),
        ("orgs:member_detail", {"pk": 1}),
    ],
)
def test_it_keeps_a_password_only_session_away_from_every_other_page(client, personas, url_name, kwargs):
    post_password(client, personas.admin_a.email)
    url = reverse(url_name, kwargs=kwargs)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY_URL)
    assert _next_of(response["Location"]) == url


def test_it_keeps_a_password_only_session_away_from_sensitive_posts(client, personas):
    user = personas.admin_a
    post_password(client, user.email)
    device_count = user.totpdevice_set.count()

    for url in (
        reverse("accounts:backup_codes_regenerate"),
        reverse("accounts:sign_out_everywhere"),
        reverse("orgs:api_token_create"),
        reverse("orgs:member_second_factor_reset", kwargs={"pk": personas.caseworker_a.memberships.get().pk}),
    ):
        response = client.post(url, {"name": "x", "days": 5})
        assert response.status_code == 302, url
        assert response["Location"].startswith(VERIFY_URL), url

    assert personas.caseworker_a.totpdevice_set.count() == 1
    assert user.totpdevice_set.count() == device_count
    assert not audit_events("orgs.api_token_created").exists()
    assert not audit_events("accounts.backup_codes_regenerated").exists()


def test_it_keeps_the_whole_address_as_next_when_asking_for_the_code(client, personas):
    post_password(client, personas.admin_a.email)

    response = client.get("/orgs/members/?page=2&sort=email")

    assert _next_of(response["Location"]) == "/orgs/members/?page=2&sort=email"


@pytest.mark.parametrize(
    "typed", ["CASEWORKER.A@EXAMPLE.ORG", "Caseworker.A@Example.org", "  caseworker.a@example.org "]
)
def test_it_accepts_the_email_address_in_any_case(client, personas, typed):
    response = post_password(client, typed)

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY_URL)
    assert client.session["_auth_user_id"] == str(personas.caseworker_a.pk)


def test_it_refuses_a_wrong_password_with_a_clear_message(client, personas):
    response = post_password(client, personas.caseworker_a.email, "not the password at all")

    assert response.status_code == 200
    assert b"That email address and password do not match an account." in response.content
    assert "_auth_user_id" not in client.session


def test_it_refuses_an_unknown_account_with_the_same_message(client, personas):
    response = post_password(client, "nobody@example.org")

    assert response.status_code == 200
    assert b"That email address and password do not match an account." in response.content


def test_it_refuses_a_deactivated_account(client, personas):
    user = personas.caseworker_a
    user.is_active = False
    user.save()

    response = post_password(client, user.email)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "http:evil.example",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "https://testserver.evil.example/",
    ],
)
def test_it_never_redirects_off_site_after_sign_in(client, personas, target):
    user = personas.caseworker_a

    response = client.post(f"{LOGIN_URL}?{urlencode({'next': target})}", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert _next_of(response["Location"]) == "/"

    # The code step checks the target again, whatever reaches it.
    response = client.post(f"{VERIFY_URL}?{urlencode({'next': target})}", {"token": totp_code(user), "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_follows_a_local_next_after_sign_in(client, personas):
    user = personas.caseworker_a

    response = client.post(f"{LOGIN_URL}?next=/orgs/", {"username": user.email, "password": PASSWORD})
    assert _next_of(response["Location"]) == "/orgs/"

    response = client.post(response["Location"], {"token": totp_code(user)})
    assert response["Location"] == "/orgs/"


def test_it_gives_the_session_a_new_key_at_sign_in(client, personas):
    set_session(client, language_probe="anonymous")
    anonymous_key = client.session.session_key

    post_password(client, personas.caseworker_a.email)

    signed_in_key = client.session.session_key
    assert signed_in_key != anonymous_key
    assert not Session.objects.filter(session_key=anonymous_key).exists()


def test_it_forgets_the_previous_user_when_another_signs_in_on_the_same_browser(client, personas):
    sign_in(client, personas.caseworker_a)

    post_password(client, personas.caseworker_b.email)

    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY_URL)
    assert client.session["_auth_user_id"] == str(personas.caseworker_b.pk)


def test_it_signs_out_with_post_only(client, personas):
    sign_in(client, personas.caseworker_a)

    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert not is_signed_in(client)
    assert audit_events("accounts.logout", actor_id=personas.caseworker_a.pk).exists()


def test_it_answers_a_forged_sign_in_with_the_form_expired_page(personas):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(LOGIN_URL, {"username": personas.caseworker_a.email, "password": PASSWORD})

    assert response.status_code == 403
    assert b"This form has expired" in response.content
    assert b"Nothing was saved." in response.content
    assert "_auth_user_id" not in browser.session


def test_it_accepts_a_sign_in_with_the_csrf_token_of_the_form(personas):
    browser = Client(enforce_csrf_checks=True)
    browser.get(LOGIN_URL)
    token = browser.cookies["csrftoken"].value

    response = browser.post(
        LOGIN_URL, {"username": personas.caseworker_a.email, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY_URL)
