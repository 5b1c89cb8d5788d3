"""Data-sharing agreement pages for agency admins: list, propose, answer, end.

Agreements are reached through ``orgs.access`` (an organization that is not a party: 404);
every change goes through ``orgs.agreement_services``.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseway.accounts.decorators import reauthentication_required
from caseway.lib.access import object_scoped, role_required
from caseway.lib.forms import add_service_errors
from caseway.orgs import access, agreement_services
from caseway.orgs.agreement_forms import AgreementAcceptForm, AgreementProposeForm
from caseway.orgs.categories import DataCategory, SharingPurpose
from caseway.orgs.models import DataSharingAgreement
from caseway.orgs.permissions import Action

Status = DataSharingAgreement.Status


def _labels(choices, values) -> list[str]:
    known = dict(choices)
    return [str(known.get(value, value)) for value in values or []]


def _row(membership, agreement):
    own = agreement.proposer_id == membership.organization_id
    agreement.other_party = agreement.partner if own else agreement.proposer
    agreement.category_labels = _labels(DataCategory.choices, agreement.categories)
    agreement.purpose_labels = _labels(SharingPurpose.choices, agreement.purposes)
    agreement.waiting_for_us = agreement_services.may_decide(membership, agreement)
    return agreement


@role_required(Action.MANAGE_AGREEMENTS)
def agreement_list(request):
    membership = request.membership
    agreements = [
        _row(membership, agreement)
        for agreement in access.visible_agreements(membership).order_by("status", "-proposed_at", "pk")
    ]
    return render(request, "orgs/agreements/list.html", {"agreements": agreements})


@role_required(Action.MANAGE_AGREEMENTS)
@reauthentication_required(return_to="agreements:propose")
def agreement_propose(request):
    membership = request.membership
    form = AgreementProposeForm(
        request.POST if request.method == "POST" else None,
        partners=agreement_services.partner_choices(membership),
    )
    if request.method == "POST" and form.is_valid():
        try:
            agreement = agreement_services.agreement_propose(
                actor=request.user, membership=membership, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Agreement proposed. It is in force once the partner's admin accepts it."))
            return redirect("agreements:detail", pk=agreement.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "orgs/agreements/propose.html", {"form": form}, status=status)


def _detail(request, agreement, *, accept_form=None, status=200):
    membership = request.membership
    context = {
        "agreement": _row(membership, agreement),
        "may_decide": agreement_services.may_decide(membership, agreement),
        "may_end": agreement_services.may_end(membership, agreement),
        "accept_form": accept_form or AgreementAcceptForm(),
    }
    return render(request, "orgs/agreements/detail.html", context, status=status)


@object_scoped(Action.MANAGE_AGREEMENTS)
def agreement_detail(request, pk):
    return _detail(request, access.get_agreement_for_member(request.membership, pk))


@require_POST
@object_scoped(Action.MANAGE_AGREEMENTS)
@reauthentication_required(return_to="agreements:detail")
def agreement_accept(request, pk):
    agreement = access.get_agreement_for_member(request.membership, pk)
    form = AgreementAcceptForm(request.POST)
    if form.is_valid():
        try:
            agreement_services.agreement_accept(
                actor=request.user,
                membership=request.membership,
                agreement=agreement,
                signed_by=form.cleaned_data["signed_by"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Agreement accepted. It is in force between its dates."))
            return redirect("agreements:detail", pk=agreement.pk)
    return _detail(request, agreement, accept_form=form, status=400)


@require_POST
@object_scoped(Action.MANAGE_AGREEMENTS)
def agreement_decline(request, pk):
    agreement = access.get_agreement_for_member(request.membership, pk)
    try:
        agreement_services.agreement_decline(
            actor=request.user, membership=request.membership, agreement=agreement, request=request
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Agreement declined. Nothing flows under it."))
    return redirect("agreements:detail", pk=agreement.pk)


@require_POST
@object_scoped(Action.MANAGE_AGREEMENTS)
@reauthentication_required(return_to="agreements:detail")
def agreement_end(request, pk):
    agreement = access.get_agreement_for_member(request.membership, pk)
    try:
        agreement_services.agreement_end(
            actor=request.user, membership=request.membership, agreement=agreement, request=request
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Agreement ended. No new information flows under it from now on."))
    return redirect("agreements:detail", pk=agreement.pk)
