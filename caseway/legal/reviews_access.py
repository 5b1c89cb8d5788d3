"""Who may reach a matter's case reviews and its assistance requests. One condition per line.

- **Reviews**, their participants and action items: the parties of the matter (lead and
  co-counsel staff who work legal matters, ``access.visible_matters``), nobody else.
- **Requests of a matter**: its parties.
- A request addressed to an organization of the network: also that organization's staff who work
  legal matters, for that request only (``incoming_requests``): they see the question, the
  matter's forum and type and the client's code, never the matter itself. They reply to it; for
  an authority outside the network a party records the reply (``answerable_requests``).

Anything else answers 404, as if it did not exist.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404

from caseway.legal.access import _works_legal_matters, visible_matters
from caseway.legal.models import AssistanceRequest, CaseReview, CoCounsel, ReviewActionItem


def _first_or_404(queryset, pk):
    try:
        found = queryset.filter(pk=pk).first()
    except (ValueError, TypeError, ValidationError):
        raise Http404 from None
    if found is None:
        raise Http404
    return found


def party_organization_ids(matter) -> list:
    """The matter's lead organization first, then its co-counsel organizations."""
    co_counsel = CoCounsel.objects.filter(matter=matter).order_by("added_at").values_list("organization_id", flat=True)
    return [matter.lead_organization_id, *co_counsel]


# ---------------------------------------------------------------------------------------------
# Reviews


def visible_reviews(membership):
    """The reviews of the matters ``membership`` is a party of."""
    return CaseReview.objects.filter(matter__in=visible_matters(membership).values("pk"))


def get_review_for_member(membership, pk) -> CaseReview:
    return _first_or_404(visible_reviews(membership).select_related("matter__client", "data_key"), pk)


def get_review_for_update(membership, pk) -> CaseReview:
    """The review, locked for the rest of the transaction (two people may write its minutes)."""
    return _first_or_404(visible_reviews(membership).select_for_update(of=("self",)), pk)


def visible_action_items(membership):
    return ReviewActionItem.objects.filter(review__in=visible_reviews(membership).values("pk"))


def get_action_item_for_member(membership, pk) -> ReviewActionItem:
    return _first_or_404(visible_action_items(membership).select_related("review"), pk)


def get_action_item_for_update(membership, pk) -> ReviewActionItem:
    return _first_or_404(visible_action_items(membership).select_for_update(of=("self",)), pk)


# ---------------------------------------------------------------------------------------------
# Assistance requests


def _request_rows():
    return AssistanceRequest.objects.select_related(
        "matter__jurisdiction", "matter__client", "requesting_organization", "addressed_organization"
    )


def matter_requests(membership, matter):
    """The requests of ``matter``, which must come from ``access.get_matter_for_member``."""
    return _request_rows().filter(matter__in=visible_matters(membership).filter(pk=matter.pk).values("pk"))


def incoming_requests(membership):
    """Requests addressed to ``membership``'s organization, on matters of clients not erased."""
    if not _works_legal_matters(membership):
        return AssistanceRequest.objects.none()
    return (
        _request_rows()
        .filter(addressed_organization_id=membership.organization_id)
        .filter(matter__client__erased_at__isnull=True)
    )


def sent_requests(membership):
    """Requests ``membership``'s organization sent, on matters it is (still) a party of."""
    return (
        _request_rows()
        .filter(requesting_organization_id=membership.organization_id)
        .filter(matter__in=visible_matters(membership).values("pk"))
    )


def answerable_requests(membership):
    """What ``membership`` may acknowledge, answer or refuse: requests addressed to its
    organization, and, on its matters, requests to authorities outside the network (a party
    records their reply)."""
    outside = Q(addressed_organization__isnull=True)
    of_my_matters = Q(matter__in=visible_matters(membership).values("pk"))
    to_me = Q(pk__in=incoming_requests(membership).values("pk"))
    return _request_rows().filter(to_me | (outside & of_my_matters))


def readable_requests(membership):
    """What ``membership`` may read: the requests of its matters, and those addressed to it."""
    of_my_matters = Q(matter__in=visible_matters(membership).values("pk"))
    to_me = Q(pk__in=incoming_requests(membership).values("pk"))
    return _request_rows().filter(to_me | of_my_matters)


def get_request_for_member(membership, pk) -> AssistanceRequest:
    return _first_or_404(readable_requests(membership).select_related("data_key"), pk)


def may_reply(membership, assistance_request) -> bool:
    """For a request ``membership`` may read: it is the one asked, or the request went outside the
    network (then it reads it as a party, who records the authority's reply)."""
    if is_addressee(membership, assistance_request):
        return True
    return assistance_request.addressed_organization_id is None


def get_request_to_answer_for_update(membership, pk) -> AssistanceRequest:
    return _first_or_404(answerable_requests(membership).select_for_update(of=("self",)), pk)


def get_sent_request_for_member(membership, pk) -> AssistanceRequest:
    return _first_or_404(sent_requests(membership), pk)


def get_sent_request_for_update(membership, pk) -> AssistanceRequest:
    """A request the organization sent (only the sender withdraws it), locked."""
    return _first_or_404(sent_requests(membership).select_for_update(of=("self",)), pk)


def is_addressee(membership, assistance_request) -> bool:
    return assistance_request.addressed_organization_id == membership.organization_id
