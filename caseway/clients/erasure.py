"""Erasure: two agency admins of one organization erase a client; retention uses the same path.

Who
---
An agency admin (``Action.ERASE_CLIENTS``) requests the erasure of a client of their organization,
found by client code, with a reason. *Another* agency admin of the same organization approves it,
after re-authentication, or rejects it with a note; the requester never decides their own request,
so an organization with a single agency admin cannot erase (two people, always). Agency admins
work from codes only: none of this shows them an identity.

What one organization erases (the cross-organization rule)
-----------------------------------------------------------
An organization erases what *it* holds: its own case. Other organizations that also have a case
for the same client (through a referral or a consented link) keep theirs: each works under the
client's own consent and may have its own duty to keep records (a legal matter, say), and one
organization may not destroy another's file. So, decided at approval time with the client's row
locked:

* **Other organizations still hold a case** → only this organization's case is erased, with
  everything hanging from it (assessments, needs, safety plan, incidents, alerts, break-glass
  records, link requests it made) and its own unfinished intakes of the client. Its access ends
  at once. The client's identity and consent records stay for the others. Nothing tells the
  admins which organizations those are.
* **No other organization holds a case** (whichever organization registered the client) → the
  client is erased completely: the data key is destroyed (crypto-shredding: every copy, backups
  included, becomes unreadable), the blind indexes are deleted, the encrypted columns are
  cleared, and every record bound to the key (intake drafts, safety plans, incidents,
  assessments with their answers), needs, alerts, break-glass reasons and link requests are
  deleted. Then:

  - if the client consented to statistics, a non-identifying **stub** remains: the ``Client`` row
    with ``erased_at`` set, keeping sex, age band, area, displacement and disability only; its
    code replaced by a random value that no code derives from (the old code finds nothing); its
    cases kept, closed and stripped of staff, risk and contact dates, so counts stay right; and
    only its statistics consent answers, with their free text blanked, so it is still counted;
  - otherwise the client row is deleted with everything that cascades from it.

So a client is erased completely when the last organization holding a case erases it. Two
organizations approving at the same moment cannot both see the other's case and leave a client
with no case but an intact identity: the client row is locked first.

Apps above this one (referrals, casework...) hold rows about a client or a case that this app
cannot name (an app never imports upward). They connect to ``case_erasing`` and
``client_erasing``, sent inside the erasure's transaction before anything is deleted, and delete
or clear their own rows there; an exception in a receiver rolls the whole erasure back.

Everything is audited with field names and coded reasons only. The free text of a request's
reason never goes into the audit log (it may carry more than it should).

Why (the reason of a request)
-----------------------------
A request gives a coded reason (``ErasureReason``) and, optionally (required for "another
reason"), a few words. The coded reason is kept for good, in the request's audit event (a coded
reason, like every reason of the audit log): ``coded_reasons`` reads it back for the pages. The
free text, and the note of a rejection, may identify the client, so they do not outlive the
erasure: when it is carried out, every request about the client (of this organization; of every
organization when the client is erased completely) loses its free text and its link to the
client, whatever its status.
"""

import secrets
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import TextChoices, Value
from django.db.models.functions import Coalesce
from django.dispatch import Signal
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caseway import audit
from caseway.audit.models import AuditEvent
from caseway.clients import consent
from caseway.clients.models import (
    Assessment,
    BreakGlassAccess,
    Case,
    CaseAlert,
    CaseStatus,
    Client,
    ClientIndex,
    Consent,
    ConsentPurpose,
    ErasureRequest,
    Incident,
    IntakeDraft,
    LinkRequest,
    Need,
    SafetyPlan,
)
from caseway.orgs.permissions import Action
from caseway.vault.services import data_key_destroy

# Sent inside the erasure's transaction, before this app deletes anything (see the module's docstring).
# case_erasing(sender=Case, case=..., organization_id=..., actor=..., now=...): only this case goes.
# client_erasing(sender=Client, client=..., organization_id=..., keep_stub=..., actor=..., now=...): the
# client is erased completely; keep_stub says whether a statistical stub (and its closed cases) remains.
case_erasing = Signal()
client_erasing = Signal()

REASON_MAX_LENGTH = 1000
NOTE_MAX_LENGTH = 200
RETENTION_REASON = "retention policy"
RETENTION_ACTOR_LABEL = "system:retention"
# A stub's code: "x-" and 14 lower-case hex digits (56 random bits). Client codes are ten upper-case
# characters of another alphabet (codes.py), so a stub code is never one, nor derived from one.
STUB_CODE_PREFIX = "x-"
STUB_CODE_ATTEMPTS = 8

