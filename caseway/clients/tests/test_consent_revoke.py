"""consent_revoke: an agreement withdrawn stops at once, everywhere; twice is once; audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from caseway.accounts.tests.helpers import audit_events
from caseway.clients import consent
from caseway.clients.models import Case, ConsentPurpose, DataCategory
from caseway.clients.tests.factories import a_case, give_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_a(personas):
    return personas.caseworker_a.memberships.get()


@pytest.fixture
def member_b(personas):
    return personas.caseworker_b.memberships.get()


@pytest.fixture
def case(member_a):
    return a_case(member_a)


@pytest.fixture
def sharing(case, member_a, personas):
    return give_consent(
        case.client, ConsentPurpose.SHARING, recorded_by=member_a, recipient=personas.org_b, categories=["needs"]
    )


def test_it_withdraws_at_once_and_audits_once(personas, member_a, case, sharing):
    assert consent.allows(case.client, ConsentPurpose.SHARING, personas.org_b, DataCategory.NEEDS)

    first = consent.consent_revoke(actor=personas.caseworker_a, membership=member_a, consent=sharing, note="asked")
    revoked_at = first.revoked_at
    again = consent.consent_revoke(actor=personas.caseworker_a, membership=member_a, consent=sharing)

    assert not consent.allows(case.client, ConsentPurpose.SHARING, personas.org_b, DataCategory.NEEDS)
    sharing.refresh_from_db()
    assert sharing.revoked_at == revoked_at == again.revoked_at
    assert sharing.revoked_by == personas.caseworker_a
    assert sharing.revocation_note == "asked"
    event = audit_events("clients.consent_revoked").get()
    assert event.fields == ["revoked_at", "revocation_note"]


def test_the_receiving_organization_may_record_the_withdrawal_too(personas, member_b, case, sharing):
    Case.objects.create(organization=personas.org_b, client=case.client, origin=Case.Origin.REFERRAL)

    consent.consent_revoke(actor=personas.caseworker_b, membership=member_b, consent=sharing)

    assert not consent.allows(case.client, ConsentPurpose.SHARING, personas.org_b, DataCategory.NEEDS)


def test_an_organization_without_a_case_may_not(personas, member_b, sharing):
    with pytest.raises(PermissionDenied):
        consent.consent_revoke(actor=personas.caseworker_b, membership=member_b, consent=sharing)
    sharing.refresh_from_db()
    assert sharing.revoked_at is None


def test_an_answer_addressed_to_a_third_organization_stays_out_of_reach(personas, member_a, member_b, case):
    to_other = give_consent(case.client, ConsentPurpose.REFERRAL, recorded_by=member_a, recipient=personas.org_other)
    Case.objects.create(organization=personas.org_b, client=case.client, origin=Case.Origin.LINK)

    with pytest.raises(PermissionDenied):
        consent.consent_revoke(actor=personas.caseworker_b, membership=member_b, consent=to_other)


def test_a_refusal_cannot_be_withdrawn(personas, member_a, case):
    refusal = give_consent(case.client, ConsentPurpose.STATISTICS, recorded_by=member_a, granted=False)

    with pytest.raises(ValidationError):
        consent.consent_revoke(actor=personas.caseworker_a, membership=member_a, consent=refusal)
    assert not audit_events("clients.consent_revoked").exists()


def test_a_monitor_may_not_withdraw(personas, case, sharing):
    with pytest.raises(PermissionDenied):
        consent.consent_revoke(
            actor=personas.monitor_a, membership=personas.monitor_a.memberships.get(), consent=sharing
        )
