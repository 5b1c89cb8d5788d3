"""Pathway pages: coordinators define pathways; caseworkers start them from a case and follow them.

Thin: a case is reached through ``clients.access``, a run through ``pathway_access`` (another
organization: 404); every change goes through ``pathways.py``. Definitions are the network's
shared data (no personal data): reached by the role alone.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from caseway.clients import access as client_access
from caseway.lib.access import object_scoped, role_required
from caseway.lib.forms import add_service_errors
from caseway.orgs.permissions import Action
from caseway.referrals import pathway_access, pathways
from caseway.referrals.models import Pathway
from caseway.referrals.pathway_forms import CopyForm, PathwayForm, StartForm, StepForm


def _posted(request):
    return request.POST if request.method == "POST" else None


def _as_user(request) -> dict:
    return {"actor": request.user, "membership": request.membership, "request": request}


# ---------------------------------------------------------------------------------------------
# Definitions (coordinators)


@role_required(Action.MANAGE_PATHWAYS)
def pathway_list(request):
    rows = Pathway.objects.annotate(step_count=Count("steps", distinct=True), run_count=Count("runs", distinct=True))
    return render(request, "referrals/pathways/list.html", {"pathways": rows.order_by("-is_active", "name", "pk")})


@role_required(Action.MANAGE_PATHWAYS)
def pathway_create(request):
    form = PathwayForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pathway = pathways.pathway_create(
                **_as_user(request),
                code=data["code"],
                name=data["name"],
                description=data["description"],
                needs=data["needs"],
                urgent_health_need=data["urgent_health_need"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Pathway created. Now add its steps."))
            return redirect("referrals:pathway_edit", pk=pathway.pk)
    return render(request, "referrals/pathways/form.html", {"form": form, "pathway": None})


def _steps(pathway):
    names = pathways.category_names(step.category for step in pathway.steps.all())
    return [
        (step, pathways.category_label(step.category, names), pathways.time_frame(step)) for step in pathway.steps.all()
    ]


@role_required(Action.MANAGE_PATHWAYS)
def pathway_edit(request, pk):
    pathway = pathway_access.get_pathway(pk)
    form = PathwayForm(_posted(request), pathway=pathway)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = pathways.pathway_update(
                **_as_user(request),
                pathway=pathway,
                name=data["name"],
                description=data["description"],
                needs=data["needs"],
                urgent_health_need=data["urgent_health_need"],
                is_active=data["is_active"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved.") if changed else _("Nothing was changed."))
            return redirect("referrals:pathway_edit", pk=pathway.pk)
    context = {
        "form": form,
        "pathway": pathway,
        "steps": _steps(pathway),
        "started": pathway.runs.exists(),
        "step_form": StepForm(),
    }
    return render(request, "referrals/pathways/edit.html", context, status=400 if form.errors else 200)


@role_required(Action.MANAGE_PATHWAYS)
def pathway_copy(request, pk):
    pathway = pathway_access.get_pathway(pk)
    form = CopyForm(_posted(request), initial={"name": _("%(name)s (new version)") % {"name": pathway.name}})
    if request.method == "POST" and form.is_valid():
        try:
            copy = pathways.pathway_copy(
                **_as_user(request), pathway=pathway, code=form.cleaned_data["code"], name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Copy made, with the same steps. Change them, then stop using the old one."))
            return redirect("referrals:pathway_edit", pk=copy.pk)
    return render(request, "referrals/pathways/copy.html", {"form": form, "pathway": pathway})


def _step_arguments(form) -> dict:
    data = form.cleaned_data
    return {
        "category": data["category"],
        "urgency": data["urgency"],
        "within_hours": form.within_hours(),
        "due_from": data["due_from"],
        "order": data["order"],
    }


@role_required(Action.MANAGE_PATHWAYS)
def pathway_step_add(request, pk):
    pathway = pathway_access.get_pathway(pk)
    form = StepForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            pathways.pathway_step_add(**_as_user(request), pathway=pathway, **_step_arguments(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Step added."))
            return redirect("referrals:pathway_edit", pk=pathway.pk)
    context = {"form": form, "pathway": pathway, "step": None}
    return render(request, "referrals/pathways/step_form.html", context, status=400 if form.errors else 200)


@role_required(Action.MANAGE_PATHWAYS)
def pathway_step_edit(request, pk):
    step = pathway_access.get_step(pk)
    form = StepForm(_posted(request), step=step)
    if request.method == "POST" and form.is_valid():
        try:
            changed = pathways.pathway_step_update(**_as_user(request), step=step, **_step_arguments(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved.") if changed else _("Nothing was changed."))
            return redirect("referrals:pathway_edit", pk=step.pathway_id)
    context = {"form": form, "pathway": step.pathway, "step": step}
    return render(request, "referrals/pathways/step_form.html", context, status=400 if form.errors else 200)


@require_POST
@role_required(Action.MANAGE_PATHWAYS)
def pathway_step_remove(request, pk):
    step = pathway_access.get_step(pk)
    try:
        pathways.pathway_step_remove(**_as_user(request), step=step)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Step removed."))
    return redirect("referrals:pathway_edit", pk=step.pathway_id)


# ---------------------------------------------------------------------------------------------
# A case's pathways: progress, and the pathways that may be started


@object_scoped(Action.VIEW_PERSONAL_DATA)
def case_pathways(request, case_pk):
    membership = request.membership
    case = client_access.get_case_for_member(membership, case_pk)
    runs = pathways.case_progress(membership, case)
    context = {
        "case": case,
        "runs": runs,
        "startable": pathways.startable(case, runs=runs) if case.status != "closed" else [],
        "now": timezone.now(),
    }
    return render(request, "referrals/pathways/case.html", context)


def _start_page(request, case, pathway, form, plans, status=200):
    context = {"case": case, "pathway": pathway, "form": form, "rows": form.rows(plans), "plans": plans}
    context["referable"] = sum(1 for plan in plans if plan.include and not plan.problems)
    return render(request, "referrals/pathways/start.html", context, status=status)


@object_scoped(Action.VIEW_PERSONAL_DATA)
def pathway_start(request, case_pk, code):
    membership = request.membership
    case = client_access.get_case_for_member(membership, case_pk)
    pathway = pathway_access.get_active_pathway(code)
    planner = pathways.Planner(membership, case)
    plans = pathways.plan(membership, case, pathway, planner=planner)
    form = StartForm(_posted(request), plans=plans, shareable=planner.shareable)
    if request.method != "POST":
        return _start_page(request, case, pathway, form, plans)
    if not form.is_valid():
        return _start_page(request, case, pathway, form, plans, status=400)
    if request.POST.get("then") != "start":
        # "Check again": propose again for the services chosen, nothing written.
        plans = pathways.plan(membership, case, pathway, form.choices(keep_categories=False), planner=planner)
        fresh = StartForm(plans=plans, shareable=planner.shareable, initial={"note": form.cleaned_data["note"]})
        return _start_page(request, case, pathway, fresh, plans)
    choices = form.choices()
    try:
        run = pathways.pathway_start(
            **_as_user(request), case=case, pathway=pathway, choices=choices, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        form.add_service_errors(error)
        plans = pathways.plan(membership, case, pathway, choices, planner=pathways.Planner(membership, case))
        return _start_page(request, case, pathway, form, plans, status=400)
    count = run.referrals.count()
    messages.success(
        request,
        ngettext(
            "Pathway started: %(count)d referral sent. Follow it below.",
            "Pathway started: %(count)d referrals sent. Follow them below.",
            count,
        )
        % {"count": count},
    )
    return redirect(f"{reverse('referrals:case_pathways', kwargs={'case_pk': case.pk})}#run-{run.pk}")


def _step_of(run, order):
    for position, step in enumerate(run.pathway.steps.all(), start=1):
        if step.order == order:
            return position, step
    raise Http404


@object_scoped(Action.VIEW_PERSONAL_DATA)
def pathway_step_refer(request, pk, order):
    membership = request.membership
    run = pathway_access.get_run_for_member(membership, pk)
    position, step = _step_of(run, order)
    back = f"{reverse('referrals:case_pathways', kwargs={'case_pk': run.case_id})}#run-{run.pk}"
    if run.ended_at is not None or not pathways.may_refer_again(pathways.current_referral(run, step)):
        messages.error(request, _("This step has a referral under way, or the pathway was ended."))
        return redirect(back)
    planner = pathways.Planner(membership, run.case)
    plans = [planner.plan(step, position)]
    form = StartForm(_posted(request), plans=plans, shareable=planner.shareable)
    status = 200
    if request.method == "POST" and form.is_valid():
        choice = form.choices(keep_categories=request.POST.get("then") == "refer")[order]
        if request.POST.get("then") == "refer":
            try:
                pathways.pathway_step_refer(
                    **_as_user(request), run=run, step=step, choice=choice, note=form.cleaned_data["note"]
                )
            except ValidationError as error:
                form.add_service_errors(error)
                plans = [pathways.Planner(membership, run.case).plan(step, position, choice)]
                status = 400
            else:
                messages.success(request, _("Referral sent."))
                return redirect(back)
        else:
            plans = [planner.plan(step, position, choice)]
            form = StartForm(plans=plans, shareable=planner.shareable, initial={"note": form.cleaned_data["note"]})
    elif request.method == "POST":
        status = 400
    context = {"run": run, "case": run.case, "form": form, "rows": form.rows(plans), "back": back}
    return render(request, "referrals/pathways/refer.html", context, status=status)


@require_POST
@object_scoped(Action.VIEW_PERSONAL_DATA)
def pathway_run_end(request, pk):
    run = pathway_access.get_run_for_member(request.membership, pk)
    try:
        pathways.pathway_run_end(**_as_user(request), run=run)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Pathway ended. Its referrals go on, each on its own."))
    return redirect("referrals:case_pathways", case_pk=run.case_id)
