"""How appointments and support payments are reached: through their case (``casework.access``).

An appointment or a payment is visible exactly when its case is (``clients.access.visible_cases``):
staff of the case's organization who may see personal data, the client not erased. Anything else
answers 404, as if it did not exist.
"""

from django.core.exceptions import ValidationError
from django.http import Http404

from caseway.casework.models import Appointment, SupportPayment
from caseway.clients import access as client_access
from caseway.orgs.permissions import Action


def visible_appointments(membership):
    return Appointment.objects.filter(client_access.of_visible_case(membership))


def get_appointment(membership, pk) -> Appointment:
    try:
        return visible_appointments(membership).select_related("case", "case__client", "staff").get(pk=pk)
    except (Appointment.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def get_appointment_for_update(membership, pk) -> Appointment:
    """The appointment, locked for the rest of the transaction (two people may act on it at once)."""
    try:
        return visible_appointments(membership).select_for_update(of=("self",)).get(pk=pk)
    except (Appointment.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def visible_payments(membership):
    return SupportPayment.objects.filter(client_access.of_visible_case(membership))


def get_payment(membership, pk) -> SupportPayment:
    try:
        return visible_payments(membership).select_related("case", "case__client").get(pk=pk)
    except (SupportPayment.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def get_payment_for_update(membership, pk) -> SupportPayment:
    try:
        return visible_payments(membership).select_for_update(of=("self",)).get(pk=pk)
    except (SupportPayment.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def may_see_payment_totals(membership) -> bool:
    """Supervisors and agency admins see their organization's totals (amounts by kind and currency)."""
    if membership is None or not membership.is_active:
        return False
    return membership.allows(Action.VIEW_PAYMENT_TOTALS)


def visible_payments_of_organization(membership):
    """Every payment of the organization's cases, for totals only (no client, no row shown)."""
    if not may_see_payment_totals(membership):
        return SupportPayment.objects.none()
    return SupportPayment.objects.filter(case__organization_id=membership.organization_id)
