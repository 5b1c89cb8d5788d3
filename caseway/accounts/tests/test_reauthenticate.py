import pytest
from django.conf import settings
from django.urls import reverse

from caseway.accounts.middleware import SESSION_REAUTHENTICATED_AT
from caseway.accounts.tests.helpers import (
    LOGIN_URL,
    audit_events,
    forget_reauthentication,
    mark_reauthenticated,
    new_client,
    totp_code,
    unthrottle,
)
from caseway.tests.personas import BACKUP_CODE, PASSWORD, login

REAUTH_URL = reverse("accounts:reauthenticate")


def _sensitive_requests(personas):
    """(method, url, data, where the user comes back after proving it is them)."""
    member = personas.caseworker_a.memberships.get()
    detail = reverse("orgs:member_detail", kwargs={"pk": member.pk})
    return [
        ("get", reverse("accounts:password_change"), {}, reverse("accounts:password_change")),
        ("post", reverse("accounts:password_change"), {}, reverse("accounts:password_change")),
        ("post", reverse("accounts:backup_codes_regenerate"), {}, reverse("accounts:account")),
        ("get", reverse("orgs:member_invite"), {}, reverse("orgs:member_invite")),
        (
            "post",
            reverse("orgs:member_invite"),
            {"email": "someone@example.org", "display_name": "Someone", "role": "caseworker"},
            reverse("orgs:member_invite"),
        ),
        ("post", reverse("orgs:member_second_factor_reset", kwargs={"pk": member.pk}), {}, detail),
        ("post", reverse("orgs:api_token_create"), {"name": "export", "days": 30}, reverse("orgs:api_token_list")),
        ("get", reverse("accounts:enroll"), {}, reverse("accounts:enroll")),
    ]


@pytest.mark.parametrize("stale", ["old", "never"])
def test_it_asks_for_proof_before_every_sensitive_operation_when_the_last_is_old(client, personas, login_as, stale):
    login_as(personas.admin_a)
    if stale == "old":
        mark_reauthenticated(client, seconds_ago=settings.REAUTH_MAX_AGE + 1)
    else:
        forget_reauthentication(client)

    for method, url, data, comes_back_to in _sensitive_requests(personas):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url, response.status_code)
        assert response["Location"] == f"{REAUTH_URL}?next={_quoted(comes_back_to)}", (method, url)

    # Nothing happened.
    assert not audit_events("orgs.member_added").exists()
    assert not audit_events("orgs.api_token_created").exists()
    assert not audit_events("accounts.second_factor_reset").exists()
    assert not audit_events("accounts.backup_codes_regenerated").exists()
    assert personas.caseworker_a.totpdevice_set.count() == 1


def test_it_brings_the_user_back_to_a_page_that_opens(client, personas, login_as):
    login_as(personas.admin_a)

    for method, url, data, comes_back_to in _sensitive_requests(personas):
        mark_reauthenticated(client, seconds_ago=settings.REAUTH_MAX_AGE + 60)
        response = getattr(client, method)(url, data)
        unthrottle(personas.admin_a)
        response = client.post(
            response["Location"], {"password": PASSWORD, "token": totp_code(personas.admin_a, steps_ahead=0)}
        )
        # Each proof uses up the current code; step the device's memory back for the next round.
        personas.admin_a.totpdevice_set.update(last_t=-1)
        assert response.status_code == 302, (method, url)
        assert response["Location"] == comes_back_to, (method, url)
        assert client.get(comes_back_to).status_code == 200, (method, url)


def test_it_lets_a_recent_proof_through(client, personas, login_as):
    login_as(personas.admin_a)
    mark_reauthenticated(client, seconds_ago=settings.REAUTH_MAX_AGE - 60)

    assert client.get(reverse("accounts:password_change")).status_code == 200
    assert client.get(reverse("orgs:member_invite")).status_code == 200


