from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseway.accounts.tests.helpers import (
    LOGIN_URL,
    audit_events,
    post_password,
    totp_code,
    unthrottle,
)
from caseway.tests.personas import make_user

VERIFY_URL = reverse("accounts:verify")


def test_it_sends_an_anonymous_visitor_to_sign_in(client, db):
    response = client.get(VERIFY_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_it_asks_for_the_code(client, personas):
    post_password(client, personas.caseworker_a.email)

    response = client.get(VERIFY_URL)

    assert response.status_code == 200
    assert b'name="token"' in response.content
    assert "no-store" in response["Cache-Control"]


def test_it_refuses_a_wrong_code_and_records_it(client, personas):
    user = personas.caseworker_a
    post_password(client, user.email)
    right = totp_code(user)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = client.post(VERIFY_URL, {"token": wrong})

    assert response.status_code == 200
    assert b"That code is not right, or it was used already." in response.content
    assert client.get("/").status_code == 302
    assert audit_events("accounts.second_factor_failed", actor_id=user.pk).count() == 1
    assert not audit_events("accounts.second_factor_verified").exists()


def test_it_accepts_the_right_code_after_a_wrong_one(client, personas):
    user = personas.caseworker_a
    post_password(client, user.email)
    client.post(VERIFY_URL, {"token": "000000" if totp_code(user) != "000000" else "111111"})
    unthrottle(user)

    response = client.post(VERIFY_URL, {"token": totp_code(user)})

    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_it_slows_down_guessing_after_a_wrong_code(client, personas, settings):
    assert settings.OTP_TOTP_THROTTLE_FACTOR >= 1
    assert settings.OTP_STATIC_THROTTLE_FACTOR >= 1
    # A minute's wait after one failure, so a slow test machine cannot outlast the pause.
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 60
    user = personas.caseworker_a
    post_password(client, user.email)
    code = totp_code(user)
    client.post(VERIFY_URL, {"token": "000000" if code != "000000" else "111111"})

    # Right away, even the right code is refused: django-otp waits longer after each failure.
    response = client.post(VERIFY_URL, {"token": code})

    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_it_refuses_a_code_used_already(client, personas):
    user = personas.caseworker_a
    code = totp_code(user)
    post_password(client, user.email)
    client.post(VERIFY_URL, {"token": code})
    client.post(reverse("accounts:logout"))

    post_password(client, user.email)
    response = client.post(VERIFY_URL, {"token": code})

    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_it_accepts_a_code_typed_with_spaces(client, personas):
    user = personas.caseworker_a
    code = totp_code(user)
    post_password(client, user.email)

    response = client.post(VERIFY_URL, {"token": f"{code[:3]} {code[3:]}"})

    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_it_refuses_a_code_from_another_users_authenticator(client, personas):
    post_password(client, personas.caseworker_a.email)

    response = client.post(VERIFY_URL, {"token": totp_code(personas.caseworker_b)})

    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_it_ignores_an_unconfirmed_authenticator(client, personas):
    user = personas.caseworker_a
    pending = TOTPDevice.objects.create(user=user, name="pending", confirmed=False)
    post_password(client, user.email)

    response = client.post(VERIFY_URL, {"token": totp_code(user, device=pending)})

    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_it_sends_a_user_without_authenticator_to_set_one_up(client, db):
    user = make_user("new.person@example.org", with_second_factor=False)
    post_password(client, user.email)

    response = client.get(f"{VERIFY_URL}?next=/orgs/")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:enroll')}?next=%2Forgs%2F"


def test_it_moves_a_verified_user_on(client, personas):
    user = personas.caseworker_a
    post_password(client, user.email)
    client.post(VERIFY_URL, {"token": totp_code(user)})

    response = client.get(f"{VERIFY_URL}?next=/orgs/")

    assert response.status_code == 302
    assert response["Location"] == "/orgs/"


def test_it_keeps_a_signed_out_code_page_useless(client, personas):
    user = personas.caseworker_a
    post_password(client, user.email)
    client.post(reverse("accounts:logout"))
    unthrottle(user)

    response = client.post(VERIFY_URL, {"token": totp_code(user)})

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert not audit_events("accounts.second_factor_verified").exists()
