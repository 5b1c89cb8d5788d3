"""Every change to a legal matter: open it, add co-counsel, record events and their deadlines.

- **Open** from the lead organization's case of the client, only with the client's consent to
  legal representation by that organization (``consent.allows``).
- **Co-counsel**: the lead adds organizations with a role; each then sees the matter.
- **Events**: recording a trigger event creates a deadline for each rule of the matter's forum that
  applies to it (``DeadlineRule.applies_to``: a reform changes the rule from a day on), computed in
  the forum's calendar; changing the event's day recomputes its open deadlines (met ones stay as
  they were met). Every write is audited, field names only.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway import audit
from caseway.clients import access as client_access
from caseway.clients import consent
from caseway.clients.models import ConsentPurpose
from caseway.legal import access
from caseway.legal.models import (
    DECISION_EVENTS,
    FUTURE_EVENTS,
    STAGE_AFTER,
    CoCounsel,
    Deadline,
    DeadlineRule,
    LegalMatter,
    MatterEvent,
    MatterType,
    Outcome,
    Remedy,
    Stage,
    StageChange,
    TriggerEvent,
    ViolationCategory,
)
from caseway.orgs.permissions import Action


def _require(membership):
    if membership is None or not membership.is_active or not membership.allows(Action.WORK_LEGAL_MATTERS):
        raise PermissionDenied


def _audit(actor, action, target, fields, membership, request):
    audit.record(actor, action, target, fields=fields, organization=membership.organization_id, request=request)


def matter_open(
    *, actor, membership, case, jurisdiction, type, violation_categories=(), summary="", request=None
) -> LegalMatter:
    _require(membership)
    if type not in MatterType.values:
        raise ValidationError({"type": _("Choose the kind of matter from the list.")})
    if not set(violation_categories) <= set(ViolationCategory.values):
        raise ValidationError({"violation_categories": _("Choose the violations from the list.")})
    with transaction.atomic():
        case = client_access.get_case_for_update(membership, case.pk)
        if not consent.allows(case.client, ConsentPurpose.LEGAL_REPRESENTATION, case.organization_id):
            raise ValidationError(
                _("The client has not agreed to legal representation by your organization. Record their consent first.")
            )
        matter = LegalMatter.objects.create(
            client=case.client,
            lead_case=case,
            lead_organization_id=case.organization_id,
            jurisdiction=jurisdiction,
            type=type,
            violation_categories=sorted(set(violation_categories)),
            data_key_id=case.client.data_key_id,
            summary=(summary or "").strip() or None,
            opened_by=actor,
        )
        StageChange.objects.create(
            matter=matter, stage=Stage.INTAKE, entered_on=timezone.localdate(), recorded_by=actor
        )
        _audit(actor, "legal.matter_opened", matter, ["type", "jurisdiction", "summary"], membership, request)
    return matter


def co_counsel_add(*, actor, membership, matter, organization, role, request=None) -> CoCounsel:
    _require(membership)
    with transaction.atomic():
        matter = access.get_matter_for_member(membership, matter.pk)
        if not access.is_lead(membership, matter):
            raise PermissionDenied
        if organization.pk == matter.lead_organization_id:
            raise ValidationError({"organization": _("The lead organization is already on the matter.")})
        if role not in CoCounsel.Role.values:
            raise ValidationError({"role": _("Choose a role from the list.")})
        if CoCounsel.objects.filter(matter=matter, organization=organization).exists():
            raise ValidationError({"organization": _("This organization is already co-counsel on the matter.")})
        added = CoCounsel.objects.create(matter=matter, organization=organization, role=role, added_by=actor)
        _audit(actor, "legal.co_counsel_added", added, ["organization", "role"], membership, request)
    return added


def _deadlines_for(event):
    rules = DeadlineRule.objects.filter(jurisdiction_id=event.matter.jurisdiction_id, trigger=event.trigger)
    return [
        Deadline(matter=event.matter, event=event, rule=rule, due_on=rule.due_date(event.occurred_on))
        for rule in rules.select_related("jurisdiction")
        if rule.applies_to(event.occurred_on)
    ]


def _check_event(trigger, occurred_on, outcome):
    if trigger not in TriggerEvent.values:
        raise ValidationError({"trigger": _("Choose the event from the list.")})
    if occurred_on > timezone.localdate() and trigger not in FUTURE_EVENTS:
        raise ValidationError({"occurred_on": _("Only a hearing can be recorded for a day still to come.")})
    if outcome and outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome from the list.")})
    if outcome and trigger not in DECISION_EVENTS:
        raise ValidationError({"outcome": _("Only a decision or a judgment has an outcome.")})


def _stage_on(matter, day):
    """The stage the matter was in on ``day`` by its history (intake before any change)."""
    change = matter.stage_changes.filter(entered_on__lte=day).order_by("-entered_on", "-recorded_at", "-pk").first()
    return change.stage if change else Stage.INTAKE


def _intake_no_later_than(matter, day):
    """A matter opened here after it began elsewhere: its intake started no later than its first event."""
    matter.stage_changes.filter(event__isnull=True, stage=Stage.INTAKE, entered_on__gt=day).exclude(
        matter__stage_changes__entered_on__lt=day
    ).update(entered_on=day)


def _refresh_stage_and_outcome(matter):
    """The matter's current stage is its latest stage change; its outcome the latest decision's."""
    latest = matter.stage_changes.order_by("-entered_on", "-recorded_at", "-pk").first()
    decision = (
        matter.events.filter(trigger__in=DECISION_EVENTS)
        .exclude(outcome="")
        .order_by("-occurred_on", "-recorded_at")
        .first()
    )
    matter.stage = latest.stage if latest else Stage.INTAKE
    matter.outcome = decision.outcome if decision else ""
    matter.outcome_on = decision.occurred_on if decision else None
    matter.save(update_fields=["stage", "outcome", "outcome_on"])


def event_record(*, actor, membership, matter, trigger, occurred_on, note="", outcome="", request=None) -> MatterEvent:
    """Record what happened on a matter: the deadlines the forum's rules give for it, the stage it
    leads to (from its day on) and, for a decision, its outcome."""
    _require(membership)
    _check_event(trigger, occurred_on, outcome)
    with transaction.atomic():
        matter = access.get_matter_for_member(membership, matter.pk)
        matter = LegalMatter.objects.select_for_update().select_related("jurisdiction").get(pk=matter.pk)
        event = MatterEvent.objects.create(
            matter=matter,
            trigger=trigger,
            occurred_on=occurred_on,
            data_key_id=matter.data_key_id,
            note=(note or "").strip() or None,
            outcome=outcome or "",
            recorded_by=actor,
        )
        Deadline.objects.bulk_create(_deadlines_for(event))
        _intake_no_later_than(matter, occurred_on)
        stage = STAGE_AFTER.get(trigger)
        if stage is not None and _stage_on(matter, occurred_on) != stage:
            StageChange.objects.create(
                matter=matter, stage=stage, entered_on=occurred_on, event=event, recorded_by=actor
            )
        _refresh_stage_and_outcome(matter)
        _audit(actor, "legal.event_recorded", event, ["trigger", "occurred_on", "note", "outcome"], membership, request)
    return event


def event_change(*, actor, membership, event, occurred_on, request=None) -> MatterEvent:
    """Move an event to another day: its open deadlines are computed again (met ones stay), and the
    stage it led to is entered on the new day."""
    _require(membership)
    with transaction.atomic():
        access.get_matter_for_member(membership, event.matter_id)
        LegalMatter.objects.select_for_update().filter(pk=event.matter_id).first()
        event = MatterEvent.objects.select_for_update().select_related("matter__jurisdiction").get(pk=event.pk)
        _check_event(event.trigger, occurred_on, event.outcome)
        event.occurred_on = occurred_on
        event.save(update_fields=["occurred_on"])
        met_rules = set(event.deadlines.filter(status=Deadline.Status.MET).values_list("rule_id", flat=True))
        event.deadlines.filter(status=Deadline.Status.OPEN).delete()
        Deadline.objects.bulk_create([due for due in _deadlines_for(event) if due.rule_id not in met_rules])
        event.stage_changes.update(entered_on=occurred_on)
        _intake_no_later_than(event.matter, occurred_on)
        _refresh_stage_and_outcome(event.matter)
        _audit(actor, "legal.event_changed", event, ["occurred_on"], membership, request)
    return event


def matter_stage_set(*, actor, membership, matter, stage, entered_on, request=None) -> LegalMatter:
    """Move a matter to a stage by hand (what no recorded event says), from a day on."""
    _require(membership)
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Choose the stage from the list.")})
    if entered_on > timezone.localdate():
        raise ValidationError({"entered_on": _("A stage is entered today or on a day already past.")})
    with transaction.atomic():
        matter = access.get_matter_for_member(membership, matter.pk)
        matter = LegalMatter.objects.select_for_update().get(pk=matter.pk)
        if _stage_on(matter, entered_on) == stage:
            raise ValidationError({"stage": _("The matter was already at this stage on that day.")})
        change = StageChange.objects.create(matter=matter, stage=stage, entered_on=entered_on, recorded_by=actor)
        _refresh_stage_and_outcome(matter)
        _audit(actor, "legal.stage_set", change, ["stage", "entered_on"], membership, request)
    return matter


def deadline_met(*, actor, membership, deadline, met_on, request=None) -> Deadline:
    """Mark a deadline met (filed, lodged...) on ``met_on``; any party of the matter may."""
    _require(membership)
    with transaction.atomic():
        access.get_matter_for_member(membership, deadline.matter_id)
        deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if deadline.status == Deadline.Status.MET:
            return deadline
        if met_on < deadline.event.occurred_on:
            raise ValidationError({"met_on": _("A deadline is met after the event that started it.")})
        deadline.status = Deadline.Status.MET
        deadline.met_on = met_on
        deadline.save(update_fields=["status", "met_on"])
        _audit(actor, "legal.deadline_met", deadline, ["status", "met_on"], membership, request)
    return deadline


def alert_seen(*, actor, membership, alert, request=None):
    """Someone of the organization has seen the alert: it leaves the organization's list."""
    _require(membership)
    with transaction.atomic():
        alert = access.get_alert_for_member(membership, alert.pk)
        alert = type(alert).objects.select_for_update().get(pk=alert.pk)
        if alert.resolved_at is not None:  # someone of the organization was quicker
            return alert
        alert.resolved_at = timezone.now()
        alert.resolved_by = actor
        alert.save(update_fields=["resolved_at", "resolved_by"])
        _audit(actor, "legal.alert_seen", alert, ["resolved_at"], membership, request)
    return alert


