"""Consent: the single question every app asks, and the only way answers are recorded or withdrawn.

``allows(client, purpose, organization, category)``: the newest answer the client gave to that
question decides. A refusal, a revocation or an expiry all mean no, at once: nothing is cached.
An older grant never comes back to life when a newer one is revoked (fail closed).

Answers are records, never a checkbox: ``consent_record`` stores who gave it (the client, or a
caregiver for a child), how (verbal, written, thumbprint), the witness and interpreter, and the
exact wording read out, as a ``ConsentWording`` row found by the SHA-256 of its text, so the
record proves what was agreed. The shipped wordings live in ``caseway/clients/wordings/<language>.json``:
plain, short sentences that someone who cannot read well understands when they are read aloud.
Changing a text creates a new version the first time it is used; old consents keep theirs.
"""

import datetime
import hashlib
import json
import re
from functools import cache
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caseway import audit
from caseway.clients.models import AgeBand, Case, Consent, ConsentPurpose, ConsentWording, DataCategory
from caseway.clients.services import check_contact_change
from caseway.orgs.permissions import Action

# Purposes whose answer is given to one named organization; the others are network-wide.
ADDRESSED_PURPOSES = frozenset(
    {
        ConsentPurpose.SERVICES,
        ConsentPurpose.REFERRAL,
        ConsentPurpose.SHARING,
        ConsentPurpose.LEGAL_REPRESENTATION,
        ConsentPurpose.PORTAL,
    }
)
# Purposes where the recipient is another organization, named by the person recording.
RECIPIENT_NAMED = frozenset({ConsentPurpose.REFERRAL, ConsentPurpose.SHARING})
# Children this young cannot consent for themselves: a parent or caregiver does.
CAREGIVER_REQUIRED_BANDS = frozenset({AgeBand.AGE_0_4, AgeBand.AGE_5_11})
WORDINGS_DIR = Path(__file__).resolve().parent / "wordings"
WORDING_LANGUAGES = ("en", "fr", "ar", "es")
DEFAULT_WORDING_LANGUAGE = "en"
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
WORDING_VERSION_ATTEMPTS = 5


# ---------------------------------------------------------------------------------------------
# The question


def _organization_id(organization):
    return getattr(organization, "pk", organization)


def _answers(client, purpose, organization):
    answers = Consent.objects.filter(client=client, purpose=purpose)
    if purpose in ADDRESSED_PURPOSES:
        organization_id = _organization_id(organization)
        if organization_id is None:
            return Consent.objects.none()
        answers = answers.filter(recipient_id=organization_id)
    return answers.order_by("-recorded_at", "-pk")


def _covers(answer: Consent, category) -> bool:
    if category is None:
        return True
    if not answer.granted and not answer.categories:
        return True  # a refusal naming no category refuses them all
    return category in answer.categories


def in_force(answer: Consent, at: datetime.datetime) -> bool:
    """Whether this one answer is an agreement standing at ``at`` (revoked or expired by then: no)."""
    if not answer.granted:
        return False
    if answer.revoked_at is not None and answer.revoked_at <= at:
        return False
    return answer.expires_at is None or answer.expires_at > at


def _deciding(answers, category, at):
    """The answer that decides ``category`` at ``at`` among ``answers`` (newest first), or None."""
    for answer in answers:
        if answer.recorded_at > at:
            continue
        if not _covers(answer, category):
            continue
        return answer
    return None


def allows(client, purpose, organization=None, category=None, *, at=None) -> bool:
    """Whether ``client`` agrees, now (or ``at``), to ``purpose`` with ``organization`` for ``category``.

    ``category`` is required for SHARING (each data category is its own question).
    """
    if purpose == ConsentPurpose.SHARING and category is None:
        raise ValueError("Sharing consent is asked per data category: pass category=.")
    at = at or timezone.now()
    answer = _deciding(_answers(client, purpose, organization), category, at)
    return answer is not None and in_force(answer, at)


def network_consent_in_force(purpose, *, client_field="client_id", at=None) -> Exists:
    """``allows(client, purpose)`` for a network-wide purpose (statistics, contact) as SQL.

    An ``Exists`` to filter a query whose ``client_field`` holds client ids: true where the
    client's newest answer recorded by ``at`` is a grant neither revoked nor expired by then, the
    rule ``allows`` applies one client at a time. For counting thousands of clients in one query.
    """
    if purpose in ADDRESSED_PURPOSES:
        raise ValueError("Only a network-wide purpose is answered without a recipient.")
    at = at or timezone.now()
    newer = Consent.objects.filter(client_id=OuterRef("client_id"), purpose=purpose, recorded_at__lte=at).filter(
        Q(recorded_at__gt=OuterRef("recorded_at")) | Q(recorded_at=OuterRef("recorded_at"), pk__gt=OuterRef("pk"))
    )
    in_force_grant = (
        Consent.objects.filter(client_id=OuterRef(client_field), purpose=purpose, granted=True, recorded_at__lte=at)
        .filter(Q(revoked_at__isnull=True) | Q(revoked_at__gt=at))
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at))
        .filter(~Exists(newer))
    )
    return Exists(in_force_grant)


