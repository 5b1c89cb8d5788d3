"""Every change to a referral goes through here: pages, API, and later tasks and imports alike.

Keyword-only functions taking ``actor`` and ``membership``. Each reaches the referral through
``referrals.access`` (locked, so two people acting at once cannot both win), moves it only as
``transitions.check`` allows, writes a ``ReferralEvent`` for every transition and an audit
event naming fields, never values.

Sending is the gate (``gate.check``): the client's consent (to be referred to the receiver, and
to share each category with it) AND a data-sharing agreement in force between the two
organizations covering referrals and each category. A supervisor may override *missing* consent
with a reason, stored encrypted and audited; never a missing agreement, never a "no".
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway import audit
from caseway.clients import access as client_access
from caseway.clients.models import Case, CaseStatus, DataCategory
from caseway.directory.models import Service
from caseway.orgs.models import Membership, Organization
from caseway.orgs.permissions import ROLE_ACTIONS, Action, Role
from caseway.referrals import access, escalation, gate, package, transitions
from caseway.referrals.models import (
    DEFAULT_RESPONSE_HOURS,
    DeclineReason,
    Outcome,
    Referral,
    ReferralEvent,
    ResponseDeadline,
    Status,
    UnsuccessfulReason,
    Urgency,
)
from caseway.referrals.transitions import RECEIVER, SENDER, SYSTEM, InvalidTransition

REASON_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 2000
OVERRIDE_REASON_MIN_LENGTH = 20
OVERRIDE_REASON_MAX_LENGTH = 1000
# Roles that receive referrals: those who may see personal data.
RECEIVING_ROLES = tuple(role for role, actions in ROLE_ACTIONS.items() if Action.VIEW_PERSONAL_DATA in actions)
AFTER_ACCEPTANCE = frozenset({Status.ACCEPTED, Status.IN_SERVICE, Status.COMPLETED, Status.CLOSED_UNSUCCESSFUL})


class AlreadyAccepted(InvalidTransition):
    """Someone else accepted this referral first."""


def _require(membership) -> None:
    if membership is None or not membership.is_active or not membership.allows(Action.VIEW_PERSONAL_DATA):
        raise PermissionDenied


def _text(value) -> str:
    return (value or "").strip()


MAX_DEADLINE_HOURS = 24 * 30


def response_deadline_set(*, actor, urgency, hours=None, sender_notice_hours=None, actor_label=None):
    """Set the network's answer time and/or the further period before the sender is told, for one urgency.

    Applies to referrals sent from now on (a sent referral keeps its ``due_at``); the further period
    applies to every escalation from now on. Audited with the field names.
    """
    errors = {}
    if urgency not in Urgency.values:
        errors["urgency"] = _("Choose an urgency from the list.")
    for name, value in (("hours", hours), ("sender_notice_hours", sender_notice_hours)):
        if value is not None and not 1 <= value <= MAX_DEADLINE_HOURS:
            errors[name] = _("Give a number of hours from 1 to %(count)d.") % {"count": MAX_DEADLINE_HOURS}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        deadline = ResponseDeadline.objects.select_for_update().filter(urgency=urgency).first()
        if deadline is None:
            deadline = ResponseDeadline(urgency=urgency, hours=DEFAULT_RESPONSE_HOURS[Urgency(urgency)])
        fields = []
        if hours is not None:
            deadline.hours = hours
            fields.append("hours")
        if sender_notice_hours is not None:
            deadline.sender_notice_hours = sender_notice_hours
            fields.append("sender_notice_hours")
        if deadline.pk is None:
            deadline.save()
        elif fields:
            deadline.save(update_fields=fields)
        audit.record(actor, "referrals.response_deadline_set", deadline, fields=fields, actor_label=actor_label)
    return deadline


def response_hours(urgency) -> int:
    """Hours the receiver has to answer: the network's setting, else the default."""
    hours = ResponseDeadline.objects.filter(urgency=urgency).values_list("hours", flat=True).first()
    return hours if hours is not None else DEFAULT_RESPONSE_HOURS[Urgency(urgency)]


def _event(referral, previous, target, *, actor, membership, at, code="") -> ReferralEvent:
    return ReferralEvent.objects.create(
        referral=referral,
        from_status=previous,
        to_status=target,
        actor=actor,
        organization_id=membership.organization_id if membership is not None else None,
        at=at,
        code=code,
    )


