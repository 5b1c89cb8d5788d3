"""Who may reach a legal matter: staff of its lead organization and of its co-counsel organizations
whose role works legal matters (``legal.work_matters``); anyone else gets 404, as if it did not
exist. One condition per line."""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from caseway.legal.models import CoCounsel, LegalMatter
from caseway.orgs.permissions import Action


def _works_legal_matters(membership) -> bool:
    if membership is None:
        return False
    if not membership.is_active:
        return False
    return membership.allows(Action.WORK_LEGAL_MATTERS)


def visible_matters(membership):
    if not _works_legal_matters(membership):
        return LegalMatter.objects.none()
    co_counsel = CoCounsel.objects.filter(matter=OuterRef("pk"), organization_id=membership.organization_id)
    return (
        LegalMatter.objects.filter(Q(lead_organization_id=membership.organization_id) | Exists(co_counsel))
        .filter(client__erased_at__isnull=True)
        .select_related("jurisdiction", "lead_organization", "client")
    )


def get_matter_for_member(membership, pk) -> LegalMatter:
    matter = visible_matters(membership).filter(pk=pk).first()
    if matter is None:
        raise Http404
    return matter


def is_lead(membership, matter) -> bool:
    return membership.organization_id == matter.lead_organization_id


def visible_deadlines(membership):
    """Deadlines of the matters ``membership`` may reach, with their rule, matter and forum."""
    from caseway.legal.models import Deadline

    matters = visible_matters(membership).values("pk")
    return Deadline.objects.filter(matter__in=matters).select_related(
        "rule", "matter__jurisdiction", "matter__client", "matter__lead_organization"
    )


def get_deadline_for_member(membership, pk):
    deadline = visible_deadlines(membership).filter(pk=pk).first()
    if deadline is None:
        raise Http404
    return deadline


def open_alerts(membership):
    """The organization's alerts not yet marked seen, on deadlines it may reach, soonest first."""
    from caseway.legal.models import DeadlineAlert

    if not _works_legal_matters(membership):
        return DeadlineAlert.objects.none()
    return (
        DeadlineAlert.objects.filter(organization_id=membership.organization_id, resolved_at__isnull=True)
        .filter(deadline__in=visible_deadlines(membership).values("pk"))
        .select_related("deadline__rule", "deadline__matter__client", "deadline__matter__jurisdiction")
        .order_by("deadline__due_on", "pk")
    )


def get_alert_for_member(membership, pk):
    alert = open_alerts(membership).filter(pk=pk).first()
    if alert is None:
        raise Http404
    return alert


def matters_of_case(membership, case):
    """The matters led from ``case`` (reached through the case's own access helper)."""
    return visible_matters(membership).filter(lead_case=case).order_by("-opened_at")


def get_remedy_for_member(membership, pk):
    from caseway.legal.models import Remedy

    remedy = Remedy.objects.filter(matter__in=visible_matters(membership).values("pk"), pk=pk).first()
    if remedy is None:
        raise Http404
    return remedy


# Co-counsel roles that work with the people of the case (not experts or documentation support).
_ROLES_THAT_MEET_WITNESSES = frozenset({CoCounsel.Role.CO_COUNSEL, CoCounsel.Role.LOCAL_COUNSEL})


def may_see_identity(membership, matter) -> bool:
    """Whether ``membership`` may see who the matter's parties and witnesses are: a legal officer
    (not a supervisor) of the lead organization or of a co-counsel organization that represents the
    client. Everyone else works by pseudonym."""
    if not _works_legal_matters(membership):
        return False
    if not membership.allows(Action.SEE_WITNESS_IDENTITY):
        return False
    if is_lead(membership, matter):
        return True
    return CoCounsel.objects.filter(
        matter=matter, organization_id=membership.organization_id, role__in=_ROLES_THAT_MEET_WITNESSES
    ).exists()


def parties_of(membership, matter):
    """The parties and witnesses of a matter ``membership`` reaches (get_matter_for_member first)."""
    return matter.parties.order_by("role", "pseudonym")


def get_party_for_member(membership, pk):
    from caseway.legal.models import Party

    party = (
        Party.objects.filter(matter__in=visible_matters(membership).values("pk"), pk=pk)
        .select_related("matter__client", "matter__jurisdiction")
        .first()
    )
    if party is None:
        raise Http404
    return party


def get_event_for_member(membership, pk):
    from caseway.legal.models import MatterEvent

    event = MatterEvent.objects.filter(matter__in=visible_matters(membership).values("pk"), pk=pk).first()
    if event is None:
        raise Http404
    return event
