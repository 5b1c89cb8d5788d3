"""The demo referrals: between the demo organizations, in every state, some overdue and escalated.

Everything here is invented; reasons and notes name no one. Runs after the clients demo
(``seed_demo`` seeds the apps in floor order) and uses what it left in ``network``: the
organizations and ``client_cases`` (person key → case id).

Only where consent and agreements allow
---------------------------------------
The clients demo recorded, for some people, their agreement to be referred to a named partner
(and for some, to share named categories with it). The demo organizations sign data-sharing
agreements here (``AGREEMENTS``), through the orgs services: one admin proposes, the partner's
admin accepts. A referral is planned for a person only when the gate (``gate.check``) is open for
the categories it carries: the client's consent and an agreement in force; the categories are
what the client agreed to share, the agreement covers and the sender may see on its case. Pairs
with consent but no agreement (for example Horizon Women's Network and the Ministry of Social
Affairs) get no referral: that is the rule, shown.

Through the services
--------------------
Each referral goes through ``referrals.services`` as the staff of the two organizations would:
create, send, open, accept (which opens the receiver's case), start, complete, decline (with a
suggested service), close without success, withdraw; "revoked" comes from the client withdrawing
the referral consent (``consent_revoke``, the clients service), which stops the referral through
the consent signal; escalations through ``escalation.escalate_one``. One completed referral's
receiver records the client's agreement to tell the sender how it went, so its outcome note
reaches the sender (the feedback loop).

The story's times
-----------------
Services stamp the real time. A referral's story is told relative to the seeding moment (sent
three days ago, answered two days ago…), so the inbox shows time left and overdue ones whenever
the demo is seeded; a story that would start before the client agreed is squeezed to fit after.
``_date`` is the only direct write: the referral's own times, its events' and the opening time
of the receiver's case it created, moved to the story's; then the escalations are run as of the
story's moments (the receiver's supervisors alerted five minutes after the deadline, the sender
told after the network's further period). Audit events keep the real time they were written at.

Deterministic and idempotent
----------------------------
Candidates are the clients demo's referral consents (recorded up to its ``DEMO_NOW``), in the
order of the planned people's keys; each gets the next story. A candidate already referred
(any referral from its case to that organization) is left alone, so a second run writes nothing.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from caseway.accounts.models import User
from caseway.clients.consent import consent_record, consent_revoke, shared_categories, wording_for
from caseway.clients.demo import DEMO_DOMAIN, DEMO_NOW
from caseway.clients.models import Case, CaseStatus, Consent, ConsentPurpose, DataCategory
from caseway.orgs import agreement_services
from caseway.orgs import demo as orgs_demo
from caseway.orgs.agreements import agreements_in_force, allowed_categories
from caseway.orgs.categories import SharingPurpose
from caseway.orgs.models import Membership, Organization, OrganizationType
from caseway.orgs.permissions import Role
from caseway.referrals import escalation, external, forms, gate, pathways, services
from caseway.referrals.models import (
    DeclineReason,
    Outcome,
    Pathway,
    PathwayRun,
    PathwayStep,
    Referral,
    ReferralEvent,
    Status,
    UnsuccessfulReason,
    Urgency,
)
from caseway.referrals.transitions import FINAL

AGREEMENT_START = datetime.date(2025, 9, 1)
# (proposer, partner, categories, purposes, signed by the proposer, signed by the partner)
AGREEMENTS = (
    (
        "HWN",
        "RHC",
        (DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.NEEDS, DataCategory.RISK, DataCategory.HEALTH),
        (SharingPurpose.REFERRAL, SharingPurpose.CASE_COORDINATION),
        "Executive Director, Horizon Women's Network",
        "Medical Director, Riverside Health Centre",
    ),
    (
        "HWN",
        "SPI",
        (DataCategory.IDENTITY, DataCategory.NEEDS, DataCategory.RISK, DataCategory.LEGAL),
        (SharingPurpose.REFERRAL, SharingPurpose.LEGAL_COOPERATION),
        "Executive Director, Horizon Women's Network",
        "Country Director, Safe Paths International",
    ),
    (
        "SPI",
        "MSA",
        (DataCategory.IDENTITY, DataCategory.NEEDS, DataCategory.DOCUMENTS),
        (SharingPurpose.REFERRAL,),
        "Country Director, Safe Paths International",
        "Director of Social Protection, Ministry of Social Affairs",
    ),
    (
        "RHC",
        "MSA",
        (DataCategory.IDENTITY, DataCategory.NEEDS),
        (SharingPurpose.REFERRAL,),
        "Medical Director, Riverside Health Centre",
        "Director of Social Protection, Ministry of Social Affairs",
    ),
    (
        "RHC",
        "SPI",
        (DataCategory.IDENTITY, DataCategory.NEEDS, DataCategory.LEGAL),
        (SharingPurpose.REFERRAL,),
        "Medical Director, Riverside Health Centre",
        "Country Director, Safe Paths International",
    ),
    (
        "HCC",
        "BLC",
        (DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.LEGAL, DataCategory.DOCUMENTS),
        (SharingPurpose.REFERRAL, SharingPurpose.LEGAL_COOPERATION),
        "Coordinator, Hope Community Circle",
        "Managing Lawyer, Belmara Legal Aid Clinic",
    ),
    (
        "BLC",
        "GVC",
        (DataCategory.IDENTITY, DataCategory.CONTACT),
        (SharingPurpose.REFERRAL,),
        "Managing Lawyer, Belmara Legal Aid Clinic",
        "Chair, Green Valley Cooperative",
    ),
    (
        "HCC",
        "GVC",
        (DataCategory.IDENTITY, DataCategory.CONTACT),
        (SharingPurpose.REFERRAL,),
        "Coordinator, Hope Community Circle",
        "Chair, Green Valley Cooperative",
    ),
    (
        "UFR",
        "SPI",
        (DataCategory.IDENTITY, DataCategory.NEEDS, DataCategory.LEGAL),
        (SharingPurpose.REFERRAL,),
        "Relief Coordinator, Unity Faith Relief",
        "Country Director, Safe Paths International",
    ),
    (
        "UFR",
        "HCC",
        (DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.NEEDS),
        (SharingPurpose.REFERRAL, SharingPurpose.CASE_COORDINATION),
        "Relief Coordinator, Unity Faith Relief",
        "Coordinator, Hope Community Circle",
    ),
)

# What the sender writes, by receiver: the need, never a name or a detail of the person.
REASONS = {
    "HWN": "Needs psychosocial support and a place in the women's safe-space activities.",
    "SPI": "Needs legal counselling and protection case management.",
    "RHC": "Needs a medical consultation and follow-up care.",
    "MSA": "Needs help replacing civil documents and applying for social assistance.",
    "BLC": "Needs legal advice on civil documentation and a property claim.",
    "HCC": "Needs childcare during sessions and a community support group.",
    "UFR": "Needs food and household items for the family this month.",
    "GVC": "Looking for vocational training and paid work.",
}
OUTCOME_NOTES = {
    Outcome.SERVICE_PROVIDED: "Attended all planned sessions; a follow-up visit is booked in three months.",
    Outcome.PARTLY_PROVIDED: "Attended two of five sessions, then stopped coming; the door stays open.",
}

DAYS = 24.0


@dataclass(frozen=True)
class Story:
    """One referral's life: (status, hours before the seeding moment) from the draft on."""

    key: str
    urgency: str
    steps: tuple
    escalations: int = 0  # levels reached: 1 the receiver's supervisors, 2 the sender too
    outcome: str = ""
    tell_the_sender: bool = False  # the receiver records the client's agreement to share the outcome

    @property
    def statuses(self) -> tuple:
        return tuple(status for status, _hours in self.steps)