def _move(
    referral, target, side, *, actor, membership, changes=None, code="", request=None, organization_id=None
) -> Referral:
    """Apply one transition to a locked ``referral``: state machine, fields, event, audit.

    ``organization_id``: the organization acting when no member does (``membership`` None), if not
    the sender's."""
    transitions.check(referral.status, target, side)
    previous, now = referral.status, timezone.now()
    referral.status = target
    fields = ["status"]
    for name, value in (changes or {}).items():
        setattr(referral, name, value)
        fields.append(name)
    if target in transitions.FINAL:
        referral.closed_at = now
        fields.append("closed_at")
    referral.save(update_fields=fields)
    _event(referral, previous, target, actor=actor, membership=membership, at=now, code=code)
    if previous in transitions.AWAITING_ANSWER and target not in transitions.AWAITING_ANSWER:
        escalation.resolve_alerts(referral, at=now)
    audit.record(
        actor,
        f"referrals.referral_{target}",
        referral,
        fields=fields,
        organization=membership.organization_id
        if membership is not None
        else organization_id or referral.from_organization_id,
        request=request,
    )
    return referral


def _locked(membership, referral) -> Referral:
    return access.get_referral_for_update(membership, referral.pk)


# ---------------------------------------------------------------------------------------------
# Creating a draft


def sender_may_share(membership, case) -> frozenset:
    """The categories ``membership`` may put in a referral from ``case``: those it may see there."""
    categories = client_access.visible_categories(membership, case)
    if not client_access.can_see_identity(membership, case, categories):
        categories = categories - access.IDENTIFYING
    return categories


def receiving_organizations(membership):
    """Organizations of the network that can receive a referral: active, with staff on Caseway."""
    staffed = Membership.objects.filter(is_active=True, role__in=RECEIVING_ROLES).values("organization_id")
    return (
        Organization.objects.filter(is_active=True, pk__in=staffed)
        .exclude(pk=membership.organization_id)
        .order_by("name")
    )


def _receiver(errors, membership, to_service, to_organization):
    if to_service is not None:
        if to_service.status != Service.Status.ACTIVE or not to_service.accepting_referrals:
            errors["to_service"] = _("This service is not taking referrals now: choose another one.")
            return None
        if to_organization is not None and to_organization.pk != to_service.organization_id:
            errors["to_service"] = _("This service belongs to another organization than the one chosen.")
            return None
        to_organization = to_service.organization
    if to_organization is None:
        errors["to_organization"] = _("Choose the service or the organization to refer to.")
        return None
    if to_organization.pk == membership.organization_id:
        errors["to_organization"] = _("A referral goes to another organization, not your own.")
        return None
    if not receiving_organizations(membership).filter(pk=to_organization.pk).exists():
        errors["to_organization"] = _("This organization has nobody on Caseway to receive a referral.")
        return None
    return to_organization


def _check_draft(errors, membership, case, urgency, reason, categories):
    if urgency not in Urgency.values:
        errors["urgency"] = _("Choose how urgent the referral is.")
    if not reason:
        errors["reason"] = _("Say what the client needs from this service.")
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = _("Keep the reason under %(count)d characters.") % {"count": REASON_MAX_LENGTH}
    unknown = set(categories) - set(DataCategory.values)
    if unknown:
        errors["categories"] = _("Choose information from the list.")
        return
    beyond = sorted(set(categories) - sender_may_share(membership, case))
    if beyond:
        errors["categories"] = _("You can only share information you may see on this case. Not: %(categories)s.") % {
            "categories": ", ".join(str(DataCategory(category).label) for category in beyond)
        }


def referral_create(
    *,
    actor,
    membership,
    case,
    to_service=None,
    to_organization=None,
    urgency,
    reason,
    categories,
    request=None,
) -> Referral:
    """A draft referral from ``case`` (at the actor's organization) to a service or an organization.

    Nothing leaves until ``referral_send``: the gate is asked there.
    """
    _require(membership)
    reason = _text(reason)
    categories = sorted(set(categories or ()))
    errors = {}
    receiver = _receiver(errors, membership, to_service, to_organization)
    with transaction.atomic():
        case = client_access.get_case_for_update(membership, case.pk)
        _check_draft(errors, membership, case, urgency, reason, categories)
        if case.status == CaseStatus.CLOSED:
            errors["case"] = _("This case is closed: reopen it before referring the client.")
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        referral = Referral.objects.create(
            client_id=case.client_id,
            from_case=case,
            from_organization_id=membership.organization_id,
            to_organization=receiver,
            to_service=to_service,
            urgency=urgency,
            status=Status.DRAFT,
            categories=categories,
            data_key_id=case.client.data_key_id,
            reason=reason,
            created_by=actor,
            created_at=now,
        )
        _event(referral, "", Status.DRAFT, actor=actor, membership=membership, at=now)
        audit.record(
            actor,
            "referrals.referral_created",
            referral,
            fields=["to_organization", *(["to_service"] if to_service else []), "urgency", "reason", "categories"],
            organization=membership.organization_id,
            request=request,
        )
    return referral