def shared_categories(client, organization, *, at=None) -> frozenset:
    """Every data category ``client`` agrees to share with ``organization`` now."""
    at = at or timezone.now()
    answers = list(_answers(client, ConsentPurpose.SHARING, organization))
    return frozenset(
        category
        for category in DataCategory.values
        if (answer := _deciding(answers, category, at)) is not None and in_force(answer, at)
    )


# ---------------------------------------------------------------------------------------------
# What a list of answers shows


class Status:
    IN_FORCE = "in_force"
    REFUSED = "refused"
    REVOKED = "revoked"
    EXPIRED = "expired"
    REPLACED = "replaced"

    LABELS = {
        IN_FORCE: gettext_lazy("In force"),
        REFUSED: gettext_lazy("Refused"),
        REVOKED: gettext_lazy("Withdrawn"),
        EXPIRED: gettext_lazy("Expired"),
        REPLACED: gettext_lazy("Replaced by a newer answer"),
    }


def _same_question(answer: Consent, other: Consent) -> bool:
    if other.purpose != answer.purpose:
        return False
    if answer.purpose in ADDRESSED_PURPOSES:
        return other.recipient_id == answer.recipient_id
    return True


def status_of(answer: Consent, answers, *, at=None) -> str:
    """The status of ``answer`` among all ``answers`` of the same client (in memory, no query).

    A grant is in force only where it is the answer ``allows`` would use: a newer answer to the
    same question replaces it.
    """
    at = at or timezone.now()
    if not answer.granted:
        return Status.REFUSED
    if answer.revoked_at is not None and answer.revoked_at <= at:
        return Status.REVOKED
    if answer.expires_at is not None and answer.expires_at <= at:
        return Status.EXPIRED
    same = sorted(
        (other for other in answers if _same_question(answer, other)),
        key=lambda other: (other.recorded_at, str(other.pk)),
        reverse=True,
    )
    categories = answer.categories if answer.purpose == ConsentPurpose.SHARING else [None]
    for category in categories or [None]:
        if _deciding(same, category, at) == answer:
            return Status.IN_FORCE
    return Status.REPLACED


def visible_consents(membership, case: Case):
    """The answers of ``case``'s client that ``membership``'s organization may see.

    Those it recorded or that name it, and the network-wide ones (statistics, contact); never
    answers addressed to a third organization: they would tell who else works with the client.
    """
    if case.organization_id != membership.organization_id:
        return Consent.objects.none()
    organization_id = membership.organization_id
    return (
        Consent.objects.filter(client_id=case.client_id)
        .filter(
            Q(recorded_by_organization_id=organization_id)
            | Q(recipient_id=organization_id)
            | ~Q(purpose__in=ADDRESSED_PURPOSES)
        )
        .select_related("recipient", "wording", "witness", "recorded_by", "revoked_by")
        .order_by("-recorded_at", "-pk")
    )


# ---------------------------------------------------------------------------------------------
# Wordings


@cache
def _shipped(language: str) -> dict:
    path = WORDINGS_DIR / f"{language}.json"
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)["consent"]


def wording_language(language: str | None) -> str:
    """The shipped wording language closest to ``language`` (``ar-SD`` → ``ar``; unknown → English)."""
    base = (language or "").split("-")[0].lower()
    return base if base in WORDING_LANGUAGES else DEFAULT_WORDING_LANGUAGE


def shipped_text(purpose: str, language: str) -> str:
    """The text read out to ask consent for ``purpose`` in ``language`` (shipped languages only)."""
    return _shipped(wording_language(language))[str(purpose)]


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def wording_for(purpose: str, language: str) -> ConsentWording:
    """The ``ConsentWording`` row of the shipped text, created (next version) the first time it is used."""
    language = wording_language(language)
    text = shipped_text(purpose, language)
    digest = text_digest(text)
    for _attempt in range(WORDING_VERSION_ATTEMPTS):
        existing = ConsentWording.objects.filter(sha256=digest).first()
        if existing is not None:
            return existing
        latest = ConsentWording.objects.filter(purpose=purpose, language=language).aggregate(Max("version"))
        try:
            with transaction.atomic():
                return ConsentWording.objects.create(
                    purpose=purpose,
                    language=language,
                    version=(latest["version__max"] or 0) + 1,
                    text=text,
                    sha256=digest,
                )
        except IntegrityError:
            continue  # someone else created this text or this version at the same moment
    raise RuntimeError("Could not store the consent wording.")