S = Status
STORIES = (
    Story(
        "completed",
        Urgency.NORMAL,
        (
            (S.DRAFT, 21 * DAYS + 1),
            (S.SENT, 21 * DAYS),
            (S.VIEWED, 21 * DAYS - 3),
            (S.ACCEPTED, 20 * DAYS),
            (S.IN_SERVICE, 18 * DAYS),
            (S.COMPLETED, 3 * DAYS),
        ),
        outcome=Outcome.SERVICE_PROVIDED,
        tell_the_sender=True,
    ),
    Story("awaiting_emergency", Urgency.EMERGENCY, ((S.DRAFT, 0.6), (S.SENT, 0.5))),
    Story("overdue_receiver_alerted", Urgency.NORMAL, ((S.DRAFT, 81), (S.SENT, 80)), escalations=1),
    Story("accepted", Urgency.HIGH, ((S.DRAFT, 30), (S.SENT, 29.5), (S.VIEWED, 27), (S.ACCEPTED, 26))),
    Story(
        "declined",
        Urgency.NORMAL,
        ((S.DRAFT, 6 * DAYS + 1), (S.SENT, 6 * DAYS), (S.VIEWED, 5 * DAYS), (S.DECLINED, 5 * DAYS - 1)),
    ),
    Story("seen", Urgency.HIGH, ((S.DRAFT, 15), (S.SENT, 14), (S.VIEWED, 6))),
    Story("overdue_sender_told", Urgency.HIGH, ((S.DRAFT, 51), (S.SENT, 50), (S.VIEWED, 40)), escalations=2),
    Story(
        "in_service",
        Urgency.NORMAL,
        (
            (S.DRAFT, 12 * DAYS + 2),
            (S.SENT, 12 * DAYS),
            (S.VIEWED, 11 * DAYS),
            (S.ACCEPTED, 10 * DAYS),
            (S.IN_SERVICE, 8 * DAYS),
        ),
    ),
    Story("draft", Urgency.NORMAL, ((S.DRAFT, 2),)),
    Story(
        "closed_unsuccessful",
        Urgency.NORMAL,
        (
            (S.DRAFT, 30 * DAYS + 1),
            (S.SENT, 30 * DAYS),
            (S.VIEWED, 29 * DAYS),
            (S.ACCEPTED, 29 * DAYS - 2),
            (S.CLOSED_UNSUCCESSFUL, 14 * DAYS),
        ),
    ),
    Story("withdrawn", Urgency.HIGH, ((S.DRAFT, 4 * DAYS + 1), (S.SENT, 4 * DAYS), (S.WITHDRAWN, 3 * DAYS))),
    Story("overdue_emergency", Urgency.EMERGENCY, ((S.DRAFT, 5.2), (S.SENT, 5)), escalations=2),
    Story("revoked", Urgency.NORMAL, ((S.DRAFT, 2 * DAYS + 1), (S.SENT, 2 * DAYS), (S.REVOKED, 0))),
    Story(
        "completed_partly",
        Urgency.HIGH,
        (
            (S.DRAFT, 45 * DAYS + 1),
            (S.SENT, 45 * DAYS),
            (S.ACCEPTED, 44 * DAYS),
            (S.IN_SERVICE, 40 * DAYS),
            (S.COMPLETED, 20 * DAYS),
        ),
        outcome=Outcome.PARTLY_PROVIDED,
    ),
    Story("awaiting", Urgency.NORMAL, ((S.DRAFT, 31), (S.SENT, 30))),
)
MAX_REFERRALS = 30
ESCALATION_DELAY = datetime.timedelta(minutes=5)


