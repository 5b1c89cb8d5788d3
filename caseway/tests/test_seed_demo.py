"""manage.py seed_demo: a deterministic, idempotent fictional network whose printed logins work."""

import base64
import json
import re
import time
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseway.accounts.models import User
from caseway.directory.models import Service
from caseway.orgs.models import Membership, Organization
from caseway.orgs.permissions import Role
from caseway.tests.personas import make_member

LOGIN_ROW = re.compile(r"^(?P<email>\S+@\S+)\s+(?P<org>\S+)\s+(?P<role>\S+)\n\s+TOTP: (?P<uri>otpauth://\S+)$", re.M)


def _seed(**options) -> str:
    out = StringIO()
    options.setdefault("up_to", "orgs")  # the network and logins; each app tests its own demo data
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def _snapshot():
    return {
        "organizations": sorted(Organization.objects.values_list("acronym", "name", "type", "country")),
        "users": sorted(User.objects.values_list("email", flat=True)),
        "memberships": sorted(Membership.objects.values_list("user__email", "organization__acronym", "role")),
        "totp_keys": sorted(TOTPDevice.objects.values_list("user__email", "key", "confirmed")),
        "backup_codes": sorted(StaticToken.objects.values_list("device__user__email", "token")),
    }


def _totp_now(uri: str) -> str:
    query = parse_qs(urlsplit(uri).query)
    secret = query["secret"][0]
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digits = int(query.get("digits", ["6"])[0])
    generator = TOTP(key, step=int(query.get("period", ["30"])[0]), digits=digits)
    generator.time = time.time()
    return f"{generator.token():0{digits}d}"


@pytest.fixture
def seeded(db):
    return _seed()


def test_it_creates_a_mixed_network_in_two_countries(seeded):
    assert Organization.objects.count() >= 8
    assert Organization.objects.values("type").distinct().count() >= 6
    assert set(Organization.objects.values_list("country", flat=True)) == {"XA", "XB"}


def test_it_creates_a_user_for_every_role(seeded):
    roles = set(Membership.objects.filter(is_active=True).values_list("role", flat=True))

    assert roles == set(Role.values)


def test_it_gives_every_demo_user_a_confirmed_authenticator_and_backup_codes(seeded):
    users = User.objects.all()
    assert users.count() >= len(Role.values)
    for user in users:
        assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1, user.email
        static = StaticDevice.objects.get(user=user, confirmed=True)
        assert static.token_set.count() >= 3, user.email


def test_it_creates_a_user_with_two_memberships(seeded):
    assert User.objects.annotate(places=Count("memberships")).filter(places__gte=2).exists()


def test_it_changes_nothing_when_run_again(seeded):
    before = _snapshot()

    _seed()

    assert _snapshot() == before


def test_it_derives_the_same_secrets_on_every_install(seeded):
    first = _snapshot()
    TOTPDevice.objects.all().delete()
    StaticDevice.objects.all().delete()
    Membership.objects.all().delete()
    User.objects.all().delete()

    _seed()

    assert _snapshot() == first


def test_it_prints_each_login_with_its_totp_uri(seeded):
    assert "otpauth://" in seeded
    printed = {match["email"] for match in LOGIN_ROW.finditer(seeded)}
    assert printed == set(User.objects.values_list("email", flat=True))


def test_it_prints_logins_that_work_through_the_real_sign_in_pages(seeded, client):
    password = re.search(r"^Password: (.+)$", seeded, re.M).group(1)
    row = next(LOGIN_ROW.finditer(seeded))

    response = client.post(reverse("accounts:login"), {"username": row["email"], "password": password})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:verify"))
    response = client.post(response["Location"], {"token": _totp_now(row["uri"])})
    assert response.status_code == 302

    home = client.get("/")
    assert home.status_code == 200
    assert home.wsgi_request.user.email == row["email"]
    assert home.wsgi_request.user.is_verified()


def test_it_leaves_other_accounts_out_of_the_printed_logins(db):
    partner = Organization.objects.create(name="Partner NGO", acronym="PNG", type="national_ngo", country="XA")
    outsider = make_member(partner, Role.CASEWORKER, "real.person@partner-ngo.example.org")
    outsider_key = TOTPDevice.objects.get(user=outsider).key

    output = _seed()

    assert outsider.email not in output
    assert outsider_key not in output
    assert base64.b32encode(bytes.fromhex(outsider_key)).decode().rstrip("=") not in output


def test_it_refuses_to_run_in_production(db):
    with override_settings(MODE="production", DEMO_MODE=False, TEST_MODE=False), pytest.raises(CommandError):
        _seed()

    assert Organization.objects.count() == 0
    assert User.objects.count() == 0


def test_it_writes_the_logins_file_in_demo_mode(db, tmp_path):
    with override_settings(DEMO_MODE=True, VAR_DIR=tmp_path):
        _seed()

    path = tmp_path / "demo-logins.json"
    rows = json.loads(path.read_text(encoding="utf-8"))
    assert {row["email"] for row in rows} == set(User.objects.values_list("email", flat=True))
    assert {"email", "password", "role", "organization", "totp_secret", "backup_codes"} <= set(rows[0])
    assert path.stat().st_mode & 0o077 == 0


def test_it_writes_no_logins_file_outside_demo_mode(db, tmp_path):
    with override_settings(DEMO_MODE=False, VAR_DIR=tmp_path):
        _seed()

    assert not (tmp_path / "demo-logins.json").exists()


def test_it_leaves_an_organization_sharing_an_acronym_alone(db):
    local = Organization.objects.create(name="Bright Learning Centre", acronym="BLC", type="employer", country="KE")

    _seed()

    local.refresh_from_db()
    assert (local.name, local.type, local.country) == ("Bright Learning Centre", "employer", "KE")
    assert Organization.objects.filter(name="Belmara Legal Aid Clinic", country="XB").exists()


def test_it_tightens_an_existing_logins_file(db, tmp_path):
    path = tmp_path / "demo-logins.json"
    path.write_text("[]", encoding="utf-8")
    path.chmod(0o644)

    with override_settings(DEMO_MODE=True, VAR_DIR=tmp_path):
        _seed()

    assert path.stat().st_mode & 0o077 == 0
    assert json.loads(path.read_text(encoding="utf-8"))


def test_it_refuses_an_unknown_app_label(db):
    with pytest.raises(CommandError, match="no app labelled"):
        _seed(up_to="nowhere")


def test_it_stops_after_the_app_it_is_told(db):
    _seed(up_to="orgs")
    assert Organization.objects.exists()
    assert not Service.objects.exists()
