"""Every write to a case plan, its goals and their progress, tasks and milestones.

Same rules as the other apps' services: keyword-only, ``actor`` and ``membership``; the role
table and the case's scope are checked again here (``access.get_case_for_update``: another
organization's case is 404, and the case row is locked, so two people acting on one plan queue
one after the other); one transaction; ``update_fields``; an audit event naming fields, never
values. Free text is encrypted under the client's data key.

A plan is approved as a whole (supervision, ``supervision_*.py``): changing an approved or
submitted plan (a goal added, a goal's domain, description or target date changed, the follow-up
schedule changed) puts it back to draft, so a new approval is needed. Progress notes and goal
statuses are the plan being carried out, not changed: they leave the approval alone.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway import audit
from caseway.casework import access
from caseway.casework.models import CasePlan, Domain, Goal, GoalProgress, Milestone, Task
from caseway.orgs.models import Membership
from caseway.orgs.permissions import ROLE_ACTIONS, Action

TEXT_MAX_LENGTH = 2000
TITLE_MAX_LENGTH = 300
FOLLOW_UP_MAX_DAYS = 365
# Who may be given a task: staff of the case's organization who may see the client's personal data.
ASSIGNABLE_ROLES = tuple(role for role, actions in ROLE_ACTIONS.items() if Action.VIEW_PERSONAL_DATA in actions)
# The milestones that carry a sector and whether the work is formal.
WORK_MILESTONES = frozenset({Milestone.Kind.EMPLOYED, Milestone.Kind.BUSINESS_STARTED})
# ISIC Rev. 4 sections (A agriculture ... U extraterritorial organizations).
ISIC_SECTIONS = frozenset("ABCDEFGHIJKLMNOPQRSTU")


def require(membership) -> None:
    if membership is None or not membership.is_active or not membership.allows(Action.VIEW_PERSONAL_DATA):
        raise PermissionDenied


def _audit(actor, action, target, fields, membership, request):
    audit.record(actor, action, target, fields=fields, organization=membership.organization_id, request=request)


def _text(value, field, *, max_length=TEXT_MAX_LENGTH, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > max_length:
        raise ValidationError({field: _("Keep it under %(count)d characters.") % {"count": max_length}})
    return value


def _check_choice(value, choices, field) -> None:
    if value not in choices:
        raise ValidationError({field: _("Choose a value from the list.")})


def _check_follow_up(days) -> int:
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= FOLLOW_UP_MAX_DAYS:
        raise ValidationError(
            {"follow_up_days": _("Give a number of days from 1 to %(count)d.") % {"count": FOLLOW_UP_MAX_DAYS}}
        )
    return days


def _check_target_date(value) -> None:
    if value is not None and not isinstance(value, datetime.date):
        raise ValidationError({"target_date": _("Enter a valid date.")})


# ---------------------------------------------------------------------------------------------
# The plan


def _locked_plan(case) -> CasePlan | None:
    return CasePlan.objects.select_for_update().filter(case=case).first()


def _back_to_draft(plan, fields: list[str]) -> None:
    """A changed plan needs a new approval: submitted or approved → draft (fields to save appended)."""
    if plan.status in (CasePlan.Status.SUBMITTED, CasePlan.Status.APPROVED):
        plan.status = CasePlan.Status.DRAFT
        fields.append("status")


def _new_plan(case, actor, *, follow_up_days=None) -> CasePlan:
    now = timezone.now()
    plan = CasePlan(case=case, data_key_id=case.client.data_key_id, created_by=actor, created_at=now, updated_at=now)
    if follow_up_days is not None:
        plan.follow_up_days = follow_up_days
    plan.save()
    _copy_follow_up_to_case(case, plan)
    return plan


def _copy_follow_up_to_case(case, plan) -> None:
    """The case keeps its plan's follow-up interval (``Case.follow_up_days``: the caseload reads it)."""
    case.follow_up_days = plan.follow_up_days
    case.save(update_fields=["follow_up_days"])


