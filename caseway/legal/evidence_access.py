"""Who may reach a matter's evidence: whoever may reach the matter (``access.visible_matters``: the
lead and co-counsel organizations' legal staff); anyone else gets 404. One condition per line."""

from django.http import Http404

from caseway.legal.access import visible_matters
from caseway.legal.models import EvidenceCopy, EvidenceItem


def visible_items(membership):
    """Items of the matters ``membership`` may reach; the sealed original is not loaded."""
    matters = visible_matters(membership).values("pk")
    return EvidenceItem.objects.filter(matter__in=matters).defer("original").select_related("custodian", "data_key")


def get_item_for_member(membership, pk) -> EvidenceItem:
    item = visible_items(membership).filter(pk=pk).select_related("matter__client").first()
    if item is None:
        raise Http404
    return item


def items_of_matter(membership, matter):
    """The register of ``matter`` (reached through its own access helper), by number."""
    return visible_items(membership).filter(matter=matter).order_by("number")


def get_copy_for_member(membership, pk) -> EvidenceCopy:
    items = visible_items(membership).values("pk")
    copy = EvidenceCopy.objects.filter(item__in=items, pk=pk).select_related("item").first()
    if copy is None:
        raise Http404
    return copy
