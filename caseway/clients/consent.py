"""The single question every app asks before it shows, shares or counts anything about a client.

``allows(client, purpose, organization, category)``: the newest answer the client gave to that
question decides. A refusal, a revocation or an expiry all mean no, at once: nothing is cached.
An older grant never comes back to life when a newer one is revoked (fail closed).
"""

from django.utils import timezone

from caseway.clients.models import Consent, ConsentPurpose

# Purposes whose answer is given to one named organization; the others are network-wide.
ADDRESSED_PURPOSES = frozenset(
    {
        ConsentPurpose.SERVICES,
        ConsentPurpose.REFERRAL,
        ConsentPurpose.SHARING,
        ConsentPurpose.LEGAL_REPRESENTATION,
        ConsentPurpose.PORTAL,
    }
)


def _organization_id(organization):
    return getattr(organization, "pk", organization)


def _answers(client, purpose, organization):
    answers = Consent.objects.filter(client=client, purpose=purpose)
    if purpose in ADDRESSED_PURPOSES:
        organization_id = _organization_id(organization)
        if organization_id is None:
            return Consent.objects.none()
        answers = answers.filter(recipient_id=organization_id)
    return answers.order_by("-recorded_at", "-pk")


def _covers(answer: Consent, category) -> bool:
    if category is None:
        return True
    if not answer.granted and not answer.categories:
        return True  # a refusal naming no category refuses them all
    return category in answer.categories


def allows(client, purpose, organization=None, category=None, *, at=None) -> bool:
    """Whether ``client`` agrees, now (or ``at``), to ``purpose`` with ``organization`` for ``category``.

    ``category`` is required for SHARING (each data category is its own question).
    """
    if purpose == ConsentPurpose.SHARING and category is None:
        raise ValueError("Sharing consent is asked per data category: pass category=.")
    at = at or timezone.now()
    for answer in _answers(client, purpose, organization):
        if answer.recorded_at > at:
            continue
        if not _covers(answer, category):
            continue
        return answer.is_in_force(at)
    return False


def shared_categories(client, organization, *, at=None) -> frozenset:
    """Every data category ``client`` agrees to share with ``organization`` now."""
    from caseway.clients.models import DataCategory

    return frozenset(
        category
        for category in DataCategory.values
        if allows(client, ConsentPurpose.SHARING, organization, category, at=at)
    )