def plan_create(*, actor, membership, case, follow_up_days=14, request=None) -> CasePlan:
    """Start the case's plan (one per case)."""
    require(membership)
    follow_up_days = _check_follow_up(follow_up_days)
    with transaction.atomic():
        case = access.get_case_for_update(membership, case.pk)
        if _locked_plan(case) is not None:
            raise ValidationError(_("This case already has a plan."))
        plan = _new_plan(case, actor, follow_up_days=follow_up_days)
        _audit(actor, "casework.plan_created", plan, ["follow_up_days"], membership, request)
    return plan


def plan_update(*, actor, membership, case, follow_up_days, request=None) -> CasePlan:
    """Change the follow-up schedule; an approved or submitted plan goes back to draft."""
    require(membership)
    follow_up_days = _check_follow_up(follow_up_days)
    with transaction.atomic():
        case = access.get_case_for_update(membership, case.pk)
        plan = _locked_plan(case)
        if plan is None:
            raise ValidationError(_("This case has no plan yet."))
        if plan.follow_up_days == follow_up_days:
            return plan
        plan.follow_up_days = follow_up_days
        fields = ["follow_up_days"]
        _back_to_draft(plan, fields)
        plan.updated_at = timezone.now()
        plan.save(update_fields=[*fields, "updated_at"])
        _copy_follow_up_to_case(case, plan)
        _audit(actor, "casework.plan_updated", plan, fields, membership, request)
    return plan


def plan_submit(*, actor, membership, case, request=None) -> CasePlan:
    """Ask a supervisor to approve the plan (draft or returned → submitted). It needs a goal."""
    require(membership)
    with transaction.atomic():
        case = access.get_case_for_update(membership, case.pk)
        plan = _locked_plan(case)
        if plan is None:
            raise ValidationError(_("This case has no plan yet."))
        if plan.status not in (CasePlan.Status.DRAFT, CasePlan.Status.RETURNED):
            raise ValidationError(_("Only a draft or returned plan can be submitted for approval."))
        if not plan.goals.exists():
            raise ValidationError(_("Add at least one goal before submitting the plan."))
        now = timezone.now()
        plan.status = CasePlan.Status.SUBMITTED
        plan.submitted_by = actor
        plan.submitted_at = now
        plan.updated_at = now
        plan.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
        _audit(actor, "casework.plan_submitted", plan, ["status"], membership, request)
    return plan


# ---------------------------------------------------------------------------------------------
# Goals and progress


def _goal_of(plan, goal_pk) -> Goal:
    goal = Goal.objects.select_for_update().filter(plan=plan, pk=getattr(goal_pk, "pk", goal_pk)).first()
    if goal is None:
        raise ValidationError(_("This goal is not part of the case's plan."))
    return goal


