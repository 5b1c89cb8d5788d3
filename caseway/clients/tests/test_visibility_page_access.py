"""access.page_access: what display_name needs for a page of cases, in two queries, same answers."""

import datetime

import pytest
from django.utils import timezone

from caseway.clients import access
from caseway.clients.models import BreakGlassAccess, Case, ConsentPurpose, DataCategory
from caseway.clients.tests.factories import give_consent
from caseway.clients.tests.records_helpers import case_at, count_queries, member, referral_case
from caseway.orgs.permissions import Role
from caseway.tests.personas import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(personas):
    """Every kind of row: standard, own sensitive, another's sensitive (glass broken or not), referred in."""
    other = make_member(personas.org_a, Role.CASEWORKER, "second.caseworker.a@example.org")
    standard = case_at(personas.caseworker_a, given_name="Standard")
    own = case_at(personas.caseworker_a, sensitive=True, given_name="Own")
    others = case_at(personas.caseworker_a, sensitive=True, caseworker=other, given_name="Others")
    opened = case_at(personas.caseworker_a, sensitive=True, caseworker=other, given_name="Opened")
    BreakGlassAccess.objects.create(
        case=opened,
        user=personas.caseworker_a,
        reason="A reason long enough to be one.",
        expires_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    expired = case_at(personas.caseworker_a, sensitive=True, caseworker=other, given_name="Expired")
    BreakGlassAccess.objects.create(
        case=expired,
        user=personas.caseworker_a,
        reason="A reason long enough to be one.",
        expires_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    theirs = case_at(personas.caseworker_b, given_name="Shared")
    shared = referral_case(theirs, personas.org_a)
    give_consent(
        theirs.client,
        ConsentPurpose.SHARING,
        recorded_by=member(personas.caseworker_b),
        recipient=personas.org_a,
        categories=[DataCategory.IDENTITY],
    )
    unshared = referral_case(case_at(personas.caseworker_b, given_name="Unshared"), personas.org_a)
    ids = [standard.pk, own.pk, others.pk, opened.pk, expired.pk, shared.pk, unshared.pk]
    return list(Case.objects.select_related("client__data_key", "caseworker", "supervisor").filter(pk__in=ids))


def test_it_gives_the_same_names_as_asking_case_by_case(personas, cases):
    membership = member(personas.caseworker_a)
    page = access.page_access(membership, cases)
    assert [access.display_name(membership, case, page=page) for case in cases] == [
        access.display_name(membership, case) for case in cases
    ]
    names = {access.display_name(membership, case, page=page) for case in cases}
    assert names == {"Standard", "Own", "Opened", "Shared", access.MASKED_NAME}


def test_it_costs_two_queries_then_none_per_row(personas, cases):
    membership = member(personas.caseworker_a)
    loading, page = count_queries(lambda: access.page_access(membership, cases))
    assert loading == 2
    naming, _ = count_queries(lambda: [access.display_name(membership, case, page=page) for case in cases])
    assert naming == 0


def test_it_gives_nothing_to_roles_without_personal_data(personas, cases):
    membership = member(personas.admin_a)
    queries, page = count_queries(lambda: access.page_access(membership, cases))
    assert queries == 0
    assert {access.display_name(membership, case, page=page) for case in cases} == {access.MASKED_NAME}


def test_it_costs_nothing_for_an_empty_page(personas):
    membership = member(personas.caseworker_a)
    queries, _page = count_queries(lambda: access.page_access(membership, []))
    assert queries == 0
