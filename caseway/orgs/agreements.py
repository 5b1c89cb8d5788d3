"""Whether a data-sharing agreement lets a category of data flow between two organizations."""

from django.db.models import Q
from django.utils import timezone

from caseway.orgs.models import DataSharingAgreement


def _between(first, second) -> Q:
    first, second = getattr(first, "pk", first), getattr(second, "pk", second)
    return Q(proposer_id=first, partner_id=second) | Q(proposer_id=second, partner_id=first)


def _in_force(on):
    return (
        DataSharingAgreement.objects.filter(status=DataSharingAgreement.Status.ACTIVE)
        .filter(valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    )


def agreements_in_force(first, second, *, on=None):
    """Accepted agreements between the two organizations (either direction) valid on ``on``."""
    return _in_force(on or timezone.localdate()).filter(_between(first, second))


def partners_for(organization, others, *, purpose: str, on=None) -> set:
    """Of the organizations ``others`` (ids), those with an agreement in force with ``organization``
    for ``purpose``: ``agreements_in_force`` for many partners in one query."""
    organization, others = getattr(organization, "pk", organization), list(others)
    if not others:
        return set()
    rows = (
        _in_force(on or timezone.localdate())
        .filter(Q(proposer_id=organization, partner_id__in=others) | Q(partner_id=organization, proposer_id__in=others))
        .values_list("proposer_id", "partner_id", "purposes")
    )
    return {
        partner if proposer == organization else proposer
        for proposer, partner, purposes in rows
        if purpose in (purposes or ())
    }


def agreement_allows(first, second, *, category: str, purpose: str, on=None) -> bool:
    """True when an agreement in force between the two covers ``category`` for ``purpose``."""
    for agreement in agreements_in_force(first, second, on=on):
        if category in agreement.categories and purpose in agreement.purposes:
            return True
    return False


def allowed_categories(first, second, *, purpose: str, on=None) -> frozenset:
    categories = set()
    for agreement in agreements_in_force(first, second, on=on):
        if purpose in agreement.purposes:
            categories.update(agreement.categories)
    return frozenset(categories)
