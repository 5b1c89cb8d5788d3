"""Intake: a resumable draft, then the client, consents and baseline assessments in one transaction.

The steps, in order: a safety check first, then consent, registration, a duplicate check (only
when a name and a date of birth match someone), needs, disability (Washington Group Short Set),
risk, and a summary with the suggested next steps. Each step's answers are saved in the
``IntakeDraft``, encrypted under a data key made for this person; finishing hands that key to
the new client (``services.client_register(data_key=...)``), so nothing is re-encrypted and an
abandoned draft's key can be destroyed on its own. Nothing is written outside the draft until
``intake_complete``, which writes everything or nothing.

Drafts are personal: only the person who started one, in the organization it was started in,
can see, resume or end it (``get_draft_for_member``; anything else answers 404).
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caseway import audit
from caseway.accounts.models import User
from caseway.clients import consent, duplicates, instruments, scoring
from caseway.clients.assessment_services import assessment_record
from caseway.clients.models import (
    Case,
    CaseAlert,
    ConsentPurpose,
    ConsentWording,
    IntakeDraft,
    LinkRequest,
)
from caseway.clients.services import client_register
from caseway.directory.models import AdminArea
from caseway.orgs.permissions import Action
from caseway.vault.services import data_key_create, data_key_destroy

SAFETY = "safety"
CONSENT = "consent"
REGISTRATION = "registration"
DUPLICATES = "duplicates"
NEEDS = "needs"
DISABILITY = "disability"
RISK = "risk"
SUMMARY = "summary"
STEPS = (SAFETY, CONSENT, REGISTRATION, DUPLICATES, NEEDS, DISABILITY, RISK, SUMMARY)
STEP_LABELS = {
    SAFETY: gettext_lazy("Safety check"),
    CONSENT: gettext_lazy("Consent"),
    REGISTRATION: gettext_lazy("Registration"),
    DUPLICATES: gettext_lazy("Already known?"),
    NEEDS: gettext_lazy("Needs"),
    DISABILITY: gettext_lazy("Disability"),
    RISK: gettext_lazy("Risk"),
    SUMMARY: gettext_lazy("Summary"),
}
# The instrument each assessment step scores with.
ASSESSMENT_STEPS = {NEEDS: "needs", DISABILITY: "wg_ss", RISK: "risk"}
SKIPPED = "skipped"
# Consent purposes asked at intake; services is required to open a case.
INTAKE_PURPOSES = (ConsentPurpose.SERVICES, ConsentPurpose.STATISTICS, ConsentPurpose.CONTACT)
NOT_ASKED = "not_asked"
# Required actions the system takes itself when the assessment is recorded.
AUTOMATIC_ACTIONS = frozenset({"alert_supervisor"})
LINK = "link"


def _require(membership) -> None:
    if membership is None or not membership.is_active or not membership.allows(Action.REGISTER_CLIENTS):
        raise PermissionDenied


# ---------------------------------------------------------------------------------------------
# Reaching drafts


def visible_drafts(membership):
    """The unfinished intakes ``membership``'s user started in that organization."""
    if membership is None or not membership.is_active or not membership.allows(Action.REGISTER_CLIENTS):
        return IntakeDraft.objects.none()
    return IntakeDraft.objects.filter(
        organization_id=membership.organization_id,
        started_by_id=membership.user_id,
        completed_at__isnull=True,
    )


