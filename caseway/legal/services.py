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
    CoCounsel,
    Deadline,
    DeadlineRule,
    LegalMatter,
    MatterEvent,
    MatterType,
    Remedy,
    TriggerEvent,
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
        added, _created = CoCounsel.objects.get_or_create(
            matter=matter, organization=organization, defaults={"role": role, "added_by": actor}
        )
        _audit(actor, "legal.co_counsel_added", added, ["organization", "role"], membership, request)
    return added


def _deadlines_for(event):
    rules = DeadlineRule.objects.filter(jurisdiction_id=event.matter.jurisdiction_id, trigger=event.trigger)
    return [
        Deadline(matter=event.matter, event=event, rule=rule, due_on=rule.due_date(event.occurred_on))
        for rule in rules.select_related("jurisdiction")
        if rule.applies_to(event.occurred_on)
    ]


def event_record(*, actor, membership, matter, trigger, occurred_on, note="", request=None) -> MatterEvent:
    _require(membership)
    if trigger not in TriggerEvent.values:
        raise ValidationError({"trigger": _("Choose the event from the list.")})
    with transaction.atomic():
        matter = access.get_matter_for_member(membership, matter.pk)
        matter = LegalMatter.objects.select_for_update().select_related("jurisdiction").get(pk=matter.pk)
        event = MatterEvent.objects.create(
            matter=matter,
            trigger=trigger,
            occurred_on=occurred_on,
            data_key_id=matter.data_key_id,
            note=(note or "").strip() or None,
            recorded_by=actor,
        )
        Deadline.objects.bulk_create(_deadlines_for(event))
        _audit(actor, "legal.event_recorded", event, ["trigger", "occurred_on", "note"], membership, request)
    return event


def event_change(*, actor, membership, event, occurred_on, request=None) -> MatterEvent:
    """Move an event to another day: its open deadlines are computed again (met ones stay)."""
    _require(membership)
    with transaction.atomic():
        access.get_matter_for_member(membership, event.matter_id)
        event = MatterEvent.objects.select_for_update().select_related("matter__jurisdiction").get(pk=event.pk)
        event.occurred_on = occurred_on
        event.save(update_fields=["occurred_on"])
        met_rules = set(event.deadlines.filter(status=Deadline.Status.MET).values_list("rule_id", flat=True))
        event.deadlines.filter(status=Deadline.Status.OPEN).delete()
        Deadline.objects.bulk_create([due for due in _deadlines_for(event) if due.rule_id not in met_rules])
        _audit(actor, "legal.event_changed", event, ["occurred_on"], membership, request)
    return event


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
