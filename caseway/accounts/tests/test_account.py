import re

from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken

from caseway.accounts.services import BACKUP_CODE_COUNT
from caseway.accounts.tests.helpers import (
    LOGIN_URL,
    audit_events,
    new_client,
    post_password,
    unthrottle,
)
from caseway.orgs.models import Membership
from caseway.orgs.permissions import Role
from caseway.tests.personas import BACKUP_CODE

URL = reverse("accounts:account")
REGENERATE_URL = reverse("accounts:backup_codes_regenerate")


def test_it_sends_an_anonymous_visitor_to_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=/accounts/me/"


def test_it_shows_the_account_and_its_organizations(client, personas, login_as):
    user = personas.coordinator
    Membership.objects.create(user=user, organization=personas.org_a, role=Role.SUPERVISOR)
    Membership.objects.create(user=user, organization=personas.org_b, role=Role.CASEWORKER, is_active=False)
    login_as(user)

    response = client.get(URL)

    assert response.status_code == 200
    text = response.content.decode()
    assert user.email in text
    assert "Gamma Coordination · Coordinator" in text
    assert "Alpha Relief · Supervisor" in text
    assert "Beta Legal Aid" not in text.split("My organizations")[1]
    assert re.search(r"<dt>Backup codes left</dt><dd>1</dd>", text)


def test_it_is_never_stored_by_a_browser_or_a_proxy(client, personas, login_as):
    login_as(personas.caseworker_a)

    response = client.get(URL)

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_it_sends_the_security_headers(client, personas, login_as):
    login_as(personas.caseworker_a)

    response = client.get(URL)

    assert response["X-Frame-Options"] == "DENY"
    # same-origin, not no-referrer: under no-referrer browsers post `Origin: null`, which CSRF refuses
    # (settings.py). Either way no address of ours reaches another site.
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    directives = [directive.split() for directive in response["Content-Security-Policy"].split(";")]
    policy = {words[0]: words[1:] for words in directives}
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]


def test_it_has_no_inline_script(client, personas, login_as):
    login_as(personas.caseworker_a)

    html = client.get(URL).content.decode()

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_it_keeps_a_password_only_session_out(client, personas):
    post_password(client, personas.caseworker_a.email)

    response = client.get(URL)

    assert response["Location"].startswith(reverse("accounts:verify"))


def test_it_makes_new_backup_codes_after_fresh_proof(client, personas, login_as):
    user = personas.caseworker_a
    login_as(user)

    response = client.post(REGENERATE_URL)

    assert response.status_code == 200
    codes = re.findall(r"<li>([0-9a-z]+)</li>", response.content.decode())
    assert len(codes) == BACKUP_CODE_COUNT
    assert sorted(codes) == sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert BACKUP_CODE not in codes
    assert "no-store" in response["Cache-Control"]
    assert audit_events("accounts.backup_codes_regenerated", actor_id=user.pk).count() == 1
    assert b"<dd>10</dd>" in client.get(URL).content

    # The old code is gone; a new one works.
    browser = new_client()
    post_password(browser, user.email)
    assert browser.post(reverse("accounts:verify"), {"token": BACKUP_CODE}).status_code == 200
    unthrottle(user)
    browser = new_client()
    post_password(browser, user.email)
    assert browser.post(reverse("accounts:verify"), {"token": codes[3]}).status_code == 302


def test_it_makes_backup_codes_with_post_only(client, personas, login_as):
    login_as(personas.caseworker_a)

    assert client.get(REGENERATE_URL).status_code == 405
    assert not audit_events("accounts.backup_codes_regenerated").exists()


def test_it_sends_an_anonymous_visitor_away_from_backup_codes(client, db):
    response = client.post(REGENERATE_URL)

    assert response["Location"].startswith(LOGIN_URL)


def test_it_counts_used_backup_codes(client, personas, login_as):
    user = personas.caseworker_a
    browser = new_client()
    post_password(browser, user.email)
    browser.post(reverse("accounts:verify"), {"token": BACKUP_CODE})
    login_as(user)

    assert b"<dd>0</dd>" in client.get(URL).content
