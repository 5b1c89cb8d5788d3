"""Closure pages: asking to close a case with the checklist, a supervisor's decision, reopening.

Thin: the case through ``casework.access`` (another organization's: 404), a form, a
``closure_services`` function, a redirect to the case page or the form again with its errors (400).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseway import audit
from caseway.casework import access, case_queries, closure_services
from caseway.casework.closure_forms import ClosureRequestForm
from caseway.casework.models import ClosureRequest
from caseway.casework.plan_views import flash_errors, form_page, posted
from caseway.casework.supervision_forms import APPROVE, DecisionForm
from caseway.lib.access import object_scoped
from caseway.lib.forms import add_service_errors
from caseway.orgs.permissions import Action
from caseway.referrals import access as referral_access


def _to_case(case):
    return redirect("casework:case", case_pk=case.pk)


def _transfer_referrals(membership, case):
    return list(
        referral_access.visible_referrals(membership)
        .filter(from_case=case, status__in=closure_services.TRANSFER_STATUSES, to_organization__isnull=False)
        .exclude(to_organization_id=case.organization_id)
        .order_by("-sent_at", "-pk")
    )


@object_scoped(Action.VIEW_PERSONAL_DATA)
def closure_request(request, case_pk):
    membership = request.membership
    case = access.get_case(membership, case_pk)
    plan = case_queries.case_plan(case)
    form = ClosureRequestForm(posted(request), referrals=_transfer_referrals(membership, case))
    if request.method == "POST" and form.is_valid():
        try:
            closure_services.closure_request(
                actor=request.user, membership=membership, case=case, request=request, **form.service_values()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Closure requested: a supervisor will decide on it."))
            return _to_case(case)
    context = {
        "case": case,
        "pending": closure_services.pending_closure(case),
        "unmet": closure_services.unmet_facts(case, "", plan),
        "closable": case.status in closure_services.CLOSABLE,
    }
    return form_page(request, "casework/closure/request.html", context, form)


def _latest_closure(case):
    return (
        ClosureRequest.objects.filter(case=case)
        .select_related("requested_by", "decided_by", "data_key", "transfer_referral__to_organization")
        .order_by("-requested_at", "-pk")
        .first()
    )


@object_scoped(Action.VIEW_PERSONAL_DATA)
def closure_decide(request, case_pk):
    """The latest closure request: its checklist and decision for the case team, the form for supervisors."""
    membership = request.membership
    case = access.get_case(membership, case_pk)
    if request.method == "POST" and not access.is_supervisor(membership):
        raise PermissionDenied
    form = DecisionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == APPROVE
        service = closure_services.closure_approve if approve else closure_services.closure_return
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
            messages.success(request, _("Case closed.") if approve else _("Closure returned with comments."))
            return _to_case(case)
    closure = _latest_closure(case)
    if closure is not None and closure.decision_comment:
        audit.record(
            request.user,
            "casework.closure_viewed",
            closure,
            fields=["decision_comment"],
            organization=membership.organization_id,
            request=request,
        )
    context = {
        "case": case,
        "closure": closure,
        "items": [
            (item, closure.checklist.get(item.code))
            for item in closure_services.CLOSURE_CHECKLIST
            if closure and item.code in closure.checklist
        ],
        "follow_up_agreed": closure.checklist.get(closure_services.FOLLOW_UP_AGREED) if closure else None,
        "may_decide": closure_services.may_decide_closure(membership, closure),
        "is_supervisor": access.is_supervisor(membership),
    }
    return form_page(request, "casework/closure/decide.html", context, form)


@require_POST
@object_scoped(Action.SUPERVISE_CASES)
def case_reopen(request, case_pk):
    case = access.get_case(request.membership, case_pk)
    try:
        closure_services.case_reopen(actor=request.user, membership=request.membership, case=case, request=request)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("Case reopened."))
    return _to_case(case)
