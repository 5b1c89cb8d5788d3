"""Every change to accounts and their second factors goes through here."""

import time

from django.contrib.auth import authenticate, logout
from django.db import transaction
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseway import audit
from caseway.accounts.middleware import SESSION_REAUTHENTICATED_AT

BACKUP_CODE_COUNT = 10
AUTHENTICATOR_NAME = "authenticator"
BACKUP_CODES_NAME = "backup"


def has_confirmed_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def totp_enrollment_start(*, actor) -> TOTPDevice:
    """The unconfirmed authenticator the user is setting up (a new secret each time)."""
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    return TOTPDevice.objects.create(user=actor, name=AUTHENTICATOR_NAME, confirmed=False)


@transaction.atomic
def totp_enrollment_confirm(*, actor, request, token: str) -> list[str] | None:
    """Confirms the pending authenticator with a code from it; returns new backup codes."""
    device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).first()
    if device is None or not device.verify_token(token):
        audit.record(actor, "accounts.second_factor_enrollment_failed", actor, request=request)
        return None
    TOTPDevice.objects.filter(user=actor, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _replace_backup_codes(actor)
    otp_login(request, device)
    request.session[SESSION_REAUTHENTICATED_AT] = time.time()
    audit.record(actor, "accounts.second_factor_enrolled", actor, request=request)
    return codes


def _replace_backup_codes(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=BACKUP_CODES_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def backup_codes_regenerate(*, actor, request) -> list[str]:
    codes = _replace_backup_codes(actor)
    audit.record(actor, "accounts.backup_codes_regenerated", actor, request=request)
    return codes


def backup_codes_remaining(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def second_factor_verify(*, actor, request, token: str) -> bool:
    """Checks a code from the authenticator or a one-time backup code (used up on success)."""
    token = "".join(token.split())
    for device in devices_for_user(actor, confirmed=True, for_verify=True):
        if device.verify_token(token):
            otp_login(request, device)
            request.session[SESSION_REAUTHENTICATED_AT] = time.time()
            kind = "backup_code" if isinstance(device, StaticDevice) else "authenticator"
            audit.record(actor, "accounts.second_factor_verified", actor, fields=[kind], request=request)
            return True
    audit.record(actor, "accounts.second_factor_failed", actor, request=request)
    return False


def reauthentication_confirm(*, actor, request, password: str, token: str) -> bool:
    """Proves the person at the keyboard is still the user, before a sensitive operation.

    The password goes through ``authenticate`` so that django-axes counts wrong guesses here as at
    the sign-in page: a stolen session cannot be used to try passwords without limit.
    """
    proven = authenticate(request, username=actor.get_username(), password=password)
    if proven is None or proven.pk != actor.pk:
        audit.record(actor, "accounts.reauthentication_failed", actor, request=request)
        return False
    if not second_factor_verify(actor=actor, request=request, token=token):
        return False
    audit.record(actor, "accounts.reauthenticated", actor, request=request)
    return True


def recently_reauthenticated(request, max_age: int) -> bool:
    at = request.session.get(SESSION_REAUTHENTICATED_AT)
    return at is not None and time.time() - at <= max_age


@transaction.atomic
def sessions_end_everywhere(*, actor, request):
    """Ends every session of the user, this one included."""
    audit.record(actor, "accounts.signed_out_everywhere", actor, request=request)
    actor.sign_out_everywhere()
    logout(request)


@transaction.atomic
def second_factor_reset(*, actor, user, request=None):
    """An agency admin removes a user's authenticator and backup codes (lost phone).

    The user sets up a new authenticator at their next sign-in; their sessions end now.
    """
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user.sign_out_everywhere()
    audit.record(actor, "accounts.second_factor_reset", user, request=request)


@transaction.atomic
def password_change(*, actor, request, new_password: str):
    from django.contrib.auth import update_session_auth_hash

    actor.set_password(new_password)
    actor.save(update_fields=["password"])
    update_session_auth_hash(request, actor)
    audit.record(actor, "accounts.password_changed", actor, fields=["password"], request=request)
