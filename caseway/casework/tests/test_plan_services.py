"""The plan services: plan, goals, progress, tasks and milestones, with their rules and audit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone, translation

from caseway.audit.models import AuditEvent
from caseway.casework import plan_services
from caseway.casework.models import CasePlan, Goal, GoalProgress, Milestone, Task
from caseway.casework.tests.case_helpers import a_goal, a_task, member, our_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return our_case(personas)


def call(service, personas, case, user=None, **values):
    user = user or personas.caseworker_a
    return service(actor=user, membership=member(user), case=case, **values)


def test_it_creates_one_plan_per_case_and_audits_field_names(personas, case):
    plan = call(plan_services.plan_create, personas, case, follow_up_days=7)

    assert plan.follow_up_days == 7
    assert plan.data_key_id == case.client.data_key_id
    event = AuditEvent.objects.filter(action="casework.plan_created").get()
    assert event.fields == ["follow_up_days"]
    with pytest.raises(ValidationError):
        call(plan_services.plan_create, personas, case)


def test_the_case_keeps_its_plans_follow_up_interval(personas, case):
    from caseway.clients.models import Case

    assert Case.objects.get(pk=case.pk).follow_up_days is None
    call(plan_services.plan_create, personas, case, follow_up_days=7)
    assert Case.objects.get(pk=case.pk).follow_up_days == 7
    call(plan_services.plan_update, personas, case, follow_up_days=21)
    assert Case.objects.get(pk=case.pk).follow_up_days == 21

    other = our_case(personas, given_name="Dalia")
    a_goal(personas, other)  # the first goal starts the plan with the default interval
    assert Case.objects.get(pk=other.pk).follow_up_days == CasePlan.objects.get(case=other).follow_up_days == 14


def test_it_refuses_a_follow_up_out_of_range(personas, case):
    for days in (0, 366, "7"):
        with pytest.raises(ValidationError):
            call(plan_services.plan_create, personas, case, follow_up_days=days)


def test_it_starts_the_plan_with_the_first_goal_and_encrypts_the_description(personas, case):
    goal = a_goal(personas, case, description="Open a small bakery.")

    assert CasePlan.objects.get(case=case).status == CasePlan.Status.DRAFT
    stored = Goal.objects.filter(pk=goal.pk).values_list("description_sealed", flat=True).get()
    assert "bakery" not in str(stored)
    assert Goal.objects.get(pk=goal.pk).description == "Open a small bakery."


def approved(personas, case):
    a_goal(personas, case)
    call(plan_services.plan_submit, personas, case)
    CasePlan.objects.filter(case=case).update(
        status=CasePlan.Status.APPROVED, decided_by=personas.supervisor_a, decided_at=timezone.now()
    )


def test_it_sends_an_approved_plan_back_to_draft_when_a_goal_is_added_or_changed(personas, case):
    approved(personas, case)
    a_goal(personas, case, description="Secure a rental room.")
    assert CasePlan.objects.get(case=case).status == CasePlan.Status.DRAFT

    approved(personas, case)
    goal = Goal.objects.filter(plan__case=case).first()
    call(plan_services.goal_update, personas, case, goal=goal, target_date=datetime.date(2031, 1, 1))
    assert CasePlan.objects.get(case=case).status == CasePlan.Status.DRAFT

    approved(personas, case)
    call(plan_services.plan_update, personas, case, follow_up_days=30)
    assert CasePlan.objects.get(case=case).status == CasePlan.Status.DRAFT


def test_it_keeps_the_approval_when_only_progress_or_status_changes(personas, case):
    approved(personas, case)
    goal = Goal.objects.filter(plan__case=case).first()

    call(plan_services.goal_progress_add, personas, case, goal=goal, text="First interview done.", status="in_progress")
    call(plan_services.goal_update, personas, case, goal=goal, status="achieved")

    assert CasePlan.objects.get(case=case).status == CasePlan.Status.APPROVED
    goal.refresh_from_db()
    assert goal.status == "achieved"
    assert GoalProgress.objects.get(goal=goal).status_after == "in_progress"


def test_it_submits_a_plan_with_a_goal_only_once(personas, case):
    call(plan_services.plan_create, personas, case)
    with pytest.raises(ValidationError):
        call(plan_services.plan_submit, personas, case)
    a_goal(personas, case)

    plan = call(plan_services.plan_submit, personas, case)

    assert plan.status == CasePlan.Status.SUBMITTED
    assert plan.submitted_by == personas.caseworker_a
    with pytest.raises(ValidationError):
        call(plan_services.plan_submit, personas, case)


def test_it_refuses_a_goal_of_another_case(personas, case):
    other = our_case(personas, given_name="Rana")
    goal = a_goal(personas, other)
    a_goal(personas, case)

    with pytest.raises(ValidationError):
        call(plan_services.goal_update, personas, case, goal=goal, status="achieved")
    with pytest.raises(ValidationError):
        call(plan_services.goal_progress_add, personas, case, goal=goal, text="Not here.")


def test_it_refuses_an_unknown_domain_or_an_empty_description(personas, case):
    with pytest.raises(ValidationError) as raised:
        a_goal(personas, case, domain="space_travel")
    assert "domain" in raised.value.error_dict
    with pytest.raises(ValidationError) as raised:
        a_goal(personas, case, description="   ")
    assert "description" in raised.value.error_dict


def test_it_gives_tasks_only_to_staff_of_the_cases_organization(personas, case):
    task = a_task(personas, case, assignee=personas.supervisor_a)
    assert task.assignee == personas.supervisor_a

    for outsider in (personas.caseworker_b, personas.admin_a, personas.unaffiliated):
        with pytest.raises(ValidationError) as raised:
            a_task(personas, case, assignee=outsider)
        assert "assignee" in raised.value.error_dict


def test_it_links_a_task_to_a_goal_of_the_case_only(personas, case):
    goal = a_goal(personas, case)
    other_goal = a_goal(personas, our_case(personas, given_name="Rana"))

    assert a_task(personas, case, goal=goal).goal == goal
    with pytest.raises(ValidationError):
        a_task(personas, case, goal=other_goal)


def test_it_updates_and_closes_a_task_once(personas, case):
    task = a_task(personas, case)
    due = timezone.localdate() + datetime.timedelta(days=10)

    call(plan_services.task_update, personas, case, task=task, due_on=due, title="Call the clinic.")
    done = call(plan_services.task_done, personas, case, task=task)

    assert done.done_by == personas.caseworker_a
    task = Task.objects.select_related("data_key").get(pk=task.pk)
    assert (task.title, task.due_on) == ("Call the clinic.", due)
    assert AuditEvent.objects.get(action="casework.task_updated").fields == ["title", "due_on"]
    with pytest.raises(ValidationError):
        call(plan_services.task_done, personas, case, task=task)
    with pytest.raises(ValidationError):
        call(plan_services.task_update, personas, case, task=task, title="Again.")


def test_it_records_employment_with_sector_and_formality_only(personas, case):
    today = timezone.localdate()
    milestone = call(
        plan_services.milestone_record,
        personas,
        case,
        kind=Milestone.Kind.EMPLOYED,
        reached_on=today,
        sector="g",
        formality="formal",
    )
    assert (milestone.sector, milestone.formality) == ("G", "formal")

    bad = [
        ({"kind": Milestone.Kind.EMPLOYED, "sector": "", "formality": "formal"}, "sector"),
        ({"kind": Milestone.Kind.BUSINESS_STARTED, "sector": "Z", "formality": "formal"}, "sector"),
        ({"kind": Milestone.Kind.EMPLOYED, "sector": "C", "formality": ""}, "formality"),
        ({"kind": Milestone.Kind.SAFE_HOUSING, "sector": "C", "formality": ""}, "sector"),
        ({"kind": Milestone.Kind.SAFE_HOUSING, "sector": "", "formality": "informal"}, "formality"),
        ({"kind": "won_lottery", "sector": "", "formality": ""}, "kind"),
    ]
    for values, field in bad:
        with pytest.raises(ValidationError) as raised:
            call(plan_services.milestone_record, personas, case, reached_on=today, **values)
        assert field in raised.value.error_dict, values
    with pytest.raises(ValidationError) as raised:
        call(
            plan_services.milestone_record,
            personas,
            case,
            kind=Milestone.Kind.SAFE_HOUSING,
            reached_on=today + datetime.timedelta(days=1),
        )
    assert "reached_on" in raised.value.error_dict


def test_it_refuses_other_organizations_and_roles_without_personal_data(personas, case):
    with pytest.raises(Http404):
        call(plan_services.plan_create, personas, case, user=personas.caseworker_b)
    with pytest.raises(Http404):
        a_task(personas, case, by=personas.supervisor_b)
    for user in (personas.admin_a, personas.monitor_a, personas.unaffiliated):
        with pytest.raises(PermissionDenied):
            call(plan_services.milestone_record, personas, case, user=user, kind="safe_housing", reached_on=None)


def test_it_never_puts_values_in_the_audit_log(personas, case):
    goal = a_goal(personas, case, description="Reach the clinic in town.")
    call(plan_services.goal_progress_add, personas, case, goal=goal, text="Took the bus once.")
    a_task(personas, case, title="Buy the bus card.")

    for event in AuditEvent.objects.filter(action__startswith="casework."):
        text = " ".join(event.fields) + event.reason
        assert "clinic" not in text and "bus" not in text


def test_its_messages_go_through_the_translation_catalog(personas, case, monkeypatch):
    monkeypatch.setattr(plan_services, "_", lambda message: f"[{translation.get_language()}] {message}")

    with translation.override("fr"), pytest.raises(ValidationError) as raised:
        call(plan_services.milestone_record, personas, case, kind="employed", reached_on=timezone.localdate())

    assert raised.value.error_dict["sector"][0].messages == ["[fr] Choose the sector of the work."]