# ---------------------------------------------------------------------------------------------
# Who acts


def _demo_members(organization):
    return list(
        Membership.objects.filter(organization=organization, is_active=True, user__email__endswith=DEMO_DOMAIN)
        .select_related("user", "organization")
        .order_by("user__email")
    )


@dataclass
class _Staff:
    worker: Membership  # a caseworker, else a legal officer
    admin: Membership | None


def _staff(organization) -> _Staff | None:
    members = _demo_members(organization)
    workers = [m for m in members if m.role == Role.CASEWORKER] or [m for m in members if m.role == Role.LEGAL_OFFICER]
    if not workers:
        return None
    admins = [m for m in members if m.role == Role.AGENCY_ADMIN]
    return _Staff(worker=workers[0], admin=admins[0] if admins else None)


# ---------------------------------------------------------------------------------------------
# Agreements


def _sign_agreements(organizations, staff) -> None:
    for proposer, partner, categories, purposes, signed_by, signed_by_partner in AGREEMENTS:
        first, second = organizations[proposer], organizations[partner]
        if agreements_in_force(first, second).exists():
            continue  # signed by an earlier run, or by the people using the demo
        proposing, accepting = staff[proposer].admin, staff[partner].admin
        agreement = agreement_services.agreement_propose(
            actor=proposing.user,
            membership=proposing,
            partner=second,
            categories=categories,
            purposes=purposes,
            valid_from=AGREEMENT_START,
            signed_by=signed_by,
        )
        agreement_services.agreement_accept(
            actor=accepting.user, membership=accepting, agreement=agreement, signed_by=signed_by_partner
        )


# ---------------------------------------------------------------------------------------------
# Who is referred where


@dataclass
class Candidate:
    key: str
    case: Case
    consent: Consent  # the client's agreement to be referred to the receiver
    sender: str
    receiver: str