# ---------------------------------------------------------------------------------------------
# Sending: the gate


def _override_errors(membership, result: gate.Gate, override_reason) -> dict:
    """Why missing consent stops the referral, or {} when a supervisor overrides it with a reason."""
    problems = result.consent_problems()
    if result.consent_refused:
        return {"consent": [*problems, _("What the client said no to cannot be overridden.")]}
    if not override_reason:
        if membership.allows(Action.OVERRIDE_CONSENT):
            problems.append(_("As a supervisor you may send it anyway: give the reason."))
        return {"consent": problems}
    if not membership.allows(Action.OVERRIDE_CONSENT):
        return {
            "consent": problems,
            "override_reason": [_("Only a supervisor may send a referral without the client's consent.")],
        }
    if len(override_reason) < OVERRIDE_REASON_MIN_LENGTH:
        return {
            "override_reason": [
                _("Explain why the client's consent cannot be asked in at least %(count)d characters.")
                % {"count": OVERRIDE_REASON_MIN_LENGTH}
            ]
        }
    if len(override_reason) > OVERRIDE_REASON_MAX_LENGTH:
        return {
            "override_reason": [
                _("Keep the reason under %(count)d characters.") % {"count": OVERRIDE_REASON_MAX_LENGTH}
            ]
        }
    return {}


def gate_for(referral, *, at=None) -> gate.Gate:
    return gate.check(
        client=referral.client_id,
        sender=referral.from_organization,
        receiver=referral.to_organization,
        categories=referral.categories,
        at=at,
    )


def referral_send(*, actor, membership, referral, override_reason=None, request=None) -> Referral:
    """Send a draft: only past the gate. The package is a snapshot of its categories, encrypted.

    Refused (``ValidationError`` naming what is missing, under "consent", "agreement" or
    "override_reason") unless the client's consent and an agreement in force both allow it. A
    supervisor (OVERRIDE_CONSENT) may send despite *missing* consent with ``override_reason``.
    """
    _require(membership)
    override_reason = " ".join((override_reason or "").split())
    with transaction.atomic():
        referral = _locked(membership, referral)
        transitions.check(referral.status, Status.SENT, access.side_of(membership, referral))
        now = timezone.now()
        errors = {}
        beyond = sorted(set(referral.categories) - sender_may_share(membership, referral.from_case))
        if beyond:
            errors["categories"] = [_("You can only share information you may see on this case.")]
        result = gate_for(referral, at=now)
        if result.agreement_missing:
            errors["agreement"] = result.agreement_problems()
        overriding = result.consent_missing
        if overriding:
            errors.update(_override_errors(membership, result, override_reason))
        if errors:
            raise ValidationError(errors)
        changes = {
            "package": package.snapshot(
                referral.from_case,
                referral.categories,
                override_referral=overriding and not result.referral_consented,
                overridden=result.consent_gaps if overriding else (),
                at=now,
            ),
            "data_key_id": referral.client.data_key_id,
            "sent_at": now,
            "due_at": now + datetime.timedelta(hours=response_hours(referral.urgency)),
        }
        if overriding:
            changes["consent_override_reason"] = override_reason
            changes["consent_overridden_by"] = actor
        _move(
            referral,
            Status.SENT,
            SENDER,
            actor=actor,
            membership=membership,
            changes=changes,
            code="consent_override" if overriding else "",
            request=request,
        )
        if overriding:
            # What was sent without consent, by name; the reason stays encrypted on the referral.
            questions = (["consent.referral"] if not result.referral_consented else []) + [
                f"consent.sharing.{category}" for category in result.consent_gaps
            ]
            audit.record(
                actor,
                "referrals.consent_overridden",
                referral,
                fields=[*questions, "consent_override_reason"],
                organization=membership.organization_id,
                request=request,
            )
    return referral


# ---------------------------------------------------------------------------------------------
# The receiver's answers and work


