"""Object-scoped URLs of erasure, retention and subject access (see caseway/tests/object_urls.py)."""

from caseway.accounts.models import User
from caseway.clients.erasure import erasure_request
from caseway.clients.models import ConsentPurpose
from caseway.clients.tests.factories import a_case, give_consent
from caseway.orgs.permissions import Role
from caseway.tests.personas import make_member


def _object_case(*args, **kwargs):
    from caseway.tests.object_urls import ObjectCase  # here: that module imports this one

    return ObjectCase(*args, **kwargs)


def _member(user):
    return user.memberships.get()


def second_admin(organization):
    """Another agency admin of ``organization`` (made once): erasure needs two people."""
    email = f"second.admin.{organization.pk}@example.org"
    return User.objects.filter(email=email).first() or make_member(organization, Role.AGENCY_ADMIN, email)


def pending_request(personas, *, requester=None):
    """A pending erasure request at org A, made by a second admin so that ``admin_a`` may decide."""
    case = a_case(_member(personas.caseworker_a))
    requester = requester or second_admin(personas.org_a)
    return erasure_request(
        actor=requester,
        membership=_member(requester),
        case=case,
        reason_code="client_asked",
        reason="Asked by the client.",
    )


def _erasure_detail(personas):
    return _object_case(personas.admin_a, personas.admin_b, {"pk": pending_request(personas).pk})


def _erasure_post(personas):
    return _object_case(
        personas.admin_a, personas.admin_b, {"pk": pending_request(personas).pk}, method="post", data={"note": "No."}
    )


def _export(personas):
    case = a_case(_member(personas.caseworker_a), given_name="Amal")
    return _object_case(personas.caseworker_a, personas.caseworker_b, {"pk": case.client_id})


def _api_client(personas):
    case = a_case(_member(personas.caseworker_a))
    return _object_case(personas.caseworker_a, personas.caseworker_b, {"pk": case.client_id})


def _api_consent_revoke(personas):
    case = a_case(_member(personas.caseworker_a))
    answer = give_consent(case.client, ConsentPurpose.STATISTICS, recorded_by=_member(personas.caseworker_a))
    return _object_case(
        personas.caseworker_a,
        personas.caseworker_b,
        {"pk": case.client_id, "consent_pk": answer.pk},
        method="post",
    )


OBJECT_URLS = {
    "api:client_detail": _api_client,
    "api:client_consents": _api_client,
    "api:client_assessments": _api_client,
    "api:client_consent_revoke": _api_consent_revoke,
    "clients:erasure_detail": _erasure_detail,
    "clients:erasure_approve": _erasure_post,
    "clients:erasure_reject": _erasure_post,
    "clients:subject_access_page": _export,
    "clients:subject_access_json": _export,
}
