"""Object-scoped URLs of pathways (see caseway/tests/object_urls.py).

A pathway run belongs to a case of org A; ``other`` is the outsider's caseworker, the same role in
an organization that is not a party, so a refusal can only come from the case's scope (404).
"""

from caseway.referrals.models import Pathway, Urgency
from caseway.referrals.tests.pathway_helpers import START, a_pathway, b_services, ready_case, start


def _object_case(*args, **kwargs):
    from caseway.tests.object_urls import ObjectCase  # here: that module imports this one

    return ObjectCase(*args, **kwargs)


def _pathway(personas):
    """One pathway for every factory (the page-weight test builds them all in one database)."""
    existing = Pathway.objects.filter(code="matrix").first()
    if existing is not None:
        return existing
    b_services(personas)
    return a_pathway(
        personas,
        code="matrix",
        steps=(("health.cmr", Urgency.HIGH, 24, START), ("childcare.vouchers", Urgency.NORMAL, 48, START)),
    )


def _case(personas, extra):
    pathway = _pathway(personas)
    case = ready_case(personas)
    return _object_case(personas.caseworker_a, personas.outsider, {"case_pk": case.pk, **extra(pathway)})


def _run(personas, **kwargs):
    pathway = _pathway(personas)
    run = start(personas, pathway, ready_case(personas))
    values = kwargs.pop("kwargs", {})
    return _object_case(personas.caseworker_a, personas.outsider, {"pk": run.pk, **values}, **kwargs)


OBJECT_URLS = {
    "referrals:case_pathways": lambda personas: _case(personas, lambda pathway: {}),
    "referrals:pathway_start": lambda personas: _case(personas, lambda pathway: {"code": pathway.code}),
    "referrals:pathway_step_refer": lambda personas: _run(personas, kwargs={"order": 2}),
    "referrals:pathway_run_end": lambda personas: _run(personas, method="post"),
}

OBJECT_URLS.update(
    {
        "api:case_pathways": lambda personas: _object_case(
            personas.caseworker_a, personas.outsider, {"pk": ready_case(personas).pk}
        ),
        "api:pathway_run_detail": lambda personas: _run(personas),
    }
)
