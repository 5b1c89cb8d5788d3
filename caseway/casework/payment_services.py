"""Support payments and vouchers given to a client: every write goes through here.

Keyword-only functions taking ``actor`` and ``membership``, in one transaction, audited with field
names (never amounts or values). A caseworker records a payment; it is approved by someone whose
role may supervise cases (``Action.SUPERVISE_CASES``) at the case's organization, named when it is
recorded or approving it later (``payment_approve``). Nobody approves a payment they recorded
themselves unless their role is in ``SELF_APPROVAL_ROLES`` (none by default: four eyes).

Amounts are only ever added up per currency (``totals_by_currency``): there is no exchange rate
here, and a sum across currencies would mean nothing.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway import audit
from caseway.casework import access, appointment_access
from caseway.casework.models import SupportPayment
from caseway.clients.models import CaseStatus
from caseway.orgs.models import Membership
from caseway.orgs.permissions import Action

# Roles whose members may approve a payment they recorded themselves (none: another person approves).
SELF_APPROVAL_ROLES = frozenset()
MAX_AMOUNT = Decimal("9999999999.99")
BUDGET_LINE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")
# How far back a payment may be dated (a late record of a distribution), in days.
MAX_DAYS_BACK = 366


def require(membership, action=Action.VIEW_PERSONAL_DATA) -> None:
    if membership is None or not membership.is_active or not membership.allows(action):
        raise PermissionDenied


def approvers(organization_id):
    """Active members of the organization whose role may approve payments."""
    memberships = Membership.objects.filter(organization_id=organization_id, is_active=True).select_related("user")
    return [m for m in memberships if m.allows(Action.SUPERVISE_CASES) and m.user.is_active]


def _check_approver(errors, membership, approver, recorder_id) -> None:
    if approver is None:
        return
    approving = next((m for m in approvers(membership.organization_id) if m.user_id == approver.pk), None)
    if approving is None:
        errors["approved_by"] = _("Payments are approved by a supervisor of your organization.")
        return
    if approver.pk == recorder_id and approving.role not in SELF_APPROVAL_ROLES:
        errors["approved_by"] = _("Someone else approves a payment you recorded.")


def check_amount(errors, amount, currency, *, amount_field="amount", currency_field="currency"):
    """Errors for an amount and its currency: a positive Decimal with at most 2 decimals, in ISO 4217."""
    if amount is None or amount == "":
        errors[amount_field] = _("Give the amount.")
    else:
        try:
            value = Decimal(str(amount))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            errors[amount_field] = _("Give the amount as a number, for example 12.50.")
        elif value <= 0:
            errors[amount_field] = _("The amount must be more than zero.")
        elif value > MAX_AMOUNT or value.as_tuple().exponent < -2:
            errors[amount_field] = _("Give the amount with at most two decimals.")
    if not currency:
        errors[currency_field] = _("Give the currency of the amount.")
    elif not CURRENCY_PATTERN.fullmatch(str(currency)):
        errors[currency_field] = _("Use the three-letter ISO 4217 currency code, for example USD.")


def _check(errors, *, kind, method, paid_on, budget_line):
    if kind not in SupportPayment.Kind.values:
        errors["kind"] = _("Choose what kind of support this is.")
    if method not in SupportPayment.Method.values:
        errors["method"] = _("Choose how it was given.")
    if not isinstance(paid_on, datetime.date):
        errors["paid_on"] = _("Give the date it was given.")
    elif paid_on > timezone.localdate():
        errors["paid_on"] = _("The date cannot be in the future.")
    elif (timezone.localdate() - paid_on).days > MAX_DAYS_BACK:
        errors["paid_on"] = _("The date is more than a year ago.")
    if budget_line and not BUDGET_LINE_PATTERN.fullmatch(budget_line):
        errors["budget_line"] = _("A budget line is a code of letters, digits and . _ / - (at most 64).")


def create_payment(*, actor, membership, case, appointment=None, approved_by=None, request=None, **values):
    """The row and its audit event, inside the caller's transaction on a locked ``case`` (no checks)."""
    now = timezone.now()
    payment = SupportPayment.objects.create(
        case=case,
        appointment=appointment,
        approved_by=approved_by,
        approved_at=now if approved_by else None,
        recorded_by=actor,
        recorded_at=now,
        **values,
    )
    fields = [*values, "case"]
    fields += ["appointment"] if appointment else []
    fields += ["approved_by", "approved_at"] if approved_by else []
    audit.record(
        actor,
        "casework.payment_recorded",
        payment,
        fields=sorted(fields),
        organization=membership.organization_id,
        request=request,
    )
    return payment


