"""Object-scoped URLs of the intake and consent pages (see caseway/tests/object_urls.py)."""

from caseway.clients.models import ConsentPurpose
from caseway.clients.tests.factories import a_case, give_consent
from caseway.clients.tests.intake_helpers import completed_intake, draft_at


def _object_case(*args, **kwargs):
    from caseway.tests.object_urls import ObjectCase  # here: that module imports this one

    return ObjectCase(*args, **kwargs)


def _member(user):
    return user.memberships.get()


def _client_case(personas):
    return a_case(_member(personas.caseworker_a))


def _consent_list(personas):
    case = _client_case(personas)
    return _object_case(personas.caseworker_a, personas.caseworker_b, {"client_pk": case.client_id})


def _consent_revoke(personas):
    case = _client_case(personas)
    answer = give_consent(case.client, ConsentPurpose.STATISTICS, recorded_by=_member(personas.caseworker_a))
    return _object_case(personas.caseworker_a, personas.caseworker_b, {"client_pk": case.client_id, "pk": answer.pk})


def _intake_draft(personas):
    draft = draft_at(personas.caseworker_a)
    return _object_case(personas.caseworker_a, personas.caseworker_b, {"pk": draft.pk})


def _intake_step(personas):
    draft = draft_at(personas.caseworker_a, "registration")
    return _object_case(personas.caseworker_a, personas.caseworker_b, {"pk": draft.pk, "step": "registration"})


def _intake_use_existing(personas):
    existing = _client_case(personas)
    draft = draft_at(personas.caseworker_a, "duplicates")
    return _object_case(
        personas.caseworker_a,
        personas.caseworker_b,
        {"pk": draft.pk},
        method="post",
        data={"case": str(existing.pk)},
    )


def _intake_done(personas):
    draft, _case = completed_intake(personas.caseworker_a)
    return _object_case(personas.caseworker_a, personas.caseworker_b, {"pk": draft.pk})


OBJECT_URLS = {
    "clients:intake_step": _intake_step,
    "clients:intake_end": _intake_draft,
    "clients:intake_use_existing": _intake_use_existing,
    "clients:intake_done": _intake_done,
    "clients:consent_list": _consent_list,
    "clients:consent_new": _consent_list,
    "clients:consent_revoke": _consent_revoke,
}
