"""Object-scoped URLs of client records: case page, break-glass, identity, assignment, alerts, links.

See caseway/tests/object_urls.py: ``other`` has the same role as ``owner`` in another organization,
so the refusal can only come from the object's scope (404).
"""

from caseway.clients.models import Case, CaseAlert, LinkRequest
from caseway.clients.tests.factories import a_case


def _object_case(*args, **kwargs):
    from caseway.tests.object_urls import ObjectCase  # here: that module imports this one

    return ObjectCase(*args, **kwargs)


def _member(user):
    return user.memberships.get()


def _case_at_a(personas, **values):
    values.setdefault("given_name", "Amina")
    values.setdefault("family_name", "Haddad")
    return a_case(_member(personas.caseworker_a), **values)


def _case_detail(personas):
    return _object_case(personas.caseworker_a, personas.caseworker_b, {"pk": _case_at_a(personas).pk})


def _break_glass(personas):
    # A sensitive case assigned to nobody: caseworker_a is not on its team and may break the glass.
    case = _case_at_a(personas, sensitive=True)
    Case.objects.filter(pk=case.pk).update(caseworker=None)
    return _object_case(
        personas.caseworker_a,
        personas.caseworker_b,
        {"pk": case.pk},
        method="post",
        data={"reason": "The client is at the front desk and her caseworker is away today."},
    )


def _supervisor_page(personas):
    return _object_case(personas.supervisor_a, personas.supervisor_b, {"pk": _case_at_a(personas).pk})


def _alert_resolve(personas):
    case = _case_at_a(personas)
    alert = CaseAlert.objects.create(
        case=case, kind=CaseAlert.Kind.IMMINENT_RISK, audience=CaseAlert.Audience.SUPERVISOR
    )
    return _object_case(personas.supervisor_a, personas.supervisor_b, {"pk": alert.pk}, method="post")


def link_request_at_b(personas):
    """A client of org A that org B asks to link; org A's caseworker decides."""
    case = _case_at_a(personas)
    requesting = a_case(_member(personas.caseworker_b), given_name="Amina", family_name="Haddad")
    return LinkRequest.objects.create(
        requesting_case=requesting, candidate=case.client, requested_by=personas.caseworker_b
    ), case


def _link_request_detail(personas):
    link_request, _case = link_request_at_b(personas)
    return _object_case(personas.caseworker_a, personas.caseworker_b, {"pk": link_request.pk})


OBJECT_URLS = {
    "clients:case_detail": _case_detail,
    "clients:break_glass": _break_glass,
    "clients:identity_edit": _case_detail,
    "clients:case_assignment": _supervisor_page,
    "clients:case_sensitivity": _supervisor_page,
    "clients:alert_resolve": _alert_resolve,
    "clients:link_request_detail": _link_request_detail,
}
