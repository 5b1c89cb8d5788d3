"""Pathways for tests, defined and started through the real services (consent, agreements, vault).

The network: org A (Alpha Relief) refers; org B (Beta Legal Aid) offers clinical care after rape,
counselling and legal counselling; the outsider's organization (Epsilon Works) offers vocational
training, with no agreement with org A and no consent to be referred there.
"""

from caseway.directory.tests.factories import ServiceFactory
from caseway.referrals import pathways
from caseway.referrals.models import PathwayStep, Urgency
from caseway.referrals.tests.helpers import a_sender_case, an_agreement, consent_to_refer, member

START, PREVIOUS = PathwayStep.DueFrom.START, PathwayStep.DueFrom.PREVIOUS
# (category, urgency, hours, counted from)
CRSV_STEPS = (
    ("health.cmr", Urgency.EMERGENCY, 72, START),
    ("mhpss", Urgency.HIGH, 7 * 24, PREVIOUS),
    ("legal.counselling", Urgency.NORMAL, 14 * 24, PREVIOUS),
)
RETURNING_STEPS = (
    ("childcare", Urgency.NORMAL, 7 * 24, START),
    ("livelihoods.vocational_training", Urgency.NORMAL, 14 * 24, START),
    ("mhpss", Urgency.NORMAL, 7 * 24, START),
)


def coordinator(personas):
    return member(personas.coordinator)


def a_pathway(personas, code="crsv-72h", name="CRSV within 72 hours", steps=CRSV_STEPS, **values):
    by = coordinator(personas)
    pathway = pathways.pathway_create(actor=by.user, membership=by, code=code, name=name, **values)
    for category, urgency, hours, due_from in steps:
        pathways.pathway_step_add(
            actor=by.user,
            membership=by,
            pathway=pathway,
            category=category,
            urgency=urgency,
            within_hours=hours,
            due_from=due_from,
        )
    return pathway


def b_services(personas):
    """Org B's services for the CRSV pathway, by category."""
    return {
        "health.cmr": ServiceFactory(organization=personas.org_b, name="Survivor clinic", categories=["health.cmr"]),
        "mhpss": ServiceFactory(organization=personas.org_b, name="Counselling", categories=["mhpss.counselling"]),
        "legal.counselling": ServiceFactory(
            organization=personas.org_b, name="Legal advice", categories=["legal.counselling"]
        ),
    }


def outsider_training(personas):
    outsider_org = personas.outsider.memberships.get().organization
    return ServiceFactory(
        organization=outsider_org, name="Bakery training", categories=["livelihoods.vocational_training"]
    )


def ready_case(personas, *, categories=("identity", "needs"), **values):
    """A case at org A whose client agreed to be referred to org B, under an agreement in force."""
    case = a_sender_case(personas, **values)
    an_agreement(personas.org_a, personas.org_b)
    consent_to_refer(case, personas.org_b, categories, by=member(personas.caseworker_a))
    return case


def start(personas, pathway, case, *, by=None, **values):
    by = by or member(personas.caseworker_a)
    return pathways.pathway_start(actor=by.user, membership=by, case=case, pathway=pathway, **values)
