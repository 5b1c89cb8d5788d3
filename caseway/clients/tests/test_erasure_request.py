"""erasure_request: an agency admin asks, by case, with a reason; nothing is erased yet."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from caseway.accounts.tests.helpers import audit_events
from caseway.clients import erasure
from caseway.clients.models import Client, ErasureRequest
from caseway.clients.tests.erasure_helpers import NAME, identified_case, member

pytestmark = pytest.mark.django_db


def test_it_records_a_pending_request_and_audits_it_without_the_reason(personas):
    case = identified_case(personas)

    request = erasure.erasure_request(
        actor=personas.admin_a,
        membership=member(personas.admin_a),
        case=case,
        reason_code=erasure.ErasureReason.CLIENT_ASKED,
        reason="The client asked.",
    )

    assert request.status == ErasureRequest.Status.PENDING
    assert (request.client_id, request.organization_id, request.requested_by) == (
        case.client_id,
        personas.org_a.pk,
        personas.admin_a,
    )
    event = audit_events("clients.erasure_requested").get()
    # The coded reason is kept in the audit event; the free text never goes there.
    assert (event.target_id, event.fields, event.reason) == (str(request.pk), ["reason_code", "reason"], "client_asked")
    assert erasure.coded_reasons([request]) == {request.pk: erasure.ErasureReason.CLIENT_ASKED}
    assert Client.objects.get(pk=case.client_id).given_name == NAME.split()[0]  # nothing erased yet


def test_it_finds_a_case_by_code_as_typed_aloud(personas):
    case = identified_case(personas)
    typed = case.client.code.lower().replace("-", " ")

    assert erasure.erasable_case_by_code(member(personas.admin_a), typed) == case


@pytest.mark.parametrize("who", ["admin_b", "caseworker_a", "supervisor_a"])
def test_it_finds_no_case_for_another_organization_or_a_role_that_cannot_erase(personas, who):
    case = identified_case(personas)

    with pytest.raises(Http404):
        erasure.erasable_case_by_code(member(getattr(personas, who)), case.client.code)


def test_it_finds_nothing_for_a_mistyped_code(personas):
    with pytest.raises(Http404):
        erasure.erasable_case_by_code(member(personas.admin_a), "not a code")


def test_it_refuses_roles_without_the_erase_action(personas):
    case = identified_case(personas)

    with pytest.raises(PermissionDenied):
        erasure.erasure_request(
            actor=personas.supervisor_a,
            membership=member(personas.supervisor_a),
            case=case,
            reason_code="client_asked",
            reason="x",
        )


def test_it_refuses_a_case_of_another_organization(personas):
    case = identified_case(personas)

    with pytest.raises(PermissionDenied):
        erasure.erasure_request(
            actor=personas.admin_b, membership=member(personas.admin_b), case=case, reason_code="other", reason="x"
        )
    assert not ErasureRequest.objects.exists()


@pytest.mark.parametrize(
    ("reason_code", "reason", "field"),
    [
        ("", "The client asked.", "reason_code"),
        ("because", "The client asked.", "reason_code"),
        ("other", "", "reason"),
        ("other", "   ", "reason"),
        ("client_asked", "x" * (erasure.REASON_MAX_LENGTH + 1), "reason"),
    ],
)
def test_it_requires_a_coded_reason_and_words_for_another_reason(personas, reason_code, reason, field):
    case = identified_case(personas)

    with pytest.raises(ValidationError) as raised:
        erasure.erasure_request(
            actor=personas.admin_a,
            membership=member(personas.admin_a),
            case=case,
            reason_code=reason_code,
            reason=reason,
        )
    assert list(raised.value.error_dict) == [field]
    assert not ErasureRequest.objects.exists()


def test_a_coded_reason_needs_no_words(personas):
    case = identified_case(personas)

    request = erasure.erasure_request(
        actor=personas.admin_a, membership=member(personas.admin_a), case=case, reason_code="recorded_in_error"
    )

    assert request.reason == ""
    assert audit_events("clients.erasure_requested").get().fields == ["reason_code"]


def test_it_refuses_a_second_pending_request_for_the_same_client(personas):
    case = identified_case(personas)
    admin = member(personas.admin_a)
    erasure.erasure_request(actor=personas.admin_a, membership=admin, case=case, reason_code="safety")

    with pytest.raises(ValidationError):
        erasure.erasure_request(actor=personas.admin_a, membership=admin, case=case, reason_code="client_asked")
    assert ErasureRequest.objects.count() == 1
