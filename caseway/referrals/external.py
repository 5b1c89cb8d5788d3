"""Referrals to organizations outside the network: a printable form and a secure one-time link.

An organization is *outside the network* when nobody of it may receive a referral on Caseway (no
active member whose role may see personal data): a provider known from the directory, or one
whose agency admin signs data-sharing agreements but whose staff do not use Caseway. The client's
consent and the data-sharing agreement name it like any organization, so a referral to it passes
the same gate (``referral_send``) and the consent signal stops it the same way.

What goes outside, decided at every read (``shared_categories``): each category the referral
carries that the client agrees *now* to share with the receiver AND that an agreement in force
covers for referrals. Never a category sent only on a supervisor's consent override, and nothing
at all unless the client's referral consent and an agreement for referrals are in force now
(``gate_allows``). The safety plan's contents are never in a package (``package.py``).

The printed form (``print_package``): the sender's staff print that part, cut further to what the
person printing may see on the case; each print is audited with the categories' names.

The link (``external_link_create``): a random token in the URL (only its SHA-256 is stored) and a
separate PIN of ``PIN_DIGITS`` digits (stored with Django's password hasher), shown once to the
sender to pass by another channel (a phone call). It expires after
``settings.EXTERNAL_LINK_DAYS``; after ``settings.EXTERNAL_LINK_PIN_FAILURES`` wrong PINs it is
locked for good. A new link for the same referral revokes the older one; the sender may revoke it.
The outside organization enters the PIN (``open_link``: the first time, the referral becomes
"seen"), reads the package and accepts or declines with a coded reason (``answer_link``) through
the state machine, as the receiver; then the link is used up. Accepting opens no case: nobody of
the receiver works on Caseway. Every request is audited (field names only; the token and the PIN
never). Whatever the reason a link cannot be used (unknown, expired, revoked, locked, used, the
referral closed, consent or agreement gone, wrong PIN), the visitor is told the same thing.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway import audit
from caseway.clients import access as client_access
from caseway.clients import consent
from caseway.clients.models import CaseStatus, ConsentPurpose
from caseway.orgs.agreements import agreements_in_force, allowed_categories
from caseway.orgs.categories import SharingPurpose
from caseway.orgs.models import DataSharingAgreement, Membership, Organization
from caseway.orgs.permissions import Action
from caseway.referrals import access, package, services, transitions
from caseway.referrals.models import DeclineReason, ExternalLink, Referral, Status
from caseway.referrals.transitions import RECEIVER, SENDER

TOKEN_BYTES = 32
PIN_DIGITS = 8
PIN_MAX_LENGTH = 32  # what a form accepts before spaces and dashes are taken out
ACTOR_LABEL = "external-link"
# The code of the timeline events the outside organization causes ("seen", "accepted").
EVENT_CODE = "external_link"
GRANT_SALT = "caseway.referrals.external.answer"
# Seconds between entering the PIN and answering, before the PIN must be entered again.
GRANT_MAX_AGE = 60 * 60
# While waiting for an answer or worked on, the form may be printed.
PRINTABLE = frozenset({Status.SENT, Status.VIEWED, Status.ACCEPTED, Status.IN_SERVICE})

# A link's state, as the sender reads it (the visitor is never told which).
LIVE = "live"
EXPIRED = "expired"
REVOKED = "revoked"
LOCKED = "locked"
USED = "used"
CLOSED = "closed"  # the referral no longer waits for an answer, or consent or the agreement is gone


class LinkUnavailable(Exception):
    """The link cannot be used (whatever the reason: the visitor is not told which)."""


def _require(membership) -> None:
    if membership is None or not membership.is_active or not membership.allows(Action.VIEW_PERSONAL_DATA):
        raise PermissionDenied


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def clean_pin(value) -> str:
    """The PIN as typed, without the spaces and dashes people put in to read it out."""
    return "".join(str(value or "").split()).replace("-", "")[:PIN_MAX_LENGTH]


def new_pin() -> str:
    return f"{secrets.randbelow(10**PIN_DIGITS):0{PIN_DIGITS}d}"


def spaced(pin: str) -> str:
    """``12345678`` → ``1234 5678``: easier to read out over the phone."""
    return " ".join(pin[index : index + 4] for index in range(0, len(pin), 4))


@cache
def _decoy_hash() -> str:
    return make_password(secrets.token_urlsafe(16))


def _spend_the_same_time(pin: str) -> None:
    """A PIN check against nothing, so an unknown or dead link takes as long to refuse as a wrong PIN."""
    check_password(pin, _decoy_hash())


def max_failures() -> int:
    return settings.EXTERNAL_LINK_PIN_FAILURES


# ---------------------------------------------------------------------------------------------
# Who is outside the network, and what may go there


def _receiving_members():
    return Membership.objects.filter(is_active=True, role__in=services.RECEIVING_ROLES)


def is_outside_network(organization) -> bool:
    """Nobody of ``organization`` may receive a referral on Caseway (it may still sign agreements)."""
    if organization is None:
        return False
    return not _receiving_members().filter(organization_id=organization.pk).exists()


def outside_organizations(membership):
    """Organizations outside the network that ``membership``'s organization may refer to: active,
    with a data-sharing agreement for referrals in force with it."""
    own = membership.organization_id
    partners = set()
    for proposer, partner, purposes in _agreements_of(own):
        if SharingPurpose.REFERRAL in purposes:
            partners.add(partner if proposer == own else proposer)
    return (
        Organization.objects.filter(is_active=True, pk__in=partners)
        .exclude(pk=own)
        .exclude(pk__in=_receiving_members().values("organization_id"))
        .order_by("name")
    )


def _agreements_of(organization_id):
    today = timezone.localdate()
    return (
        DataSharingAgreement.objects.filter(Q(proposer_id=organization_id) | Q(partner_id=organization_id))
        .filter(status=DataSharingAgreement.Status.ACTIVE, valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .values_list("proposer_id", "partner_id", "purposes")
    )


def gate_allows(referral, *, at=None) -> bool:
    """The client still agrees to be referred to the receiver and an agreement for referrals is in force.

    No override here: what a supervisor sent without the client's referral consent does not leave
    the network.
    """
    at = at or timezone.now()
    if referral.client.erased_at is not None:
        return False
    if not consent.allows(referral.client, ConsentPurpose.REFERRAL, referral.to_organization_id, at=at):
        return False
    return any(
        SharingPurpose.REFERRAL in agreement.purposes
        for agreement in agreements_in_force(
            referral.from_organization_id, referral.to_organization_id, on=timezone.localdate(at)
        )
    )


def shared_categories(referral, *, at=None) -> frozenset:
    """The categories the outside organization may see now (see the module docstring)."""
    at = at or timezone.now()
    if referral.status not in access.PACKAGE_SHOWN_TO_RECEIVER:
        return frozenset()
    if not gate_allows(referral, at=at):
        return frozenset()
    consented = consent.shared_categories(referral.client, referral.to_organization_id, at=at)
    agreed = allowed_categories(
        referral.from_organization_id,
        referral.to_organization_id,
        purpose=SharingPurpose.REFERRAL,
        on=timezone.localdate(at),
    )
    return frozenset(referral.categories) & consented & agreed


def _part(referral, categories) -> dict:
    return package.visible_part(referral.package, categories)


# ---------------------------------------------------------------------------------------------
# A referral to an organization outside the network


def external_referral_create(
    *,
    actor,
    membership,
    case,
    to_organization,
    urgency,
    reason,
    categories,
    to_service=None,
    request=None,
) -> Referral:
    """A draft referral from ``case`` to an organization outside the network.

    Sent, like any referral, by ``services.referral_send``: only past the gate.
    """
    _require(membership)
    reason = (reason or "").strip()
    categories = sorted(set(categories or ()))
    errors = {}
    if to_organization is None or not outside_organizations(membership).filter(pk=to_organization.pk).exists():
        errors["to_organization"] = _(
            "Choose an organization outside the network with which your organization has a data-sharing "
            "agreement for referrals."
        )
    if to_service is not None and (to_organization is None or to_service.organization_id != to_organization.pk):
        errors["to_service"] = _("This service belongs to another organization than the one chosen.")
    with transaction.atomic():
        case = client_access.get_case_for_update(membership, case.pk)
        services._check_draft(errors, membership, case, urgency, reason, categories)
        if case.status == CaseStatus.CLOSED:
            errors["case"] = _("This case is closed: reopen it before referring the client.")
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        referral = Referral.objects.create(
            client_id=case.client_id,
            from_case=case,
            from_organization_id=membership.organization_id,
            to_organization=to_organization,
            to_service=to_service,
            external_recipient=to_organization.name[:200],
            urgency=urgency,
            status=Status.DRAFT,
            categories=categories,
            data_key_id=case.client.data_key_id,
            reason=reason,
            created_by=actor,
            created_at=now,
        )
        services._event(referral, "", Status.DRAFT, actor=actor, membership=membership, at=now)
        audit.record(
            actor,
            "referrals.referral_created",
            referral,
            fields=[
                "to_organization",
                "external_recipient",
                *(["to_service"] if to_service else []),
                "urgency",
                "reason",
                "categories",
            ],
            organization=membership.organization_id,
            request=request,
        )
    return referral


def _sender_referral(membership, pk, *, for_update=False) -> Referral:
    """The referral for its sender only, and only when it goes outside the network: else 404."""
    getter = access.get_referral_for_update if for_update else access.get_referral_for_member
    referral = getter(membership, pk)
    if access.side_of(membership, referral) != SENDER:
        raise Http404
    if not is_outside_network(referral.to_organization):
        raise Http404
    return referral


def get_referral_for_sender(membership, pk) -> Referral:
    _require(membership)
    return _sender_referral(membership, pk)


def problems(referral, *, at=None, printing=False) -> list[str]:
    """Why this referral cannot be printed (``printing``) or given a link now; [] when it can."""
    at = at or timezone.now()
    found = []
    statuses = PRINTABLE if printing else transitions.AWAITING_ANSWER
    if referral.status not in statuses:
        found.append(
            _("Only a referral that was sent and is still open can be printed.")
            if printing
            else _("A link can be made only while the referral waits for an answer.")
        )
        return found
    names = {"receiver": referral.to_organization.name}
    if referral.client.erased_at is not None:
        found.append(_("The client's record was erased."))
    elif not consent.allows(referral.client, ConsentPurpose.REFERRAL, referral.to_organization_id, at=at):
        found.append(_("The client's consent to be referred to %(receiver)s is not in force.") % names)
    if not gate_allows(referral, at=at) and not found:
        found.append(_("No data-sharing agreement for referrals is in force with %(receiver)s.") % names)
    return found


# ---------------------------------------------------------------------------------------------
# The printed form


def print_categories(membership, referral) -> frozenset:
    """What the form may carry: what may go outside, cut to what the person printing may see."""
    return shared_categories(referral) & access.package_categories(membership, referral)


def print_package(*, actor, membership, referral, request=None) -> dict:
    """The part of the package to print, audited with the categories' names. ``ValidationError``
    when the referral may not be printed now."""
    _require(membership)
    referral = _sender_referral(membership, referral.pk)
    found = problems(referral, printing=True)
    if found:
        raise ValidationError(found)
    categories = print_categories(membership, referral)
    audit.record(
        actor,
        "referrals.package_printed",
        referral,
        fields=["reason", "package.client", *(f"package.{category}" for category in sorted(categories))],
        organization=membership.organization_id,
        request=request,
    )
    return _part(referral, categories)


# ---------------------------------------------------------------------------------------------
# The link: the sender's side


def link_state(link, referral=None, *, at=None) -> str:
    at = at or timezone.now()
    referral = referral or link.referral
    if link.revoked_at is not None:
        return REVOKED
    if link.answered_at is not None:
        return USED
    if link.locked_at is not None or link.failed_attempts >= max_failures():
        return LOCKED
    if link.expires_at <= at:
        return EXPIRED
    if referral.status not in transitions.AWAITING_ANSWER:
        return CLOSED
    if not gate_allows(referral, at=at):
        return CLOSED
    return LIVE


def links_of(referral) -> list[ExternalLink]:
    return list(ExternalLink.objects.filter(referral=referral).select_related("created_by").order_by("-created_at"))


def _live_links(referral, at):
    return (
        ExternalLink.objects.select_for_update()
        .filter(referral=referral, revoked_at__isnull=True, answered_at__isnull=True, locked_at__isnull=True)
        .filter(expires_at__gt=at)
    )


def _revoke(link, *, actor, organization_id, at, request, reason_field) -> None:
    link.revoked_at = at
    link.save(update_fields=["revoked_at"])
    audit.record(
        actor,
        "referrals.external_link_revoked",
        link,
        fields=["revoked_at", reason_field],
        organization=organization_id,
        request=request,
    )


def external_link_create(*, actor, membership, referral, request=None, now=None) -> tuple[ExternalLink, str, str]:
    """A new link for a referral to an organization outside the network: (link, token, PIN).

    The token and the PIN are returned once, here, and stored only hashed. An older link of the
    same referral still usable is revoked. ``ValidationError`` when the referral's gate does not
    allow it now.
    """
    _require(membership)
    now = now or timezone.now()
    with transaction.atomic():
        referral = _sender_referral(membership, referral.pk, for_update=True)
        found = problems(referral, at=now)
        if found:
            raise ValidationError(found)
        for older in _live_links(referral, now):
            _revoke(
                older,
                actor=actor,
                organization_id=membership.organization_id,
                at=now,
                request=request,
                reason_field="replaced",
            )
        token, pin = secrets.token_urlsafe(TOKEN_BYTES), new_pin()
        link = ExternalLink.objects.create(
            referral=referral,
            token_hash=hash_token(token),
            pin_hash=make_password(pin),
            created_by=actor,
            created_at=now,
            expires_at=now + datetime.timedelta(days=settings.EXTERNAL_LINK_DAYS),
        )
        audit.record(
            actor,
            "referrals.external_link_created",
            link,
            fields=["token_hash", "pin_hash", "expires_at"],
            organization=membership.organization_id,
            request=request,
        )
    return link, token, pin


def external_link_revoke(*, actor, membership, referral, link_pk, request=None, now=None) -> ExternalLink:
    """The sender revokes a link: it stops working at once. A link already dead stays as it is."""
    _require(membership)
    now = now or timezone.now()
    with transaction.atomic():
        referral = _sender_referral(membership, referral.pk, for_update=True)
        try:
            link = ExternalLink.objects.select_for_update().get(pk=link_pk, referral=referral)
        except (ExternalLink.DoesNotExist, ValueError, ValidationError):
            raise Http404 from None
        if link.revoked_at is None and link.answered_at is None:
            _revoke(
                link,
                actor=actor,
                organization_id=membership.organization_id,
                at=now,
                request=request,
                reason_field="by_sender",
            )
    return link


# ---------------------------------------------------------------------------------------------
# The link: the outside organization's side


@dataclass
class Opened:
    """What a visitor with the right token and PIN sees: the referral and its shareable part."""

    link: ExternalLink
    referral: Referral
    categories: frozenset
    part: dict
    grant: str


def _record(action, link, fields, request, referral=None) -> None:
    audit.record(
        None,
        action,
        link,
        fields=fields,
        organization=(referral or link.referral).from_organization_id if link is not None else None,
        actor_label=ACTOR_LABEL,
        request=request,
    )


def _find(token) -> ExternalLink | None:
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    return ExternalLink.objects.filter(token_hash=hash_token(token)).first()


def _lock(link) -> tuple[ExternalLink, Referral]:
    """The referral, then the link, locked (always in this order: the sender's side does the same)."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("client", "from_organization", "to_organization", "to_service")
        .get(pk=link.referral_id)
    )
    link = ExternalLink.objects.select_for_update().get(pk=link.pk)
    return link, referral


