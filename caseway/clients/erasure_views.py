"""Erasure requests and decisions, the retention policy, and subject access exports.

Agency admins work from client codes only: these pages never show them a name. The export is
for staff who may see the client's identity; it answers like every client page for another
organization (404).
"""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseway.accounts.decorators import reauthentication_required
from caseway.clients import access, erasure, export, retention
from caseway.clients.erasure_forms import ErasureRejectForm, ErasureRequestForm, RetentionPolicyForm
from caseway.clients.models import ErasureRequest
from caseway.lib.access import object_scoped, role_required
from caseway.lib.forms import add_service_errors
from caseway.orgs.permissions import Action

DECIDED_SHOWN = 20


def _may_decide(request, erasure_request: ErasureRequest) -> bool:
    return (
        erasure_request.status == ErasureRequest.Status.PENDING and erasure_request.requested_by_id != request.user.pk
    )


@role_required(Action.ERASE_CLIENTS)
def erasure_list(request):
    form = ErasureRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = erasure.erasable_case_by_code(request.membership, form.cleaned_data["code"])
        except Http404:
            form.add_error("code", _("No client of your organization has this code."))
        else:
            try:
                created = erasure.erasure_request(
                    actor=request.user,
                    membership=request.membership,
                    case=case,
                    reason_code=form.cleaned_data["reason_code"],
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Erasure requested. Another agency admin must approve it."))
                return redirect("clients:erasure_detail", pk=created.pk)
    requests = erasure.visible_erasure_requests(request.membership)
    context = {
        "form": form,
        "pending": requests.filter(status=ErasureRequest.Status.PENDING).order_by("requested_at", "pk"),
        "decided": requests.exclude(status=ErasureRequest.Status.PENDING).order_by("-decided_at", "-pk")[
            :DECIDED_SHOWN
        ],
    }
    return render(request, "clients/erasure/list.html", context, status=400 if form.errors else 200)


@object_scoped(Action.ERASE_CLIENTS)
def erasure_detail(request, pk):
    erasure_request = erasure.get_erasure_request(request.membership, pk)
    case = None
    if erasure_request.client_id and not erasure_request.client.is_erased:
        case = erasure.erasable_cases(request.membership).filter(client_id=erasure_request.client_id).first()
    context = {
        "erasure": erasure_request,
        "reason_code": erasure.coded_reasons([erasure_request]).get(erasure_request.pk),
        "case": case,
        "may_decide": _may_decide(request, erasure_request),
        "reject_form": ErasureRejectForm(),
    }
    return render(request, "clients/erasure/detail.html", context)


@require_POST
@object_scoped(Action.ERASE_CLIENTS)
@reauthentication_required(return_to="clients:erasure_detail")
def erasure_approve(request, pk):
    erasure_request = erasure.get_erasure_request(request.membership, pk)
    try:
        result = erasure.erasure_approve(
            actor=request.user, membership=request.membership, erasure=erasure_request, request=request
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("clients:erasure_detail", pk=pk)
    if result.is_complete:
        messages.success(request, _("The client was erased. Their identity can no longer be read anywhere."))
    elif result.outcome == erasure.Outcome.CASE_ONLY:
        messages.success(
            request,
            _(
                "Your organization's case was erased. Other organizations that work with the client keep their "
                "own case until they erase it."
            ),
        )
    else:
        messages.info(request, _("There was nothing left to erase: the client was already erased."))
    return redirect("clients:erasure_list")


@require_POST
@object_scoped(Action.ERASE_CLIENTS)
def erasure_reject(request, pk):
    erasure_request = erasure.get_erasure_request(request.membership, pk)
    form = ErasureRejectForm(request.POST)
    if form.is_valid():
        try:
            erasure.erasure_reject(
                actor=request.user,
                membership=request.membership,
                erasure=erasure_request,
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Erasure rejected."))
            return redirect("clients:erasure_list")
    context = {
        "erasure": erasure_request,
        "reason_code": erasure.coded_reasons([erasure_request]).get(erasure_request.pk),
        "case": None,
        "may_decide": _may_decide(request, erasure_request),
        "reject_form": form,
    }
    return render(request, "clients/erasure/detail.html", context, status=400)


@role_required(Action.MANAGE_RETENTION)
@reauthentication_required(return_to="clients:retention")
def retention_policy(request):
    policy = retention.policy_of(request.membership.organization_id)
    initial = {"erase_closed_after_days": policy.erase_closed_after_days if policy else None}
    form = RetentionPolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            retention.retention_policy_set(
                actor=request.user,
                membership=request.membership,
                days=form.cleaned_data["erase_closed_after_days"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Retention policy saved."))
            return redirect("clients:retention")
    context = {"form": form, "policy": policy, "due": retention.cases_due(policy).count()}
    return render(request, "clients/erasure/retention.html", context, status=400 if form.errors else 200)


def _export_case(request, pk):
    case = access.case_of_client(request.membership, pk)
    export.require_export(request.membership, case)
    return case


@object_scoped(Action.VIEW_PERSONAL_DATA)
@reauthentication_required
def subject_access_page(request, pk):
    case = _export_case(request, pk)
    data = export.subject_access_data(actor=request.user, membership=request.membership, case=case, request=request)
    return render(request, "clients/export/page.html", {"data": export.printable(data), "case": case})


@object_scoped(Action.VIEW_PERSONAL_DATA)
@reauthentication_required
def subject_access_json(request, pk):
    case = _export_case(request, pk)
    now = timezone.now()
    data = export.subject_access_data(
        actor=request.user, membership=request.membership, case=case, request=request, at=now
    )
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{export.filename(case, now, "json")}"'
    response["Cache-Control"] = "no-store"
    return response