def goal_add(*, actor, membership, case, domain, description, target_date=None, request=None) -> Goal:
    """Add a goal to the case's plan (started here if the case has none yet)."""
    require(membership)
    _check_choice(domain, Domain.values, "domain")
    description = _text(description, "description")
    _check_target_date(target_date)
    with transaction.atomic():
        case = access.get_case_for_update(membership, case.pk)
        plan = _locked_plan(case) or _new_plan(case, actor)
        now = timezone.now()
        goal = Goal.objects.create(
            plan=plan,
            data_key_id=case.client.data_key_id,
            domain=domain,
            description=description,
            target_date=target_date,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        fields = ["updated_at"]
        _back_to_draft(plan, fields)
        plan.updated_at = now
        plan.save(update_fields=fields)
        _audit(actor, "casework.goal_added", goal, ["domain", "description", "target_date"], membership, request)
    return goal


GOAL_PLAN_FIELDS = ("domain", "description", "target_date")


def goal_update(*, actor, membership, case, goal, request=None, **values) -> Goal:
    """Change a goal's domain, description, target date or status (only the values given).

    A change of what the goal is (domain, description, target date) sends an approved plan back to
    draft; its status alone does not.
    """
    require(membership)
    unknown = set(values) - {*GOAL_PLAN_FIELDS, "status"}
    if unknown:
        raise TypeError(f"goal_update() got unexpected fields: {sorted(unknown)}")
    if "domain" in values:
        _check_choice(values["domain"], Domain.values, "domain")
    if "description" in values:
        values["description"] = _text(values["description"], "description")
    if "target_date" in values:
        _check_target_date(values["target_date"])
    if "status" in values:
        _check_choice(values["status"], Goal.Status.values, "status")
    with transaction.atomic():
        case = access.get_case_for_update(membership, case.pk)
        plan = _locked_plan(case)
        if plan is None:
            raise ValidationError(_("This case has no plan yet."))
        goal = _goal_of(plan, goal)
        changed = [name for name, value in values.items() if getattr(goal, name) != value]
        if not changed:
            return goal
        now = timezone.now()
        for name in changed:
            setattr(goal, name, values[name])
        goal.updated_at = now
        goal.save(update_fields=[*changed, "updated_at"])
        if any(name in GOAL_PLAN_FIELDS for name in changed):
            plan_fields = ["updated_at"]
            _back_to_draft(plan, plan_fields)
            plan.updated_at = now
            plan.save(update_fields=plan_fields)
        _audit(actor, "casework.goal_updated", goal, changed, membership, request)
    return goal


def goal_progress_add(*, actor, membership, case, goal, text, status="", request=None) -> GoalProgress:
    """A progress note on a goal, optionally with the goal's new status (append-only)."""
    require(membership)
    text = _text(text, "text")
    if status:
        _check_choice(status, Goal.Status.values, "status")
    with transaction.atomic():
        case = access.get_case_for_update(membership, case.pk)
        plan = _locked_plan(case)
        if plan is None:
            raise ValidationError(_("This case has no plan yet."))
        goal = _goal_of(plan, goal)
        now = timezone.now()
        progress = GoalProgress.objects.create(
            goal=goal,
            data_key_id=case.client.data_key_id,
            text=text,
            status_after=status,
            author=actor,
            written_at=now,
        )
        fields = ["text"]
        if status and status != goal.status:
            goal.status = status
            goal.updated_at = now
            goal.save(update_fields=["status", "updated_at"])
            fields.append("status_after")
        _audit(actor, "casework.goal_progress_added", progress, fields, membership, request)
    return progress


# ---------------------------------------------------------------------------------------------
# Tasks


def _check_assignee(case, assignee) -> None:
    if assignee is None:
        return
    allowed = Membership.objects.filter(
        organization_id=case.organization_id,
        user_id=getattr(assignee, "pk", assignee),
        is_active=True,
        user__is_active=True,
        role__in=ASSIGNABLE_ROLES,
    ).exists()
    if not allowed:
        raise ValidationError({"assignee": _("Choose an active member of the case's organization who works on cases.")})


def _check_due(value) -> None:
    if value is not None and not isinstance(value, datetime.date):
        raise ValidationError({"due_on": _("Enter a valid date.")})


def _goal_for_task(case, goal):
    if goal is None:
        return None
    found = Goal.objects.filter(plan__case=case, pk=getattr(goal, "pk", goal)).first()
    if found is None:
        raise ValidationError({"goal": _("Choose a goal of this case's plan.")})
    return found


def task_add(*, actor, membership, case, title, assignee=None, due_on=None, goal=None, request=None) -> Task:
    require(membership)
    title = _text(title, "title", max_length=TITLE_MAX_LENGTH)
    _check_due(due_on)
    with transaction.atomic():
        case = access.get_case_for_update(membership, case.pk)
        _check_assignee(case, assignee)
        goal = _goal_for_task(case, goal)
        task = Task.objects.create(
            case=case,
            data_key_id=case.client.data_key_id,
            title=title,
            assignee_id=getattr(assignee, "pk", assignee),
            due_on=due_on,
            goal=goal,
            created_by=actor,
            created_at=timezone.now(),
        )
        _audit(actor, "casework.task_added", task, ["title", "assignee", "due_on", "goal"], membership, request)
    return task


TASK_FIELDS = ("title", "assignee", "due_on", "goal")


def _locked_task(case, task) -> Task:
    found = Task.objects.select_for_update().filter(case=case, pk=getattr(task, "pk", task)).first()
    if found is None:
        raise ValidationError(_("This task is not part of the case."))
    return found


def task_update(*, actor, membership, case, task, request=None, **values) -> Task:
    """Change a task's title, assignee, due date or goal (only the values given)."""
    require(membership)
    unknown = set(values) - set(TASK_FIELDS)
    if unknown:
        raise TypeError(f"task_update() got unexpected fields: {sorted(unknown)}")
    if "title" in values:
        values["title"] = _text(values["title"], "title", max_length=TITLE_MAX_LENGTH)
    if "due_on" in values:
        _check_due(values["due_on"])
    with transaction.atomic():
        case = access.get_case_for_update(membership, case.pk)
        task = _locked_task(case, task)
        if task.done_at is not None:
            raise ValidationError(_("This task is done: it can no longer be changed."))
        changed = []
        if "title" in values and values["title"] != task.title:
            task.title = values["title"]
            changed.append("title")
        if "assignee" in values and getattr(values["assignee"], "pk", values["assignee"]) != task.assignee_id:
            _check_assignee(case, values["assignee"])
            task.assignee_id = getattr(values["assignee"], "pk", values["assignee"])
            changed.append("assignee")
        if "due_on" in values and values["due_on"] != task.due_on:
            task.due_on = values["due_on"]
            changed.append("due_on")
        if "goal" in values and getattr(values["goal"], "pk", values["goal"]) != task.goal_id:
            task.goal = _goal_for_task(case, values["goal"])
            changed.append("goal")
        if changed:
            task.save(update_fields=changed)
            _audit(actor, "casework.task_updated", task, changed, membership, request)
    return task


def task_done(*, actor, membership, case, task, request=None) -> Task:
    """Mark a task done (once)."""
    require(membership)
    with transaction.atomic():
        case = access.get_case_for_update(membership, case.pk)
        task = _locked_task(case, task)
        if task.done_at is not None:
            raise ValidationError(_("This task is already done."))
        task.done_at = timezone.now()
        task.done_by = actor
        task.save(update_fields=["done_at", "done_by"])
        _audit(actor, "casework.task_done", task, ["done_at", "done_by"], membership, request)
    return task


# ---------------------------------------------------------------------------------------------
# Milestones


def _check_milestone(kind, reached_on, sector, formality) -> tuple[str, str]:
    errors = {}
    if kind not in Milestone.Kind.values:
        errors["kind"] = _("Choose a milestone from the list.")
    if not isinstance(reached_on, datetime.date):
        errors["reached_on"] = _("Enter a valid date.")
    elif reached_on > timezone.localdate():
        errors["reached_on"] = _("A milestone cannot be reached in the future.")
    sector = (sector or "").strip().upper()
    formality = formality or ""
    if kind in WORK_MILESTONES:
        if sector not in ISIC_SECTIONS:
            errors["sector"] = _("Choose the sector of the work.")
        if formality not in (Milestone.Formality.FORMAL, Milestone.Formality.INFORMAL):
            errors["formality"] = _("Say whether the work is formal or informal.")
    else:
        if sector:
            errors["sector"] = _("Only employment and a business started have a sector.")
        if formality:
            errors["formality"] = _("Only employment and a business started are formal or informal.")
    if errors:
        raise ValidationError(errors)
    return sector, formality


def milestone_record(*, actor, membership, case, kind, reached_on, sector="", formality="", request=None) -> Milestone:
    """A reintegration milestone reached on a date; employment and businesses with sector and formality."""
    require(membership)
    sector, formality = _check_milestone(kind, reached_on, sector, formality)
    with transaction.atomic():
        case = access.get_case_for_update(membership, case.pk)
        milestone = Milestone.objects.create(
            case=case,
            kind=kind,
            reached_on=reached_on,
            sector=sector,
            formality=formality,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        fields = ["kind", "reached_on"] + (["sector", "formality"] if kind in WORK_MILESTONES else [])
        _audit(actor, "casework.milestone_recorded", milestone, fields, membership, request)
    return milestone
