"""Small guarantees of the clients access helpers and consent records."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from caseway.clients import access
from caseway.clients.models import BreakGlassAccess, Case, ConsentPurpose
from caseway.clients.tests.factories import a_case, give_consent


@pytest.mark.parametrize("pk", ["not-a-uuid", "123", "", None])
def test_it_answers_404_for_a_malformed_case_id(personas, pk):
    membership = personas.caseworker_a.memberships.get()
    with pytest.raises(Http404):
        access.get_case_for_member(membership, pk)
    with pytest.raises(Http404):
        access.case_of_client(membership, pk)


def test_it_holds_a_consent_in_force_before_its_revocation_and_not_after(personas):
    membership = personas.caseworker_a.memberships.get()
    case = a_case(membership)
    answer = give_consent(case.client, ConsentPurpose.STATISTICS, recorded_by=membership)
    revoked_at = timezone.now()
    answer.revoked_at = revoked_at
    answer.save(update_fields=["revoked_at"])
    assert answer.is_in_force(revoked_at - datetime.timedelta(seconds=1))
    assert not answer.is_in_force(revoked_at)
    assert not answer.is_in_force()


def test_contact_of_a_sensitive_case_is_for_its_team_and_break_glass_only(personas):
    case = a_case(personas.supervisor_a.memberships.get(), sensitive=True)
    outside = personas.caseworker_a.memberships.get()
    assert access.can_see_contact(personas.supervisor_a.memberships.get(), case)
    assert not access.can_see_contact(outside, case)
    assert access.can_see_contact(outside, case, frozenset()) is False
    Case.objects.filter(pk=case.pk).update(sensitivity=Case.Sensitivity.STANDARD)
    case.refresh_from_db()
    assert access.can_see_contact(outside, case)
    Case.objects.filter(pk=case.pk).update(sensitivity=Case.Sensitivity.SENSITIVE)
    case.refresh_from_db()
    BreakGlassAccess.objects.create(
        case=case,
        user=personas.caseworker_a,
        reason="The team cannot be reached and the client is here.",
        expires_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    assert access.can_see_contact(outside, case)
    assert access.can_see_contact(outside, case, page=access.page_access(outside, [case]))


@pytest.mark.django_db
def test_the_cases_probed_by_key_are_exactly_the_visible_cases(personas):
    from caseway.clients.models import Client

    membership = personas.caseworker_a.memberships.get()
    kept = a_case(membership)
    erased = a_case(membership, given_name="Dalia")
    Client.objects.filter(pk=erased.client_id).update(erased_at=timezone.now())
    a_case(personas.caseworker_b.memberships.get(), given_name="Huda")  # another organization's

    assert set(access.visible_cases_by_key(membership).values_list("pk", flat=True)) == {kept.pk}
    assert set(access.visible_cases(membership).values_list("pk", flat=True)) == {kept.pk}
    assert not access.visible_cases_by_key(personas.donor.memberships.get()).exists()