def link_seen(*, token, request=None) -> None:
    """The page asking for the PIN was requested: audited, whether the token is known or not."""
    link = _find(token)
    if link is None:
        _record("referrals.external_link_unknown", None, ["token"], request)
        return
    _record("referrals.external_link_requested", link, ["token"], request)


def _grant(link, at) -> str:
    """Stands for the PIN in the answer form, for ``GRANT_MAX_AGE`` seconds from ``at``: signed, bound to the link."""
    return signing.Signer(salt=GRANT_SALT).sign(f"{link.pk}:{int(at.timestamp())}")


def _grant_matches(grant, link, at) -> bool:
    try:
        value = signing.Signer(salt=GRANT_SALT).unsign(str(grant or ""))
    except signing.BadSignature:
        return False
    link_pk, _, issued = value.partition(":")
    if link_pk != str(link.pk) or not issued.isdigit():
        return False
    return 0 <= at.timestamp() - int(issued) <= GRANT_MAX_AGE


def _opened(link, referral, request, at) -> Opened:
    categories = shared_categories(referral, at=at)
    _record(
        "referrals.external_package_read",
        link,
        ["reason", "package.client", *(f"package.{category}" for category in sorted(categories))],
        request,
        referral,
    )
    return Opened(
        link=link, referral=referral, categories=categories, part=_part(referral, categories), grant=_grant(link, at)
    )