def get_draft_for_member(membership, pk) -> IntakeDraft:
    try:
        return visible_drafts(membership).get(pk=pk)
    except (IntakeDraft.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_completed_draft_for_member(membership, pk) -> IntakeDraft:
    """A finished intake of the user, with its client, for the page that closes the intake."""
    if membership is None or not membership.is_active or not membership.allows(Action.REGISTER_CLIENTS):
        raise Http404
    try:
        return IntakeDraft.objects.select_related("client").get(
            pk=pk,
            organization_id=membership.organization_id,
            started_by_id=membership.user_id,
            completed_at__isnull=False,
            client__isnull=False,
            client__erased_at__isnull=True,
        )
    except (IntakeDraft.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _locked(membership, draft) -> IntakeDraft:
    try:
        return visible_drafts(membership).select_for_update().get(pk=draft.pk)
    except IntakeDraft.DoesNotExist:
        raise PermissionDenied from None


# ---------------------------------------------------------------------------------------------
# Where a draft stands


def step_index(step: str) -> int:
    return STEPS.index(step)


def reachable(draft: IntakeDraft, step: str) -> bool:
    """A step may be opened once every step before it was answered."""
    return step in STEPS and step_index(step) <= step_index(draft.step if draft.step in STEPS else SAFETY)


def previous_step(draft: IntakeDraft, step: str) -> str | None:
    """The step before ``step`` (the duplicate check only when it was shown)."""
    index = step_index(step)
    while index > 0:
        index -= 1
        candidate = STEPS[index]
        if candidate == DUPLICATES and not draft.answers.get(DUPLICATES, {}).get("shown"):
            continue
        return candidate
    return None


def next_step(step: str) -> str:
    return STEPS[min(step_index(step) + 1, len(STEPS) - 1)]


def furthest(draft_step: str, step: str) -> str:
    return step if step_index(step) > step_index(draft_step) else draft_step


# ---------------------------------------------------------------------------------------------
# Writing the draft


def intake_start(*, actor, membership, client_language="", request=None) -> IntakeDraft:
    _require(membership)
    with transaction.atomic():
        draft = IntakeDraft.objects.create(
            organization_id=membership.organization_id,
            started_by=actor,
            data_key=data_key_create(actor=actor),
            answers={},
            step=SAFETY,
            client_language=client_language,
        )
        audit.record(
            actor, "clients.intake_started", draft, fields=[], organization=membership.organization_id, request=request
        )
    return draft


def intake_save_step(
    *,
    actor,
    membership,
    draft: IntakeDraft,
    step: str,
    answers: dict,
    go_to: str,
    client_language=None,
    interpreter_language=None,
    request=None,
) -> IntakeDraft:
    """Store one step's answers (JSON-ready) in the draft and move it on to ``go_to``."""
    _require(membership)
    if step not in STEPS or go_to not in STEPS:
        raise ValueError(f"Unknown intake step: {step!r} or {go_to!r}")
    with transaction.atomic():
        locked = _locked(membership, draft)
        stored = dict(locked.answers or {})
        stored[step] = answers
        locked.answers = stored
        locked.step = furthest(locked.step, go_to) if step_index(go_to) > step_index(step) else go_to
        locked.updated_at = timezone.now()
        fields = ["answers", "step", "updated_at"]
        if client_language is not None:
            locked.client_language = client_language
            fields.append("client_language")
        if interpreter_language is not None:
            locked.interpreter_language = interpreter_language
            fields.append("interpreter_language")
        locked.save(update_fields=fields)
        audit.record(
            actor,
            "clients.intake_step_saved",
            locked,
            fields=[f"answers.{step}", *(name for name in fields if name.endswith("_language"))],
            organization=membership.organization_id,
            request=request,
        )
    return locked


def intake_discard(*, actor, membership, draft: IntakeDraft, request=None) -> None:
    """Delete an unfinished intake and destroy its key: what it held can never be read again."""
    _require(membership)
    with transaction.atomic():
        _shred(
            _locked(membership, draft),
            actor=actor,
            action="clients.intake_discarded",
            reason="intake discarded",
            request=request,
        )


def _shred(draft: IntakeDraft, *, actor, action: str, reason: str, request=None, actor_label=None) -> None:
    """Delete ``draft`` (locked by the caller) and destroy its key; audited as ``action``."""
    key = draft.data_key
    audit.record(
        actor,
        action,
        draft,
        fields=["answers"],
        organization=draft.organization_id,
        request=request,
        actor_label=actor_label,
    )
    draft.delete()
    data_key_destroy(actor=actor, data_key=key, reason=reason)


ABANDONED_ACTOR_LABEL = "task:clients_abandoned_intakes"


def abandoned_drafts(*, now=None, hours=None):
    """Unfinished intakes nobody touched for ``hours`` (``settings.INTAKE_DRAFT_MAX_HOURS``)."""
    hours = settings.INTAKE_DRAFT_MAX_HOURS if hours is None else hours
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=hours)
    return IntakeDraft.objects.filter(completed_at__isnull=True, updated_at__lt=cutoff)


def abandoned_drafts_shred(*, now=None, hours=None) -> int:
    """Delete the abandoned intakes and destroy their keys, as ending one does; return how many.

    An intake left unfinished still holds what the person said (encrypted under its own key): it is
    kept only while it may be resumed. Each draft goes in its own transaction, locked and checked
    again, so one resumed at that moment is left alone. Audited with no person as the actor.
    """
    now = now or timezone.now()
    shredded = 0
    for pk in list(abandoned_drafts(now=now, hours=hours).values_list("pk", flat=True)):
        with transaction.atomic():
            draft = abandoned_drafts(now=now, hours=hours).select_for_update().filter(pk=pk).first()
            if draft is None:
                continue
            _shred(
                draft,
                actor=None,
                action="clients.intake_abandoned_shredded",
                reason="intake abandoned",
                actor_label=ABANDONED_ACTOR_LABEL,
            )
            shredded += 1
    return shredded


# ---------------------------------------------------------------------------------------------
# What the answers mean (no writes): scoring for the summary, values for registration


def instrument_answers(draft: IntakeDraft, step: str) -> dict | None:
    stored = (draft.answers or {}).get(step) or {}
    if stored.get(SKIPPED) or "answers" not in stored:
        return None
    return stored["answers"]


def preview(draft: IntakeDraft) -> dict:
    """{step: scoring.Result} for each assessment step answered (nothing is stored)."""
    results = {}
    for step, code in ASSESSMENT_STEPS.items():
        answers = instrument_answers(draft, step)
        if answers is None:
            continue
        try:
            results[step] = scoring.score(instruments.load(code), answers)
        except scoring.AnswerError:
            continue  # answers from an older instrument version: asked again at that step
    return results


def _required_actions(results: dict) -> list[str]:
    ordered = []
    for step in (RISK, DISABILITY, NEEDS):
        result = results.get(step)
        if result is None:
            continue
        for code in result.required_actions:
            if code not in ordered:
                ordered.append(code)
    return ordered


def next_steps(results: dict) -> list[str]:
    """What the caseworker should do next, translated, the most urgent first, without repeats.

    Alerting a supervisor is not listed: ``assessment_record`` does it when the intake finishes.
    """
    return [str(instruments.action_label(code)) for code in _required_actions(results) if code not in AUTOMATIC_ACTIONS]


def alerts_supervisor(results: dict) -> bool:
    return "alert_supervisor" in _required_actions(results)


def _estimated_birth_date(age: int, today: datetime.date) -> datetime.date:
    try:
        return today.replace(year=today.year - age)
    except ValueError:  # 29 February
        return today.replace(year=today.year - age, day=28)


def registration_values(registration: dict) -> dict:
    """``client_register``'s values from the registration step's stored answers."""
    today = timezone.localdate()
    values = {
        "sex": registration["sex"],
        "age_band": registration.get("age_band") or "",
        "admin_area": AdminArea.objects.get(pcode=registration["admin_area"]),
        "displacement_status": registration.get("displacement_status") or "unknown",
        "languages": registration.get("languages") or [],
        "children_count": registration.get("children_count"),
        "children_ages": registration.get("children_ages") or [],
        "cares_for_children": bool(registration.get("cares_for_children")),
        "cares_for_others": bool(registration.get("cares_for_others")),
    }
    for name in ("given_name", "family_name", "phone", "address", "nationality"):
        if registration.get(name):
            values[name] = registration[name]
    if registration.get("aliases"):
        values["aliases"] = registration["aliases"]
    if registration.get("documents_held"):
        values["documents_held"] = registration["documents_held"]
    if registration.get("birth_date"):
        values["birth_date"] = registration["birth_date"]
    elif registration.get("estimated_age") is not None:
        values["birth_date"] = _estimated_birth_date(registration["estimated_age"], today).isoformat()
        values["birth_date_is_estimated"] = True
    if not values["age_band"]:
        del values["age_band"]  # derived from the date of birth by client_register
    return values


def find_duplicates_for(membership, registration: dict) -> duplicates.Duplicates:
    if not registration.get("birth_date"):
        return duplicates.Duplicates()
    return duplicates.find_duplicates(
        membership=membership,
        given_name=registration.get("given_name", ""),
        family_name=registration.get("family_name", ""),
        aliases=registration.get("aliases") or (),
        birth_date=registration["birth_date"],
    )


# ---------------------------------------------------------------------------------------------
# Finishing


def _wording(digest: str) -> ConsentWording:
    try:
        return ConsentWording.objects.get(sha256=digest)
    except ConsentWording.DoesNotExist:
        raise ValidationError(_("The consent wording was not found: go back to the consent step.")) from None


def _record_consents(*, actor, membership, client, answers: dict, interpreter_language, request):
    who = {
        "given_by": answers["given_by"],
        "caregiver_relationship": answers.get("caregiver_relationship", ""),
        "method": answers["method"],
        "witness": User.objects.filter(pk=answers["witness"]).first() if answers.get("witness") else None,
        "interpreter_language": interpreter_language,
    }
    for purpose in INTAKE_PURPOSES:
        answer = answers[purpose]
        if answer["answer"] == NOT_ASKED:
            continue
        consent.consent_record(
            actor=actor,
            membership=membership,
            client=client,
            purpose=purpose,
            granted=answer["answer"] == "yes",
            contact_methods=answer.get("methods", ()),
            safe_times=answer.get("safe_times", ""),
            wording=_wording(answer["sha256"]),
            request=request,
            **who,
        )


def _request_links(*, actor, case, found: duplicates.Duplicates) -> None:
    for candidate_id in found.candidate_ids:
        LinkRequest.objects.create(requesting_case=case, candidate_id=candidate_id, requested_by=actor)
        for other in Case.objects.filter(client_id=candidate_id).exclude(organization_id=case.organization_id):
            CaseAlert.objects.create(
                case=other,
                kind=CaseAlert.Kind.LINK_REQUEST,
                audience=CaseAlert.Audience.SUPERVISOR,
                assigned_to=other.supervisor,
            )


def intake_complete(*, actor, membership, draft: IntakeDraft, request=None) -> Case:
    """Create the client, its case, consents, link requests and baseline assessments, all or nothing.

    Raises ``ValidationError`` (nothing written) when an answer no longer holds, for example a
    child's consent given without a caregiver.
    """
    _require(membership)
    with transaction.atomic():
        locked = _locked(membership, draft)
        answers = locked.answers or {}
        for step in (SAFETY, CONSENT, REGISTRATION):
            if step not in answers:
                raise ValidationError(_("Some steps are not answered yet."))
        if answers[CONSENT][ConsentPurpose.SERVICES]["answer"] != "yes":
            raise ValidationError(_("The client has not agreed to receive services: no case can be opened."))
        registration = answers[REGISTRATION]
        found = find_duplicates_for(membership, registration)
        case = client_register(
            actor=actor,
            membership=membership,
            values=registration_values(registration),
            data_key=locked.data_key,
            sensitivity=Case.Sensitivity.SENSITIVE if registration.get("sensitive") else Case.Sensitivity.STANDARD,
            request=request,
        )
        _record_consents(
            actor=actor,
            membership=membership,
            client=case.client,
            answers=answers[CONSENT],
            interpreter_language=locked.interpreter_language,
            request=request,
        )
        if answers.get(DUPLICATES, {}).get("decision") == LINK and found.elsewhere:
            _request_links(actor=actor, case=case, found=found)
        for step, code in ASSESSMENT_STEPS.items():
            step_answers = instrument_answers(locked, step)
            if step_answers is None:
                continue
            try:
                assessment_record(
                    actor=actor,
                    membership=membership,
                    case=case,
                    instrument_code=code,
                    answers=step_answers,
                    interpreter_language=locked.interpreter_language,
                    request=request,
                )
            except ValidationError as error:
                raise ValidationError(
                    _("Some answers of the step “%(step)s” are missing or no longer valid: answer it again.")
                    % {"step": STEP_LABELS[step]}
                ) from error
        locked.client = case.client
        locked.completed_at = timezone.now()
        locked.updated_at = locked.completed_at
        locked.step = SUMMARY
        locked.answers = {}  # everything now lives in the client's own records
        locked.save(update_fields=["client", "completed_at", "updated_at", "step", "answers"])
        audit.record(
            actor,
            "clients.intake_completed",
            locked,
            fields=["client"],
            organization=membership.organization_id,
            request=request,
        )
    return case
