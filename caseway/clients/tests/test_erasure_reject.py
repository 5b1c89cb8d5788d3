"""erasure_reject: another admin rejects with a note; nothing is erased."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from caseway.accounts.tests.helpers import audit_events
from caseway.clients import erasure
from caseway.clients.models import ErasureRequest
from caseway.clients.tests.erasure_helpers import identified_case, member, second_admin
from caseway.vault.models import DataKey

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_a(personas):
    requester = second_admin(personas.org_a)
    case = identified_case(personas)
    return erasure.erasure_request(
        actor=requester, membership=member(requester), case=case, reason_code="client_asked", reason="asked"
    )


def reject(personas, request, note="The client changed her mind.", who="admin_a"):
    user = getattr(personas, who)
    return erasure.erasure_reject(actor=user, membership=member(user), erasure=request, note=note)


def test_it_rejects_with_a_note_and_audits_without_it(personas, request_a):
    reject(personas, request_a)

    request_a.refresh_from_db()
    assert request_a.status == ErasureRequest.Status.REJECTED
    assert (request_a.decided_by, request_a.decision_note) == (personas.admin_a, "The client changed her mind.")
    assert not DataKey.objects.get(pk=request_a.client.data_key_id).is_destroyed
    event = audit_events("clients.erasure_rejected").get()
    assert (event.fields, event.reason) == (["decision_note"], "")


@pytest.mark.parametrize("note", ["", "  ", "x" * (erasure.NOTE_MAX_LENGTH + 1)])
def test_it_requires_a_short_note(personas, request_a, note):
    with pytest.raises(ValidationError):
        reject(personas, request_a, note)
    request_a.refresh_from_db()
    assert request_a.status == ErasureRequest.Status.PENDING


def test_it_refuses_the_requester(personas):
    case = identified_case(personas)
    request = erasure.erasure_request(
        actor=personas.admin_a, membership=member(personas.admin_a), case=case, reason_code="client_asked", reason="r"
    )

    with pytest.raises(ValidationError):
        reject(personas, request)


def test_it_refuses_a_decided_request(personas, request_a):
    reject(personas, request_a)

    with pytest.raises(ValidationError):
        reject(personas, request_a, "again")


def test_it_refuses_other_roles_and_other_organizations(personas, request_a):
    with pytest.raises(PermissionDenied):
        reject(personas, request_a, who="supervisor_a")
    with pytest.raises(Http404):
        reject(personas, request_a, who="admin_b")