# ---------------------------------------------------------------------------------------------
# Recording and withdrawing answers


def _require(membership, action) -> None:
    if membership is None or not membership.is_active or not membership.allows(action):
        raise PermissionDenied


def _may_see(membership, answer: Consent) -> bool:
    if answer.recorded_by_organization_id == membership.organization_id:
        return True
    if answer.recipient_id == membership.organization_id:
        return True
    return answer.purpose not in ADDRESSED_PURPOSES


def _has_case(membership, client) -> bool:
    return Case.objects.filter(
        organization_id=membership.organization_id, client_id=client.pk, client__erased_at__isnull=True
    ).exists()


def _check_purpose(errors, purpose, wording):
    if purpose not in ConsentPurpose.values:
        errors["purpose"] = _("Choose what the consent is for.")
    elif wording is None or wording.purpose != purpose:
        errors["wording"] = _("The wording read out must be the one for this purpose.")


def _check_recipient(errors, purpose, recipient, membership):
    if purpose not in RECIPIENT_NAMED:
        return
    if recipient is None:
        errors["recipient"] = _("Name the organization that will receive the referral or the information.")
    elif _organization_id(recipient) == membership.organization_id:
        errors["recipient"] = _("Choose another organization: your own already has the client's consent.")


def _check_categories(errors, purpose, granted, categories):
    unknown = set(categories) - set(DataCategory.values)
    if unknown:
        errors["categories"] = _("Choose information from the list.")
    elif purpose == ConsentPurpose.SHARING and granted and not categories:
        errors["categories"] = _("Choose which information may be shared.")


def _check_contact(errors, purpose, granted, contact_methods):
    unknown = set(contact_methods) - set(Consent.ContactMethod.values)
    if unknown:
        errors["contact_methods"] = _("Choose ways of contact from the list.")
    elif purpose != ConsentPurpose.CONTACT:
        return
    elif granted and not contact_methods:
        errors["contact_methods"] = _("Choose at least one safe way to contact the client.")
    elif granted and Consent.ContactMethod.NONE in contact_methods:
        errors["contact_methods"] = _("“Do not contact” cannot go with agreeing to be contacted.")


def _check_contact_recorder(errors, purpose, membership, client):
    """Contact preferences are changed only by someone who may see the client's identity and contact."""
    if purpose != ConsentPurpose.CONTACT or "purpose" in errors:
        return
    case = Case.objects.filter(organization_id=membership.organization_id, client_id=client.pk).first()
    if case is None:
        return  # refused below: the organization holds no case for the client
    try:
        check_contact_change(membership, case)
    except ValidationError as error:
        errors["purpose"] = error.messages[0]


def _check_giver(errors, client, given_by, caregiver_relationship):
    if given_by not in Consent.GivenBy.values:
        errors["given_by"] = _("Say who gave the answer.")
    elif given_by == Consent.GivenBy.CAREGIVER and not caregiver_relationship.strip():
        errors["caregiver_relationship"] = _("Say how the caregiver is related to the child.")
    elif given_by == Consent.GivenBy.CLIENT and client.age_band in CAREGIVER_REQUIRED_BANDS:
        errors["given_by"] = _("A child under 12 cannot consent alone: a parent or caregiver must give the answer.")


def _check_witness(errors, witness, membership):
    if witness is None:
        return
    if not witness.memberships.filter(organization_id=membership.organization_id, is_active=True).exists():
        errors["witness"] = _("The witness must be a member of your organization.")


def _check_answer(errors, granted, method, interpreter_language, expires_at):
    if not isinstance(granted, bool):
        errors["granted"] = _("Say whether the client agrees.")
    if method not in Consent.Method.values:
        errors["method"] = _("Say how the answer was given.")
    if interpreter_language and not LANGUAGE_CODE.fullmatch(interpreter_language):
        errors["interpreter_language"] = _("Use a language code such as ar or fr.")
    if expires_at is not None and timezone.is_naive(expires_at):
        raise ValueError("expires_at must be an aware datetime.")
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = _("The end date must be in the future.")