def candidates(network) -> list[Candidate]:
    """The clients demo's referral consents, in the order of the people's keys (deterministic)."""
    organizations = network["organizations"]
    acronyms = {organization.pk: acronym for acronym, organization in organizations.items()}
    keys = {case_id: key for key, case_id in network.get("client_cases", {}).items()}
    cases = Case.objects.filter(pk__in=list(keys)).select_related("client", "organization")
    by_client = {case.client_id: case for case in cases}
    consents = Consent.objects.filter(
        purpose=ConsentPurpose.REFERRAL,
        granted=True,
        recorded_at__lte=DEMO_NOW,
        client_id__in=list(by_client),
        recipient_id__in=list(acronyms),
    )
    found = []
    for consent in consents:
        case = by_client[consent.client_id]
        if case.organization_id == consent.recipient_id:
            continue
        found.append(
            Candidate(
                key=keys[case.pk],
                case=case,
                consent=consent,
                sender=acronyms[case.organization_id],
                receiver=acronyms[consent.recipient_id],
            )
        )
    return sorted(found, key=lambda candidate: (candidate.key, candidate.receiver))


def _categories(candidate, organizations, sender) -> list[str]:
    """What the client agreed to share with the receiver, the agreement covers and the sender sees."""
    receiver = organizations[candidate.receiver]
    agreed = allowed_categories(
        organizations[candidate.sender], receiver, purpose=SharingPurpose.REFERRAL, on=timezone.localdate()
    )
    seen = services.sender_may_share(sender, candidate.case)
    return sorted(shared_categories(candidate.case.client, receiver.pk) & agreed & seen)


def _gate_open(candidate, organizations, categories) -> bool:
    result = gate.check(
        client=candidate.case.client_id,
        sender=organizations[candidate.sender],
        receiver=organizations[candidate.receiver],
        categories=categories,
    )
    return result.open


# ---------------------------------------------------------------------------------------------
# Telling one story through the services


class _Teller:
    def __init__(self, candidate, story, organizations, staff):
        self.candidate = candidate
        self.story = story
        self.organizations = organizations
        self.sender = staff[candidate.sender].worker
        self.receiver = staff[candidate.receiver].worker
        self.referral = None

    def _as_sender(self):
        return {"actor": self.sender.user, "membership": self.sender, "referral": self.referral}

    def _as_receiver(self):
        return {"actor": self.receiver.user, "membership": self.receiver, "referral": self.referral}

    def tell(self, categories) -> Referral:
        receiver = self.organizations[self.candidate.receiver]
        service = forms.referrable_services(receiver).first()
        self.referral = services.referral_create(
            actor=self.sender.user,
            membership=self.sender,
            case=self.candidate.case,
            to_service=service,
            to_organization=receiver,
            urgency=self.story.urgency,
            reason=REASONS.get(self.candidate.receiver, "Needs this service."),
            categories=categories,
        )
        for status in self.story.statuses[1:]:
            self._move(status)
        return self.referral

    def _move(self, status):
        if status == Status.SENT:
            self.referral = services.referral_send(**self._as_sender())
        elif status == Status.VIEWED:
            self.referral = services.referral_view(**self._as_receiver())
        elif status == Status.ACCEPTED:
            self.referral = services.referral_accept(**self._as_receiver())
        elif status == Status.IN_SERVICE:
            self.referral = services.referral_start_service(**self._as_receiver())
        elif status == Status.COMPLETED:
            self._complete()
        elif status == Status.DECLINED:
            suggestion = forms.alternative_services(self.referral).first()
            self.referral = services.referral_decline(
                **self._as_receiver(), reason=DeclineReason.NO_CAPACITY, alternative_service=suggestion
            )
        elif status == Status.CLOSED_UNSUCCESSFUL:
            self.referral = services.referral_close_unsuccessful(
                **self._as_receiver(), reason=UnsuccessfulReason.CLIENT_UNREACHABLE
            )
        elif status == Status.WITHDRAWN:
            self.referral = services.referral_withdraw(**self._as_sender())
        elif status == Status.REVOKED:
            consent_revoke(
                actor=self.sender.user,
                membership=self.sender,
                consent=self.candidate.consent,
                note="The client no longer wants this referral.",
            )
            self.referral.refresh_from_db()

    def _complete(self):
        if self.story.tell_the_sender:
            original = self.candidate.consent
            consent_record(
                actor=self.receiver.user,
                membership=self.receiver,
                client=self.candidate.case.client,
                purpose=ConsentPurpose.SHARING,
                granted=True,
                recipient=self.organizations[self.candidate.sender],
                categories=[DataCategory.NEEDS],
                given_by=original.given_by,
                caregiver_relationship=original.caregiver_relationship,
                method=Consent.Method.VERBAL,
                wording=wording_for(ConsentPurpose.SHARING, "en"),
            )
        self.referral = services.referral_complete(
            **self._as_receiver(), outcome=self.story.outcome, outcome_note=OUTCOME_NOTES[self.story.outcome]
        )