ENCRYPTED_CLIENT_FIELDS = (
    "given_name",
    "family_name",
    "aliases",
    "birth_date",
    "phone",
    "address",
    "nationality",
    "documents_held",
)
# Kept in clear on a stub: what statistics count, nothing that narrows a person down further.
STUB_KEPT_FIELDS = ("sex", "age_band", "admin_area", "displacement_status", "has_disability", "disability_domains")
STUB_CLEARED_FIELDS = (
    "languages",
    "children_count",
    "children_ages",
    "cares_for_children",
    "cares_for_others",
    "birth_date_is_estimated",
)


class ErasureReason(TextChoices):
    """Why a client is erased, coded: what is kept once the free text is gone (no column: see the module)."""

    CLIENT_ASKED = "client_asked", gettext_lazy("The client asked to be erased")
    CONSENT_WITHDRAWN = "consent_withdrawn", gettext_lazy("The client withdrew their consent to services")
    RECORDED_IN_ERROR = "recorded_in_error", gettext_lazy("Recorded in error, or a duplicate record")
    SAFETY = "safety", gettext_lazy("Keeping the record puts the client at risk")
    OTHER = "other", gettext_lazy("Another reason")


REQUESTED_ACTION = "clients.erasure_requested"


class Outcome(StrEnum):
    STUB = "stub"  # erased completely; a statistical stub remains
    DELETED = "deleted"  # erased completely; no row remains
    CASE_ONLY = "case_only"  # this organization's case erased; other organizations keep theirs
    NOTHING = "nothing"  # already erased, or this organization no longer holds a case


@dataclass(frozen=True)
class ErasureResult:
    outcome: Outcome
    client_id: object

    @property
    def is_complete(self) -> bool:
        return self.outcome in (Outcome.STUB, Outcome.DELETED)


def require(membership, action) -> None:
    if membership is None or not membership.is_active or not membership.allows(action):
        raise PermissionDenied


# ---------------------------------------------------------------------------------------------
# access: agency admins reach cases and requests of their own organization, by code, never by identity


def erasable_cases(membership):
    """The live cases of ``membership``'s organization, for agency admins who may erase."""
    if membership is None or not membership.is_active or not membership.allows(Action.ERASE_CLIENTS):
        return Case.objects.none()
    return Case.objects.filter(organization_id=membership.organization_id, client__erased_at__isnull=True)


def erasable_case_by_code(membership, code: str) -> Case:
    """The organization's case for the client with ``code``; 404 when there is none (or it is elsewhere)."""
    from caseway.clients import codes

    try:
        code = codes.normalize(code or "")
    except codes.InvalidCode:
        raise Http404 from None
    try:
        return erasable_cases(membership).select_related("client").get(client__code=code)
    except Case.DoesNotExist:
        raise Http404 from None


def visible_erasure_requests(membership):
    if membership is None or not membership.is_active or not membership.allows(Action.ERASE_CLIENTS):
        return ErasureRequest.objects.none()
    return ErasureRequest.objects.select_related("client", "requested_by", "decided_by").filter(
        organization_id=membership.organization_id
    )


