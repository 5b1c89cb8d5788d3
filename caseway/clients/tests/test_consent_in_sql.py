"""consent.network_consent_in_force: ``allows`` for statistics as SQL, the same answer for every client."""

import datetime

import pytest
from django.utils import timezone

from caseway.clients import consent
from caseway.clients.models import Client, ConsentPurpose
from caseway.clients.tests.factories import a_case, give_consent

pytestmark = pytest.mark.django_db

STATISTICS = ConsentPurpose.STATISTICS
HOUR = datetime.timedelta(hours=1)


def _counted(at=None) -> set:
    return set(
        Client.objects.filter(consent.network_consent_in_force(STATISTICS, client_field="pk", at=at)).values_list(
            "pk", flat=True
        )
    )


def test_it_agrees_with_allows_for_every_kind_of_answer(personas):
    member = personas.caseworker_a.memberships.get()
    now = timezone.now()
    clients = {}
    for story in ("none", "granted", "refused", "refused_then_granted", "granted_then_refused", "revoked", "expired"):
        clients[story] = a_case(member).client
    give_consent(clients["granted"], STATISTICS, recorded_by=member)
    give_consent(clients["refused"], STATISTICS, recorded_by=member, granted=False)
    give_consent(clients["refused_then_granted"], STATISTICS, recorded_by=member, granted=False, recorded_at=now - HOUR)
    give_consent(clients["refused_then_granted"], STATISTICS, recorded_by=member)
    give_consent(clients["granted_then_refused"], STATISTICS, recorded_by=member, recorded_at=now - HOUR)
    give_consent(clients["granted_then_refused"], STATISTICS, recorded_by=member, granted=False)
    give_consent(clients["revoked"], STATISTICS, recorded_by=member, revoked_at=now - HOUR, recorded_at=now - 2 * HOUR)
    give_consent(clients["expired"], STATISTICS, recorded_by=member, expires_at=now - HOUR, recorded_at=now - 2 * HOUR)

    expected = {client.pk for client in clients.values() if consent.allows(client, STATISTICS)}
    assert expected == {clients["granted"].pk, clients["refused_then_granted"].pk}
    assert _counted() == expected


def test_it_answers_as_of_a_moment(personas):
    member = personas.caseworker_a.memberships.get()
    now = timezone.now()
    client = a_case(member).client
    give_consent(client, STATISTICS, recorded_by=member, recorded_at=now - 3 * HOUR, revoked_at=now - HOUR)

    assert _counted(at=now - 2 * HOUR) == {client.pk}
    assert _counted(at=now) == set()
    assert _counted(at=now - 4 * HOUR) == set()


def test_it_refuses_a_purpose_addressed_to_one_organization():
    with pytest.raises(ValueError):
        consent.network_consent_in_force(ConsentPurpose.SHARING)
