"""Referral pathways: the network's standard sequences of referrals for a need profile, as data.

Definitions
-----------
Coordinators (role action ``MANAGE_PATHWAYS``) define each pathway: a code, a name, the need
profile it suits (needs found at assessment; an urgent health need, such as violence within
72 hours) and its ordered steps. A step names the need category it meets (a code of the Caseway
taxonomy: a service of that category or of a narrower one meets it), the urgency of its
referral, and its time frame: due within so many hours of the start of the pathway (steps side
by side), or of the acceptance of the previous step (one after the other). Once a pathway has
been started for a client its steps stay as they are, so every run is measured against what it
was started with: a coordinator copies it to change them, and retires the old one.

Starting a pathway
------------------
From a case, ``plan`` tells what each step would do: the services of the network that meet its
category (at organizations that receive referrals, never the caseworker's own, active and taking
referrals), best first as matching ranks them for the client (``matching.rank_services`` with the
step's category: place, language, accessibility, capacity, the receiver's record... each with its
reasons; services the client cannot use are left out), the one proposed (the best-ranked service
of an organization the client agreed to be referred to under an agreement in force; else the one
nearest to that), the information it would share (what the client agreed to share with that
organization, the agreement covers and the caseworker may see on the case), and why a step cannot
be referred now: no such service, no data-sharing agreement, no consent. ``pathway_start``
creates and sends the chosen steps' referrals through ``services.referral_create`` and
``services.referral_send`` (the gate and the package snapshot apply, as to any referral) in one
transaction with the run: if any of them is refused, nothing at all is written. A blocked step
is left for later (``pathway_step_refer``, once the consent or the agreement is there). There is
no consent override here: a supervisor overrides on a single referral, with its reason.

Progress
--------
``progress`` reads each step's latest referral: to refer (or blocked, with the reasons), waiting
for an answer, accepted (or in service), completed. A step whose referral was declined,
withdrawn, stopped or closed without success is to refer again. A step is due ``within_hours``
after the start of the run, or after the previous step was accepted (until it is, after the
previous step's own due time). It is *late* when it is past due and not accepted yet; a step
accepted after its due time is shown as accepted late. *Next* is the step not yet accepted that
is due first. Nothing is stored about progress: it is read from the referrals every time, so it
follows every transition, revocation and escalation as they happen.
"""

import dataclasses
import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from caseway import audit
from caseway.clients import access as client_access
from caseway.clients.models import CaseStatus, Consent, ConsentPurpose, DataCategory, Need
from caseway.directory import queries as directory_queries
from caseway.directory.models import Service
from caseway.orgs.agreements import partners_for
from caseway.orgs.categories import SharingPurpose
from caseway.orgs.permissions import Action
from caseway.referrals import access, gate, matching, pathway_access, services
from caseway.referrals.models import Pathway, PathwayRun, PathwayStep, Referral, Status, Urgency

CODE_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{1,49}")
NAME_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 1000
MAX_STEPS = 12
MAX_WITHIN_HOURS = 24 * 365
MAX_ORDER = 999
SERVICES_SHOWN = 50

# A step is "secured" once its referral is accepted: its time frame is met.
SECURED = frozenset({Status.ACCEPTED, Status.IN_SERVICE, Status.COMPLETED})
# A referral that ended without the service: the step is to refer again.
ENDED_WITHOUT_SERVICE = frozenset({Status.DECLINED, Status.WITHDRAWN, Status.REVOKED, Status.CLOSED_UNSUCCESSFUL})


class StepState:
    TO_REFER = "to_refer"
    BLOCKED = "blocked"
    AWAITING = "awaiting"
    ACCEPTED = "accepted"
    COMPLETED = "completed"

    LABELS = {
        TO_REFER: gettext_lazy("To refer"),
        BLOCKED: gettext_lazy("Blocked"),
        AWAITING: gettext_lazy("Waiting for an answer"),
        ACCEPTED: gettext_lazy("Accepted"),
        COMPLETED: gettext_lazy("Completed"),
    }


def _require_coordinator(membership) -> None:
    if membership is None or not membership.is_active or not membership.allows(Action.MANAGE_PATHWAYS):
        raise PermissionDenied