def _agreed_at(candidate) -> datetime.datetime:
    """When the client last agreed to something the referral needs (to be referred, to share)."""
    answers = Consent.objects.filter(
        client_id=candidate.case.client_id,
        recipient_id=candidate.consent.recipient_id,
        purpose__in=(ConsentPurpose.REFERRAL, ConsentPurpose.SHARING),
        granted=True,
    )
    return max(answer.recorded_at for answer in answers)


def _moments(story, seeded_at, agreed_at) -> list:
    """The story's moments, squeezed (same order, shorter) when its start would come before the consent."""
    start = max(hours for _status, hours in story.steps)
    room = (seeded_at - agreed_at - datetime.timedelta(hours=1)).total_seconds() / 3600
    scale = min(1.0, max(room, 0.0) / start) if start else 1.0
    return [seeded_at - datetime.timedelta(hours=hours * scale) if hours else None for _status, hours in story.steps]


def _date(referral, story, moments) -> None:
    """Move the referral, its events and the case it opened to the story's times (see the module docstring)."""
    events = list(ReferralEvent.objects.filter(referral=referral).order_by("at", "pk"))
    for event, moment in zip(events, moments, strict=True):
        if moment is not None:
            ReferralEvent.objects.filter(pk=event.pk).update(at=moment)
    at = dict(zip(story.statuses, moments, strict=True))
    values = {"created_at": at[Status.DRAFT]}
    if Status.SENT in at:
        values["sent_at"] = at[Status.SENT]
        values["due_at"] = at[Status.SENT] + (referral.due_at - referral.sent_at)
    answered = at.get(Status.ACCEPTED) or at.get(Status.DECLINED)
    if answered is not None:
        values["answered_at"] = answered
    final = [at[status] for status in story.statuses if status in FINAL and at[status] is not None]
    if final:
        values["closed_at"] = final[-1]
    Referral.objects.filter(pk=referral.pk).update(**values)
    if referral.to_case_id and Status.ACCEPTED in at:
        # The receiver's case this acceptance opened (a case it only linked keeps its own date).
        Case.objects.filter(pk=referral.to_case_id, origin=Case.Origin.REFERRAL).update(opened_at=at[Status.ACCEPTED])


def _escalate(referral, story, seeded_at) -> None:
    """The escalations the story reached, as of the story's moments."""
    if not story.escalations:
        return
    referral.refresh_from_db()
    first = referral.due_at + ESCALATION_DELAY
    if first > seeded_at:
        return  # a story squeezed to fit after the consent: not overdue yet
    escalation.escalate_one(referral.pk, now=first)
    if story.escalations < 2:
        return
    notice = escalation.sender_notice_hours()[Urgency(referral.urgency)]
    second = first + datetime.timedelta(hours=notice)
    if second <= seeded_at:
        escalation.escalate_one(referral.pk, now=second)


# ---------------------------------------------------------------------------------------------
# Seeding


def _already_referred(candidate, organizations) -> bool:
    return Referral.objects.filter(from_case=candidate.case, to_organization=organizations[candidate.receiver]).exists()


