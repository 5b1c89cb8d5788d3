"""Whether a data-sharing agreement lets a category of data flow between two organizations."""

from django.db.models import Q
from django.utils import timezone

from caseway.orgs.models import DataSharingAgreement


def _between(first, second) -> Q:
    first, second = getattr(first, "pk", first), getattr(second, "pk", second)
    return Q(proposer_id=first, partner_id=second) | Q(proposer_id=second, partner_id=first)


def agreements_in_force(first, second, *, on=None):
    """Accepted agreements between the two organizations (either direction) valid on ``on``."""
    on = on or timezone.localdate()
    return (
        DataSharingAgreement.objects.filter(_between(first, second), status=DataSharingAgreement.Status.ACTIVE)
        .filter(valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    )


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
