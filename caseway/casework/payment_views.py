"""Support payment pages: a case's payments with totals per currency, record one, approve one
(supervisors), and the organization's totals by kind and currency for a period.

Thin: the case through ``casework.access``, a payment through ``appointment_access`` (another
organization's: 404); every change through ``payment_services``. Amounts are never added up
across currencies.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseway.casework import access, appointment_access, payment_services
from caseway.casework.appointment_views import add_errors, flash
from caseway.casework.payment_forms import PaymentForm, TotalsForm
from caseway.lib.access import object_scoped, role_required
from caseway.orgs.permissions import Action

CASE_LIST_LIMIT = 200


@object_scoped(Action.VIEW_PERSONAL_DATA)
def payment_list(request, case_pk):
    membership = request.membership
    case = access.get_case(membership, case_pk)
    payments = case.payments.all()
    context = {
        "case": case,
        "payments": payments.select_related("approved_by", "recorded_by").order_by("-paid_on", "-recorded_at")[
            :CASE_LIST_LIMIT
        ],
        "totals": payment_services.totals_by_currency(payments),
        "may_approve": membership.allows(Action.SUPERVISE_CASES),
    }
    return render(request, "casework/payments/list.html", context)


@object_scoped(Action.VIEW_PERSONAL_DATA)
def payment_record(request, case_pk):
    membership = request.membership
    case = access.get_case(membership, case_pk)
    form = PaymentForm(request.POST if request.method == "POST" else None, organization_id=case.organization_id)
    if request.method == "POST" and form.is_valid():
        try:
            payment_services.payment_record(
                actor=request.user, membership=membership, case=case, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Support recorded."))
            return redirect("casework:payments", case_pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "casework/payments/record.html", {"case": case, "form": form}, status=status)


@require_POST
@object_scoped(Action.SUPERVISE_CASES)
def payment_approve(request, pk):
    membership = request.membership
    payment = appointment_access.get_payment(membership, pk)
    try:
        payment_services.payment_approve(actor=request.user, membership=membership, payment=payment, request=request)
    except ValidationError as error:
        flash(request, error)
    else:
        messages.success(request, _("Payment approved."))
    return redirect("casework:payments", case_pk=payment.case_id)


@role_required(Action.VIEW_PAYMENT_TOTALS)
def payment_totals(request):
    """The organization's support by kind and currency for a period: supervisors and agency admins
    (amounts only, no client), others 403."""
    membership = request.membership
    form = TotalsForm(request.GET or None)
    rows, period = [], None
    if not form.is_bound:
        form = TotalsForm({})
    if form.is_valid():
        period = (form.cleaned_data["start"], form.cleaned_data["end"])
        rows = payment_services.organization_totals(membership, start=period[0], end=period[1])
    context = {
        "form": form,
        "rows": rows,
        "period": period,
        "by_currency": payment_services.sum_rows_by_currency(rows),
    }
    return render(request, "casework/payments/totals.html", context, status=200 if form.is_valid() else 400)