def _check_money(form, amount, currency):
    if amount is None:
        return "", None
    if form != Remedy.Form.COMPENSATION:
        raise ValidationError({"amount": _("Only compensation has an amount.")})
    if amount <= 0:
        raise ValidationError({"amount": _("Give an amount above zero.")})
    currency = (currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ValidationError({"currency": _("Give the currency as three letters, such as EUR or USD.")})
    return currency, amount


def remedy_record(
    *, actor, membership, matter, form, sought_on, description="", amount=None, currency="", request=None
) -> Remedy:
    """A remedy sought on a matter; any party of the matter may record it."""
    _require(membership)
    if form not in Remedy.Form.values:
        raise ValidationError({"form": _("Choose the form of the remedy from the list.")})
    currency, amount = _check_money(form, amount, currency)
    with transaction.atomic():
        matter = access.get_matter_for_member(membership, matter.pk)
        remedy = Remedy.objects.create(
            matter=matter,
            form=form,
            data_key_id=matter.data_key_id,
            description=(description or "").strip() or None,
            amount=amount,
            currency=currency,
            sought_on=sought_on,
            recorded_by=actor,
        )
        _audit(actor, "legal.remedy_recorded", remedy, ["form", "description", "amount"], membership, request)
    return remedy


def remedy_decide(*, actor, membership, remedy, status, decided_on, enforcement="", request=None) -> Remedy:
    """The forum's answer: obtained or denied on a day; an obtained remedy's enforcement follows."""
    _require(membership)
    if status not in (Remedy.Status.OBTAINED, Remedy.Status.DENIED):
        raise ValidationError({"status": _("Choose obtained or denied.")})
    if enforcement not in Remedy.Enforcement.values or (status == Remedy.Status.DENIED and enforcement):
        raise ValidationError({"enforcement": _("Only an obtained remedy is enforced.")})
    with transaction.atomic():
        access.get_matter_for_member(membership, remedy.matter_id)
        remedy = Remedy.objects.select_for_update().get(pk=remedy.pk)
        if decided_on < remedy.sought_on:
            raise ValidationError({"decided_on": _("A remedy is decided after it was sought.")})
        remedy.status, remedy.decided_on, remedy.enforcement = status, decided_on, enforcement
        remedy.save(update_fields=["status", "decided_on", "enforcement"])
        _audit(actor, "legal.remedy_decided", remedy, ["status", "decided_on", "enforcement"], membership, request)
    return remedy


def _recompute_open_deadlines(jurisdiction):
    """Every open deadline of the forum computed again (its calendar changed); met ones stay."""
    for deadline in (
        Deadline.objects.select_for_update()
        .filter(matter__jurisdiction=jurisdiction, status=Deadline.Status.OPEN)
        .select_related("event", "rule__jurisdiction")
    ):
        due_on = deadline.rule.due_date(deadline.event.occurred_on)
        if due_on != deadline.due_on:
            deadline.due_on = due_on
            deadline.save(update_fields=["due_on"])


def closure_add(*, actor, membership, jurisdiction, day, note="", request=None):
    """A day the forum does not work (a recess, a strike): open deadlines that fell on it move."""
    from caseway.legal.models import CourtClosure

    _require(membership)
    with transaction.atomic():
        jurisdiction = type(jurisdiction).objects.select_for_update().get(pk=jurisdiction.pk)
        if CourtClosure.objects.filter(jurisdiction=jurisdiction, day=day).exists():
            raise ValidationError({"day": _("This day is already a closure of the forum.")})
        closure = CourtClosure.objects.create(jurisdiction=jurisdiction, day=day, note=(note or "").strip())
        _recompute_open_deadlines(jurisdiction)
        _audit(actor, "legal.closure_added", closure, ["day", "note"], membership, request)
    return closure


def closure_remove(*, actor, membership, closure, request=None):
    _require(membership)
    with transaction.atomic():
        jurisdiction = type(closure.jurisdiction).objects.select_for_update().get(pk=closure.jurisdiction_id)
        _audit(actor, "legal.closure_removed", closure, ["day"], membership, request)
        closure.delete()
        _recompute_open_deadlines(jurisdiction)
