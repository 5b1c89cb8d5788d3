"""The cross-organization rule: an organization erases its own case; the last one erases the client."""

import pytest
from django.http import Http404

from caseway.accounts.tests.helpers import audit_events
from caseway.clients import access, erasure
from caseway.clients.models import Assessment, Case, Client, ConsentPurpose, SafetyPlan
from caseway.clients.tests.erasure_helpers import GIVEN, identified_case, member, referred_to_b, second_admin
from caseway.clients.tests.factories import give_consent
from caseway.vault.models import DataKey

pytestmark = pytest.mark.django_db


def erase_at(personas, organization, case):
    admin = personas.admin_a if organization == personas.org_a else personas.admin_b
    requester = second_admin(organization)
    request = erasure.erasure_request(
        actor=requester, membership=member(requester), case=case, reason_code="client_asked", reason="asked"
    )
    return erasure.erasure_approve(actor=admin, membership=member(admin), erasure=request)


def test_the_registering_organization_erases_only_its_own_case_while_another_holds_one(personas):
    case_a = identified_case(personas)
    case_b = referred_to_b(personas, case_a)
    assessments_b = Assessment.objects.filter(case=case_b).count()

    result = erase_at(personas, personas.org_a, case_a)

    assert result.outcome == erasure.Outcome.CASE_ONLY and not result.is_complete
    assert not Case.objects.filter(pk=case_a.pk).exists()
    assert not Assessment.objects.filter(case_id=case_a.pk).exists()
    assert not SafetyPlan.objects.filter(case_id=case_a.pk).exists()
    assert Assessment.objects.filter(case=case_b).count() == assessments_b
    client = Client.objects.get(pk=case_a.client_id)
    assert not client.is_erased and not client.data_key.is_destroyed
    # A's access ends at once; B keeps working with the client, identity included (consented).
    with pytest.raises(Http404):
        access.case_of_client(member(personas.caseworker_a), client.pk)
    seen_by_b = access.case_of_client(member(personas.caseworker_b), client.pk)
    assert access.display_name(member(personas.caseworker_b), seen_by_b).startswith(GIVEN)
    assert audit_events("clients.case_erased", organization_id=personas.org_a.pk).get().fields == ["case_only"]
    assert not audit_events("clients.client_erased").exists()


def test_a_referral_organization_erases_only_its_case(personas):
    case_a = identified_case(personas)
    case_b = referred_to_b(personas, case_a)

    result = erase_at(personas, personas.org_b, case_b)

    assert result.outcome == erasure.Outcome.CASE_ONLY
    assert not Case.objects.filter(pk=case_b.pk).exists()
    assert Case.objects.filter(pk=case_a.pk).exists()
    assert not DataKey.objects.get(pk=case_a.client.data_key_id).is_destroyed


def test_the_last_organization_holding_a_case_erases_the_client_completely(personas):
    case_a = identified_case(personas)
    case_b = referred_to_b(personas, case_a)
    erase_at(personas, personas.org_a, case_a)

    result = erase_at(personas, personas.org_b, case_b)

    assert result.outcome == erasure.Outcome.STUB  # the statistics consent was network-wide
    assert DataKey.objects.get(pk=case_a.client.data_key_id).is_destroyed
    assert Client.objects.get(pk=case_a.client_id).is_erased


def test_the_last_organization_deletes_the_client_without_statistics_consent(personas):
    case_a = identified_case(personas, statistics=False)
    case_b = referred_to_b(personas, case_a)
    erase_at(personas, personas.org_b, case_b)

    result = erase_at(personas, personas.org_a, case_a)

    assert result.outcome == erasure.Outcome.DELETED
    assert not Client.objects.filter(pk=case_a.client_id).exists()


def test_the_consent_answers_the_other_organization_relies_on_stay(personas):
    case_a = identified_case(personas)
    case_b = referred_to_b(personas, case_a)
    give_consent(
        case_a.client, ConsentPurpose.SERVICES, recorded_by=member(personas.caseworker_b), recipient=personas.org_b
    )

    erase_at(personas, personas.org_a, case_a)

    assert access.visible_categories(member(personas.caseworker_b), Case.objects.get(pk=case_b.pk)) == {"identity"}


def test_apps_above_hear_of_a_case_erasure_inside_the_transaction(personas):
    case_a = identified_case(personas)
    referred_to_b(personas, case_a)
    heard = []

    def receiver(sender, case, organization_id, **kwargs):
        heard.append((case.pk, organization_id, Case.objects.filter(pk=case.pk).exists()))

    erasure.case_erasing.connect(receiver)
    try:
        erase_at(personas, personas.org_a, case_a)
    finally:
        erasure.case_erasing.disconnect(receiver)

    assert heard == [(case_a.pk, personas.org_a.pk, True)]  # before the case is gone


def test_a_failing_receiver_rolls_the_whole_erasure_back(personas):
    case_a = identified_case(personas)

    def receiver(sender, client, keep_stub, **kwargs):
        assert keep_stub is True
        raise RuntimeError("cannot erase my rows")

    erasure.client_erasing.connect(receiver)
    try:
        with pytest.raises(RuntimeError):
            erase_at(personas, personas.org_a, case_a)
    finally:
        erasure.client_erasing.disconnect(receiver)

    assert not DataKey.objects.get(pk=case_a.client.data_key_id).is_destroyed
    assert Case.objects.filter(pk=case_a.pk).exists()


def test_the_organizations_unfinished_intakes_of_the_client_go_with_its_case(personas):
    from caseway.clients.models import IntakeDraft

    case_a = identified_case(personas)
    referred_to_b(personas, case_a)
    key = case_a.client.data_key
    IntakeDraft.objects.create(organization=personas.org_a, started_by=personas.caseworker_a, data_key=key)
    IntakeDraft.objects.create(
        organization=personas.org_a, started_by=personas.caseworker_a, data_key=key, client=case_a.client
    )
    theirs = IntakeDraft.objects.create(organization=personas.org_b, started_by=personas.caseworker_b, data_key=key)

    erase_at(personas, personas.org_a, case_a)

    assert list(IntakeDraft.objects.all()) == [theirs]