def _try_pin(token, pin, request, now) -> Opened | None:
    found = _find(token)
    if found is None:
        _spend_the_same_time(pin)
        _record("referrals.external_link_unknown", None, ["token", "pin"], request)
        return None
    link, referral = _lock(found)
    state = link_state(link, referral, at=now)
    if state != LIVE:
        _spend_the_same_time(pin)
        _record("referrals.external_link_refused", link, ["pin", f"state.{state}"], request, referral)
        return None
    if not check_password(pin, link.pin_hash) or not pin:  # the hash first: an empty PIN takes as long
        link.failed_attempts += 1
        fields = ["failed_attempts"]
        if link.failed_attempts >= max_failures():
            link.locked_at = now
            fields.append("locked_at")
        link.save(update_fields=fields)
        _record("referrals.external_pin_failed", link, fields, request, referral)
        return None
    if referral.status == Status.SENT:
        services._move(referral, Status.VIEWED, RECEIVER, actor=None, membership=None, code=EVENT_CODE, request=request)
    return _opened(link, referral, request, now)


def open_link(*, token, pin, request=None, now=None) -> Opened:
    """The visitor gives the PIN. Right, on a usable link: what it may see (the first time, the
    referral becomes "seen"). Otherwise ``LinkUnavailable``, the same for every reason; a wrong PIN
    counts, and the last one allowed locks the link for good."""
    now = now or timezone.now()
    pin = clean_pin(pin)
    with transaction.atomic():  # the failed attempt and its audit event are kept: no exception inside
        opened = _try_pin(token, pin, request, now)
    if opened is None:
        raise LinkUnavailable
    return opened