def payment_record(
    *,
    actor,
    membership,
    case,
    kind,
    amount,
    currency,
    method,
    paid_on,
    approved_by=None,
    budget_line="",
    request=None,
) -> SupportPayment:
    """Record support given to the client on ``case``; ``approved_by`` (optional) is a supervisor."""
    require(membership)
    currency = (currency or "").strip().upper()
    budget_line = (budget_line or "").strip()
    errors = {}
    check_amount(errors, amount, currency)
    _check(errors, kind=kind, method=method, paid_on=paid_on, budget_line=budget_line)
    _check_approver(errors, membership, approved_by, actor.pk)
    with transaction.atomic():
        case = access.get_case_for_update(membership, case.pk)
        if case.status == CaseStatus.CLOSED:
            errors["case"] = _("This case is closed: reopen it before recording support.")
        if errors:
            raise ValidationError(errors)
        return create_payment(
            actor=actor,
            membership=membership,
            case=case,
            approved_by=approved_by,
            request=request,
            kind=kind,
            amount=Decimal(str(amount)),
            currency=currency,
            method=method,
            paid_on=paid_on,
            budget_line=budget_line,
        )


def payment_approve(*, actor, membership, payment, request=None) -> SupportPayment:
    """A supervisor of the case's organization approves a payment not approved yet."""
    require(membership, Action.SUPERVISE_CASES)
    with transaction.atomic():
        payment = appointment_access.get_payment_for_update(membership, payment.pk)
        if payment.approved_by_id is not None:
            raise ValidationError(_("This payment is already approved."))
        errors = {}
        _check_approver(errors, membership, actor, payment.recorded_by_id)
        if errors:
            raise ValidationError(errors)
        payment.approved_by = actor
        payment.approved_at = timezone.now()
        payment.save(update_fields=["approved_by", "approved_at"])
        audit.record(
            actor,
            "casework.payment_approved",
            payment,
            fields=["approved_by", "approved_at"],
            organization=membership.organization_id,
            request=request,
        )
    return payment


# ---------------------------------------------------------------------------------------------
# Totals: per currency, never across currencies


def cents(value) -> Decimal:
    """A database sum as a Decimal with two places (SQLite hands back 7 for 7.00)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def totals_by_currency(payments) -> list[dict]:
    """[{currency, total, count}] over ``payments`` (a queryset), one row per currency, one query."""
    rows = payments.order_by().values("currency").annotate(total=Sum("amount"), count=Count("pk"))
    return sorted(({**row, "total": cents(row["total"])} for row in rows), key=lambda row: row["currency"])


def organization_totals(membership, *, start, end) -> list[dict]:
    """[{kind, currency, total, count}] of the organization's payments dated from ``start`` to ``end``."""
    payments = appointment_access.visible_payments_of_organization(membership).filter(
        paid_on__gte=start, paid_on__lte=end
    )
    rows = payments.order_by().values("kind", "currency").annotate(total=Sum("amount"), count=Count("pk"))
    labels = dict(SupportPayment.Kind.choices)
    return sorted(
        ({**row, "total": cents(row["total"]), "kind_label": labels.get(row["kind"], row["kind"])} for row in rows),
        key=lambda row: (row["kind"], row["currency"]),
    )


def sum_rows_by_currency(rows) -> list[dict]:
    """Rows of ``organization_totals`` added up per currency (never across currencies)."""
    totals = {}
    for row in rows:
        entry = totals.setdefault(row["currency"], {"currency": row["currency"], "total": Decimal(0), "count": 0})
        entry["total"] += row["total"]
        entry["count"] += row["count"]
    return [totals[currency] for currency in sorted(totals)]
