"""Small guarantees of the clients access helpers and consent records."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from caseway.clients import access
from caseway.clients.models import ConsentPurpose
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
