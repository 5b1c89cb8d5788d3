"""Object-scoped URLs of matching (see caseway/tests/object_urls.py).

``other`` is the caseworker of organization B, the same role as the owner: a refusal can only come
from the case's scope (404).
"""

from caseway.clients.models import Need
from caseway.clients.tests.factories import a_case


def _object_case(*args, **kwargs):
    from caseway.tests.object_urls import ObjectCase  # here: that module imports this one

    return ObjectCase(*args, **kwargs)


def _case(personas):
    case = a_case(personas.caseworker_a.memberships.get())
    Need.objects.create(case=case, domain=Need.Domain.LEGAL, priority=Need.Priority.HIGH)
    return _object_case(personas.caseworker_a, personas.caseworker_b, {"case_pk": case.pk})


OBJECT_URLS = {
    "matching:match": _case,
}
