"""The only ways views and the API reach pathway runs (see ``referrals.access`` for referrals).

A run belongs to the case it was started from: it is visible to the staff of that case's
organization who may see personal data (``clients.access.visible_cases``), nobody else. The
receiving organizations see each referral (``referrals.access``), never the sender's pathway.
Not visible → ``Http404``, like not existing.

Pathway *definitions* are the network's shared data, not anyone's: they carry no personal data
and are reached by code or id (``get_active_pathway``, ``get_pathway``).
"""

from django.core.exceptions import ValidationError
from django.http import Http404

from caseway.clients import access as client_access
from caseway.referrals.models import Pathway, PathwayRun, PathwayStep


def visible_runs(membership):
    """The pathway runs of ``membership``'s organization's cases, for staff who may see personal data."""
    cases = client_access.visible_cases(membership).values("pk")
    return PathwayRun.objects.select_related("pathway", "case", "case__client").filter(case_id__in=cases)


def get_run_for_member(membership, pk) -> PathwayRun:
    try:
        return visible_runs(membership).get(pk=pk)
    except (PathwayRun.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def get_run_for_update(membership, pk) -> PathwayRun:
    """The run, locked for the rest of the transaction."""
    try:
        return visible_runs(membership).select_for_update(of=("self",)).get(pk=pk)
    except (PathwayRun.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def get_pathway(pk) -> Pathway:
    try:
        return Pathway.objects.get(pk=pk)
    except (Pathway.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_active_pathway(code) -> Pathway:
    """A pathway in use, by code: what a caseworker may start."""
    try:
        return Pathway.objects.get(code=code, is_active=True)
    except (Pathway.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_step(pk) -> PathwayStep:
    try:
        return PathwayStep.objects.select_related("pathway").get(pk=pk)
    except (PathwayStep.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
