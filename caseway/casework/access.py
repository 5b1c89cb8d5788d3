"""Who may reach the work done on a case. Every casework page, API call and export goes through here.

A casework row is visible exactly when its case is (``clients.access.visible_cases``: staff of the
case's organization who may see personal data, clients not erased), and then by what it is:

- notes by their confidentiality (``may_read_note``): the case team, the assigned caseworker and
  the supervisors, or the supervisors only (supervision notes always);
- the rest (plan, goals, tasks, milestones, appointments, payments) to whoever may open the case.

Anything not visible answers 404, as if it did not exist.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404

from caseway.accounts.models import User
from caseway.casework.models import CaseNote
from caseway.clients import access as client_access
from caseway.orgs.models import Membership
from caseway.orgs.permissions import Action


def get_case(membership, case_pk):
    """The case, if ``membership`` may work on it; else 404."""
    return client_access.get_case_for_member(membership, case_pk)


def get_case_for_update(membership, case_pk):
    """The case, locked for the rest of the transaction (two people may act on it at once)."""
    return client_access.get_case_for_update(membership, case_pk)


def get_caseload_holder(membership, user_pk):
    """A person whose caseload ``membership``'s supervisors may open: a member of the organization
    (now or before), or someone who holds its cases; anyone else answers 404."""
    holders = client_access.visible_cases(membership).filter(caseworker_id=user_pk).values("caseworker_id")
    members = Membership.objects.filter(organization_id=membership.organization_id, user_id=user_pk).values("user_id")
    try:
        return User.objects.filter(Q(pk__in=holders) | Q(pk__in=members)).get(pk=user_pk)
    except User.DoesNotExist:
        raise Http404 from None


def is_supervisor(membership) -> bool:
    return membership.allows(Action.SUPERVISE_CASES)


def is_assigned(membership, case) -> bool:
    if case.caseworker_id == membership.user_id:
        return True
    return case.supervisor_id == membership.user_id


def may_read_note(membership, note) -> bool:
    if note.confidentiality == CaseNote.Confidentiality.CASE_TEAM:
        return True
    if is_supervisor(membership):
        return True
    if note.confidentiality == CaseNote.Confidentiality.SUPERVISORS:
        return False
    return is_assigned(membership, note.case)


def readable_confidentialities(membership, case) -> list[str]:
    """The confidentiality levels of ``case``'s notes that ``membership`` may read (for a query)."""
    if is_supervisor(membership):
        return list(CaseNote.Confidentiality.values)
    if is_assigned(membership, case):
        return [CaseNote.Confidentiality.CASE_TEAM, CaseNote.Confidentiality.ASSIGNED]
    return [CaseNote.Confidentiality.CASE_TEAM]


def visible_notes(membership, case):
    """``case``'s notes ``membership`` may read; ``case`` must come from ``get_case``."""
    return CaseNote.objects.filter(case=case, confidentiality__in=readable_confidentialities(membership, case))


def get_note(membership, case, note_pk) -> CaseNote:
    try:
        return visible_notes(membership, case).get(pk=note_pk)
    except (CaseNote.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
