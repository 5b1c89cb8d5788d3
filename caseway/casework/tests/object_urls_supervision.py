"""Object-scoped URLs of plan approval, closure and reassignment (see caseway/tests/object_urls.py).

Everything hangs from a case of org A; the owner is supervisor_a (these are supervisors' pages)
and ``other`` is supervisor_b, of another organization with the same role, so a refusal can only
come from the case's scope (404).
"""

from caseway.casework.tests.case_helpers import our_case
from caseway.casework.tests.supervision_helpers import CONFIRMED, closure_requested, submitted_plan


def _object_case(*args, **kwargs):
    from caseway.tests.object_urls import ObjectCase  # here: that module imports this one

    return ObjectCase(*args, **kwargs)


def _case(personas, *, key="case_pk", prepare=None, method="get", data=None):
    case = our_case(personas)
    if prepare is not None:
        prepare(personas, case)
    return _object_case(personas.supervisor_a, personas.supervisor_b, {key: case.pk}, method=method, data=data or {})


def _closed(personas, case):
    from caseway.casework.models import ClosureRequest

    closure_requested(personas, case)
    ClosureRequest.objects.filter(case=case).update(status=ClosureRequest.Status.APPROVED)
    type(case).objects.filter(pk=case.pk).update(status="closed")


COMMENT = {"comment": "Please check the referrals first."}


def _caseworker(personas):
    our_case(personas)
    return _object_case(personas.supervisor_a, personas.supervisor_b, {"user_pk": personas.caseworker_a.pk})


OBJECT_URLS = {
    "casework:caseload_worker": _caseworker,
    "casework:plan_decide": lambda personas: _case(personas, prepare=submitted_plan),
    "casework:case_reassign": _case,
    "casework:closure_request": _case,
    "casework:closure_decide": lambda personas: _case(personas, prepare=closure_requested),
    "casework:case_reopen": lambda personas: _case(personas, prepare=_closed, method="post"),
    "api:casework_plan_approve": lambda personas: _case(personas, key="pk", prepare=submitted_plan, method="post"),
    "api:casework_plan_return": lambda personas: _case(
        personas, key="pk", prepare=submitted_plan, method="post", data=COMMENT
    ),
    "api:casework_closure_request": lambda personas: _case(
        personas, key="pk", method="post", data={"reason": "goals_met", "confirmed": list(CONFIRMED)}
    ),
    "api:casework_closure_approve": lambda personas: _case(
        personas, key="pk", prepare=closure_requested, method="post"
    ),
    "api:casework_closure_return": lambda personas: _case(
        personas, key="pk", prepare=closure_requested, method="post", data=COMMENT
    ),
    "api:casework_case_reopen": lambda personas: _case(personas, key="pk", prepare=_closed, method="post"),
}
