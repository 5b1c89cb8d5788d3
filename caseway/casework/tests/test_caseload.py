"""The caseload (supervision_queries and the page): counts per caseworker, in a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from caseway.casework import plan_services, supervision_queries
from caseway.casework.models import Task
from caseway.casework.tests.case_helpers import WRONG_ROLES, a_task, member, our_case
from caseway.casework.tests.supervision_helpers import closure_requested, submitted_plan
from caseway.clients.models import Case, CaseStatus
from caseway.clients.tests.factories import a_case

pytestmark = pytest.mark.django_db
URL = reverse("casework:caseload")


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def assert_queries_do_not_grow(client, url, grow, assert_max_num_queries):
    """The page reads as many queries after ``grow()`` has run four more times as after once."""
    grow()
    client.get(url)
    with assert_max_num_queries(40) as one:
        client.get(url)
    for _round in range(4):
        grow()
    with assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200


def row_of(caseload, user):
    return next(row for row in caseload.rows if row.user == user)


def test_it_counts_each_caseworkers_cases_by_risk_and_lateness(personas):
    high = our_case(personas, given_name="Rania")
    Case.objects.filter(pk=high.pk).update(risk_level="high", last_contact_at=days_ago(40))
    quiet = our_case(personas, given_name="Dalia")
    Case.objects.filter(pk=quiet.pk).update(risk_level="low", last_contact_at=days_ago(3))
    plan_services.plan_create(
        actor=personas.caseworker_a, membership=member(personas.caseworker_a), case=quiet, follow_up_days=2
    )
    submitted_plan(personas, high)
    closed = our_case(personas, given_name="Huda")
    Case.objects.filter(pk=closed.pk).update(status=CaseStatus.CLOSED)
    waiting = our_case(personas, given_name="Zainab")
    Case.objects.filter(pk=waiting.pk).update(last_contact_at=timezone.now())
    closure_requested(personas, waiting)
    task = a_task(personas, high, assignee=personas.caseworker_a)
    Task.objects.filter(pk=task.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    unassigned = our_case(personas, given_name="Lina")
    Case.objects.filter(pk=unassigned.pk).update(caseworker=None)

    caseload = supervision_queries.caseload(member(personas.supervisor_a))

    row = row_of(caseload, personas.caseworker_a)
    assert row.open_cases == 3
    assert row.by_risk["high"] == 1 and row.by_risk["low"] == 1 and row.by_risk["none"] == 1
    assert row.no_contact == 1  # 40 days without contact (30 by default)
    assert row.follow_ups_overdue == 2  # quiet: every 2 days, seen 3 days ago; high: its plan's 14 days
    assert row.tasks_overdue == 1
    assert (row.plans_waiting, row.closures_waiting) == (1, 1)
    assert caseload.unassigned.open_cases == 1
    assert caseload.totals.open_cases == 4
    assert caseload.no_contact_days == 30
    assert [plan.case_id for plan in caseload.plans_waiting] == [high.pk]
    assert [closure.case_id for closure in caseload.closures_waiting] == [waiting.pk]
    assert row_of(caseload, personas.supervisor_a).open_cases == 0


def test_it_reads_the_no_contact_days_from_the_settings(personas, settings):
    case = our_case(personas)
    Case.objects.filter(pk=case.pk).update(last_contact_at=days_ago(10))
    settings.NO_CONTACT_DAYS = 7
    caseload = supervision_queries.caseload(member(personas.supervisor_a))
    assert (caseload.no_contact_days, row_of(caseload, personas.caseworker_a).no_contact) == (7, 1)


def test_it_shows_people_who_left_but_still_hold_cases(personas):
    our_case(personas)
    personas.caseworker_a.memberships.update(is_active=False)

    caseload = supervision_queries.caseload(member(personas.supervisor_a))

    row = row_of(caseload, personas.caseworker_a)
    assert (row.is_member, row.open_cases) == (False, 1)


def test_it_never_counts_another_organizations_cases(personas):
    a_case(member(personas.caseworker_b))
    caseload = supervision_queries.caseload(member(personas.supervisor_a))
    assert caseload.totals.open_cases == 0
    assert personas.caseworker_b not in [row.user for row in caseload.rows]


def test_it_serves_the_page_to_supervisors_only(personas, login_as):
    case = our_case(personas)
    submitted_plan(personas, case)

    response = login_as(personas.supervisor_a).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert str(personas.caseworker_a) in html
    assert reverse("casework:plan_decide", args=[case.pk]) in html
    assert "Leila" not in html  # codes, never names
    for name in ("caseworker_a", *WRONG_ROLES):
        assert login_as(getattr(personas, name)).get(URL).status_code == 403, name


def test_it_reads_the_page_in_a_fixed_number_of_queries(personas, login_as, django_assert_max_num_queries):
    client = login_as(personas.supervisor_a)

    def grow():
        case = our_case(personas, given_name="Nadia")
        submitted_plan(personas, case)
        a_task(personas, case, assignee=personas.caseworker_a, due_on=timezone.localdate() - datetime.timedelta(1))
        other = our_case(personas, given_name="Yasmin")
        closure_requested(personas, other)

    assert_queries_do_not_grow(client, URL, grow, django_assert_max_num_queries)


# ---------------------------------------------------------------------------------------------
# One person's caseload


def worker_url(user):
    return reverse("casework:caseload_worker", args=[user.pk])


def test_one_caseload_lists_the_cases_needing_attention_the_most_urgent_first(personas):
    imminent = our_case(personas, given_name="Rania")
    Case.objects.filter(pk=imminent.pk).update(risk_level="imminent", last_contact_at=days_ago(1))
    silent = our_case(personas, given_name="Dalia")
    Case.objects.filter(pk=silent.pk).update(risk_level="low", last_contact_at=days_ago(45))
    late = our_case(personas, given_name="Huda")
    Case.objects.filter(pk=late.pk).update(risk_level="medium", last_contact_at=days_ago(5))
    plan_services.plan_create(
        actor=personas.caseworker_a, membership=member(personas.caseworker_a), case=late, follow_up_days=2
    )
    tasked = our_case(personas, given_name="Zainab")
    Case.objects.filter(pk=tasked.pk).update(risk_level="low", last_contact_at=days_ago(1))
    task = a_task(personas, tasked, assignee=personas.caseworker_a)
    Task.objects.filter(pk=task.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=3))
    fine = our_case(personas, given_name="Lina")
    Case.objects.filter(pk=fine.pk).update(risk_level="low", last_contact_at=days_ago(1))
    closed = our_case(personas, given_name="Noor")
    Case.objects.filter(pk=closed.pk).update(status=CaseStatus.CLOSED, risk_level="high", last_contact_at=days_ago(90))
    someone_elses = our_case(personas, given_name="Samar")
    Case.objects.filter(pk=someone_elses.pk).update(caseworker=personas.supervisor_a, risk_level="imminent")

    caseload = supervision_queries.worker_caseload(member(personas.supervisor_a), personas.caseworker_a)

    assert [case.pk for case in caseload.attention] == [imminent.pk, silent.pk, late.pk, tasked.pk]
    assert caseload.attention_total == 4
    by_pk = {case.pk: case for case in caseload.attention}
    assert (by_pk[silent.pk].no_contact, by_pk[late.pk].follow_up_late) == (True, True)
    assert by_pk[tasked.pk].late_tasks == 1
    assert (caseload.row.open_cases, caseload.row.tasks_overdue, caseload.row.no_contact) == (5, 1, 1)
    assert [task.pk for task in caseload.tasks_overdue] == [task.pk]


def test_one_caseload_counts_beyond_what_it_shows(personas, monkeypatch):
    monkeypatch.setattr(supervision_queries, "ATTENTION_SHOWN", 2)
    for name in ("Rania", "Dalia", "Huda"):
        case = our_case(personas, given_name=name)
        Case.objects.filter(pk=case.pk).update(risk_level="high")
    caseload = supervision_queries.worker_caseload(member(personas.supervisor_a), personas.caseworker_a)
    assert (len(caseload.attention), caseload.attention_total) == (2, 3)


def test_supervisors_open_anyones_caseload_and_caseworkers_their_own(personas, login_as):
    case = our_case(personas)
    Case.objects.filter(pk=case.pk).update(risk_level="high")

    response = login_as(personas.supervisor_a).get(worker_url(personas.caseworker_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("casework:case", args=[case.pk]) in html
    assert "Leila" not in html  # codes, never names
    assert worker_url(personas.caseworker_a) in login_as(personas.supervisor_a).get(URL).content.decode()

    own = login_as(personas.caseworker_a).get(reverse("casework:caseload_mine"))
    assert own.status_code == 200
    assert reverse("casework:case", args=[case.pk]) in own.content.decode()
    assert login_as(personas.caseworker_a).get(worker_url(personas.caseworker_a)).status_code == 403
    for name in WRONG_ROLES:
        assert login_as(getattr(personas, name)).get(worker_url(personas.caseworker_a)).status_code == 403, name


def test_a_supervisor_cannot_open_the_caseload_of_someone_outside_the_organization(personas, login_as):
    a_case(member(personas.caseworker_b))
    client = login_as(personas.supervisor_a)
    assert client.get(worker_url(personas.caseworker_b)).status_code == 404
    assert client.get(reverse("casework:caseload_worker", args=[999999])).status_code == 404


def test_one_caseload_reads_in_a_fixed_number_of_queries(personas, login_as, django_assert_max_num_queries):
    client = login_as(personas.caseworker_a)
    url = reverse("casework:caseload_mine")

    def grow():
        case = our_case(personas, given_name="Nadia")
        Case.objects.filter(pk=case.pk).update(risk_level="high", last_contact_at=days_ago(60))
        a_task(personas, case, assignee=personas.caseworker_a, due_on=timezone.localdate() - datetime.timedelta(1))

    assert_queries_do_not_grow(client, url, grow, django_assert_max_num_queries)
