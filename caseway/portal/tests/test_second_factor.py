import base64
import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP

from caseway.audit.models import AuditEvent
from caseway.portal import session
from caseway.portal.models import PortalAccount, PortalSignIn
from caseway.portal.tests.helpers import an_account, sign_in

pytestmark = pytest.mark.django_db


def code_for(secret, at=None):
    totp = TOTP(base64.b32decode(secret), step=30, digits=6)
    totp.time = at or time.time()
    return f"{totp.token():06d}"


def _with_second_lock(personas):
    account = an_account(personas)
    portal = Client()
    sign_in(portal, account)
    page = portal.get(reverse("portal:second_factor_add")).content.decode()
    assert "<svg" in page and "<?xml" not in page
    secret = portal.session[session.NEW_SECOND_LOCK]
    shown = re.search(r'class="number" dir="ltr">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    assert shown == secret
    response = portal.post(reverse("portal:second_factor_add"), {"code": code_for(secret, time.time() - 30)})
    assert response.status_code == 302
    account.refresh_from_db()
    return account, secret


def test_a_client_adds_a_second_lock_kept_encrypted(personas):
    account, secret = _with_second_lock(personas)
    assert account.second_factor == secret
    assert AuditEvent.objects.filter(action="portal.second_factor_added").count() == 1
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT second_factor FROM portal_portalaccount")
        assert secret not in cursor.fetchone()[0]


def test_a_wrong_code_adds_nothing(personas):
    account = an_account(personas)
    portal = Client()
    sign_in(portal, account)
    portal.get(reverse("portal:second_factor_add"))
    response = portal.post(reverse("portal:second_factor_add"), {"code": "000000"})
    assert "This code is not right" in response.content.decode()
    account.refresh_from_db()
    assert account.second_factor is None


def test_with_a_second_lock_the_pin_alone_opens_nothing(personas):
    account, secret = _with_second_lock(personas)
    portal = Client()
    response = sign_in(portal, account)
    assert response["Location"] == reverse("portal:login_code")
    assert portal.get(reverse("portal:home")).status_code == 302  # not signed in yet
    response = portal.post(reverse("portal:login_code"), {"code": code_for(secret)})
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert portal.get(reverse("portal:home")).status_code == 200
    # The same code never works twice.
    again = Client()
    sign_in(again, account)
    assert (
        "This code is not right"
        in again.post(reverse("portal:login_code"), {"code": code_for(secret)}).content.decode()
    )


def test_wrong_codes_count_like_wrong_pins(personas, settings):
    settings.PORTAL_MAX_ATTEMPTS = 3
    account, _secret = _with_second_lock(personas)
    portal = Client()
    for _attempt in range(3):
        sign_in(portal, account)
        portal.post(reverse("portal:login_code"), {"code": "000000"})
    account.refresh_from_db()
    assert account.lockouts == 1 and account.locked_until is not None
    assert account.sign_ins.filter(outcome=PortalSignIn.Outcome.WRONG_CODE).count() == 3


def test_the_code_step_expires(personas):
    account, secret = _with_second_lock(personas)
    portal = Client()
    sign_in(portal, account)
    stored = portal.session
    stored[session.PENDING]["at"] = time.time() - 6 * 60
    stored.save()
    assert portal.post(reverse("portal:login_code"), {"code": code_for(secret)})["Location"] == reverse("portal:login")


def test_taking_it_away_needs_a_current_code(personas):
    account, secret = _with_second_lock(personas)
    portal = Client()
    sign_in(portal, account)
    portal.post(reverse("portal:login_code"), {"code": code_for(secret)})
    assert portal.post(reverse("portal:second_factor_remove"), {"code": "000000"}).status_code == 400
    account.refresh_from_db()
    assert account.second_factor == secret
    response = portal.post(reverse("portal:second_factor_remove"), {"code": code_for(secret, time.time() + 30)})
    assert response.status_code == 302
    assert PortalAccount.objects.get(pk=account.pk).second_factor is None