def referral_view(*, actor, membership, referral, request=None) -> Referral:
    """The receiver opens a sent referral for the first time: it becomes "seen". Otherwise nothing."""
    _require(membership)
    if referral.status != Status.SENT or access.side_of(membership, referral) != RECEIVER:
        return referral
    with transaction.atomic():
        referral = _locked(membership, referral)
        if referral.status == Status.SENT:
            _move(referral, Status.VIEWED, RECEIVER, actor=actor, membership=membership, request=request)
    return referral


def _accepted_by(referral) -> str:
    event = referral.events.filter(to_status=Status.ACCEPTED).select_related("actor").first()
    actor = event.actor if event is not None else None
    return str(actor.display_name or actor.email) if actor is not None else _("someone else")


def _receiver_case(referral, *, actor, membership, request) -> Case:
    """The receiver's case for the client: the existing one, or a new one opened from this referral."""
    organization_id = referral.to_organization_id
    existing = Case.objects.select_for_update().filter(organization_id=organization_id, client_id=referral.client_id)
    case = existing.first()
    if case is not None:
        return case
    try:
        with transaction.atomic():
            case = Case.objects.create(
                organization_id=organization_id,
                client_id=referral.client_id,
                origin=Case.Origin.REFERRAL,
                sensitivity=referral.from_case.sensitivity,
                caseworker=None if membership.role == Role.SUPERVISOR else actor,
                supervisor=actor if membership.role == Role.SUPERVISOR else None,
            )
    except IntegrityError:  # another referral of the same client opened it at the same moment
        return existing.get()
    audit.record(
        actor,
        "referrals.case_opened",
        case,
        fields=["origin", "sensitivity", "caseworker" if case.caseworker_id else "supervisor"],
        organization=organization_id,
        request=request,
    )
    return case


def referral_accept(*, actor, membership, referral, request=None) -> Referral:
    """Accept: the receiver's case for the client is opened (or linked), with origin "referral".

    The receiver then sees exactly the categories the client consented to share with it
    (``clients.access``). Two people accepting at once: the referral row is locked, the first
    wins, the second gets ``AlreadyAccepted``.
    """
    _require(membership)
    with transaction.atomic():
        referral = _locked(membership, referral)
        side = access.side_of(membership, referral)
        if side == RECEIVER and referral.status in AFTER_ACCEPTANCE:
            raise AlreadyAccepted(
                _("This referral was already accepted by %(name)s.") % {"name": _accepted_by(referral)}
            )
        transitions.check(referral.status, Status.ACCEPTED, side)
        to_case = _receiver_case(referral, actor=actor, membership=membership, request=request)
        changes = {"to_case": to_case}
        if referral.answered_at is None:
            changes["answered_at"] = timezone.now()
        _move(referral, Status.ACCEPTED, RECEIVER, actor=actor, membership=membership, changes=changes, request=request)
    return referral


def referral_decline(
    *, actor, membership, referral, reason, note="", alternative_service=None, request=None
) -> Referral:
    """Decline with a coded reason (a note is required with "other"), maybe suggesting another service."""
    _require(membership)
    note = _text(note)
    errors = {}
    if reason not in DeclineReason.values:
        errors["reason"] = _("Choose why you decline.")
    elif reason == DeclineReason.OTHER and not note:
        errors["note"] = _("Say why, without names or details of the client.")
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = _("Keep the note under %(count)d characters.") % {"count": NOTE_MAX_LENGTH}
    if alternative_service is not None and alternative_service.status != Service.Status.ACTIVE:
        errors["alternative_service"] = _("Suggest a service that is active.")
    with transaction.atomic():
        referral = _locked(membership, referral)
        transitions.check(referral.status, Status.DECLINED, access.side_of(membership, referral))
        if alternative_service is not None and alternative_service.pk == referral.to_service_id:
            errors["alternative_service"] = _("Suggest another service than the one declining.")
        if errors:
            raise ValidationError(errors)
        changes = {
            "decline_reason": reason,
            "decline_note": note or None,
            "alternative_service": alternative_service,
            "answered_at": referral.answered_at or timezone.now(),
        }
        _move(
            referral,
            Status.DECLINED,
            RECEIVER,
            actor=actor,
            membership=membership,
            changes=changes,
            code=reason,
            request=request,
        )
    return referral


def referral_start_service(*, actor, membership, referral, request=None) -> Referral:
    """The client started receiving the service."""
    _require(membership)
    with transaction.atomic():
        referral = _locked(membership, referral)
        _move(
            referral,
            Status.IN_SERVICE,
            access.side_of(membership, referral),
            actor=actor,
            membership=membership,
            request=request,
        )
    return referral


