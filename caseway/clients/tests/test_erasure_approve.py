"""erasure_approve: another admin approves; the client is crypto-shredded, leaving a stub or nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from caseway.accounts.tests.helpers import audit_events
from caseway.clients import consent, erasure
from caseway.clients.models import (
    Assessment,
    BreakGlassAccess,
    Case,
    CaseAlert,
    CaseStatus,
    Client,
    ClientIndex,
    Consent,
    ConsentPurpose,
    ErasureRequest,
    Incident,
    IntakeDraft,
    LinkRequest,
    Need,
    SafetyPlan,
)
from caseway.clients.tests.erasure_helpers import (
    ADDRESS,
    BIRTH_DATE,
    FAMILY,
    GIVEN,
    PHONE,
    identified_case,
    member,
    raw_column,
    raw_database_text,
    second_admin,
)
from caseway.lib.crypto import KeyDestroyed
from caseway.vault.fields import Sealed
from caseway.vault.models import DataKey

pytestmark = pytest.mark.django_db

IDENTIFYING = [GIVEN, FAMILY, PHONE, "770 918", BIRTH_DATE, ADDRESS, "Umm Ali", "pomegranate", "after six"]


def requested(personas, case):
    requester = second_admin(personas.org_a)
    return erasure.erasure_request(
        actor=requester, membership=member(requester), case=case, reason_code="client_asked", reason="Client asked."
    )


def approve(personas, request, **kwargs):
    return erasure.erasure_approve(
        actor=personas.admin_a, membership=member(personas.admin_a), erasure=request, **kwargs
    )


def test_it_destroys_the_key_so_every_copy_of_the_identity_becomes_unreadable(personas):
    case = identified_case(personas)
    client = Client.objects.get(pk=case.client_id)
    # A backup's copy of the row: the ciphertext as the database held it before the erasure.
    backup = raw_column("clients_client", "given_name", client.pk)
    assert backup and GIVEN not in backup

    approve(personas, requested(personas, case))

    data_key = DataKey.objects.get(pk=client.data_key_id)
    assert data_key.is_destroyed and data_key.wrapped_key == ""
    with pytest.raises(KeyDestroyed):
        data_key.unwrap()
    restored = Client.objects.get(pk=client.pk)
    restored.__dict__["given_name_sealed"] = Sealed(backup)  # the backup put back
    with pytest.raises(KeyDestroyed):
        restored.given_name  # noqa: B018


def test_it_leaves_no_identifying_value_anywhere_in_the_database(personas):
    case = identified_case(personas)
    code = case.client.code
    digests = list(ClientIndex.objects.filter(client_id=case.client_id).values_list("digest", flat=True))
    assert digests

    approve(personas, requested(personas, case))

    raw = raw_database_text()
    for value in [*IDENTIFYING, code, *digests]:
        assert value not in raw, value


def test_it_keeps_a_non_identifying_stub_when_the_client_consented_to_statistics(personas):
    case = identified_case(personas, sensitive=True)
    before = Client.objects.get(pk=case.client_id)
    now = timezone.now()

    result = approve(personas, requested(personas, case), now=now)

    assert result.outcome == erasure.Outcome.STUB and result.is_complete
    stub = Client.objects.get(pk=case.client_id)
    assert stub.erased_at == now
    kept = ("sex", "age_band", "admin_area_id", "displacement_status", "has_disability", "disability_domains")
    assert [getattr(stub, name) for name in kept] == [getattr(before, name) for name in kept]
    assert (stub.languages, stub.children_count, stub.children_ages, stub.cares_for_children) == ([], None, [], False)
    for name in erasure.ENCRYPTED_CLIENT_FIELDS:
        assert stub.__dict__[f"{name}_sealed"] is None, name
    assert stub.code != before.code and stub.code.startswith(erasure.STUB_CODE_PREFIX)
    assert not Client.objects.filter(code=before.code).exists()
    # Counted still: the statistics answer stays, the others go.
    assert consent.allows(stub, ConsentPurpose.STATISTICS)
    assert set(Consent.objects.filter(client=stub).values_list("purpose", flat=True)) == {ConsentPurpose.STATISTICS}
    stub_case = Case.objects.get(pk=case.pk)
    assert stub_case.status == CaseStatus.CLOSED and stub_case.closed_at == now
    assert (stub_case.caseworker, stub_case.supervisor, stub_case.risk_level) == (None, None, "")


def test_it_keeps_the_closing_date_of_a_case_already_closed(personas):
    case = identified_case(personas)
    closed_at = timezone.now() - datetime.timedelta(days=40)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_at=closed_at)

    approve(personas, requested(personas, case))

    assert Case.objects.get(pk=case.pk).closed_at == closed_at


def test_it_deletes_everything_bound_to_the_key_and_the_free_text_around_it(personas):
    case = identified_case(personas)
    client = case.client
    IntakeDraft.objects.create(
        organization=personas.org_a, started_by=personas.caseworker_a, data_key=client.data_key, answers={"x": 1}
    )
    BreakGlassAccess.objects.create(
        case=case, user=personas.caseworker_a, reason="she called", expires_at=timezone.now()
    )
    CaseAlert.objects.create(case=case, kind=CaseAlert.Kind.SUICIDE_RISK, audience=CaseAlert.Audience.SUPERVISOR)
    LinkRequest.objects.create(requesting_case=case, candidate=client)
    assert Assessment.objects.filter(client=client).exists()

    approve(personas, requested(personas, case))

    for model, lookup in (
        (IntakeDraft, {"data_key": client.data_key}),
        (Assessment, {"data_key": client.data_key}),
        (SafetyPlan, {"data_key": client.data_key}),
        (Incident, {"data_key": client.data_key}),
        (Need, {"case__client": client}),
        (CaseAlert, {"case__client": client}),
        (BreakGlassAccess, {"case__client": client}),
        (LinkRequest, {"candidate": client}),
        (ClientIndex, {"client": client}),
    ):
        assert not model.objects.filter(**lookup).exists(), model


@pytest.mark.parametrize("statistics", [False, None], ids=["refused", "never-asked"])
def test_it_deletes_the_client_when_there_is_no_consent_to_statistics(personas, statistics):
    case = identified_case(personas, statistics=statistics)
    client_id, key_id = case.client_id, case.client.data_key_id
    request = requested(personas, case)

    result = approve(personas, request)

    assert result.outcome == erasure.Outcome.DELETED
    assert not Client.objects.filter(pk=client_id).exists()
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not Consent.objects.filter(client_id=client_id).exists()
    assert DataKey.objects.get(pk=key_id).is_destroyed
    request.refresh_from_db()
    assert (request.status, request.client_id) == (ErasureRequest.Status.APPROVED, None)
    assert request.decided_by == personas.admin_a


def test_it_treats_a_revoked_statistics_consent_as_none(personas):
    case = identified_case(personas)
    Consent.objects.filter(client=case.client, purpose=ConsentPurpose.STATISTICS).update(revoked_at=timezone.now())

    assert approve(personas, requested(personas, case)).outcome == erasure.Outcome.DELETED


def test_it_audits_the_erasure_and_the_key_with_coded_reasons_only(personas):
    case = identified_case(personas)
    request = requested(personas, case)

    approve(personas, request)

    erased = audit_events("clients.client_erased").get()
    assert (erased.target_id, erased.fields, erased.reason) == (
        str(case.client_id),
        ["stub"],
        f"erasure request {request.pk}",
    )
    assert audit_events("vault.data_key_destroyed").get().reason == f"erasure request {request.pk}"
    approved = audit_events("clients.erasure_approved").get()
    assert (approved.target_id, approved.actor_id) == (str(request.pk), personas.admin_a.pk)
    assert not audit_events("clients.client_erased", reason__contains="Client asked").exists()


def test_it_refuses_the_requester_two_people_always(personas):
    case = identified_case(personas)
    request = erasure.erasure_request(
        actor=personas.admin_a,
        membership=member(personas.admin_a),
        case=case,
        reason_code="client_asked",
        reason="mine",
    )

    with pytest.raises(ValidationError):
        approve(personas, request)
    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.PENDING
    assert not DataKey.objects.get(pk=case.client.data_key_id).is_destroyed


def test_it_refuses_a_decided_request(personas):
    case = identified_case(personas)
    request = requested(personas, case)
    erasure.erasure_reject(actor=personas.admin_a, membership=member(personas.admin_a), erasure=request, note="no")

    with pytest.raises(ValidationError):
        approve(personas, request)
    assert not DataKey.objects.get(pk=case.client.data_key_id).is_destroyed


def test_it_refuses_other_roles_and_other_organizations(personas):
    request = requested(personas, identified_case(personas))

    with pytest.raises(PermissionDenied):
        erasure.erasure_approve(actor=personas.supervisor_a, membership=member(personas.supervisor_a), erasure=request)
    with pytest.raises(Http404):
        erasure.erasure_approve(actor=personas.admin_b, membership=member(personas.admin_b), erasure=request)
    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.PENDING


def test_it_settles_a_request_whose_client_was_already_erased(personas):
    case = identified_case(personas, statistics=False)
    request = requested(personas, case)
    erasure.client_erase(actor=None, organization_id=personas.org_a.pk, client_id=case.client_id, reason="test")
    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.APPROVED  # the erasure settled it

    with pytest.raises(ValidationError):
        approve(personas, request)


def test_it_is_idempotent_through_the_shared_path(personas):
    case = identified_case(personas)
    first = erasure.client_erase(actor=None, organization_id=personas.org_a.pk, client_id=case.client_id, reason="r")
    again = erasure.client_erase(actor=None, organization_id=personas.org_a.pk, client_id=case.client_id, reason="r")

    assert (first.outcome, again.outcome) == (erasure.Outcome.STUB, erasure.Outcome.NOTHING)
    assert audit_events("clients.client_erased").count() == 1
    assert audit_events("vault.data_key_destroyed").count() == 1


def test_it_hides_the_stub_from_every_access_helper(personas):
    from caseway.clients import access

    case = identified_case(personas)
    approve(personas, requested(personas, case))

    caseworker = member(personas.caseworker_a)
    assert not access.visible_cases(caseworker).exists()
    assert not access.visible_clients(caseworker).exists()
    assert not erasure.erasable_cases(member(personas.admin_a)).exists()
