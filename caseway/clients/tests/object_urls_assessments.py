"""Object-scoped URLs of assessments, safety plans and incidents.

See caseway/tests/object_urls.py: ``other`` has the same role as ``owner`` in another organization,
so the refusal can only come from the object's scope (404).
"""

from caseway.clients.tests.assessments_helpers import a_plan, an_assessment, an_incident, case_at_a


def _object_case(*args, **kwargs):
    from caseway.tests.object_urls import ObjectCase  # here: that module imports this one

    return ObjectCase(*args, **kwargs)


def _case(personas):
    return _object_case(personas.caseworker_a, personas.caseworker_b, {"pk": case_at_a(personas).pk})


def _new_assessment(personas):
    return _object_case(personas.caseworker_a, personas.caseworker_b, {"pk": case_at_a(personas).pk, "code": "phq9"})


def _assessment(personas):
    assessment = an_assessment(personas.caseworker_a, case_at_a(personas))
    return _object_case(
        personas.caseworker_a,
        personas.caseworker_b,
        {"pk": assessment.case_id, "assessment_pk": assessment.pk},
    )


def _compare(personas):
    case = case_at_a(personas)
    an_assessment(personas.caseworker_a, case)
    an_assessment(personas.caseworker_a, case, stage="follow_up", q1=3)
    return _object_case(personas.caseworker_a, personas.caseworker_b, {"pk": case.pk, "code": "phq9"})


def _safety_plan(personas):
    case = case_at_a(personas)
    a_plan(personas.caseworker_a, case)
    return _object_case(personas.caseworker_a, personas.caseworker_b, {"pk": case.pk})


def _incident(personas):
    incident = an_incident(personas.caseworker_a, case_at_a(personas))
    return _object_case(
        personas.caseworker_a, personas.caseworker_b, {"pk": incident.case_id, "incident_pk": incident.pk}
    )


OBJECT_URLS = {
    "clients:assessment_list": _case,
    "clients:assessment_new": _new_assessment,
    "clients:assessment_detail": _assessment,
    "clients:assessment_compare": _compare,
    "clients:safety_plan": _safety_plan,
    "clients:safety_plan_edit": _safety_plan,
    "clients:incident_list": _case,
    "clients:incident_new": _case,
    "clients:incident_detail": _incident,
}