def referral_complete(*, actor, membership, referral, outcome, outcome_note="", request=None) -> Referral:
    """The service ended: the outcome code goes back to the sender always, the note only with consent.

    See ``access.outcome_note_visible``: the sender reads the note only while the client agrees
    to share the *needs* category with the sender.
    """
    _require(membership)
    outcome_note = _text(outcome_note)
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choose the outcome.")
    if len(outcome_note) > NOTE_MAX_LENGTH:
        errors["outcome_note"] = _("Keep the note under %(count)d characters.") % {"count": NOTE_MAX_LENGTH}
    with transaction.atomic():
        referral = _locked(membership, referral)
        transitions.check(referral.status, Status.COMPLETED, access.side_of(membership, referral))
        if errors:
            raise ValidationError(errors)
        changes = {"outcome": outcome, "outcome_note": outcome_note or None}
        _move(
            referral,
            Status.COMPLETED,
            RECEIVER,
            actor=actor,
            membership=membership,
            changes=changes,
            code=outcome,
            request=request,
        )
    return referral


def referral_close_unsuccessful(*, actor, membership, referral, reason, request=None) -> Referral:
    """The service could not be given, with a coded reason."""
    _require(membership)
    with transaction.atomic():
        referral = _locked(membership, referral)
        transitions.check(referral.status, Status.CLOSED_UNSUCCESSFUL, access.side_of(membership, referral))
        if reason not in UnsuccessfulReason.values:
            raise ValidationError({"reason": _("Choose why the service could not be given.")})
        _move(
            referral,
            Status.CLOSED_UNSUCCESSFUL,
            RECEIVER,
            actor=actor,
            membership=membership,
            changes={"unsuccessful_reason": reason},
            code=reason,
            request=request,
        )
    return referral


def referral_withdraw(*, actor, membership, referral, request=None) -> Referral:
    """The sender withdraws an open referral; the receiver stops seeing its package at once."""
    _require(membership)
    with transaction.atomic():
        referral = _locked(membership, referral)
        _move(
            referral,
            Status.WITHDRAWN,
            access.side_of(membership, referral),
            actor=actor,
            membership=membership,
            request=request,
        )
    return referral


# ---------------------------------------------------------------------------------------------
# Revocation (the system, on a consent answer)


def referrals_revoke_for_consent(*, actor, client_id, organization_id, request=None) -> list[Referral]:
    """Every open referral of the client to ``organization_id`` stops at once: consent was revoked.

    Called by the ``Consent`` signal (``referrals.signals``) inside the transaction that records
    the revocation or refusal, so both commit together.
    """
    open_referrals = (
        Referral.objects.select_for_update()
        .filter(client_id=client_id, to_organization_id=organization_id, status__in=transitions.OPEN)
        .order_by("created_at", "pk")
    )
    stopped = []
    for referral in open_referrals:
        _move(referral, Status.REVOKED, SYSTEM, actor=actor, membership=None, code="consent_revoked", request=request)
        stopped.append(referral)
    return stopped


# ---------------------------------------------------------------------------------------------
# A case erased (the system, on clients.erasure's case_erasing)


def referrals_settle_for_erased_case(*, actor, case, now=None) -> None:
    """``case``'s organization erases it while another organization still holds the client.

    Called inside the erasure's transaction (``referrals.signals``), before the case row goes.
    The referral stays the receiver's record, so it is not deleted with the sender's case: drafts
    nobody else saw go; what the receiver has not taken on yet is withdrawn; the row loses its
    link to the case (the sender's pages no longer list it). On the receiving side, a referral
    in progress in the erased case is closed, "the receiving organization closed its file".
    """
    sent = Referral.objects.select_for_update().filter(from_case=case).order_by("created_at", "pk")
    for referral in sent:
        if referral.status == Status.DRAFT:
            referral.delete()
        elif referral.status in transitions.AWAITING_ANSWER:
            _move(referral, Status.WITHDRAWN, SENDER, actor=actor, membership=None, code="sender_case_erased")
    Referral.objects.filter(from_case=case).update(from_case=None)
    received = (
        Referral.objects.select_for_update()
        .filter(to_case=case, status__in=(Status.ACCEPTED, Status.IN_SERVICE))
        .order_by("created_at", "pk")
    )
    for referral in received:
        _move(
            referral,
            Status.CLOSED_UNSUCCESSFUL,
            RECEIVER,
            actor=actor,
            membership=None,
            changes={"unsuccessful_reason": UnsuccessfulReason.FILE_CLOSED},
            code="receiver_case_erased",
            organization_id=case.organization_id,
        )
