"""The case work page: where the case stands, and its timeline of everything that happened."""

import pytest
from django.urls import reverse

from caseway.casework import closure_services, payment_services, plan_services
from caseway.casework.models import CasePlan, ClosureRequest, Milestone
from caseway.casework.tests.appointment_helpers import a_payment
from caseway.casework.tests.case_helpers import (
    WRONG_ROLES,
    a_goal,
    a_note,
    a_supervision_note,
    a_task,
    member,
    our_case,
)
from caseway.casework.tests.supervision_helpers import closure_requested
from caseway.referrals.models import Status
from caseway.referrals.tests.helpers import a_referral

pytestmark = pytest.mark.django_db


def url(case):
    return reverse("casework:case", kwargs={"case_pk": case.pk})


def fill(personas, case):
    """One of every kind of event on ``case``."""
    cw, membership = personas.caseworker_a, member(personas.caseworker_a)
    goal = a_goal(personas, case)
    plan_services.goal_progress_add(
        actor=cw, membership=membership, case=case, goal=goal, text="Visited two shops.", status="in_progress"
    )
    task = a_task(personas, case)
    plan_services.task_done(actor=cw, membership=membership, case=case, task=task)
    plan_services.milestone_record(
        actor=cw,
        membership=membership,
        case=case,
        kind=Milestone.Kind.EMPLOYED,
        reached_on=task.created_at.date(),
        sector="C",
        formality="informal",
    )
    plan_services.plan_submit(actor=cw, membership=membership, case=case)
    a_note(personas, case)
    a_supervision_note(personas, case)
    a_referral(personas, Status.SENT, case=case)
    payment = a_payment(personas, case=case, kind="transport_stipend", amount="8.00", currency="USD")
    payment_services.payment_approve(
        actor=personas.supervisor_a, membership=member(personas.supervisor_a), payment=payment
    )


def test_it_shows_the_case_and_its_timeline_newest_first(personas, login_as):
    case = our_case(personas)
    fill(personas, case)

    response = login_as(personas.caseworker_a).get(url(case))

    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Leila Nasser",
        "Referral sent to Beta Legal Aid",
        "Note: Contact with the client",
        "Milestone: Employed",
        "Sector C · Informal",
        "Progress on the Livelihoods goal",
        "Task done",
        "Plan submitted for approval",
        "Support given: Transport stipend",
        "Support approved: Transport stipend",
        "8.00 USD · Cash",
    ):
        assert text in html, text
    entries = response.context["entries"]
    assert [entry.at for entry in entries] == sorted((entry.at for entry in entries), reverse=True)
    assert "Met at the office." not in html  # notes' text only on the note's page
    assert "Visited two shops." not in html


def test_it_hides_supervision_notes_from_a_caseworker_but_not_from_a_supervisor(personas, login_as):
    case = our_case(personas)
    a_supervision_note(personas, case)

    caseworker_html = login_as(personas.caseworker_a).get(url(case)).content.decode()
    supervisor_html = login_as(personas.supervisor_a).get(url(case)).content.decode()

    assert "Note: Supervision" not in caseworker_html
    assert "Note: Supervision" in supervisor_html


def test_it_masks_a_sensitive_clients_name_outside_the_cases_team(personas, login_as):
    from caseway.orgs.permissions import Role
    from caseway.tests.personas import make_member

    case = our_case(personas, sensitive=True)
    other = make_member(personas.org_a, Role.CASEWORKER, "second.caseworker.a@example.org")

    assert "Leila" in login_as(personas.caseworker_a).get(url(case)).content.decode()
    html = login_as(other).get(url(case)).content.decode()
    assert "Leila" not in html
    assert "Nasser" not in html


def test_it_shows_the_status_people_sensitivity_and_risk(personas, login_as):
    case = our_case(personas)
    type(case).objects.filter(pk=case.pk).update(risk_level="high", supervisor=personas.supervisor_a)

    html = login_as(personas.caseworker_a).get(url(case)).content.decode()

    assert "Risk: High" in html
    assert "supervisor.a@example.org" in html
    assert "caseworker.a@example.org" in html
    assert "Standard" in html


def test_it_reads_a_fixed_number_of_queries_whatever_the_events(personas, login_as, django_assert_max_num_queries):
    case = our_case(personas)
    fill(personas, case)
    client = login_as(personas.caseworker_a)
    client.get(url(case))
    with django_assert_max_num_queries(40) as one:
        client.get(url(case))
    for _round in range(3):
        a_note(personas, case)
        a_supervision_note(personas, case)
        a_goal(personas, case, description="Enrol in a tailoring course.")
        plan_services.task_done(
            actor=personas.caseworker_a,
            membership=member(personas.caseworker_a),
            case=case,
            task=a_task(personas, case),
        )
    a_referral(personas, Status.ACCEPTED, case=case)

    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url(case))


def test_it_refuses_other_organizations_and_roles_without_personal_data(client, personas, login_as):
    case = our_case(personas)
    path = url(case)

    client.logout()
    assert client.get(path).status_code == 302
    for name in ("outsider", "caseworker_b", "supervisor_b"):
        assert login_as(getattr(personas, name)).get(path).status_code == 404, name
    for name in WRONG_ROLES:
        assert login_as(getattr(personas, name)).get(path).status_code == 403, name


def test_it_says_when_there_is_no_plan_yet(personas, login_as):
    case = our_case(personas)

    html = login_as(personas.caseworker_a).get(url(case)).content.decode()

    assert "No plan yet" in html
    assert not CasePlan.objects.filter(case=case).exists()


def test_it_shows_closure_requests_and_their_decisions(personas, login_as):
    case = our_case(personas)
    supervisor = personas.supervisor_a
    closure_requested(personas, case)
    closure_services.closure_return(
        actor=supervisor, membership=member(supervisor), case=case, comment="Please review the goals first."
    )
    closure_requested(personas, case, reason=ClosureRequest.Reason.MOVED)
    closure_services.closure_approve(actor=supervisor, membership=member(supervisor), case=case)

    titles = [entry.title for entry in login_as(personas.caseworker_a).get(url(case)).context["entries"]]

    assert titles[:4] == ["Case closed", "Closure requested", "Closure returned with comments", "Closure requested"]
    page = login_as(personas.caseworker_a).get(url(case)).content.decode()
    assert "Please review the goals first." not in page  # comments stay on the decision page
