"""The fictional demo network: organizations in two fictional countries and a person per role.

Everything here is invented. Country codes XA and XB are ISO 3166 user-assigned codes, so they
can never collide with a real country. Secrets are derived from the e-mail address, so every
run and every machine gives the same demo logins (the demo is published; never use it for data).
"""

import hashlib
import hmac

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseway.accounts.models import User
from caseway.orgs.models import Membership, Organization, OrganizationType
from caseway.orgs.permissions import Role

DEMO_PASSWORD = "demo passphrase for caseway"  # noqa: S105  (published on purpose: demo mode only)
DEMO_SEED = b"caseway-demo-network"
BACKUP_CODES_PER_USER = 5

COUNTRIES = {"XA": "Aldoria", "XB": "Belmara"}

# (acronym, name, type, country, [(role, local part of the e-mail), ...])
ORGANIZATIONS = [
    (
        "RSM",
        "Recovery Support Mission",
        OrganizationType.UN_AGENCY,
        "XA",
        [(Role.COORDINATOR, "coordinator"), (Role.MONITOR, "monitor"), (Role.AGENCY_ADMIN, "admin")],
    ),
    (
        "HWN",
        "Horizon Women's Network",
        OrganizationType.NATIONAL_NGO,
        "XA",
        [
            (Role.CASEWORKER, "caseworker"),
            (Role.SUPERVISOR, "supervisor"),
            (Role.AGENCY_ADMIN, "admin"),
            (Role.MONITOR, "monitor"),
        ],
    ),
    (
        "SPI",
        "Safe Paths International",
        OrganizationType.INTERNATIONAL_NGO,
        "XA",
        [
            (Role.CASEWORKER, "caseworker"),
            (Role.SUPERVISOR, "supervisor"),
            (Role.LEGAL_OFFICER, "legal"),
            (Role.AGENCY_ADMIN, "admin"),
        ],
    ),
    (
        "RHC",
        "Riverside Health Centre",
        OrganizationType.HEALTH_FACILITY,
        "XA",
        [(Role.CASEWORKER, "caseworker"), (Role.SUPERVISOR, "supervisor"), (Role.AGENCY_ADMIN, "admin")],
    ),
    (
        "MSA",
        "Ministry of Social Affairs of Aldoria",
        OrganizationType.GOVERNMENT,
        "XA",
        [(Role.CASEWORKER, "caseworker"), (Role.AGENCY_ADMIN, "admin")],
    ),
    (
        "BLC",
        "Belmara Legal Aid Clinic",
        OrganizationType.LEGAL_CLINIC,
        "XB",
        [(Role.LEGAL_OFFICER, "legal"), (Role.SUPERVISOR, "supervisor"), (Role.AGENCY_ADMIN, "admin")],
    ),
    (
        "HCC",
        "Hope Community Circle",
        OrganizationType.COMMUNITY_BASED,
        "XB",
        [(Role.CASEWORKER, "caseworker"), (Role.AGENCY_ADMIN, "admin")],
    ),
    (
        "UFR",
        "Unity Faith Relief",
        OrganizationType.FAITH_GROUP,
        "XB",
        [(Role.CASEWORKER, "caseworker"), (Role.AGENCY_ADMIN, "admin")],
    ),
    (
        "GVC",
        "Green Valley Cooperative",
        OrganizationType.EMPLOYER,
        "XB",
        [(Role.CASEWORKER, "employment"), (Role.AGENCY_ADMIN, "admin")],
    ),
    (
        "CFR",
        "Common Fund for Recovery",
        OrganizationType.DONOR,
        "XB",
        [(Role.DONOR, "donor"), (Role.AGENCY_ADMIN, "admin")],
    ),
]

# One person works in two organizations, to show the organization switcher.
SHARED_MEMBER = ("roving.supervisor@demo.example.org", [("HWN", Role.SUPERVISOR), ("HCC", Role.SUPERVISOR)])


def _derive(email: str, purpose: str) -> bytes:
    return hmac.new(DEMO_SEED, f"{purpose}:{email}".encode(), hashlib.sha256).digest()


def _backup_codes(email: str) -> list[str]:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for index in range(BACKUP_CODES_PER_USER):
        digest = _derive(email, f"backup-{index}")
        codes.append("".join(alphabet[byte % len(alphabet)] for byte in digest[:8]))
    return codes


def _ensure_user(email: str, display_name: str, password_hash: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(email=email, display_name=display_name, password=password_hash)
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(
            user=user, name="authenticator", confirmed=True, key=_derive(email, "totp")[:20].hex()
        )
    static, created = StaticDevice.objects.get_or_create(user=user, name="backup", defaults={"confirmed": True})
    if created:
        StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in _backup_codes(email))
    return user


DEMO_DOMAIN = "demo.example.org"


def _email(acronym: str, local_part: str) -> str:
    return f"{local_part}@{acronym.lower()}.{DEMO_DOMAIN}"


def _is_demo_email(email: str) -> bool:
    return email.endswith(f"@{DEMO_DOMAIN}") or email.endswith(f".{DEMO_DOMAIN}")


@transaction.atomic
def seed(network: dict) -> None:
    from django.contrib.auth.hashers import make_password

    password_hash = make_password(DEMO_PASSWORD)
    organizations = {}
    for acronym, name, org_type, country, people in ORGANIZATIONS:
        # By name (unique), not acronym (not unique): an organization of the instance that happens
        # to share an acronym must never be renamed or moved into the demo network.
        organization, _ = Organization.objects.update_or_create(
            name=name, defaults={"acronym": acronym, "type": org_type, "country": country, "is_active": True}
        )
        organizations[acronym] = organization
        for role, local_part in people:
            email = _email(acronym, local_part)
            user = _ensure_user(email, f"{Role(role).label} ({acronym})", password_hash)
            Membership.objects.get_or_create(user=user, organization=organization, defaults={"role": role})
    email, places = SHARED_MEMBER
    user = _ensure_user(email, "Roving supervisor", password_hash)
    for acronym, role in places:
        Membership.objects.get_or_create(user=user, organization=organizations[acronym], defaults={"role": role})
    network["organizations"] = organizations
    network["countries"] = COUNTRIES


def logins() -> list[dict]:
    """Every demo login with its second factor, for the printed table and var/demo-logins.json."""
    rows = []
    # Only the demo's own people: anyone else on the instance keeps their second factor to themselves.
    users = User.objects.filter(email__endswith=DEMO_DOMAIN).prefetch_related("memberships__organization")
    for user in users.order_by("email"):
        if not _is_demo_email(user.email):
            continue
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        codes = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True).order_by("id"))
        for membership in user.memberships.all():
            rows.append(
                {
                    "email": user.email,
                    "password": DEMO_PASSWORD,
                    "role": membership.role,
                    "organization": membership.organization.acronym,
                    "totp_secret": device.config_url.split("secret=")[1].split("&")[0] if device else "",
                    "totp_uri": device.config_url if device else "",
                    "backup_codes": codes,
                }
            )
    return rows
