import re

from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseway.accounts.services import BACKUP_CODE_COUNT
from caseway.accounts.tests.helpers import (
    LOGIN_URL,
    audit_events,
    mark_reauthenticated,
    post_password,
    sign_in,
    totp_code,
    unthrottle,
)
from caseway.tests.personas import BACKUP_CODE, make_member

ENROLL_URL = reverse("accounts:enroll")
VERIFY_URL = reverse("accounts:verify")


def _newcomer(personas):
    return make_member(personas.org_a, "caseworker", "newcomer.a@example.org", with_second_factor=False)


def _pending_device(user):
    return TOTPDevice.objects.get(user=user, confirmed=False)


def _codes_on(response):
    return re.findall(r"<li>([0-9a-z]+)</li>", response.content.decode())


def test_it_sends_an_anonymous_visitor_to_sign_in(client, db):
    response = client.get(ENROLL_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_it_sends_a_user_without_authenticator_from_the_password_to_the_set_up(client, personas):
    user = _newcomer(personas)

    response = post_password(client, user.email)

    assert response.status_code == 302
    assert response["Location"] == f"{ENROLL_URL}?next=%2F"
    assert client.get("/").status_code == 302
    assert client.get("/")["Location"].startswith(ENROLL_URL)


def test_it_shows_a_qr_code_and_the_key(client, personas):
    user = _newcomer(personas)
    post_password(client, user.email)

    response = client.get(ENROLL_URL)

    assert response.status_code == 200
    assert b"<svg" in response.content
    device = _pending_device(user)
    assert device.config_url.split("secret=")[1].split("&")[0].encode() in response.content
    assert "no-store" in response["Cache-Control"]


def test_it_makes_a_new_secret_each_time_the_page_is_opened(client, personas):
    user = _newcomer(personas)
    post_password(client, user.email)
    client.get(ENROLL_URL)
    first = _pending_device(user).key

    client.get(ENROLL_URL)

    assert _pending_device(user).key != first
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_it_refuses_a_wrong_code_and_keeps_the_same_secret(client, personas):
    user = _newcomer(personas)
    post_password(client, user.email)
    client.get(ENROLL_URL)
    device = _pending_device(user)
    right = totp_code(user, device=device)

    response = client.post(ENROLL_URL, {"token": f"{(int(right) + 1) % 1_000_000:06d}"})

    assert response.status_code == 200
    assert b"That code does not match." in response.content
    assert _pending_device(user).key == device.key
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert client.get("/").status_code == 302
    assert audit_events("accounts.second_factor_enrollment_failed", actor_id=user.pk).count() == 1


def test_it_confirms_the_right_code_and_shows_the_backup_codes_once(client, personas):
    user = _newcomer(personas)
    post_password(client, user.email, next_url="/orgs/")
    client.get(f"{ENROLL_URL}?next=/orgs/")
    device = _pending_device(user)

    response = client.post(ENROLL_URL, {"token": totp_code(user, device=device), "next": "/orgs/"})

    assert response.status_code == 200
    codes = _codes_on(response)
    assert len(codes) == BACKUP_CODE_COUNT
    assert len(set(codes)) == BACKUP_CODE_COUNT
    assert sorted(codes) == sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert b'href="/orgs/"' in response.content
    assert "no-store" in response["Cache-Control"]
    device.refresh_from_db()
    assert device.confirmed
    assert audit_events("accounts.second_factor_enrolled", actor_id=user.pk).count() == 1

    # Verified now: the pages open, and the codes are never shown again.
    assert client.get("/").status_code == 200
    account = client.get(reverse("accounts:account"))
    assert account.status_code == 200
    assert not any(code.encode() in account.content for code in codes)


def test_it_lets_a_backup_code_from_the_set_up_sign_in_later(client, personas):
    user = _newcomer(personas)
    post_password(client, user.email)
    client.get(ENROLL_URL)
    codes = _codes_on(client.post(ENROLL_URL, {"token": totp_code(user, device=_pending_device(user))}))
    client.post(reverse("accounts:logout"))

    post_password(client, user.email)
    response = client.post(VERIFY_URL, {"token": codes[0]})

    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_it_keeps_a_password_only_session_from_replacing_the_authenticator(client, personas):
    user = personas.caseworker_a
    post_password(client, user.email)

    response = client.get(ENROLL_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY_URL)
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()

    response = client.post(ENROLL_URL, {"token": "123456"})
    assert response["Location"].startswith(VERIFY_URL)


def test_it_asks_for_proof_again_before_replacing_a_working_authenticator(client, personas):
    user = personas.caseworker_a
    sign_in(client, user)
    mark_reauthenticated(client, seconds_ago=3600)

    response = client.get(ENROLL_URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:reauthenticate')}?next=%2Faccounts%2Fenroll%2F"
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()


def test_it_replaces_the_authenticator_and_the_backup_codes_after_fresh_proof(client, personas):
    user = personas.caseworker_a
    sign_in(client, user)
    old = TOTPDevice.objects.get(user=user, confirmed=True)
    mark_reauthenticated(client)

    client.get(ENROLL_URL)
    unthrottle(user)
    response = client.post(ENROLL_URL, {"token": totp_code(user, device=_pending_device(user))})

    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert not StaticToken.objects.filter(device__user=user, token=BACKUP_CODE).exists()