def seed(network: dict) -> None:
    organizations = network["organizations"]
    staff = {acronym: _staff(organization) for acronym, organization in organizations.items()}
    seeded_at = timezone.now()
    with transaction.atomic():
        _sign_agreements(organizations, staff)
        made = []
        planned = 0
        for candidate in candidates(network):
            if planned >= MAX_REFERRALS:
                break
            if staff.get(candidate.sender) is None or staff.get(candidate.receiver) is None:
                continue
            if candidate.case.status == CaseStatus.CLOSED:
                continue
            story = STORIES[planned % len(STORIES)]
            if _already_referred(candidate, organizations):
                planned += 1
                continue
            categories = _categories(candidate, organizations, staff[candidate.sender].worker)
            if not _gate_open(candidate, organizations, categories):
                continue
            planned += 1
            moments = _moments(story, seeded_at, _agreed_at(candidate))
            referral = _Teller(candidate, story, organizations, staff).tell(categories)
            made.append((referral, story, moments))
        for referral, story, moments in made:
            _date(referral, story, moments)
            _escalate(referral, story, seeded_at)
    network["referrals"] = [referral.pk for referral, _story, _moments in made]
    network["pathway_runs"] = seed_pathways(network)
    network["outside_referrals"] = seed_outside_network(network)


# ---------------------------------------------------------------------------------------------
# Outside the network: a hospital nobody of which uses Caseway (``external.py``)
#
# Its director signs a data-sharing agreement for referrals on Caseway (an agency admin, printed
# among the demo logins); nobody of it receives referrals, so Horizon Women's Network refers to
# it on paper or through a secure link. Two clients agree to be referred there: one referral
# was accepted through a link (opened with its PIN, answered, the link used up); the other waits
# for an answer with a live link, after the form was printed. The links' tokens and PINs are
# random and forgotten at once: nothing secret is printed. To try a link, make a new one on the
# referral's page "Printed form and secure link": its address and PIN are shown there, once.

OUTSIDE = ("ADH", "Aldoria District Hospital", "XA", "Director, Aldoria District Hospital")
OUTSIDE_SENDER = "HWN"
OUTSIDE_CATEGORIES = (
    (DataCategory.IDENTITY, DataCategory.NEEDS, DataCategory.HEALTH),  # accepted through a link
    (DataCategory.NEEDS, DataCategory.HEALTH),  # waiting: the code, no name
)
OUTSIDE_REASON = REASONS["RHC"]


def _outside_organization():
    acronym, name, country, _signatory = OUTSIDE
    organization, _created = Organization.objects.get_or_create(
        name=name,
        defaults={"acronym": acronym, "type": OrganizationType.HEALTH_FACILITY, "country": country, "is_active": True},
    )
    email = orgs_demo._email(acronym, "admin")
    user = User.objects.filter(email=email).first() or orgs_demo._ensure_user(
        email, f"{Role.AGENCY_ADMIN.label} ({acronym})", make_password(orgs_demo.DEMO_PASSWORD)
    )
    admin, _created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"role": Role.AGENCY_ADMIN}
    )
    return organization, admin


def _outside_candidates(network, sender) -> list[Case]:
    """The sender's open cases, in the order of the people's keys: the first ones are referred."""
    keys = {case_id: key for key, case_id in network.get("client_cases", {}).items()}
    cases = Case.objects.filter(pk__in=list(keys), organization=sender).exclude(status=CaseStatus.CLOSED)
    return sorted(cases.select_related("client"), key=lambda case: keys[case.pk])


def _agree_to_outside(worker, case, outside, categories) -> None:
    """The client agrees (verbally, as at intake) to be referred to the hospital and to share ``categories``."""
    latest = Consent.objects.filter(client=case.client).order_by("-recorded_at").first()
    for purpose, named in ((ConsentPurpose.REFERRAL, ()), (ConsentPurpose.SHARING, categories)):
        consent_record(
            actor=worker.user,
            membership=worker,
            client=case.client,
            purpose=purpose,
            granted=True,
            recipient=outside,
            categories=list(named),
            given_by=latest.given_by,
            caregiver_relationship=latest.caregiver_relationship,
            method=Consent.Method.VERBAL,
            wording=wording_for(purpose, "en"),
        )