def _require_staff(membership) -> None:
    if membership is None or not membership.is_active or not membership.allows(Action.VIEW_PERSONAL_DATA):
        raise PermissionDenied


def _text(value) -> str:
    return (value or "").strip()


# ---------------------------------------------------------------------------------------------
# Categories and need profiles


def category_names(codes=None) -> dict[str, str]:
    """code → the category's name in the current language, for Caseway taxonomy terms."""
    terms = directory_queries.caseway_terms()
    if codes is not None:
        terms = terms.filter(code__in=list(codes))
    return {term.code: term.localized_name() for term in terms}


def category_label(code, names=None) -> str:
    names = category_names([code]) if names is None else names
    return names.get(code) or code


def time_frame(step) -> str:
    """A step's time frame in words: "within 3 days of the start", "within 12 hours of the previous step"."""
    hours = step.within_hours
    if hours % 24 == 0:
        amount = ngettext("%(count)d day", "%(count)d days", hours // 24) % {"count": hours // 24}
    else:
        amount = ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    if step.due_from == PathwayStep.DueFrom.PREVIOUS:
        return _("within %(amount)s of the previous step's acceptance") % {"amount": amount}
    return _("within %(amount)s of the start") % {"amount": amount}


def suits(pathway, needs, case) -> bool:
    """Whether ``pathway``'s need profile fits a case with these open ``needs`` (domains)."""
    profile = pathway.need_profile or {}
    if set(profile.get("needs", ())) & set(needs):
        return True
    return bool(profile.get("urgent_health_need")) and case.urgent_health_need


def open_needs(case) -> set[str]:
    return set(Need.objects.filter(case=case, status=Need.Status.OPEN).values_list("domain", flat=True))


# ---------------------------------------------------------------------------------------------
# Definitions (coordinators)


def _check_definition(errors, *, name, description, needs) -> None:
    if not name:
        errors["name"] = _("Give the pathway a name.")
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = _("Keep the name under %(count)d characters.") % {"count": NAME_MAX_LENGTH}
    if len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = _("Keep the description under %(count)d characters.") % {
            "count": DESCRIPTION_MAX_LENGTH
        }
    if set(needs) - set(Need.Domain.values):
        errors["needs"] = _("Choose needs from the list.")


def _check_code(errors, code) -> None:
    if not CODE_PATTERN.fullmatch(code):
        errors["code"] = _("Use 2 to 50 lower-case letters, digits and hyphens, starting with a letter or digit.")
    elif Pathway.objects.filter(code=code).exists():
        errors["code"] = _("Another pathway has this code.")


def _profile(needs, urgent_health_need) -> dict:
    profile = {"needs": sorted(set(needs))}
    if urgent_health_need:
        profile["urgent_health_need"] = True
    return profile


def _audit(actor, membership, action, target, fields, request) -> None:
    audit.record(actor, action, target, fields=fields, organization=membership.organization_id, request=request)


def pathway_create(
    *, actor, membership, code, name, description="", needs=(), urgent_health_need=False, request=None
) -> Pathway:
    """A new pathway, in use, without steps yet."""
    _require_coordinator(membership)
    code, name, description = _text(code), _text(name), _text(description)
    errors = {}
    _check_definition(errors, name=name, description=description, needs=needs)
    with transaction.atomic():
        _check_code(errors, code)
        if errors:
            raise ValidationError(errors)
        pathway = Pathway.objects.create(
            code=code,
            name=name,
            description=description,
            need_profile=_profile(needs, urgent_health_need),
            created_by=actor,
            updated_at=timezone.now(),
        )
        _audit(
            actor,
            membership,
            "referrals.pathway_created",
            pathway,
            ["code", "name", "description", "need_profile"],
            request,
        )
    return pathway


def pathway_update(
    *, actor, membership, pathway, name, description, needs, urgent_health_need, is_active, request=None
) -> list[str]:
    """Change what a pathway is called, whom it suits and whether it is in use; the names of the fields changed."""
    _require_coordinator(membership)
    name, description = _text(name), _text(description)
    errors = {}
    _check_definition(errors, name=name, description=description, needs=needs)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
        values = {
            "name": name,
            "description": description,
            "need_profile": _profile(needs, urgent_health_need),
            "is_active": bool(is_active),
        }
        changed = [name_ for name_, value in values.items() if getattr(pathway, name_) != value]
        if changed:
            for name_ in changed:
                setattr(pathway, name_, values[name_])
            pathway.updated_at = timezone.now()
            pathway.save(update_fields=[*changed, "updated_at"])
            _audit(actor, membership, "referrals.pathway_updated", pathway, changed, request)
    return changed


def pathway_copy(*, actor, membership, pathway, code, name, request=None) -> Pathway:
    """A new pathway with ``pathway``'s profile and steps, in use: how a started pathway is changed."""
    _require_coordinator(membership)
    code, name = _text(code), _text(name)
    errors = {}
    _check_definition(errors, name=name, description=pathway.description, needs=())
    with transaction.atomic():
        _check_code(errors, code)
        if errors:
            raise ValidationError(errors)
        copy = Pathway.objects.create(
            code=code,
            name=name,
            description=pathway.description,
            need_profile=dict(pathway.need_profile or {}),
            created_by=actor,
            updated_at=timezone.now(),
        )
        PathwayStep.objects.bulk_create(
            PathwayStep(
                pathway=copy,
                order=step.order,
                category=step.category,
                urgency=step.urgency,
                within_hours=step.within_hours,
                due_from=step.due_from,
            )
            for step in pathway.steps.all()
        )
        _audit(actor, membership, "referrals.pathway_copied", copy, ["code", "name", "steps"], request)
    return copy


def _frozen(pathway) -> None:
    if pathway.runs.exists():
        raise ValidationError(
            _(
                "This pathway has been started for clients: its steps stay as they are, so their progress keeps "
                "its meaning. Copy the pathway to change them, then stop using this one."
            )
        )


def _check_step(errors, pathway, *, category, urgency, within_hours, due_from, order, step=None) -> None:
    if not directory_queries.caseway_terms().filter(code=category, is_active=True).exists():
        errors["category"] = _("Choose a need category in use.")
    if urgency not in Urgency.values:
        errors["urgency"] = _("Choose how urgent the referral is.")
    if not isinstance(within_hours, int) or not 1 <= within_hours <= MAX_WITHIN_HOURS:
        errors["within_hours"] = _("Give a time frame from 1 hour to %(count)d days.") % {
            "count": MAX_WITHIN_HOURS // 24
        }
    if due_from not in PathwayStep.DueFrom.values:
        errors["due_from"] = _("Say what the time frame is counted from.")
    if not isinstance(order, int) or not 1 <= order <= MAX_ORDER:
        errors["order"] = _("Give the step a number from 1 to %(count)d.") % {"count": MAX_ORDER}
        return
    others = pathway.steps.exclude(pk=getattr(step, "pk", None))
    if others.filter(order=order).exists():
        errors["order"] = _("Another step has this number: choose a free one.")


def pathway_step_add(
    *, actor, membership, pathway, category, urgency, within_hours, due_from, order=None, request=None
) -> PathwayStep:
    """A new step, numbered after the last one unless ``order`` is given."""
    _require_coordinator(membership)
    with transaction.atomic():
        pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
        _frozen(pathway)
        steps = list(pathway.steps.all())
        if len(steps) >= MAX_STEPS:
            raise ValidationError(_("A pathway has at most %(count)d steps.") % {"count": MAX_STEPS})
        if order is None:
            order = max((step.order for step in steps), default=0) + 1
        errors = {}
        _check_step(
            errors,
            pathway,
            category=category,
            urgency=urgency,
            within_hours=within_hours,
            due_from=due_from,
            order=order,
        )
        if errors:
            raise ValidationError(errors)
        step = PathwayStep.objects.create(
            pathway=pathway,
            order=order,
            category=category,
            urgency=urgency,
            within_hours=within_hours,
            due_from=due_from,
        )
        Pathway.objects.filter(pk=pathway.pk).update(updated_at=timezone.now())
        _audit(
            actor,
            membership,
            "referrals.pathway_step_added",
            pathway,
            ["steps.order", "steps.category", "steps.urgency", "steps.within_hours", "steps.due_from"],
            request,
        )
    return step


def pathway_step_update(
    *, actor, membership, step, category, urgency, within_hours, due_from, order, request=None
) -> list[str]:
    """Change a step of a pathway not started yet; the names of the fields changed."""
    _require_coordinator(membership)
    with transaction.atomic():
        pathway = Pathway.objects.select_for_update().get(pk=step.pathway_id)
        _frozen(pathway)
        step = PathwayStep.objects.get(pk=step.pk)
        errors = {}
        _check_step(
            errors,
            pathway,
            category=category,
            urgency=urgency,
            within_hours=within_hours,
            due_from=due_from,
            order=order,
            step=step,
        )
        if errors:
            raise ValidationError(errors)
        values = {
            "category": category,
            "urgency": urgency,
            "within_hours": within_hours,
            "due_from": due_from,
            "order": order,
        }
        changed = [name for name, value in values.items() if getattr(step, name) != value]
        if changed:
            for name in changed:
                setattr(step, name, values[name])
            step.save(update_fields=changed)
            Pathway.objects.filter(pk=pathway.pk).update(updated_at=timezone.now())
            _audit(
                actor,
                membership,
                "referrals.pathway_step_updated",
                pathway,
                [f"steps.{name}" for name in changed],
                request,
            )
    return changed


def pathway_step_remove(*, actor, membership, step, request=None) -> None:
    _require_coordinator(membership)
    with transaction.atomic():
        pathway = Pathway.objects.select_for_update().get(pk=step.pathway_id)
        _frozen(pathway)
        PathwayStep.objects.filter(pk=step.pk).delete()
        Pathway.objects.filter(pk=pathway.pk).update(updated_at=timezone.now())
        _audit(actor, membership, "referrals.pathway_step_removed", pathway, ["steps"], request)


# ---------------------------------------------------------------------------------------------
# Planning: what each step would do for a case


@dataclass
class StepChoice:
    """What the caseworker chose for a step; None everywhere: what ``plan`` proposes."""

    service: Service | None = None
    categories: list | None = None
    include: bool | None = None
    reason: str | None = None  # the referral's reason; None: the pathway's wording


@dataclass
class StepPlan:
    step: PathwayStep
    position: int
    label: str
    services: list = field(default_factory=list)  # best first, as matching ranks them for the case
    matches: list = field(default_factory=list)  # matching.Match of each service, in the same order
    service: Service | None = None
    shareable: list = field(default_factory=list)  # (category, label) the client agreed to share, agreed, visible
    categories: list = field(default_factory=list)
    blocked: list = field(default_factory=list)  # why the step cannot be referred at all now
    problems: list = field(default_factory=list)  # why it cannot be referred as chosen (blocked included)
    include: bool = False
    reason: str | None = None

    @property
    def match(self):
        """The chosen (or proposed) service's match: its score and why, its place as the viewer may see it."""
        if self.service is None:
            return None
        return next((match for match in self.matches if match.service.pk == self.service.pk), None)

    @property
    def alternatives(self) -> list:
        """The other services' matches, best first."""
        chosen = None if self.service is None else self.service.pk
        return [match for match in self.matches if match.service.pk != chosen]

    @property
    def category_labels(self) -> list[str]:
        return [str(DataCategory(category).label) for category in self.categories]

    @property
    def time_frame(self) -> str:
        return time_frame(self.step)


def _referral_problems(result: gate.Gate) -> list[str]:
    """The gate's answer for the referral itself (consent to be referred, an agreement), not for any category."""
    bare = dataclasses.replace(result, categories=())
    return [*bare.agreement_problems(), *bare.consent_problems()]


def _category_problems(result: gate.Gate, chosen) -> list[str]:
    checks = tuple(check for check in result.categories if check.category in chosen)
    narrowed = dataclasses.replace(
        result, categories=checks, agreement_in_force=True, referral_consented=True, referral_refused=False
    )
    return [*narrowed.agreement_problems(), *narrowed.consent_problems()]


def _open(result: gate.Gate) -> bool:
    return result.agreement_in_force and result.referral_consented


def _agreed_with(sender_id, organization_ids) -> set:
    """Of ``organization_ids``, those with a data-sharing agreement for referrals in force with the
    sender: the agreement part of ``gate.check``, for many receivers in one query."""
    return partners_for(sender_id, organization_ids, purpose=SharingPurpose.REFERRAL)


class Planner:
    """Plans the steps of pathways for one case: one ranking per category, each receiver's gate read once."""

    def __init__(self, membership, case):
        self.membership = membership
        self.case = case
        self.shareable = services.sender_may_share(membership, case)
        self._receivers = None
        self._gates = {}
        self._matches = {}
        self._screened = set()  # organizations whose referral consent was looked for (``_screen``)
        self._agreed = set()  # of those without an answer, the ones under an agreement in force
        self._names = None

    def names(self) -> dict:
        if self._names is None:
            self._names = category_names()
        return self._names

    def receivers(self) -> set:
        if self._receivers is None:
            self._receivers = set(services.receiving_organizations(self.membership).values_list("pk", flat=True))
        return self._receivers

    def matches_for(self, category) -> list[matching.Match]:
        """Services of other organizations of the network that meet ``category`` and take referrals now,
        as matching ranks them for the case (best first, each with its reasons). One ranking per category."""
        if category not in self._matches:
            self._matches[category] = matching.rank_services(
                membership=self.membership,
                case=self.case,
                categories=[category],
                receivers=self.receivers(),
                limit=SERVICES_SHOWN,
            )
        return self._matches[category]

    def services_for(self, category) -> list[Service]:
        """The services of ``matches_for``, in ranking order."""
        return [match.service for match in self.matches_for(category)]

    def gate_for(self, organization) -> gate.Gate:
        if organization.pk not in self._gates:
            self._gates[organization.pk] = gate.check(
                client=self.case.client_id,
                sender=self.membership.organization,
                receiver=organization,
                categories=self.shareable,
            )
        return self._gates[organization.pk]

    def proposed(self, found) -> Service:
        """The first service (in ``found``'s order) whose organization the client may be referred to; else
        the nearest to it: an agreement in force, then not refused, then the earliest."""
        gates = self._screen(found)

        def key(indexed):
            index, service = indexed
            result = gates.get(service.organization_id)
            if result is None:  # no answer about a referral there: not open, not refused
                return (True, service.organization_id not in self._agreed, False, index)
            return (not _open(result), not result.agreement_in_force, result.referral_refused, index)

        return min(enumerate(found), key=key)[1]

    def _screen(self, found) -> dict:
        """{organization id: gate} for the organizations of ``found`` the client answered about being
        referred to (only those can be open); the others' agreements are read at once (``_agreed``).
        Two queries and a gate per answered organization, whatever the number of services."""
        organizations = {service.organization_id: service.organization for service in found}
        unread = set(organizations) - self._screened
        if unread:
            answered = set(
                Consent.objects.filter(
                    client_id=self.case.client_id, purpose=ConsentPurpose.REFERRAL, recipient_id__in=unread
                ).values_list("recipient_id", flat=True)
            )
            for organization_id in answered:
                self.gate_for(organizations[organization_id])
            self._agreed |= _agreed_with(self.membership.organization_id, unread - answered)
            self._screened |= unread
        return {pk: self._gates[pk] for pk in organizations if pk in self._gates}

    def plan(self, step, position, choice=None) -> StepPlan:
        choice = choice or StepChoice()
        plan = StepPlan(step=step, position=position, label=category_label(step.category, self.names()))
        plan.reason = choice.reason
        plan.matches = self.matches_for(step.category)
        plan.services = [match.service for match in plan.matches]
        if not plan.services:
            plan.blocked = [
                _("No service of another organization of the network meets “%(category)s” and takes referrals now.")
                % {"category": plan.label}
            ]
            plan.problems = list(plan.blocked)
            plan.include = bool(choice.include)
            return plan
        if choice.service is not None and choice.service.pk not in {service.pk for service in plan.services}:
            plan.problems = [_("Choose one of the services listed for this step.")]
            plan.include = choice.include is not False
            return plan
        plan.service = choice.service or self.proposed(plan.services)
        result = self.gate_for(plan.service.organization)
        plan.blocked = _referral_problems(result)
        checks = result.by_category
        plan.shareable = [
            (value, label)
            for value, label in DataCategory.choices
            if value in checks and checks[value].consented and checks[value].agreed
        ]
        allowed = [value for value, _label in plan.shareable]
        plan.categories = allowed if choice.categories is None else sorted(set(choice.categories))
        plan.problems = list(plan.blocked)
        beyond = set(plan.categories) - self.shareable
        if beyond:
            plan.problems.append(_("You can only share information you may see on this case."))
        plan.problems += _category_problems(result, set(plan.categories) - beyond)
        plan.include = not plan.blocked if choice.include is None else choice.include
        return plan


def plan(membership, case, pathway, choices=None, *, planner=None) -> list[StepPlan]:
    """What each step of ``pathway`` would do for ``case``: ``choices`` maps a step's order to a ``StepChoice``."""
    planner = planner or Planner(membership, case)
    choices = choices or {}
    return [
        planner.plan(step, position, choices.get(step.order))
        for position, step in enumerate(pathway.steps.all(), start=1)
    ]


# ---------------------------------------------------------------------------------------------
# Starting a pathway, referring a step later, ending a run


def _reason(pathway, step_plan, count, note) -> str:
    if step_plan.reason:
        return step_plan.reason
    text = _("Referral pathway “%(pathway)s”, step %(position)d of %(count)d: %(category)s.") % {
        "pathway": pathway.name,
        "position": step_plan.position,
        "count": count,
        "category": step_plan.label,
    }
    return f"{text}\n\n{note}" if note else text


def _refer(*, actor, membership, case, run, step_plan, reason, request) -> Referral:
    """One step's referral through the referral services: created, tied to the run, sent through the gate."""
    referral = services.referral_create(
        actor=actor,
        membership=membership,
        case=case,
        to_service=step_plan.service,
        to_organization=step_plan.service.organization,
        urgency=step_plan.step.urgency,
        reason=reason,
        categories=step_plan.categories,
        request=request,
    )
    Referral.objects.filter(pk=referral.pk).update(pathway_run=run, pathway_step=step_plan.step)
    referral.pathway_run, referral.pathway_step = run, step_plan.step
    return services.referral_send(actor=actor, membership=membership, referral=referral, request=request)


def _step_key(step_plan) -> str:
    return f"step_{step_plan.step.order}"


def _check_note(note) -> None:
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": _("Keep the note under %(count)d characters.") % {"count": NOTE_MAX_LENGTH}})


def pathway_start(*, actor, membership, case, pathway, choices=None, note="", request=None) -> PathwayRun:
    """Start ``pathway`` for ``case``: the run and every chosen step's referral, sent, or nothing at all.

    ``choices`` maps a step's order to a ``StepChoice``; a step not named gets what ``plan``
    proposes (referred when it can be). Refused with a ``ValidationError`` — keyed ``step_<order>``
    for a step, ``pathway`` or ``case`` otherwise — when a chosen step cannot be referred as
    chosen, when no step can be referred at all, or when the pathway is already under way for
    the case. ``note`` is added to every referral's reason.
    """
    _require_staff(membership)
    note = _text(note)
    _check_note(note)
    with transaction.atomic():
        case = client_access.get_case_for_update(membership, case.pk)
        pathway = Pathway.objects.get(pk=pathway.pk)
        if not pathway.is_active:
            raise ValidationError({"pathway": _("This pathway is no longer in use.")})
        if case.status == CaseStatus.CLOSED:
            raise ValidationError({"case": _("This case is closed: reopen it before referring the client.")})
        if PathwayRun.objects.filter(case=case, pathway=pathway, ended_at__isnull=True).exists():
            raise ValidationError(
                {"pathway": _("This pathway is already under way for this client: follow it on the case.")}
            )
        steps = plan(membership, case, pathway, choices)
        if not steps:
            raise ValidationError({"pathway": _("This pathway has no steps yet.")})
        errors = {_step_key(step): step.problems for step in steps if step.include and step.problems}
        chosen = [step for step in steps if step.include]
        if not chosen and not errors:
            errors["pathway"] = _("No step can be referred now: see why under each step.")
        if errors:
            raise ValidationError(errors)
        try:
            with transaction.atomic():
                run = PathwayRun.objects.create(case=case, pathway=pathway, started_by=actor, started_at=timezone.now())
        except IntegrityError:
            raise ValidationError(
                {"pathway": _("This pathway is already under way for this client: follow it on the case.")}
            ) from None
        for step in chosen:
            try:
                _refer(
                    actor=actor,
                    membership=membership,
                    case=case,
                    run=run,
                    step_plan=step,
                    reason=_reason(pathway, step, len(steps), note),
                    request=request,
                )
            except ValidationError as error:
                # Leaving the block with the error rolls back the run and the steps referred before.
                raise ValidationError({_step_key(step): error.messages}) from None
        _audit(
            actor,
            membership,
            "referrals.pathway_started",
            run,
            ["case", "pathway", *[f"steps.{step.step.order}" for step in chosen]],
            request,
        )
    return run


def current_referral(run, step):
    """The step's latest referral in ``run`` (any status), or None."""
    return Referral.objects.filter(pathway_run=run, pathway_step=step).order_by("-created_at", "-pk").first()


def may_refer_again(referral) -> bool:
    return referral is None or referral.status in ENDED_WITHOUT_SERVICE


def pathway_step_refer(*, actor, membership, run, step, choice=None, note="", request=None) -> Referral:
    """Refer a step of a run that has no referral under way: blocked at the start, or ended without the service."""
    _require_staff(membership)
    note = _text(note)
    _check_note(note)
    with transaction.atomic():
        run = pathway_access.get_run_for_update(membership, run.pk)
        case = client_access.get_case_for_update(membership, run.case_id)
        if run.ended_at is not None:
            raise ValidationError({"pathway": _("This pathway was ended: refer the client on its own instead.")})
        steps = list(run.pathway.steps.all())
        if step.pk not in {candidate.pk for candidate in steps}:
            raise ValidationError({"step": _("This step is not part of the pathway.")})
        if not may_refer_again(current_referral(run, step)):
            raise ValidationError({"step": _("This step already has a referral under way.")})
        position = next(index for index, candidate in enumerate(steps, start=1) if candidate.pk == step.pk)
        choice = dataclasses.replace(choice or StepChoice(), include=True)
        step_plan = Planner(membership, case).plan(step, position, choice)
        if step_plan.problems:
            raise ValidationError({"step": step_plan.problems})
        referral = _refer(
            actor=actor,
            membership=membership,
            case=case,
            run=run,
            step_plan=step_plan,
            reason=_reason(run.pathway, step_plan, len(steps), note),
            request=request,
        )
        _audit(actor, membership, "referrals.pathway_step_referred", run, [f"steps.{step.order}"], request)
    return referral


def pathway_run_end(*, actor, membership, run, request=None) -> PathwayRun:
    """Stop following the pathway for this client. Its referrals go on, each on its own."""
    _require_staff(membership)
    with transaction.atomic():
        run = pathway_access.get_run_for_update(membership, run.pk)
        if run.ended_at is not None:
            raise ValidationError(_("This pathway was already ended."))
        run.ended_at = timezone.now()
        run.save(update_fields=["ended_at"])
        _audit(actor, membership, "referrals.pathway_ended", run, ["ended_at"], request)
    return run


# ---------------------------------------------------------------------------------------------
# Progress


@dataclass
class StepProgress:
    step: PathwayStep
    position: int
    label: str
    due_at: datetime.datetime
    state: str
    referral: Referral | None = None
    earlier: int = 0  # referrals of this step before the latest one
    secured_at: datetime.datetime | None = None
    late: bool = False  # past due and not accepted yet
    accepted_late: bool = False
    is_next: bool = False
    plan: StepPlan | None = None  # for a step to refer: the proposal, or why it is blocked

    @property
    def state_label(self) -> str:
        return str(StepState.LABELS[self.state])

    @property
    def time_frame(self) -> str:
        return time_frame(self.step)

    @property
    def may_refer(self) -> bool:
        return self.state == StepState.TO_REFER

    @property
    def blocked_reasons(self) -> list[str]:
        return list(self.plan.blocked) if self.plan is not None and self.state == StepState.BLOCKED else []


@dataclass
class RunProgress:
    run: PathwayRun
    steps: list
    next_step: StepProgress | None
    late_count: int
    complete: bool

    @property
    def ended(self) -> bool:
        return self.run.ended_at is not None


def _state(referral) -> str | None:
    if referral is None or referral.status in ENDED_WITHOUT_SERVICE:
        return None  # to refer, or blocked
    if referral.status == Status.COMPLETED:
        return StepState.COMPLETED
    if referral.status in SECURED:
        return StepState.ACCEPTED
    return StepState.AWAITING


def _progress(run, referrals, planner, now) -> RunProgress:
    by_step = {}
    for referral in referrals:
        by_step.setdefault(referral.pathway_step_id, []).append(referral)
    ended = run.ended_at is not None
    rows, previous_reached = [], run.started_at
    for position, step in enumerate(run.pathway.steps.all(), start=1):
        mine = by_step.get(step.pk, [])
        latest = mine[-1] if mine else None
        base = run.started_at if step.due_from == PathwayStep.DueFrom.START else previous_reached
        due_at = base + datetime.timedelta(hours=step.within_hours)
        state = _state(latest)
        row = StepProgress(
            step=step,
            position=position,
            label=category_label(step.category, planner.names()),
            due_at=due_at,
            state=state or StepState.TO_REFER,
            referral=latest,
            earlier=max(len(mine) - 1, 0),
        )
        if state is None and not ended:
            row.plan = planner.plan(step, position)
            row.state = StepState.BLOCKED if row.plan.blocked else StepState.TO_REFER
        if latest is not None and latest.status in SECURED:
            row.secured_at = latest.answered_at
            row.accepted_late = latest.answered_at is not None and latest.answered_at > due_at
        row.late = not ended and row.secured_at is None and now > due_at
        previous_reached = row.secured_at or due_at
        rows.append(row)
    waiting = [row for row in rows if row.secured_at is None]
    next_step = None if ended or not waiting else min(waiting, key=lambda row: (row.due_at, row.position))
    if next_step is not None:
        next_step.is_next = True
    return RunProgress(
        run=run,
        steps=rows,
        next_step=next_step,
        late_count=sum(row.late for row in rows),
        complete=bool(rows) and all(row.state == StepState.COMPLETED for row in rows),
    )


def _run_referrals(membership, runs) -> dict:
    found = {}
    referrals = (
        access.visible_referrals(membership)
        .filter(pathway_run__in=[run.pk for run in runs])
        .order_by("created_at", "pk")
    )
    for referral in referrals:
        found.setdefault(referral.pathway_run_id, []).append(referral)
    return found


def progress(membership, run, *, now=None, planner=None) -> RunProgress:
    """Where ``run`` stands: each step's referral, due time, lateness, and the next step."""
    planner = planner or Planner(membership, run.case)
    referrals = _run_referrals(membership, [run]).get(run.pk, [])
    return _progress(run, referrals, planner, now or timezone.now())


def case_progress(membership, case, *, now=None) -> list[RunProgress]:
    """Every pathway run of ``case`` (latest first), with its progress; gates read once per receiver."""
    runs = list(
        pathway_access.visible_runs(membership)
        .filter(case=case)
        .prefetch_related("pathway__steps")
        .order_by("-started_at", "pk")
    )
    if not runs:
        return []
    planner = Planner(membership, case)
    referrals = _run_referrals(membership, runs)
    now = now or timezone.now()
    return [_progress(run, referrals.get(run.pk, []), planner, now) for run in runs]


def startable(case, *, runs=()) -> list[tuple[Pathway, bool]]:
    """Pathways in use with steps that are not under way for ``case``, each with whether it suits its needs."""
    under_way = {progress.run.pathway_id for progress in runs if not progress.ended}
    needs = open_needs(case)
    pathways = Pathway.objects.filter(is_active=True, steps__isnull=False).distinct().order_by("name", "pk")
    rows = [(pathway, suits(pathway, needs, case)) for pathway in pathways if pathway.pk not in under_way]
    return sorted(rows, key=lambda row: not row[1])
