"""Supervision pages: approving or returning a plan, the caseload, reassigning cases.

The plan's decision page shows the decision and its comments to the whole case team (the
caseworker reads why a plan came back); only a supervisor who did not write the plan gets the form.

Thin: the case through ``casework.access`` (another organization's: 404), the role table
(``Action.SUPERVISE_CASES``: 403 otherwise), a form, a service, a redirect or the form again with
its errors (400). Every page works without JavaScript.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from caseway import audit
from caseway.accounts.models import User
from caseway.casework import access, supervision_queries, supervision_services
from caseway.casework.models import CasePlan, Goal
from caseway.casework.plan_views import form_page, posted
from caseway.casework.supervision_forms import APPROVE, DecisionForm, ReassignForm
from caseway.clients import access as client_access
from caseway.lib.access import object_scoped, role_required
from caseway.lib.forms import add_service_errors
from caseway.orgs.permissions import Action

# ---------------------------------------------------------------------------------------------
# Plan approval


def _plan_with_comment(case):
    return CasePlan.objects.filter(case=case).select_related("submitted_by", "decided_by", "data_key").first()


@object_scoped(Action.VIEW_PERSONAL_DATA)
def plan_decide(request, case_pk):
    """The plan's approval: the decision and its comments for the case team, the form for supervisors."""
    membership = request.membership
    case = access.get_case(membership, case_pk)
    if request.method == "POST" and not access.is_supervisor(membership):
        raise PermissionDenied
    plan = _plan_with_comment(case)
    form = DecisionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == APPROVE
        service = supervision_services.plan_approve if approve else supervision_services.plan_return
        try:
            service(
                actor=request.user,
                membership=membership,
                case=case,
                comment=form.cleaned_data["comment"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Plan approved.") if approve else _("Plan returned with comments."))
            return redirect("casework:case", case_pk=case.pk)
    goals = []
    if plan is not None:
        goals = list(Goal.objects.filter(plan=plan).select_related("data_key").order_by("domain", "created_at", "pk"))
    shown = (["goal.description"] if goals else []) + (
        ["plan.decision_comment"] if plan and plan.decision_comment else []
    )
    if shown:
        audit.record(
            request.user,
            "casework.plan_viewed",
            case,
            fields=shown,
            organization=membership.organization_id,
            request=request,
        )
    context = {
        "case": case,
        "plan": plan,
        "goals": goals,
        "may_decide": plan is not None and supervision_services.may_decide_plan(membership, plan),
        "is_supervisor": access.is_supervisor(membership),
    }
    return form_page(request, "casework/supervision/plan_decide.html", context, form)


# ---------------------------------------------------------------------------------------------
# Caseload


@role_required(Action.SUPERVISE_CASES)
def caseload(request):
    context = {"caseload": supervision_queries.caseload(request.membership)}
    return render(request, "casework/supervision/caseload.html", context)


def _worker_page(request, user, *, own):
    context = {"caseload": supervision_queries.worker_caseload(request.membership, user), "own": own}
    return render(request, "casework/supervision/caseload_worker.html", context)


@object_scoped(Action.SUPERVISE_CASES)
def caseload_worker(request, user_pk):
    """One person's caseload, for the supervisors: what needs doing first."""
    return _worker_page(request, access.get_caseload_holder(request.membership, user_pk), own=False)


@role_required(Action.VIEW_PERSONAL_DATA)
def caseload_mine(request):
    """The signed-in person's own caseload."""
    return _worker_page(request, request.user, own=True)


# ---------------------------------------------------------------------------------------------
# Reassignment


def _holders(membership):
    """Everyone who holds cases of the organization (members or not: staff who left too)."""
    holders = client_access.visible_cases(membership).filter(caseworker__isnull=False).values("caseworker_id")
    return User.objects.filter(pk__in=holders).order_by("display_name", "email")


@role_required(Action.SUPERVISE_CASES)
def caseload_reassign(request):
    membership = request.membership
    initial = {"from_user": request.GET.get("from_user")} if request.GET.get("from_user", "").isdigit() else {}
    form = ReassignForm(posted(request), membership=membership, caseworkers=_holders(membership), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            counts = supervision_services.cases_reassign(
                actor=request.user,
                membership=membership,
                from_user=form.cleaned_data["from_user"],
                to_user=form.cleaned_data["to_user"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Handed over. Cases: %(cases)d; open tasks: %(tasks)d; future appointments: %(appointments)d.")
                % counts,
            )
            return redirect("casework:caseload")
    return form_page(request, "casework/supervision/reassign.html", {}, form)


@object_scoped(Action.SUPERVISE_CASES)
def case_reassign(request, case_pk):
    membership = request.membership
    case = access.get_case(membership, case_pk)
    form = ReassignForm(posted(request), membership=membership, initial={"to_user": None})
    if request.method == "POST" and form.is_valid():
        if case.caseworker_id is None:
            form.add_error(None, _("Nobody holds this case yet: assign it on the client record."))
        else:
            try:
                supervision_services.cases_reassign(
                    actor=request.user,
                    membership=membership,
                    from_user=case.caseworker_id,
                    to_user=form.cleaned_data["to_user"],
                    case=case,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Case handed over with its open tasks and future appointments."))
                return redirect("casework:case", case_pk=case.pk)
    return form_page(request, "casework/supervision/reassign.html", {"case": case}, form)
