"""The consent list: each answer with status, recipient, categories and the wording read out."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caseway.clients import consent
from caseway.clients.models import Case, Consent, ConsentPurpose, DataCategory
from caseway.clients.tests.consent_pages_helpers import list_url
from caseway.clients.tests.factories import a_case, give_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_a(personas):
    return personas.caseworker_a.memberships.get()


@pytest.fixture
def case(member_a):
    return a_case(member_a)


def test_it_lists_each_answer_with_its_status_and_wording(client, personas, login_as, member_a, case):
    hour = datetime.timedelta(hours=1)
    give_consent(case.client, ConsentPurpose.STATISTICS, recorded_by=member_a, granted=False)
    give_consent(
        case.client,
        ConsentPurpose.SHARING,
        recorded_by=member_a,
        recipient=personas.org_b,
        categories=[DataCategory.NEEDS],
        expires_at=timezone.now() - hour,
        recorded_at=timezone.now() - hour * 2,
    )
    withdrawn = give_consent(case.client, ConsentPurpose.REFERRAL, recorded_by=member_a, recipient=personas.org_b)
    consent.consent_revoke(actor=personas.caseworker_a, membership=member_a, consent=withdrawn)
    login_as(personas.caseworker_a)

    text = client.get(list_url(case)).content.decode()

    for label in ("In force", "Refused", "Withdrawn", "Expired", "Beta Legal Aid", "Needs"):
        assert label in text
    services = Consent.objects.get(purpose="services")
    assert services.wording.text in text
    assert services.wording_sha256 in text
    assert text.count(">Withdraw this agreement<") == 1


def test_it_marks_a_grant_replaced_by_a_newer_answer(client, personas, login_as, member_a, case):
    give_consent(
        case.client,
        ConsentPurpose.STATISTICS,
        recorded_by=member_a,
        recorded_at=timezone.now() - datetime.timedelta(hours=1),
    )
    give_consent(case.client, ConsentPurpose.STATISTICS, recorded_by=member_a, granted=False)
    login_as(personas.caseworker_a)

    assert "Replaced by a newer answer" in client.get(list_url(case)).content.decode()


def test_it_hides_answers_addressed_to_a_third_organization(client, personas, login_as, member_a, case):
    give_consent(case.client, ConsentPurpose.REFERRAL, recorded_by=member_a, recipient=personas.org_other)
    Case.objects.create(organization=personas.org_b, client=case.client, origin=Case.Origin.REFERRAL)
    give_consent(case.client, ConsentPurpose.STATISTICS, recorded_by=member_a)
    login_as(personas.caseworker_b)

    text = client.get(list_url(case)).content.decode()

    assert personas.org_other.name not in text
    assert "Be counted in anonymous statistics" in text
    assert "Receive services from this organization" not in text


def test_its_queries_do_not_grow_with_the_number_of_answers(client, personas, login_as, member_a, case):
    login_as(personas.caseworker_a)
    client.get(list_url(case))
    with CaptureQueriesContext(connection) as few:
        client.get(list_url(case))
    for _index in range(6):
        give_consent(
            case.client,
            ConsentPurpose.SHARING,
            recorded_by=member_a,
            recipient=personas.org_b,
            categories=["needs"],
            witness=personas.supervisor_a,
        )
        answer = give_consent(case.client, ConsentPurpose.REFERRAL, recorded_by=member_a, recipient=personas.org_b)
        consent.consent_revoke(actor=personas.caseworker_a, membership=member_a, consent=answer)
    with CaptureQueriesContext(connection) as many:
        client.get(list_url(case))

    assert len(many) == len(few)
