"""Recording an assessment: score it, store it under the client's key, and act on the result.

``assessment_record`` is the one path for every assessment (intake, assessment pages, API,
imports). It scores the answers with the shipped instrument definition (``clients.instruments``,
``clients.scoring``), stores the answers encrypted under the client's data key with the score,
band and flags in clear, and applies what the result requires, in the same transaction:

- needs assessment: a ``Need`` per domain with a need (an open need of that domain is re-prioritised,
  never duplicated);
- Washington Group Short Set: ``client.has_disability`` and ``client.disability_domains`` (the
  domains answered "a lot of difficulty" or "cannot do at all");
- risk assessment: ``case.risk_level``; an imminent risk also sets ``case.safety_plan_required``
  and alerts the supervisors (``CaseAlert.Kind.IMMINENT_RISK``);
- any instrument whose result requires the suicide-risk protocol (PHQ-9 item 9 above zero, the
  risk assessment's question on thoughts of ending one's life): an alert to the supervisors and a
  task, due within a day, for the caseworker (``CaseAlert.Kind.SUICIDE_RISK``);
- any result requiring urgent medical care (violence in the last 72 hours): the case's
  ``urgent_health_need``, a task for the caseworker and an alert to the supervisors
  (``CaseAlert.Kind.URGENT_HEALTH``), exactly as a GBV incident within 72 hours does.

The alerts are raised by ``clients.alerts``, shared with the incident record; an alert of a kind
already open on the case is not repeated. Like any new work on a case, an assessment is refused
while a safety plan is required (``gates.check_case_may_continue``): the pages, the API, the intake
and imports all come through here, so the gate holds for each of them. The audit event names the
fields written, never the answers.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway import audit
from caseway.clients import access, alerts, gates, instruments, scoring
from caseway.clients.consent import LANGUAGE_CODE
from caseway.clients.models import Assessment, Case, Client, Instrument, Need, RiskLevel
from caseway.orgs.permissions import Action

NEEDS = "needs"
DISABILITY = "wg_ss"
RISK = "risk"
PHQ9 = "phq9"
DISABILITY_BAND = "disability"
SUICIDE_PROTOCOL_ACTION = "suicide_risk_assessment"
URGENT_MEDICAL_ACTION = "urgent_medical_care"
# Option codes of the needs instrument's priority scale → Need.Priority.
NEED_PRIORITIES = {"low": Need.Priority.LOW, "medium": Need.Priority.MEDIUM, "high": Need.Priority.HIGH}


def _require(membership) -> None:
    if membership is None or not membership.is_active or not membership.allows(Action.VIEW_PERSONAL_DATA):
        raise PermissionDenied


def instrument_row(definition: scoring.Definition) -> Instrument:
    """The ``Instrument`` row of a shipped definition, stored the first time it is used."""
    data = definition.to_data()
    for _attempt in range(2):
        row = Instrument.objects.filter(code=definition.code, version=definition.version).first()
        if row is not None:
            if row.sha256 != definition.sha256:
                raise RuntimeError(f"{definition} changed after it was published: ship a new version instead.")
            return row
        try:
            with transaction.atomic():
                return Instrument.objects.create(
                    code=definition.code,
                    version=definition.version,
                    category=definition.category,
                    definition=data,
                    sha256=definition.sha256,
                )
        except IntegrityError:
            continue  # stored by someone else at the same moment
    raise RuntimeError(f"Could not store {definition}.")


def _answer_error(error: scoring.AnswerError) -> ValidationError:
    return ValidationError({error.item or "answers": str(error)})


def _apply_needs(case, assessment, definition, values) -> list[str]:
    written = []
    open_needs = {need.domain: need for need in Need.objects.filter(case=case, status=Need.Status.OPEN)}
    for item in definition.items:
        value = values.get(item.code)
        if not value:
            continue
        priority = NEED_PRIORITIES.get(item.option(value).code)
        if priority is None or item.code not in Need.Domain.values:
            continue
        need = open_needs.get(item.code)
        if need is None:
            Need.objects.create(case=case, assessment=assessment, domain=item.code, priority=priority)
        elif need.priority != priority:
            need.priority = priority
            need.assessment = assessment
            need.save(update_fields=["priority", "assessment"])
        else:
            continue
        written.append(f"needs.{item.code}")
    return written


def _apply_disability(client, result) -> list[str]:
    client.has_disability = result.band == DISABILITY_BAND
    client.disability_domains = [entry["item"] for entry in result.details.get("difficulties", [])]
    client.save(update_fields=["has_disability", "disability_domains"])
    return ["client.has_disability", "client.disability_domains"]


def _apply_risk(case, result, now) -> list[str]:
    fields = ["risk_level"]
    case.risk_level = result.band if result.band in RiskLevel.values else RiskLevel.UNKNOWN
    written = ["case.risk_level"]
    if case.risk_level == RiskLevel.IMMINENT:
        case.safety_plan_required = True
        fields.append("safety_plan_required")
        written.append("case.safety_plan_required")
    case.save(update_fields=fields)
    if case.risk_level == RiskLevel.IMMINENT:
        written += alerts.imminent_risk(case, now=now)
    return written


def _apply_protocols(case, result, actor, now) -> list[str]:
    written = []
    if SUICIDE_PROTOCOL_ACTION in result.required_actions:
        written += alerts.suicide_risk_protocol(case, actor=actor, now=now)
    if URGENT_MEDICAL_ACTION in result.required_actions:
        written += alerts.urgent_health_need(case, actor=actor, now=now)
    return written


def assessment_record(
    *,
    actor,
    membership,
    case: Case,
    instrument_code: str,
    answers: dict,
    stage=Assessment.Stage.BASELINE,
    interpreter_language="",
    request=None,
) -> Assessment:
    """Score and store one assessment of ``case``'s client and apply what its result requires.

    ``answers`` maps item codes to option values or codes (``scoring.normalize_answers``); a wrong
    or missing answer raises ``ValidationError`` keyed by the item's code. The returned assessment
    carries the ``scoring.Result`` as ``assessment.result`` (required actions, lists, flags).
    """
    _require(membership)
    definition = instruments.load(instrument_code)
    errors = {}
    if stage not in Assessment.Stage.values:
        errors["stage"] = _("Choose baseline or follow-up.")
    if interpreter_language and not LANGUAGE_CODE.fullmatch(interpreter_language):
        errors["interpreter_language"] = _("Use a language code such as ar or fr.")
    if errors:
        raise ValidationError(errors)
    try:
        values = scoring.normalize_answers(definition, answers)
        result = scoring.score(definition, values)
    except scoring.AnswerError as error:
        raise _answer_error(error) from None
    with transaction.atomic():
        try:
            locked = access.visible_cases(membership).select_for_update(of=("self",)).get(pk=case.pk)
        except Case.DoesNotExist:
            raise PermissionDenied from None
        if definition.category not in access.visible_categories(membership, locked):
            raise PermissionDenied
        gates.check_case_may_continue(locked)
        client = Client.objects.select_for_update().get(pk=locked.client_id)
        now = timezone.now()
        assessment = Assessment.objects.create(
            client=client,
            case=locked,
            instrument=instrument_row(definition),
            stage=stage,
            data_key_id=client.data_key_id,
            answers=values,
            score=result.score,
            band=result.band or "",
            flags=list(result.flags),
            interpreter_language=interpreter_language,
            assessed_by=actor,
            assessed_at=now,
        )
        written = ["answers", "score", "band", "flags"] + (["interpreter_language"] if interpreter_language else [])
        if definition.code == NEEDS:
            written += _apply_needs(locked, assessment, definition, values)
        elif definition.code == DISABILITY:
            written += _apply_disability(client, result)
        elif definition.code == RISK:
            written += _apply_risk(locked, result, now)
        written += _apply_protocols(locked, result, actor, now)
        audit.record(
            actor,
            "clients.assessment_recorded",
            assessment,
            fields=written,
            organization=membership.organization_id,
            request=request,
        )
    for name in ("risk_level", "safety_plan_required", "urgent_health_need"):
        setattr(case, name, getattr(locked, name))
    assessment.result = result
    return assessment
