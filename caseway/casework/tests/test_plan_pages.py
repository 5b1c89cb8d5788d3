"""The plan pages: plan, goals, progress, tasks and milestones, through forms, without JavaScript."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.casework.models import CasePlan, Goal, Milestone, Task
from caseway.casework.tests.case_helpers import WRONG_ROLES, a_goal, a_task, our_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return our_case(personas)


def url(name, case, **kwargs):
    return reverse(f"casework:{name}", kwargs={"case_pk": case.pk, **kwargs})


def test_it_adds_a_goal_then_submits_the_plan(personas, login_as, case):
    client = login_as(personas.caseworker_a)

    response = client.post(
        url("goal_add", case), {"domain": "housing", "description": "Find a safe room.", "target_date": "2031-05-01"}
    )
    assert response.status_code == 302
    assert client.post(url("plan_submit", case)).status_code == 302

    plan = CasePlan.objects.get(case=case)
    assert plan.status == CasePlan.Status.SUBMITTED
    assert Goal.objects.get(plan=plan).target_date == datetime.date(2031, 5, 1)


def test_it_shows_the_plan_and_audits_the_read_of_its_text(personas, login_as, case):
    goal = a_goal(personas, case, description="Enrol the children in school.")
    a_task(personas, case, title="Collect the birth certificates.", goal=goal)

    html = login_as(personas.caseworker_a).get(url("plan", case)).content.decode()

    assert "Enrol the children in school." in html
    assert "Collect the birth certificates." in html
    event = AuditEvent.objects.get(action="casework.plan_viewed")
    assert event.fields == ["goal.description", "goal_progress.text", "task.title"]


def test_it_reads_the_plan_in_a_fixed_number_of_queries(personas, login_as, case, django_assert_max_num_queries):
    goal = a_goal(personas, case)
    a_task(personas, case, goal=goal)
    client = login_as(personas.caseworker_a)
    client.get(url("plan", case))
    with django_assert_max_num_queries(40) as one:
        client.get(url("plan", case))
    first = len(one.captured_queries)  # read now: the next requests reset the connection's query log
    for _round in range(3):
        goal = a_goal(personas, case)
        a_task(personas, case, goal=goal, assignee=personas.supervisor_a)
        client.post(url("goal_progress_add", case, goal_pk=goal.pk), {"text": "Moving.", "status": "in_progress"})

    with django_assert_max_num_queries(first):
        client.get(url("plan", case))


def test_it_shows_form_errors_with_status_400(personas, login_as, case):
    client = login_as(personas.caseworker_a)

    response = client.post(url("milestone_add", case), {"kind": "employed", "reached_on": "2020-01-01"})

    assert response.status_code == 400
    assert "Choose the sector of the work." in response.content.decode()
    assert not Milestone.objects.exists()


def test_it_records_a_milestone(personas, login_as, case):
    client = login_as(personas.caseworker_a)
    today = timezone.localdate().isoformat()

    response = client.post(
        url("milestone_add", case),
        {"kind": "business_started", "reached_on": today, "sector": "G", "formality": "informal"},
    )

    assert response.status_code == 302
    assert Milestone.objects.get(case=case).sector == "G"


def test_it_changes_a_task_and_marks_it_done(personas, login_as, case):
    task = a_task(personas, case)
    client = login_as(personas.caseworker_a)

    response = client.post(
        url("task_edit", case, task_pk=task.pk),
        {"title": "Call the legal clinic.", "assignee": personas.supervisor_a.pk, "due_on": "2031-01-02", "goal": ""},
    )
    assert response.status_code == 302
    assert client.post(url("task_done", case, task_pk=task.pk)).status_code == 302

    task = Task.objects.select_related("data_key").get(pk=task.pk)
    assert (task.title, task.assignee, task.done_by) == (
        "Call the legal clinic.",
        personas.supervisor_a,
        personas.caseworker_a,
    )


def test_it_offers_only_staff_of_the_organization_as_assignees(personas, login_as, case):
    response = login_as(personas.caseworker_a).get(url("task_add", case))

    choices = {str(user) for user in response.context["form"].fields["assignee"].queryset}
    assert "supervisor.a@example.org" in choices
    assert "caseworker.b@example.org" not in choices
    assert "admin.a@example.org" not in choices


def test_it_changes_a_goal_and_records_progress(personas, login_as, case):
    goal = a_goal(personas, case)
    client = login_as(personas.caseworker_a)

    assert client.get(url("goal_edit", case, goal_pk=goal.pk)).status_code == 200
    response = client.post(
        url("goal_edit", case, goal_pk=goal.pk),
        {
            "domain": "education",
            "description": "Finish the literacy course.",
            "target_date": "",
            "status": "in_progress",
        },
    )
    assert response.status_code == 302
    response = client.post(url("goal_progress_add", case, goal_pk=goal.pk), {"text": "Attends twice a week."})
    assert response.status_code == 302

    goal.refresh_from_db()
    assert (goal.domain, goal.status, goal.progress.count()) == ("education", "in_progress", 1)


def test_it_sets_the_follow_up_schedule(personas, login_as, case):
    client = login_as(personas.caseworker_a)

    assert client.post(url("plan_edit", case), {"follow_up_days": "10"}).status_code == 302
    assert client.post(url("plan_edit", case), {"follow_up_days": "21"}).status_code == 302
    assert client.post(url("plan_edit", case), {"follow_up_days": "0"}).status_code == 400

    assert CasePlan.objects.get(case=case).follow_up_days == 21


def test_it_answers_404_for_a_goal_or_task_of_another_case(personas, login_as, case):
    other = our_case(personas, given_name="Rana")
    goal, task = a_goal(personas, other), a_task(personas, other)
    client = login_as(personas.caseworker_a)

    assert client.get(url("goal_edit", case, goal_pk=goal.pk)).status_code == 404
    assert client.get(url("task_edit", case, task_pk=task.pk)).status_code == 404
    assert client.post(url("task_done", case, task_pk=task.pk)).status_code == 404


@pytest.mark.parametrize(
    "name",
    ["plan", "plan_edit", "goal_add", "task_add", "milestone_add", "goal_edit", "goal_progress_add", "task_edit"],
)
def test_it_refuses_other_organizations_and_roles_without_personal_data(client, personas, login_as, case, name):
    kwargs = {}
    if name.startswith("goal_") and name != "goal_add":
        kwargs["goal_pk"] = a_goal(personas, case).pk
    if name == "task_edit":
        kwargs["task_pk"] = a_task(personas, case).pk
    path = url(name, case, **kwargs)

    client.logout()
    assert client.get(path).status_code == 302
    for other in ("outsider", "caseworker_b", "supervisor_b"):
        assert login_as(getattr(personas, other)).get(path).status_code == 404, other
    for wrong in WRONG_ROLES:
        assert login_as(getattr(personas, wrong)).get(path).status_code == 403, wrong


def test_it_works_in_right_to_left_languages(personas, login_as, case):
    a_goal(personas, case)
    client = login_as(personas.caseworker_a)

    response = client.get(url("plan", case), HTTP_ACCEPT_LANGUAGE="ar")

    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()
