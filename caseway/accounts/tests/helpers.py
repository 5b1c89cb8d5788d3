"""Small tools the accounts and orgs tests share: real codes, session clocks, audit lookups."""

import time
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseway.accounts.middleware import SESSION_LAST_SEEN_AT, SESSION_REAUTHENTICATED_AT, SESSION_STARTED_AT
from caseway.audit.models import AuditEvent
from caseway.tests.personas import PASSWORD

LOGIN_URL = "/accounts/login/"


def totp_code(user, *, steps_ahead=0, device=None) -> str:
    """The code the user's authenticator app shows now (or ``steps_ahead`` periods later)."""
    device = device or TOTPDevice.objects.get(user=user, confirmed=True)
    device.refresh_from_db()
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    generator.time = time.time() + steps_ahead * device.step
    return f"{generator.token():0{device.digits}d}"


def unused_totp_code(user) -> str:
    """A code the device has not accepted yet: the next period's when this one's was used (a second phone sign-in)."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    current = int((time.time() - device.t0) // device.step)
    return totp_code(user, steps_ahead=max(0, device.last_t - current + 1), device=device)


def unthrottle(user):
    """Moves the last failed second-factor attempt into the past (django-otp waits 1 s, 2 s, 4 s...)."""
    long_ago = timezone.now() - timedelta(hours=1)
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=long_ago)
    StaticDevice.objects.filter(user=user).update(throttling_failure_timestamp=long_ago)


def set_session(client, **values):
    session = client.session
    for key, value in values.items():
        session[key] = value
    session.save()


def age_session(client, *, idle_seconds=0, started_seconds_ago=None):
    """Pretends the last request came ``idle_seconds`` ago and the sign-in ``started_seconds_ago``."""
    now = time.time()
    values = {SESSION_LAST_SEEN_AT: now - idle_seconds}
    if started_seconds_ago is not None:
        values[SESSION_STARTED_AT] = now - started_seconds_ago
    set_session(client, **values)


def mark_reauthenticated(client, *, seconds_ago=0):
    set_session(client, **{SESSION_REAUTHENTICATED_AT: time.time() - seconds_ago})


def forget_reauthentication(client):
    """As if the last proof were never given (the fixture's sign-in counts as a fresh one)."""
    session = client.session
    session.pop(SESSION_REAUTHENTICATED_AT, None)
    session.save()


def post_password(client, email, password=PASSWORD, *, next_url=None, **extra):
    data = {"username": email, "password": password}
    url = LOGIN_URL if next_url is None else f"{LOGIN_URL}?next={next_url}"
    return client.post(url, data, **extra)


def sign_in(client, user, *, password=PASSWORD):
    """The whole sign-in through the real pages: password, then the authenticator's code."""
    response = post_password(client, user.email, password)
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith(reverse("accounts:verify"))
    response = client.post(response["Location"], {"token": unused_totp_code(user)})
    assert response.status_code == 302, response.status_code
    return response


def new_client(**defaults) -> Client:
    return Client(**defaults)


def audit_events(action, **filters):
    return AuditEvent.objects.filter(action=action, **filters)


def is_signed_in(client) -> bool:
    """True when the client's session still opens a staff page."""
    response = client.get(reverse("accounts:account"))
    return response.status_code == 200


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN_URL)
