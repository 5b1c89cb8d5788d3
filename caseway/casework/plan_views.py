"""The case plan pages: the plan with its goals, progress, tasks and milestones, and their forms.

Thin: the case through ``casework.access`` (not visible: 404), a form, a ``plan_services``
function, a redirect to the plan page or the form again with its errors (400). Every page works
without JavaScript. The plan page shows goal descriptions, progress notes and task titles
(encrypted under the client's key): that read is audited with the field names.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseway import audit
from caseway.casework import access, case_queries, plan_services
from caseway.casework.models import Goal, GoalProgress, Milestone, Task
from caseway.casework.plan_forms import GoalForm, MilestoneForm, PlanForm, ProgressForm, TaskForm
from caseway.lib.access import object_scoped
from caseway.lib.forms import add_service_errors
from caseway.orgs.permissions import Action

DONE_TASKS_SHOWN = 20


def posted(request):
    return request.POST if request.method == "POST" else None


def flash_errors(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)


def form_page(request, template, context, form):
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)


def _case(request, case_pk):
    return access.get_case(request.membership, case_pk)


def _to_plan(case):
    return redirect("casework:plan", case_pk=case.pk)


# ---------------------------------------------------------------------------------------------
# The plan page


def _goals(plan):
    if plan is None:
        return []
    progress = GoalProgress.objects.select_related("author", "data_key").order_by("-written_at", "-pk")
    return list(
        Goal.objects.filter(plan=plan)
        .select_related("data_key")
        .prefetch_related(Prefetch("progress", queryset=progress))
        .order_by("domain", "created_at", "pk")
    )


@object_scoped(Action.VIEW_PERSONAL_DATA)
def plan_page(request, case_pk):
    case = _case(request, case_pk)
    plan = case_queries.case_plan(case)
    goals = _goals(plan)
    tasks = Task.objects.filter(case=case).select_related("assignee", "goal", "data_key", "done_by")
    open_tasks = list(tasks.filter(done_at__isnull=True).order_by("due_on", "created_at", "pk"))
    done_tasks = list(tasks.filter(done_at__isnull=False).order_by("-done_at", "-pk")[:DONE_TASKS_SHOWN])
    milestones = list(Milestone.objects.filter(case=case).select_related("recorded_by").order_by("-reached_on", "-pk"))
    shown = []
    if goals:
        shown += ["goal.description", "goal_progress.text"]
    if open_tasks or done_tasks:
        shown.append("task.title")
    if shown:
        audit.record(
            request.user,
            "casework.plan_viewed",
            case,
            fields=shown,
            organization=request.membership.organization_id,
            request=request,
        )
    context = {
        "case": case,
        "plan": plan,
        "goals": goals,
        "open_tasks": open_tasks,
        "done_tasks": done_tasks,
        "milestones": milestones,
        "today": timezone.localdate(),
        "may_submit": plan is not None and plan.status in ("draft", "returned") and bool(goals),
    }
    return render(request, "casework/plan/plan.html", context)


@object_scoped(Action.VIEW_PERSONAL_DATA)
def plan_edit(request, case_pk):
    case = _case(request, case_pk)
    plan = case_queries.case_plan(case)
    initial = {"follow_up_days": plan.follow_up_days if plan else 14}
    form = PlanForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["follow_up_days"]
        service = plan_services.plan_update if plan else plan_services.plan_create
        try:
            service(actor=request.user, membership=request.membership, case=case, follow_up_days=days, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Plan saved."))
            return _to_plan(case)
    return form_page(request, "casework/plan/plan_form.html", {"case": case, "plan": plan}, form)


@require_POST
@object_scoped(Action.VIEW_PERSONAL_DATA)
def plan_submit(request, case_pk):
    case = _case(request, case_pk)
    try:
        plan_services.plan_submit(actor=request.user, membership=request.membership, case=case, request=request)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The plan was sent to a supervisor for approval."))
    return _to_plan(case)


# ---------------------------------------------------------------------------------------------
# Goals and progress


def _goal(case, goal_pk) -> Goal:
    try:
        return Goal.objects.select_related("data_key").get(plan__case=case, pk=goal_pk)
    except (Goal.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


@object_scoped(Action.VIEW_PERSONAL_DATA)
def goal_add(request, case_pk):
    case = _case(request, case_pk)
    form = GoalForm(posted(request))
    del form.fields["status"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan_services.goal_add(
                actor=request.user,
                membership=request.membership,
                case=case,
                domain=data["domain"],
                description=data["description"],
                target_date=data["target_date"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Goal added."))
            return _to_plan(case)
    return form_page(request, "casework/plan/goal_form.html", {"case": case}, form)


@object_scoped(Action.VIEW_PERSONAL_DATA)
def goal_edit(request, case_pk, goal_pk):
    case = _case(request, case_pk)
    goal = _goal(case, goal_pk)
    initial = {
        "domain": goal.domain,
        "description": goal.description,
        "target_date": goal.target_date,
        "status": goal.status,
    }
    form = GoalForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.goal_update(
                actor=request.user,
                membership=request.membership,
                case=case,
                goal=goal,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Goal saved."))
            return _to_plan(case)
    if request.method == "GET":
        audit.record(
            request.user,
            "casework.goal_viewed",
            goal,
            fields=["description"],
            organization=request.membership.organization_id,
            request=request,
        )
    return form_page(request, "casework/plan/goal_form.html", {"case": case, "goal": goal}, form)


@object_scoped(Action.VIEW_PERSONAL_DATA)
def goal_progress_add(request, case_pk, goal_pk):
    case = _case(request, case_pk)
    goal = _goal(case, goal_pk)
    form = ProgressForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.goal_progress_add(
                actor=request.user,
                membership=request.membership,
                case=case,
                goal=goal,
                text=form.cleaned_data["text"],
                status=form.cleaned_data["status"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Progress recorded."))
            return _to_plan(case)
    return form_page(request, "casework/plan/progress_form.html", {"case": case, "goal": goal}, form)


# ---------------------------------------------------------------------------------------------
# Tasks


def _task(case, task_pk) -> Task:
    try:
        return Task.objects.select_related("data_key").get(case=case, pk=task_pk)
    except (Task.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


@object_scoped(Action.VIEW_PERSONAL_DATA)
def task_add(request, case_pk):
    case = _case(request, case_pk)
    form = TaskForm(posted(request), case=case, initial={"assignee": request.user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.task_add(
                actor=request.user, membership=request.membership, case=case, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Task added."))
            return _to_plan(case)
    return form_page(request, "casework/plan/task_form.html", {"case": case}, form)


@object_scoped(Action.VIEW_PERSONAL_DATA)
def task_edit(request, case_pk, task_pk):
    case = _case(request, case_pk)
    task = _task(case, task_pk)
    if task.done_at is not None:
        messages.error(request, _("This task is done: it can no longer be changed."))
        return _to_plan(case)
    initial = {"title": task.title, "assignee": task.assignee_id, "due_on": task.due_on, "goal": task.goal_id}
    form = TaskForm(posted(request), case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.task_update(
                actor=request.user,
                membership=request.membership,
                case=case,
                task=task,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Task saved."))
            return _to_plan(case)
    return form_page(request, "casework/plan/task_form.html", {"case": case, "task": task}, form)


@require_POST
@object_scoped(Action.VIEW_PERSONAL_DATA)
def task_done(request, case_pk, task_pk):
    case = _case(request, case_pk)
    task = _task(case, task_pk)
    try:
        plan_services.task_done(
            actor=request.user, membership=request.membership, case=case, task=task, request=request
        )
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("Task done."))
    return _to_plan(case)


# ---------------------------------------------------------------------------------------------
# Milestones


@object_scoped(Action.VIEW_PERSONAL_DATA)
def milestone_add(request, case_pk):
    case = _case(request, case_pk)
    form = MilestoneForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.milestone_record(
                actor=request.user, membership=request.membership, case=case, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Milestone recorded."))
            return _to_plan(case)
    return form_page(request, "casework/plan/milestone_form.html", {"case": case}, form)