def test_it_sends_an_anonymous_visitor_to_sign_in(client, db):
    response = client.get(REAUTH_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_it_asks_for_password_and_code(client, personas, login_as):
    login_as(personas.caseworker_a)

    response = client.get(f"{REAUTH_URL}?next=/accounts/me/password/")

    assert response.status_code == 200
    assert b'name="password"' in response.content
    assert b'name="token"' in response.content
    assert b'value="/accounts/me/password/"' in response.content


def test_it_accepts_password_and_code_and_goes_on(client, personas, login_as):
    user = personas.caseworker_a
    login_as(user)

    response = client.post(
        f"{REAUTH_URL}?next=/accounts/me/password/", {"password": PASSWORD, "token": totp_code(user)}
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/me/password/"
    assert client.get("/accounts/me/password/").status_code == 200
    assert audit_events("accounts.reauthenticated", actor_id=user.pk).count() == 1


def test_it_accepts_a_backup_code_instead_of_the_authenticator(client, personas, login_as):
    user = personas.caseworker_a
    login_as(user)
    forget_reauthentication(client)

    response = client.post(REAUTH_URL, {"password": PASSWORD, "token": BACKUP_CODE, "next": "/accounts/me/"})

    assert response.status_code == 302
    assert SESSION_REAUTHENTICATED_AT in client.session


def test_it_refuses_a_wrong_password_even_with_the_right_code(client, personas, login_as):
    user = personas.caseworker_a
    login_as(user)
    forget_reauthentication(client)

    response = client.post(REAUTH_URL, {"password": "wrong password here", "token": totp_code(user)})

    assert response.status_code == 200
    assert b"The password or the code is not right." in response.content
    assert SESSION_REAUTHENTICATED_AT not in client.session
    assert audit_events("accounts.reauthentication_failed", actor_id=user.pk).count() == 1
    assert client.get(reverse("accounts:password_change")).status_code == 302


def test_it_refuses_a_wrong_code_even_with_the_right_password(client, personas, login_as):
    user = personas.caseworker_a
    login_as(user)
    forget_reauthentication(client)
    right = totp_code(user)

    response = client.post(REAUTH_URL, {"password": PASSWORD, "token": f"{(int(right) + 1) % 1_000_000:06d}"})

    assert response.status_code == 200
    assert b"The password or the code is not right." in response.content
    assert SESSION_REAUTHENTICATED_AT not in client.session
    assert audit_events("accounts.second_factor_failed", actor_id=user.pk).count() == 1
    assert not audit_events("accounts.reauthenticated").exists()


def test_it_refuses_another_users_password(client, personas, login_as):
    login_as(personas.caseworker_a)
    forget_reauthentication(client)
    other = personas.caseworker_b
    other.set_password("another password entirely")
    other.save()

    response = client.post(
        REAUTH_URL, {"password": "another password entirely", "token": totp_code(personas.caseworker_a)}
    )

    assert response.status_code == 200
    assert SESSION_REAUTHENTICATED_AT not in client.session


def test_it_stops_password_guessing_from_a_stolen_session(client, personas, login_as):
    user = personas.caseworker_a
    login_as(user)
    forget_reauthentication(client)

    responses = [
        client.post(REAUTH_URL, {"password": f"guess number {attempt}", "token": "000000"})
        for attempt in range(settings.AXES_FAILURE_LIMIT)
    ]

    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert responses[-1].status_code == 429
    # Even the right password is refused now, from this address.
    unthrottle(user)
    response = client.post(REAUTH_URL, {"password": PASSWORD, "token": totp_code(user)})
    assert response.status_code == 429
    assert SESSION_REAUTHENTICATED_AT not in client.session
    assert audit_events("accounts.locked_out", actor_label=user.email).exists()


def test_it_never_sends_the_user_off_site_after_proof(client, personas, login_as):
    user = personas.caseworker_a
    login_as(user)

    response = client.post(f"{REAUTH_URL}?next=https://evil.example/", {"password": PASSWORD, "token": totp_code(user)})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_keeps_proof_per_session(personas):
    user = personas.caseworker_a
    first, second = new_client(), new_client()
    login(first, user)
    login(second, user)
    forget_reauthentication(first)
    forget_reauthentication(second)
    first.post(REAUTH_URL, {"password": PASSWORD, "token": totp_code(user)})

    assert first.get(reverse("accounts:password_change")).status_code == 200
    assert second.get(reverse("accounts:password_change")).status_code == 302


def _quoted(path):
    from urllib.parse import quote

    return quote(path, safe="")