def seed_outside_network(network) -> list:
    """Two referrals to an organization outside the network, through the services (idempotent)."""
    organizations = network["organizations"]
    sender = organizations.get(OUTSIDE_SENDER)
    staff = _staff(sender) if sender is not None else None
    if staff is None or staff.admin is None:
        return []
    outside, outside_admin = _outside_organization()
    if not agreements_in_force(sender, outside).exists():
        agreement = agreement_services.agreement_propose(
            actor=staff.admin.user,
            membership=staff.admin,
            partner=outside,
            categories=(DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.NEEDS, DataCategory.HEALTH),
            purposes=(SharingPurpose.REFERRAL,),
            valid_from=AGREEMENT_START,
            signed_by="Executive Director, Horizon Women's Network",
        )
        agreement_services.agreement_accept(
            actor=outside_admin.user, membership=outside_admin, agreement=agreement, signed_by=OUTSIDE[3]
        )
    worker = staff.worker
    made = []
    for case, wanted in zip(_outside_candidates(network, sender), OUTSIDE_CATEGORIES, strict=False):
        existing = Referral.objects.filter(from_case=case, to_organization=outside).first()
        if existing is not None:
            made.append(existing.pk)
            continue
        categories = sorted(set(wanted) & services.sender_may_share(worker, case))
        _agree_to_outside(worker, case, outside, categories)
        referral = external.external_referral_create(
            actor=worker.user,
            membership=worker,
            case=case,
            to_organization=outside,
            urgency=Urgency.HIGH if len(made) == 0 else Urgency.NORMAL,
            reason=OUTSIDE_REASON,
            categories=categories,
        )
        referral = services.referral_send(actor=worker.user, membership=worker, referral=referral)
        _link, token, pin = external.external_link_create(actor=worker.user, membership=worker, referral=referral)
        if len(made) == 0:
            opened = external.open_link(token=token, pin=pin)
            external.answer_link(token=token, grant=opened.grant, answer=external.ACCEPT)
        else:
            external.print_package(actor=worker.user, membership=worker, referral=referral)
        made.append(referral.pk)
    return made


# ---------------------------------------------------------------------------------------------
# Pathways (``pathways.py``): two standard pathways, and one client's run in progress
#
# The coordinator of the Recovery Support Mission defines the network's two pathways through the
# pathway services. For one client of the clients demo who agreed to be referred where the first
# two steps of "CRSV within 72 hours" can go (and whose case has no referral yet), her caseworker
# starts it through ``pathways.pathway_start`` with those two steps; legal counselling waits until
# she decides (to refer later, from the case). Then the receivers answer through the referral
# services, as in the stories above: the clinical care was accepted within hours and is under
# way; the psychosocial referral was declined for lack of capacity, so that step is late and to
# refer again: what the case shows as next. The times are the stories' (``_moments``, ``_date``):
# the run started nine days before the seeding moment, squeezed after the client's consent if
# need be.

S_ = PathwayStep.DueFrom.START
P_ = PathwayStep.DueFrom.PREVIOUS
PATHWAYS = (
    (
        "crsv-72h",
        "CRSV within 72 hours",
        "For a survivor of sexual violence seen within 72 hours of the assault: clinical care first (post-"
        "exposure prophylaxis and emergency contraception work only within 72 hours), then psychosocial "
        "support, then legal counselling if she wishes.",
        ("health", "mental_health", "safety"),
        True,
        (
            ("health.cmr", Urgency.EMERGENCY, 72, S_),
            ("mhpss", Urgency.HIGH, 7 * 24, P_),
            ("legal.counselling", Urgency.NORMAL, 14 * 24, P_),
        ),
    ),
    (
        "returning-women-children",
        "Women returning with children",
        "For a woman coming back with her children: childcare, so she can attend vocational training, and "
        "psychosocial support, all started in the first weeks.",
        ("childcare", "livelihoods", "mental_health"),
        False,
        (
            ("childcare", Urgency.NORMAL, 7 * 24, S_),
            ("livelihoods.vocational_training", Urgency.NORMAL, 14 * 24, S_),
            ("mhpss", Urgency.NORMAL, 7 * 24, S_),
        ),
    ),
)
DEMO_PATHWAY = "crsv-72h"
RUN_DAYS = 9 * DAYS
# Per step order: the referral's life, in hours before the seeding moment (see Story).
RUN_STORIES = {
    1: Story(
        "pathway_clinical",
        Urgency.EMERGENCY,
        (
            (S.DRAFT, RUN_DAYS),
            (S.SENT, RUN_DAYS - 0.02),
            (S.VIEWED, RUN_DAYS - 1),
            (S.ACCEPTED, RUN_DAYS - 2),
            (S.IN_SERVICE, RUN_DAYS - 5),
        ),
    ),
    2: Story(
        "pathway_declined",
        Urgency.HIGH,
        ((S.DRAFT, RUN_DAYS), (S.SENT, RUN_DAYS - 0.02), (S.VIEWED, RUN_DAYS - 24), (S.DECLINED, RUN_DAYS - 48)),
    ),
}