def get_erasure_request(membership, pk) -> ErasureRequest:
    try:
        return visible_erasure_requests(membership).get(pk=pk)
    except (ErasureRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _locked_request(membership, pk) -> ErasureRequest:
    require(membership, Action.ERASE_CLIENTS)
    try:
        return ErasureRequest.objects.select_for_update().get(pk=pk, organization_id=membership.organization_id)
    except (ErasureRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# ---------------------------------------------------------------------------------------------
# requests


def erasure_request(
    *, actor, membership, case: Case, reason_code: str, reason: str = "", request=None
) -> ErasureRequest:
    """Ask for the erasure of ``case``'s client at ``membership``'s organization; another admin decides.

    ``reason_code`` is an ``ErasureReason``; ``reason`` is free text, required for "another reason"
    only, deleted when the erasure is carried out.
    """
    require(membership, Action.ERASE_CLIENTS)
    if case.organization_id != membership.organization_id:
        raise PermissionDenied
    reason = (reason or "").strip()
    if reason_code not in ErasureReason.values:
        raise ValidationError({"reason_code": _("Choose why the client is to be erased.")})
    if reason_code == ErasureReason.OTHER and not reason:
        raise ValidationError({"reason": _("Say why, in a few words that do not identify the client.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": _("The reason is too long.")})
    with transaction.atomic():
        client = Client.objects.select_for_update().filter(pk=case.client_id, erased_at__isnull=True).first()
        if client is None or not Case.objects.filter(pk=case.pk).exists():
            raise ValidationError(_("This client was already erased."))
        pending = ErasureRequest.objects.filter(
            organization_id=membership.organization_id, client=client, status=ErasureRequest.Status.PENDING
        )
        if pending.exists():
            raise ValidationError(_("An erasure of this client is already waiting for approval."))
        erasure = ErasureRequest.objects.create(
            organization_id=membership.organization_id, client=client, reason=reason, requested_by=actor
        )
        audit.record(
            actor,
            REQUESTED_ACTION,
            erasure,
            fields=["reason_code"] + (["reason"] if reason else []),
            reason=reason_code,
            organization=membership.organization_id,
            request=request,
        )
    return erasure


def coded_reasons(requests) -> dict:
    """{request id: ``ErasureReason``} of ``requests``, from their audit events, in one query.

    A request made before reasons were coded has none (it is left out).
    """
    ids = [str(item.pk) for item in requests]
    if not ids:
        return {}
    events = AuditEvent.objects.filter(
        action=REQUESTED_ACTION, target_type="clients.erasurerequest", target_id__in=ids
    ).values_list("target_id", "reason")
    return {int(target_id): ErasureReason(code) for target_id, code in events if code in ErasureReason.values}


def _check_decider(actor, erasure: ErasureRequest) -> None:
    if erasure.status != ErasureRequest.Status.PENDING:
        raise ValidationError(_("This request was already decided."))
    if erasure.requested_by_id is not None and erasure.requested_by_id == actor.pk:
        raise ValidationError(_("Another agency admin must decide: you made this request."))


def erasure_approve(*, actor, membership, erasure: ErasureRequest, request=None, now=None) -> ErasureResult:
    """Approve and carry out ``erasure``, in one transaction. Only another agency admin may."""
    require(membership, Action.ERASE_CLIENTS)
    now = now or timezone.now()
    with transaction.atomic():
        # Locks in the order client_erase takes them (cases, client, then requests), so an approval racing
        # the retention task or another approval waits instead of deadlocking.
        client_id = get_erasure_request(membership, erasure.pk).client_id
        if client_id is not None:
            _lock_cases_and_client(client_id)
        locked = _locked_request(membership, erasure.pk)
        _check_decider(actor, locked)
        if locked.client_id is None:
            result = ErasureResult(Outcome.NOTHING, None)
        else:
            result = client_erase(
                actor=actor,
                organization_id=membership.organization_id,
                client_id=locked.client_id,
                reason=f"erasure request {locked.pk}",
                now=now,
                request=request,
            )
        # client_erase settles every pending request of the organization for this client, this one included.
        locked.refresh_from_db()
        if locked.status == ErasureRequest.Status.PENDING:
            _settle(locked, actor=actor, now=now)
        audit.record(
            actor,
            "clients.erasure_approved",
            locked,
            fields=[str(result.outcome)],
            organization=membership.organization_id,
            request=request,
        )
    erasure.refresh_from_db()
    return result


def erasure_reject(*, actor, membership, erasure: ErasureRequest, note: str, request=None) -> ErasureRequest:
    """Reject ``erasure`` with a note. Only another agency admin may (the requester withdraws nothing here)."""
    require(membership, Action.ERASE_CLIENTS)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the erasure is rejected.")})
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": _("The note is too long.")})
    with transaction.atomic():
        locked = _locked_request(membership, erasure.pk)
        _check_decider(actor, locked)
        locked.status = ErasureRequest.Status.REJECTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit.record(
            actor,
            "clients.erasure_rejected",
            locked,
            fields=["decision_note"],
            organization=membership.organization_id,
            request=request,
        )
    erasure.refresh_from_db()
    return erasure


def _settle(erasure: ErasureRequest, *, actor, now) -> None:
    erasure.status = ErasureRequest.Status.APPROVED
    erasure.decided_by = actor
    erasure.decided_at = now
    erasure.save(update_fields=["status", "decided_by", "decided_at"])


# ---------------------------------------------------------------------------------------------
# the one path that erases (approved requests and the retention policy)


def client_erase(*, actor, organization_id: int, client_id, reason: str, now=None, request=None) -> ErasureResult:
    """Erase what ``organization_id`` holds of the client ``client_id`` (see the module's rule).

    ``actor`` is None for the retention task. ``reason`` is a coded reason for the audit log
    ("erasure request 12", "retention policy"), never free text. Idempotent.
    """
    now = now or timezone.now()
    actor_label = RETENTION_ACTOR_LABEL if actor is None else None
    with transaction.atomic():
        # Cases first, then the client: the order assessment_record takes them in, so the two wait
        # for each other instead of deadlocking.
        _lock_cases_and_client(client_id)
        client = Client.objects.select_for_update().select_related("data_key").filter(pk=client_id).first()
        own_case = Case.objects.filter(organization_id=organization_id, client_id=client_id).first()
        if client is None or client.is_erased or own_case is None:
            return ErasureResult(Outcome.NOTHING, client_id)
        pending = ErasureRequest.objects.filter(
            organization_id=organization_id, client_id=client_id, status=ErasureRequest.Status.PENDING
        )
        for waiting in pending.select_for_update():
            _settle(waiting, actor=actor, now=now)
        if Case.objects.filter(client_id=client_id).exclude(organization_id=organization_id).exists():
            case_erasing.send(Case, case=own_case, organization_id=organization_id, actor=actor, now=now)
            outcome = _erase_case_only(own_case, client, organization_id=organization_id)
            _shred_request_texts(ErasureRequest.objects.filter(client_id=client_id, organization_id=organization_id))
        else:
            outcome = _erase_client(client, organization_id=organization_id, actor=actor, reason=reason, now=now)
            _shred_request_texts(ErasureRequest.objects.filter(client_id=client_id))
        audit.record(
            actor,
            "clients.client_erased" if outcome != Outcome.CASE_ONLY else "clients.case_erased",
            client,
            fields=[str(outcome)],
            reason=reason,
            organization=organization_id,
            request=request,
            actor_label=actor_label,
        )
        if outcome == Outcome.DELETED:
            client.delete()
    return ErasureResult(outcome, client_id)


def _shred_request_texts(requests) -> None:
    """The free text of erasure requests about an erased client: their reasons, rejection notes and link to it.

    What stays: who asked and decided, when, the status, and the coded reason (in the audit log).
    """
    requests.update(reason="", decision_note="", client=None)


def _lock_cases_and_client(client_id) -> None:
    list(Case.objects.select_for_update().filter(client_id=client_id).order_by("pk").values_list("pk", flat=True))
    list(Client.objects.select_for_update().filter(pk=client_id).values_list("pk", flat=True))


def _erase_case_only(case: Case, client: Client, *, organization_id: int) -> Outcome:
    drafts = IntakeDraft.objects.filter(organization_id=organization_id)
    drafts.filter(client_id=client.pk).delete()
    drafts.filter(data_key_id=client.data_key_id).delete()
    # The case's assessments, needs, safety plan, incidents, alerts, break-glass records and
    # link requests cascade from it.
    case.delete()
    return Outcome.CASE_ONLY


def _erase_client(client: Client, *, organization_id: int, actor, reason: str, now) -> Outcome:
    # Asked before anything is deleted: the consent records are part of what may go.
    keep_stub = consent.allows(client, ConsentPurpose.STATISTICS, at=now)
    client_erasing.send(
        Client, client=client, organization_id=organization_id, keep_stub=keep_stub, actor=actor, now=now
    )
    data_key = client.data_key
    data_key_destroy(actor=actor, data_key=data_key, reason=reason)

    cases = Case.objects.filter(client=client)
    ClientIndex.objects.filter(client=client).delete()
    IntakeDraft.objects.filter(client=client).delete()
    IntakeDraft.objects.filter(data_key=data_key).delete()
    Need.objects.filter(case__in=cases).delete()
    Assessment.objects.filter(client=client).delete()
    Assessment.objects.filter(data_key=data_key).delete()
    SafetyPlan.objects.filter(case__in=cases).delete()
    SafetyPlan.objects.filter(data_key=data_key).delete()
    Incident.objects.filter(case__in=cases).delete()
    Incident.objects.filter(data_key=data_key).delete()
    CaseAlert.objects.filter(case__in=cases).delete()
    BreakGlassAccess.objects.filter(case__in=cases).delete()  # their reasons are free text
    LinkRequest.objects.filter(candidate=client).delete()
    LinkRequest.objects.filter(requesting_case__in=cases).delete()
    Client.objects.filter(pk=client.pk).update(**dict.fromkeys(ENCRYPTED_CLIENT_FIELDS))
    if not keep_stub:
        return Outcome.DELETED

    Consent.objects.filter(client=client).exclude(purpose=ConsentPurpose.STATISTICS).delete()
    Consent.objects.filter(client=client).update(
        safe_times="", caregiver_relationship="", revocation_note="", contact_methods=[]
    )
    cases.update(
        status=CaseStatus.CLOSED,
        closed_at=Coalesce("closed_at", Value(now)),
        caseworker=None,
        supervisor=None,
        risk_level="",
        safety_plan_required=False,
        urgent_health_need=False,
        last_contact_at=None,
    )
    Client.objects.filter(pk=client.pk).update(
        code=_stub_code(),
        erased_at=now,
        languages=[],
        children_count=None,
        children_ages=[],
        cares_for_children=False,
        cares_for_others=False,
        birth_date_is_estimated=False,
    )
    return Outcome.STUB


def _stub_code() -> str:
    for _attempt in range(STUB_CODE_ATTEMPTS):
        code = STUB_CODE_PREFIX + secrets.token_hex(7)
        if not Client.objects.filter(code=code).exists():
            return code
    raise RuntimeError("Could not draw an unused stub code.")