def reopen(*, token, grant, request=None, now=None) -> Opened:
    """The page again after an answer the form refused, without the PIN (the grant stands for it)."""
    now = now or timezone.now()
    with transaction.atomic():
        found = _find(token)
        opened = None
        if found is not None and _grant_matches(grant, found, now):
            link, referral = _lock(found)
            if link_state(link, referral, at=now) == LIVE:
                opened = _opened(link, referral, request, now)
        if opened is None:
            _record("referrals.external_answer_refused", found, ["grant"], request)
    if opened is None:
        raise LinkUnavailable
    return opened


ACCEPT, DECLINE = "accept", "decline"


def _answer_errors(answer, reason, note) -> dict:
    errors = {}
    if answer not in (ACCEPT, DECLINE):
        errors["answer"] = _("Choose whether you accept or decline.")
    elif answer == DECLINE:
        if reason not in DeclineReason.values:
            errors["reason"] = _("Choose why you decline.")
        elif reason == DeclineReason.OTHER and not note:
            errors["note"] = _("Say why, without names or details of the client.")
    if len(note) > services.NOTE_MAX_LENGTH:
        errors["note"] = _("Keep the note under %(count)d characters.") % {"count": services.NOTE_MAX_LENGTH}
    return errors


def _answer(link, referral, answer, reason, note, request, now) -> None:
    if answer == ACCEPT:
        services._move(
            referral,
            Status.ACCEPTED,
            RECEIVER,
            actor=None,
            membership=None,
            changes={"answered_at": referral.answered_at or now},
            code=EVENT_CODE,
            request=request,
        )
    else:
        services._move(
            referral,
            Status.DECLINED,
            RECEIVER,
            actor=None,
            membership=None,
            changes={
                "decline_reason": reason,
                "decline_note": note or None,
                "alternative_service": None,
                "answered_at": referral.answered_at or now,
            },
            code=reason,
            request=request,
        )
    link.answered_at = now
    link.save(update_fields=["answered_at"])
    _record("referrals.external_link_answered", link, ["answered_at", f"referral.{referral.status}"], request, referral)


def answer_link(*, token, grant, answer, reason="", note="", request=None, now=None) -> Referral:
    """The outside organization accepts or declines (a coded reason; a note with "other"), as the
    receiver, through the state machine. The link is then used up.

    ``ValidationError`` for an incomplete answer (nothing written); ``LinkUnavailable`` when the
    link cannot be used, or the page was opened too long ago (the PIN again, then).
    """
    now = now or timezone.now()
    note = (note or "").strip()
    errors = _answer_errors(answer, reason, note)
    answered = None
    with transaction.atomic():
        found = _find(token)
        if found is not None and _grant_matches(grant, found, now):
            link, referral = _lock(found)
            state = link_state(link, referral, at=now)
            if state == LIVE and errors:
                raise ValidationError(errors)
            if state == LIVE:
                _answer(link, referral, answer, reason, note, request, now)
                answered = referral
            else:
                _record("referrals.external_answer_refused", link, ["grant", f"state.{state}"], request, referral)
        else:
            _record("referrals.external_answer_refused", found, ["grant"], request)
    if answered is None:
        raise LinkUnavailable
    return answered