def consent_record(
    *,
    actor,
    membership,
    client,
    purpose,
    granted,
    recipient=None,
    categories=(),
    contact_methods=(),
    safe_times="",
    given_by,
    caregiver_relationship="",
    method,
    witness=None,
    interpreter_language="",
    wording,
    expires_at=None,
    request=None,
) -> Consent:
    """Record one answer (agreement or refusal) of a client whose case the actor's organization holds.

    Services, legal representation and the portal are answered to the recording organization;
    referral and sharing name another one; statistics and contact are network-wide.
    """
    _require(membership, Action.REGISTER_CLIENTS)
    categories = sorted(set(categories))
    contact_methods = sorted(set(contact_methods))
    caregiver_relationship = (caregiver_relationship or "").strip()
    safe_times = (safe_times or "").strip()
    errors = {}
    _check_purpose(errors, purpose, wording)
    _check_recipient(errors, purpose, recipient, membership)
    _check_categories(errors, purpose, granted, categories)
    _check_contact(errors, purpose, granted, contact_methods)
    _check_contact_recorder(errors, purpose, membership, client)
    _check_giver(errors, client, given_by, caregiver_relationship)
    _check_witness(errors, witness, membership)
    _check_answer(errors, granted, method, interpreter_language, expires_at)
    if errors:
        raise ValidationError(errors)
    if purpose in RECIPIENT_NAMED:
        recipient_id = _organization_id(recipient)
    elif purpose in ADDRESSED_PURPOSES:
        recipient_id = membership.organization_id
    else:
        recipient_id = None
    with transaction.atomic():
        if not _has_case(membership, client):
            raise PermissionDenied
        consent = Consent.objects.create(
            client_id=client.pk,
            purpose=purpose,
            granted=granted,
            recorded_by_organization_id=membership.organization_id,
            recipient_id=recipient_id,
            categories=categories,
            contact_methods=contact_methods if purpose == ConsentPurpose.CONTACT else [],
            safe_times=safe_times if purpose == ConsentPurpose.CONTACT else "",
            given_by=given_by,
            caregiver_relationship=caregiver_relationship if given_by == Consent.GivenBy.CAREGIVER else "",
            method=method,
            witness=witness,
            interpreter_language=interpreter_language,
            wording=wording,
            wording_sha256=wording.sha256,
            recorded_by=actor,
            recorded_at=timezone.now(),
            expires_at=expires_at,
        )
        filled = {
            "recipient": recipient_id,
            "categories": consent.categories,
            "contact_methods": consent.contact_methods,
            "safe_times": consent.safe_times,
            "caregiver_relationship": consent.caregiver_relationship,
            "witness": witness,
            "interpreter_language": interpreter_language,
            "expires_at": expires_at,
        }
        audit.record(
            actor,
            "clients.consent_recorded",
            consent,
            fields=[
                "purpose",
                "granted",
                "given_by",
                "method",
                "wording",
                *sorted(name for name, value in filled.items() if value not in (None, "", [])),
            ],
            organization=membership.organization_id,
            request=request,
        )
    return consent


def consent_revoke(*, actor, membership, consent: Consent, note="", request=None) -> Consent:
    """Withdraw an agreement, at once, everywhere. Idempotent: a second call changes and audits nothing."""
    _require(membership, Action.REGISTER_CLIENTS)
    note = (note or "").strip()
    if len(note) > Consent._meta.get_field("revocation_note").max_length:
        raise ValidationError({"note": _("Keep the note under 200 characters.")})
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if not _has_case(membership, locked.client):
            raise PermissionDenied
        if not _may_see(membership, locked):
            raise PermissionDenied
        if not locked.granted:
            raise ValidationError(_("A refusal cannot be withdrawn: record a new answer instead."))
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.revoked_by = actor
            locked.revocation_note = note
            locked.save(update_fields=["revoked_at", "revoked_by", "revocation_note"])
            audit.record(
                actor,
                "clients.consent_revoked",
                locked,
                fields=["revoked_at"] + (["revocation_note"] if note else []),
                organization=membership.organization_id,
                request=request,
            )
    consent.revoked_at, consent.revoked_by_id, consent.revocation_note = (
        locked.revoked_at,
        locked.revoked_by_id,
        locked.revocation_note,
    )
    return consent


def consent_revoke_by_client(*, client, consent_pk, actor_label: str) -> Consent:
    """The client withdraws one of their own agreements themselves (on the portal): at once,
    everywhere, as ``consent_revoke`` does. Another client's answer is 404; idempotent."""
    with transaction.atomic():
        locked = Consent.objects.select_for_update().filter(client=client, pk=consent_pk).first()
        if locked is None:
            raise Http404
        if not locked.granted:
            raise ValidationError(_("A refusal cannot be withdrawn: record a new answer instead."))
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            audit.record(
                None,
                "clients.consent_revoked",
                locked,
                fields=["revoked_at"],
                organization=locked.recorded_by_organization_id,
                actor_label=actor_label,
            )
    return locked
