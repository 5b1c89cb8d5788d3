"""Object-scoped URLs of appointments and support payments (see caseway/tests/object_urls.py).

Everything hangs from a case of org A; ``other`` is a persona of another organization with the
same role, so a refusal can only come from the case's scope (404).
"""

from caseway.casework.tests.appointment_helpers import a_client_case, a_payment, an_appointment, started


def _object_case(*args, **kwargs):
    from caseway.tests.object_urls import ObjectCase  # here: that module imports this one

    return ObjectCase(*args, **kwargs)


def _case(personas, *, kwarg="case_pk"):
    case = a_client_case(personas)
    return _object_case(personas.caseworker_a, personas.outsider, {kwarg: case.pk})


def _appointment(personas, *, method="get", data=None, begun=False):
    appointment = an_appointment(personas)
    if begun:
        started(appointment)
    return _object_case(
        personas.caseworker_a, personas.outsider, {"pk": appointment.pk}, method=method, data=data or {}
    )


def _approve(personas):
    payment = a_payment(personas)
    return _object_case(personas.supervisor_a, personas.supervisor_b, {"pk": payment.pk}, method="post")


OBJECT_URLS = {
    "casework:appointments": _case,
    "casework:appointment_book": _case,
    "casework:appointment_reschedule": _appointment,
    "casework:appointment_cancel": _appointment,
    "casework:appointment_attended": lambda personas: _appointment(personas, method="post", begun=True),
    "casework:appointment_no_show": lambda personas: _appointment(personas, method="post", begun=True),
    "casework:payments": _case,
    "casework:payment_record": _case,
    "casework:payment_approve": _approve,
    "api:case_appointments": lambda personas: _case(personas, kwarg="pk"),
    "api:appointment_reschedule": lambda personas: _appointment(
        personas, method="post", data={"starts_at": "2030-01-02T10:00:00Z", "ends_at": "2030-01-02T11:00:00Z"}
    ),
    "api:appointment_cancel": lambda personas: _appointment(personas, method="post", data={"reason": "client_request"}),
    "api:appointment_attended": lambda personas: _appointment(personas, method="post", begun=True),
    "api:appointment_no_show": lambda personas: _appointment(personas, method="post", begun=True),
    "api:case_payments": lambda personas: _case(personas, kwarg="pk"),
}