def _coordinator(organizations):
    mission = organizations.get("RSM")
    if mission is None:
        return None
    return next((m for m in _demo_members(mission) if m.role == Role.COORDINATOR), None)


def _define_pathways(organizations) -> None:
    coordinator = _coordinator(organizations)
    if coordinator is None:
        return
    for code, name, description, needs, urgent, steps in PATHWAYS:
        if Pathway.objects.filter(code=code).exists():
            continue  # defined by an earlier run, or by the people using the demo
        pathway = pathways.pathway_create(
            actor=coordinator.user,
            membership=coordinator,
            code=code,
            name=name,
            description=description,
            needs=needs,
            urgent_health_need=urgent,
        )
        for category, urgency, hours, due_from in steps:
            pathways.pathway_step_add(
                actor=coordinator.user,
                membership=coordinator,
                pathway=pathway,
                category=category,
                urgency=urgency,
                within_hours=hours,
                due_from=due_from,
            )


def _pathway_candidate(network, organizations, staff, pathway):
    """The first client (by person key) whose case has no referral and for whom the first steps can go."""
    acronyms = {organization.pk: acronym for acronym, organization in organizations.items()}
    seen = set()
    for candidate in candidates(network):
        case = candidate.case
        if case.pk in seen or staff.get(candidate.sender) is None or case.status == CaseStatus.CLOSED:
            continue
        seen.add(case.pk)
        if (
            Referral.objects.filter(from_case=case).exists()
            or Case.objects.filter(client_id=case.client_id).count() > 1
        ):
            continue
        plans = pathways.plan(staff[candidate.sender].worker, case, pathway)[: len(RUN_STORIES)]
        if len(plans) < len(RUN_STORIES) or not all(plan.include for plan in plans):
            continue
        if all(staff.get(acronyms.get(plan.service.organization_id)) for plan in plans):
            return candidate, plans
    return None, None


def _agreed_with(case, organization) -> datetime.datetime:
    """When the client last agreed to be referred to, or to share with, ``organization``."""
    answers = Consent.objects.filter(
        client_id=case.client_id,
        recipient=organization,
        purpose__in=(ConsentPurpose.REFERRAL, ConsentPurpose.SHARING),
        granted=True,
    )
    return max(answer.recorded_at for answer in answers)


def seed_pathways(network) -> list:
    """The two pathways, and one run in progress (idempotent: nothing when a demo pathway already ran)."""
    organizations = network["organizations"]
    staff = {acronym: _staff(organization) for acronym, organization in organizations.items()}
    _define_pathways(organizations)
    pathway = Pathway.objects.filter(code=DEMO_PATHWAY).first()
    if pathway is None:
        return []
    existing = list(PathwayRun.objects.filter(pathway=pathway).values_list("pk", flat=True))
    if existing:
        return existing
    candidate, plans = _pathway_candidate(network, organizations, staff, pathway)
    if candidate is None:
        return []
    acronyms = {organization.pk: acronym for acronym, organization in organizations.items()}
    chosen = {plan.step.order: plan for plan in plans}
    referred = {order: acronyms[plan.service.organization_id] for order, plan in chosen.items()}
    worker = staff[candidate.sender].worker
    seeded_at = timezone.now()
    run = pathways.pathway_start(
        actor=worker.user,
        membership=worker,
        case=candidate.case,
        pathway=pathway,
        choices={
            step.order: pathways.StepChoice(
                service=chosen[step.order].service, reason=REASONS.get(referred[step.order])
            )
            if step.order in chosen
            else pathways.StepChoice(include=False)
            for step in pathway.steps.all()
        },
    )
    agreed = []
    told = []
    for referral in run.referrals.select_related("pathway_step").order_by("pathway_step__order"):
        order = referral.pathway_step.order
        story = RUN_STORIES[order]
        step_candidate = Candidate(
            key=candidate.key,
            case=candidate.case,
            consent=candidate.consent,
            sender=candidate.sender,
            receiver=referred[order],
        )
        teller = _Teller(step_candidate, story, organizations, staff)
        teller.referral = referral
        for status in story.statuses[2:]:
            teller._move(status)
        agreed.append(_agreed_with(candidate.case, organizations[referred[order]]))
        told.append((teller.referral, story))
    for referral, story in told:
        moments = _moments(story, seeded_at, max(agreed))
        _date(referral, story, moments)
        PathwayRun.objects.filter(pk=run.pk).update(started_at=moments[0])
    return [run.pk]
