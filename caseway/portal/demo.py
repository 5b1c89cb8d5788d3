"""Portal accounts for a few demo clients, through the real services, and their printed logins.

In each of the two organizations with the most open demo cases, the first three of them (oldest
first) whose client agreed to use the portal (the demo records that agreement): two clients have
chosen the demo PIN (a message thread with their caseworker, one request for an appointment, a
picture of a fictional certificate they uploaded), one
is only invited. An invitation code is kept as a digest only, so the invited clients get a fresh
code at every run, printed with the rest; the others keep their number and the demo PIN.
"""

import io

from django.db import transaction
from django.db.models import Count, Q
from PIL import Image, ImageDraw

from caseway.clients import consent
from caseway.clients.models import Case, CaseStatus, Consent, ConsentPurpose
from caseway.messaging import thread_services
from caseway.orgs.demo import DEMO_DOMAIN
from caseway.orgs.models import Membership
from caseway.portal import document_services, request_services, services
from caseway.portal.models import PortalAccount

DEMO_PIN = "480613"  # published with the demo, like the staff password
ORGANIZATIONS = 2
PER_ORGANIZATION = 3
ACTIVE_PER_ORGANIZATION = 2
THREAD = (
    ("team", "Hello. This is your caseworker. You can write to me here. I answer on weekdays."),
    ("client", "Thank you. Can we meet next week? Mornings are better for me."),
    ("team", "Yes. I will book a morning and you will see it under Appointments."),
)


def _caseworker(case):
    return (
        Membership.objects.filter(
            organization_id=case.organization_id,
            user_id=case.caseworker_id,
            is_active=True,
            user__email__endswith=DEMO_DOMAIN,
        )
        .select_related("user", "organization")
        .first()
    )


def _agree(case, worker):
    if consent.allows(case.client, ConsentPurpose.PORTAL, case.organization_id):
        return
    consent.consent_record(
        actor=worker.user,
        membership=worker,
        client=case.client,
        purpose=ConsentPurpose.PORTAL,
        granted=True,
        given_by=Consent.GivenBy.CLIENT,
        method=Consent.Method.VERBAL,
        wording=consent.wording_for(ConsentPurpose.PORTAL, "en"),
    )


def _activate(case, worker):
    invitation = services.invitation_create(actor=worker.user, membership=worker, case=case)
    account = services.invitation_redeem(code=invitation.code, pin=DEMO_PIN, pin_again=DEMO_PIN)
    for side, text in THREAD:
        if side == "team":
            thread_services.message_to_client(actor=worker.user, membership=worker, case=case, body=text)
        else:
            thread_services.message_from_client(account=account, body=text)
    request_services.request_create(
        account=account, kind="new", preferred_times="Tuesday or Wednesday morning", childcare_needed=True
    )
    document_services.document_upload(account=account, kind="certificate", data=_demo_certificate())
    return account


def _demo_certificate() -> bytes:
    """A small picture of a fictional certificate, drawn here (no real document anywhere)."""
    image = Image.new("RGB", (320, 200), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 311, 191), outline=(60, 60, 60), width=3)
    draw.text((24, 40), "TRAINING CERTIFICATE", fill=(20, 20, 20))
    draw.text((24, 80), "Fictional demo document", fill=(60, 60, 60))
    draw.text((24, 120), "Tailoring, level 1", fill=(60, 60, 60))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _demo_cases(network):
    organizations = (
        Case.objects.filter(
            organization__in=network["organizations"].values(),
            status__in=[CaseStatus.OPEN, CaseStatus.ACTIVE],
            caseworker__email__endswith=DEMO_DOMAIN,
            client__erased_at__isnull=True,
        )
        .values("organization_id")
        .annotate(open_cases=Count("pk"))
        .order_by("-open_cases", "organization_id")[:ORGANIZATIONS]
    )
    for row in organizations:
        yield from (
            Case.objects.filter(
                Q(organization_id=row["organization_id"]),
                status__in=[CaseStatus.OPEN, CaseStatus.ACTIVE],
                caseworker__email__endswith=DEMO_DOMAIN,
                client__erased_at__isnull=True,
            )
            .select_related("client", "organization")
            .order_by("opened_at", "pk")[:PER_ORGANIZATION]
        )


def seed(network: dict) -> None:
    rows = []
    placed = {}
    for case in _demo_cases(network):
        worker = _caseworker(case)
        if worker is None:
            continue
        rank = placed.setdefault(case.organization_id, 0)
        placed[case.organization_id] += 1
        with transaction.atomic():
            _agree(case, worker)
            account = PortalAccount.objects.filter(client_id=case.client_id).first()
            if account is None and rank < ACTIVE_PER_ORGANIZATION:
                account = _activate(case, worker)
            if account is not None and account.status == PortalAccount.Status.ACTIVE:
                rows.append({"organization": case.organization.acronym, "number": account.number, "pin": DEMO_PIN})
                continue
            invitation = services.invitation_create(actor=worker.user, membership=worker, case=case)
            rows.append(
                {
                    "organization": case.organization.acronym,
                    "number": invitation.account.number,
                    "code": invitation.code_for_reading,
                }
            )
    network["portal_logins"] = rows
