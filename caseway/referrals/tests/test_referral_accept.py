"""referral_accept: opens (or links) the receiver's case, which then sees the consented categories."""

import pytest

from caseway.audit.models import AuditEvent
from caseway.clients import access as client_access
from caseway.clients.models import Case, DataCategory
from caseway.clients.tests.factories import a_case
from caseway.referrals import services
from caseway.referrals.models import Status
from caseway.referrals.tests.helpers import a_referral, a_sender_case, member
from caseway.referrals.transitions import InvalidTransition

pytestmark = pytest.mark.django_db


def accept(user, referral):
    return services.referral_accept(actor=user, membership=member(user), referral=referral)


def test_it_opens_the_receivers_case_from_the_referral(personas):
    referral = a_referral(personas, Status.VIEWED)

    accepted = accept(personas.caseworker_b, referral)

    case = Case.objects.get(organization=personas.org_b, client=referral.client)
    assert accepted.status == Status.ACCEPTED
    assert accepted.to_case == case
    assert accepted.answered_at is not None
    assert (case.origin, case.caseworker, case.supervisor) == (Case.Origin.REFERRAL, personas.caseworker_b, None)
    audited = AuditEvent.objects.get(action="referrals.case_opened")
    assert (audited.target_id, audited.organization_id) == (str(case.pk), personas.org_b.pk)


def test_it_gives_the_receiver_exactly_the_consented_categories(personas):
    referral = a_referral(personas, Status.SENT, categories=[DataCategory.IDENTITY, DataCategory.NEEDS])

    accept(personas.caseworker_b, referral)

    case = Case.objects.get(organization=personas.org_b, client=referral.client)
    categories = client_access.visible_categories(member(personas.caseworker_b), case)
    assert categories == {DataCategory.IDENTITY, DataCategory.NEEDS}


def test_it_assigns_a_supervisor_who_accepts_as_supervisor(personas):
    referral = a_referral(personas, Status.SENT)

    accept(personas.supervisor_b, referral)

    case = Case.objects.get(organization=personas.org_b, client=referral.client)
    assert (case.caseworker, case.supervisor) == (None, personas.supervisor_b)


def test_it_keeps_a_sensitive_case_sensitive(personas):
    referral = a_referral(personas, Status.SENT, case=a_sender_case(personas, sensitive=True))

    accept(personas.caseworker_b, referral)

    assert Case.objects.get(organization=personas.org_b, client=referral.client).is_sensitive


def test_it_links_the_receivers_existing_case(personas):
    referral = a_referral(personas, Status.SENT)
    existing = Case.objects.create(organization=personas.org_b, client=referral.client, origin=Case.Origin.LINK)

    accepted = accept(personas.caseworker_b, referral)

    assert accepted.to_case == existing
    assert Case.objects.filter(organization=personas.org_b, client=referral.client).count() == 1
    assert Case.objects.get(pk=existing.pk).origin == Case.Origin.LINK
    assert not AuditEvent.objects.filter(action="referrals.case_opened").exists()


def test_it_refuses_the_sender(personas):
    referral = a_referral(personas, Status.SENT)

    with pytest.raises(InvalidTransition, match="Only the other organization"):
        accept(personas.caseworker_a, referral)


def test_it_refuses_a_second_acceptance(personas):
    referral = a_referral(personas, Status.ACCEPTED)

    with pytest.raises(services.AlreadyAccepted):
        accept(personas.legal_officer_b, referral)
    assert Case.objects.filter(organization=personas.org_b, client=referral.client).count() == 1


def test_it_does_not_mistake_another_case_of_the_receiver(personas):
    other_client = a_case(member(personas.caseworker_b))
    referral = a_referral(personas, Status.SENT)

    accept(personas.caseworker_b, referral)

    assert referral.to_case != other_client
