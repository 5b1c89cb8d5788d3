"""Object-scoped URLs of the case work page, plans and notes (see caseway/tests/object_urls.py).

Everything hangs from a case of org A (caseworker_a's); ``other`` is the outsider, a caseworker
of another organization, so a refusal can only come from the case's scope (404).
"""

from caseway.casework.tests.case_helpers import a_goal, a_note, a_task, our_case


def _object_case(*args, **kwargs):
    from caseway.tests.object_urls import ObjectCase  # here: that module imports this one

    return ObjectCase(*args, **kwargs)


def _case(personas, method="get"):
    case = our_case(personas)
    return _object_case(personas.caseworker_a, personas.outsider, {"case_pk": case.pk}, method=method)


def _goal(personas):
    case = our_case(personas)
    goal = a_goal(personas, case)
    return _object_case(personas.caseworker_a, personas.outsider, {"case_pk": case.pk, "goal_pk": goal.pk})


def _task(personas, method="get"):
    case = our_case(personas)
    task = a_task(personas, case)
    kwargs = {"case_pk": case.pk, "task_pk": task.pk}
    return _object_case(personas.caseworker_a, personas.outsider, kwargs, method=method)


def _note(personas):
    case = our_case(personas)
    note = a_note(personas, case)
    return _object_case(personas.caseworker_a, personas.outsider, {"case_pk": case.pk, "note_pk": note.pk})


OBJECT_URLS = {
    "casework:case": _case,
    "casework:plan": _case,
    "casework:plan_edit": _case,
    "casework:plan_submit": lambda personas: _case(personas, method="post"),
    "casework:goal_add": _case,
    "casework:goal_edit": _goal,
    "casework:goal_progress_add": _goal,
    "casework:task_add": _case,
    "casework:task_edit": _task,
    "casework:task_done": lambda personas: _task(personas, method="post"),
    "casework:milestone_add": _case,
    "casework:note_list": _case,
    "casework:note_new": _case,
    "casework:note_detail": _note,
    "casework:note_correct": _note,
}


def _api(personas, make=None, key=None, method="get"):
    """An API URL of org A's case (``pk``), with the object ``make(personas, case)`` as ``key``."""
    case = our_case(personas)
    kwargs = {"pk": case.pk}
    if make is not None:
        kwargs[key] = make(personas, case).pk
    return _object_case(personas.caseworker_a, personas.outsider, kwargs, method=method)


def _api_with_plan(personas, method="get"):
    """The case's plan URLs: a case whose plan has a goal (so it may be submitted)."""
    case = our_case(personas)
    a_goal(personas, case)
    return _object_case(personas.caseworker_a, personas.outsider, {"pk": case.pk}, method=method)


OBJECT_URLS.update(
    {
        "api:casework_plan": _api_with_plan,
        "api:casework_plan_submit": lambda personas: _api_with_plan(personas, method="post"),
        "api:casework_goals": _api,
        "api:casework_goal": lambda personas: _api(personas, a_goal, "goal_pk"),
        "api:casework_goal_progress": lambda personas: _api(personas, a_goal, "goal_pk"),
        "api:casework_tasks": _api,
        "api:casework_task": lambda personas: _api(personas, a_task, "task_pk"),
        "api:casework_task_done": lambda personas: _api(personas, a_task, "task_pk", method="post"),
        "api:casework_milestones": _api,
        "api:casework_notes": _api,
        "api:casework_note": lambda personas: _api(personas, a_note, "note_pk"),
    }
)
