import time

import pytest
from django.test import override_settings
from django.urls import reverse

from caseway.portal import services, session
from caseway.portal.tests.helpers import an_account, sign_in

pytestmark = pytest.mark.django_db


def _idle_for(client, seconds):
    stored = client.session
    stored[session.LAST_SEEN] = time.time() - seconds
    stored.save()


@override_settings(PORTAL_IDLE_MINUTES=15)
def test_it_signs_out_after_fifteen_idle_minutes(client, personas):
    account = an_account(personas)
    sign_in(client, account)
    _idle_for(client, 14 * 60)
    assert client.get(reverse("portal:home")).status_code == 200
    _idle_for(client, 15 * 60 + 1)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:login")
    page = client.get(reverse("portal:login"))
    assert "we signed you out" in page.content.decode()


@override_settings(PORTAL_SHARED_IDLE_MINUTES=5)
def test_on_a_device_that_is_not_theirs_it_signs_out_sooner(client, personas):
    account = an_account(personas)
    sign_in(client, account, shared_device=True)
    _idle_for(client, 5 * 60 + 1)
    assert client.get(reverse("portal:home")).status_code == 302


def test_it_caches_nothing_anywhere(client, personas):
    account = an_account(personas)
    for name in ("portal:login", "portal:start"):
        assert "no-store" in client.get(reverse(name))["Cache-Control"]
    sign_in(client, account)
    response = client.get(reverse("portal:home"))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_quick_exit_ends_the_portal_session(client, personas):
    account = an_account(personas)
    sign_in(client, account)
    response = client.get(reverse("quick_exit"))
    assert response.status_code == 302 and response["Clear-Site-Data"]
    back = client.get(reverse("portal:messages"))
    assert back.status_code == 302 and back["Location"] == reverse("portal:login")


def test_signing_out_ends_the_session(client, personas):
    account = an_account(personas)
    sign_in(client, account)
    response = client.post(reverse("portal:logout"))
    assert response.status_code == 302
    assert client.get(reverse("portal:home")).status_code == 302


def test_a_new_code_ends_every_open_session(client, personas):
    from caseway.portal.tests.helpers import PIN, invite

    account = an_account(personas)
    sign_in(client, account)
    invitation = invite(personas, account.case)
    services.invitation_redeem(code=invitation.code, pin=PIN, pin_again=PIN)
    assert client.get(reverse("portal:home")).status_code == 302
