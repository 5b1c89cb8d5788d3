"""Referrals to an organization outside the network, for tests: through the real services
(real consent, agreements, vault, password hasher)."""

from caseway.clients.models import DataCategory
from caseway.orgs.models import Organization, OrganizationType
from caseway.orgs.permissions import Role
from caseway.referrals import external, services
from caseway.referrals.models import Status, Urgency
from caseway.referrals.tests.helpers import a_sender_case, an_agreement, consent_to_refer, member
from caseway.tests.personas import make_member

SHARED = (DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.NEEDS)
REASON = "Needs a medical consultation and follow-up care."


def an_outside_organization(name="Zeta District Clinic", acronym="ZDC"):
    """An organization whose admin signs agreements on Caseway, but nobody of which receives referrals.

    The same one on a second call (the page-weight and access-matrix tests build every page's
    objects in one database).
    """
    existing = Organization.objects.filter(name=name).first()
    if existing is not None:
        return existing
    organization = Organization.objects.create(
        name=name, acronym=acronym, type=OrganizationType.HEALTH_FACILITY, country="XA"
    )
    make_member(organization, Role.AGENCY_ADMIN, f"admin@{acronym.lower()}.example.org")
    return organization


def an_outside_referral(personas, status=Status.SENT, *, outside=None, case=None, categories=SHARED, **values):
    """A referral from org A to an organization outside the network, past the gate when sent."""
    outside = outside or an_outside_organization()
    case = case or a_sender_case(personas)
    an_agreement(personas.org_a, outside)
    consent_to_refer(case, outside, categories, by=member(personas.caseworker_a))
    values.setdefault("urgency", Urgency.NORMAL)
    values.setdefault("reason", REASON)
    referral = external.external_referral_create(
        actor=personas.caseworker_a,
        membership=member(personas.caseworker_a),
        case=case,
        to_organization=outside,
        categories=categories,
        **values,
    )
    if status == Status.DRAFT:
        return referral
    return services.referral_send(
        actor=personas.caseworker_a, membership=member(personas.caseworker_a), referral=referral
    )


def a_link(personas, referral=None, **kwargs):
    """(link, token, PIN) for ``referral`` (a new outside referral by default), made by org A's caseworker."""
    referral = referral or an_outside_referral(personas)
    return external.external_link_create(
        actor=personas.caseworker_a, membership=member(personas.caseworker_a), referral=referral, **kwargs
    )
