"""The named people every test works with, one set per organization (DESIGN.md, Testing)."""

import time
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseway.accounts.middleware import SESSION_LAST_SEEN_AT, SESSION_REAUTHENTICATED_AT, SESSION_STARTED_AT
from caseway.accounts.models import User
from caseway.orgs.models import Membership, Organization, OrganizationType
from caseway.orgs.permissions import Role

PASSWORD = "correct horse battery staple"
BACKUP_CODE = "backup01"


@cache
def _password_hash():
    return make_password(PASSWORD)


def make_user(email, *, name="", with_second_factor=True) -> User:
    user = User.objects.create(email=email, display_name=name, password=_password_hash())
    if with_second_factor:
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        static = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
        StaticToken.objects.create(device=static, token=BACKUP_CODE)
    return user


def make_member(organization, role, email, **kwargs) -> User:
    user = make_user(email, **kwargs)
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


@dataclass
class Personas:
    org_a: Organization
    org_b: Organization
    org_other: Organization
    caseworker_a: User
    supervisor_a: User
    legal_officer_a: User
    admin_a: User
    monitor_a: User
    caseworker_b: User
    supervisor_b: User
    legal_officer_b: User
    admin_b: User
    monitor_b: User
    coordinator: User
    donor: User
    outsider: User
    unaffiliated: User
    by_name: dict = field(default_factory=dict)

    def all(self):
        return dict(self.by_name)


def build_personas() -> Personas:
    """The personas, written in one insert per table: most tests start here, so it is kept cheap."""
    organizations = Organization.objects.bulk_create(
        [
            Organization(name="Alpha Relief", acronym="ALR", type=OrganizationType.NATIONAL_NGO, country="XA"),
            Organization(name="Beta Legal Aid", acronym="BLA", type=OrganizationType.LEGAL_CLINIC, country="XB"),
            Organization(name="Gamma Coordination", acronym="GCO", type=OrganizationType.UN_AGENCY, country="XA"),
            Organization(name="Delta Fund", acronym="DLF", type=OrganizationType.DONOR, country="XB"),
            Organization(name="Epsilon Works", acronym="EPW", type=OrganizationType.EMPLOYER, country="XB"),
        ]
    )
    org_a, org_b, org_other, donor_org, outsider_org = organizations
    members = {}  # persona name -> (organization, role, email)
    for suffix, org in (("a", org_a), ("b", org_b)):
        for role, name in (
            (Role.CASEWORKER, "caseworker"),
            (Role.SUPERVISOR, "supervisor"),
            (Role.LEGAL_OFFICER, "legal_officer"),
            (Role.AGENCY_ADMIN, "admin"),
            (Role.MONITOR, "monitor"),
        ):
            members[f"{name}_{suffix}"] = (org, role, f"{name}.{suffix}@example.org")
    members["coordinator"] = (org_other, Role.COORDINATOR, "coordinator@example.org")
    members["donor"] = (donor_org, Role.DONOR, "donor@example.org")
    members["outsider"] = (outsider_org, Role.CASEWORKER, "outsider@example.org")
    # Signed in with both factors, but their only membership was deactivated: may do nothing.
    members["unaffiliated"] = (org_a, Role.CASEWORKER, "former.caseworker.a@example.org")

    users = User.objects.bulk_create(
        [User(email=email, display_name="", password=_password_hash()) for _org, _role, email in members.values()]
    )
    people = dict(zip(members, users, strict=True))
    Membership.objects.bulk_create(
        [
            Membership(user=people[name], organization=org, role=role, is_active=name != "unaffiliated")
            for name, (org, role, _email) in members.items()
        ]
    )
    TOTPDevice.objects.bulk_create([TOTPDevice(user=user, name="authenticator", confirmed=True) for user in users])
    backups = StaticDevice.objects.bulk_create(
        [StaticDevice(user=user, name="backup", confirmed=True) for user in users]
    )
    StaticToken.objects.bulk_create([StaticToken(device=device, token=BACKUP_CODE) for device in backups])
    return Personas(org_a=org_a, org_b=org_b, org_other=org_other, by_name=people, **people)


def login(client, user):
    """Signs ``user`` in with both factors passed, as the login and verify pages would leave the session.

    Passing the second factor also counts as a fresh re-authentication, as it does in the app.
    The session is written straight to the session store: ``Client.force_login`` would also send
    ``user_logged_in``, whose receivers (the audit event of a sign-in, axes) cost a fifth of the
    access matrix's time and are tested through the real sign-in pages.
    """
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = _session_backend()
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["otp_device_id"] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
    now = time.time()
    session[SESSION_REAUTHENTICATED_AT] = now
    session[SESSION_STARTED_AT] = now
    session[SESSION_LAST_SEEN_AT] = now
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME].update(
        {"path": "/", "domain": settings.SESSION_COOKIE_DOMAIN, "secure": settings.SESSION_COOKIE_SECURE or None}
    )
    return client


def _session_backend():
    """The backend ``Client.force_login`` would record: the first that can load a user."""
    return next(path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user"))
