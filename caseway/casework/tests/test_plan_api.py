"""The plan over the API: the same services as the pages, 404 for what the caller may not see."""

import pytest
from django.urls import reverse

from caseway.api.tests.helpers import bearer, create_token
from caseway.audit.models import AuditEvent
from caseway.casework.models import CasePlan, Milestone, Task
from caseway.casework.tests.case_helpers import a_goal, a_task, our_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return our_case(personas)


def api(client, user, method, name, data=None, **kwargs):
    _token, secret = create_token(user)
    return getattr(client, method)(
        reverse(f"api:{name}", kwargs=kwargs), data or {}, content_type="application/json", **bearer(secret)
    )


def test_it_builds_a_plan_and_submits_it(client, personas, case):
    cw = personas.caseworker_a

    goal = api(client, cw, "post", "casework_goals", {"domain": "legal", "description": "Get an ID card."}, pk=case.pk)
    assert goal.status_code == 201, goal.json()
    progress = api(
        client,
        cw,
        "post",
        "casework_goal_progress",
        {"text": "Filed the form.", "status": "in_progress"},
        pk=case.pk,
        goal_pk=goal.json()["id"],
    )
    assert progress.status_code == 201
    submitted = api(client, cw, "post", "casework_plan_submit", pk=case.pk)
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    changed = api(client, cw, "patch", "casework_plan", {"follow_up_days": 7}, pk=case.pk)
    assert changed.json()["status"] == "draft"
    assert CasePlan.objects.get(case=case).follow_up_days == 7


def test_it_lists_goals_and_audits_the_read(client, personas, case):
    a_goal(personas, case, description="Learn to read.")

    response = api(client, personas.caseworker_a, "get", "casework_goals", pk=case.pk)

    assert [goal["description"] for goal in response.json()["results"]] == ["Learn to read."]
    assert AuditEvent.objects.get(action="casework.plan_viewed").fields == ["goal.description"]


def test_it_adds_changes_and_closes_tasks(client, personas, case):
    cw = personas.caseworker_a
    created = api(
        client, cw, "post", "casework_tasks", {"title": "Book the clinic.", "assignee": cw.pk}, pk=case.pk
    ).json()

    changed = api(client, cw, "patch", "casework_task", {"due_on": "2031-02-03"}, pk=case.pk, task_pk=created["id"])
    done = api(client, cw, "post", "casework_task_done", pk=case.pk, task_pk=created["id"])

    assert changed.json()["due_on"] == "2031-02-03"
    assert done.json()["done_by"] == cw.pk
    refused = api(
        client, cw, "post", "casework_tasks", {"title": "X", "assignee": personas.caseworker_b.pk}, pk=case.pk
    )
    assert refused.status_code == 400
    assert "assignee" in refused.json()
    assert Task.objects.count() == 1


def test_it_records_milestones_with_the_same_rules(client, personas, case):
    cw = personas.caseworker_a
    refused = api(
        client, cw, "post", "casework_milestones", {"kind": "employed", "reached_on": "2024-01-01"}, pk=case.pk
    )
    assert refused.status_code == 400
    assert "sector" in refused.json()

    ok = api(
        client,
        cw,
        "post",
        "casework_milestones",
        {"kind": "employed", "reached_on": "2024-01-01", "sector": "Q", "formality": "formal"},
        pk=case.pk,
    )
    assert ok.status_code == 201
    assert Milestone.objects.get().sector == "Q"
    listed = api(client, cw, "get", "casework_milestones", pk=case.pk).json()["results"]
    assert [item["kind"] for item in listed] == ["employed"]


def test_it_answers_404_to_other_organizations_and_403_to_roles_without_personal_data(client, personas, case):
    goal, task = a_goal(personas, case), a_task(personas, case)
    for name, kwargs in (
        ("casework_plan", {}),
        ("casework_goals", {}),
        ("casework_goal", {"goal_pk": goal.pk}),
        ("casework_goal_progress", {"goal_pk": goal.pk}),
        ("casework_tasks", {}),
        ("casework_task", {"task_pk": task.pk}),
        ("casework_milestones", {}),
    ):
        for other in (personas.caseworker_b, personas.outsider):
            assert api(client, other, "get", name, pk=case.pk, **kwargs).status_code == 404, name
        assert api(client, personas.monitor_a, "get", name, pk=case.pk, **kwargs).status_code == 403, name


def test_it_answers_404_for_a_goal_of_another_case(client, personas, case):
    other_goal = a_goal(personas, our_case(personas, given_name="Rana"))

    response = api(client, personas.caseworker_a, "get", "casework_goal", pk=case.pk, goal_pk=other_goal.pk)

    assert response.status_code == 404
