"""The home page: a caseworker's day (their own items only, codes never names), the plain welcome
for roles without personal data, a fixed number of queries, the page-weight budget, right to left."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caseway.casework.models import Appointment, CasePlan
from caseway.casework.tests.appointment_helpers import an_appointment
from caseway.casework.tests.case_helpers import a_goal, a_task, member, our_case
from caseway.clients import alerts
from caseway.clients.models import Case, RiskLevel
from caseway.clients.tests.factories import a_case
from caseway.referrals.models import Status
from caseway.referrals.tests.helpers import a_referral
from caseway.tests.test_page_weight import FIRST_LOAD_BUDGET, HTML_BUDGET, Subresources, gzip_size, static_size

pytestmark = pytest.mark.django_db

NAME = ("Leila", "Nasser")  # fictional, as our_case's default


def today_at(hour):
    midnight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    return midnight + datetime.timedelta(hours=hour)


def appointment_today(personas, case, *, user=None, hour=10, **values):
    """An appointment booked (in the future, as the service requires), then moved to ``hour`` today."""
    appointment = an_appointment(personas, case=case, user=user, **values)
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=today_at(hour), ends_at=today_at(hour) + datetime.timedelta(hours=1)
    )
    return appointment


def a_day(personas, case, *, user=None):
    """One of every item on ``case`` for ``user`` (default caseworker_a)."""
    user = user or personas.caseworker_a
    today = timezone.localdate()
    appointment_today(personas, case, user=user, childcare_needed=True, transport_needed=True)
    a_task(personas, case, by=user, assignee=user, due_on=today - datetime.timedelta(days=2))
    a_task(personas, case, by=user, assignee=user, due_on=today)
    alerts.suicide_risk_protocol(case, actor=user, now=timezone.now())
    a_goal(personas, case, by=user)
    Case.objects.filter(pk=case.pk).update(
        risk_level=RiskLevel.HIGH, last_contact_at=timezone.now() - datetime.timedelta(days=30)
    )


def home(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def test_it_shows_a_caseworker_their_day_by_client_code(personas, login_as):
    case = our_case(personas)
    a_day(personas, case)
    CasePlan.objects.filter(case=case).update(status=CasePlan.Status.RETURNED, decided_at=timezone.now())

    response = home(login_as(personas.caseworker_a))

    work = response.context["work"]
    assert [a.case_id for a in work.appointments.rows] == [case.pk]
    assert (work.tasks_overdue.count, work.tasks_today.count) == (1, 1)
    assert work.alerts.count == 1
    assert [c.pk for c in work.risk_cases.rows] == [case.pk]
    assert [c.pk for c in work.plans_returned.rows] == [case.pk]
    assert [c.pk for c in work.follow_ups.rows] == [case.pk]
    html = response.content.decode()
    code = case.client.code
    assert html.count(code) >= 6
    for text in (
        "Suicide-risk protocol: talk with the client today",
        "childcare needed",
        "transport needed",
        "1 overdue",
        "1 due today",
        "1 plan returned with comments",
        "1 follow-up due",
        "High",
    ):
        assert text in html, text
    for part in NAME:
        assert part not in html
    assert "Call the training centre." not in html  # task titles are encrypted text: not here


def test_it_counts_beyond_the_rows_it_shows(personas, login_as):
    from caseway.casework import home as casework_home

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for name in ("Rania", "Dalia", "Huda", "Zainab", "Lina", "Noor", "Samar"):
        case = our_case(personas, given_name=name)
        Case.objects.filter(pk=case.pk).update(risk_level=RiskLevel.HIGH)
        a_task(personas, case, assignee=personas.caseworker_a, due_on=yesterday)

    work = home(login_as(personas.caseworker_a)).context["work"]

    assert (work.tasks_overdue.count, len(work.tasks_overdue.rows)) == (7, casework_home.SHOWN)
    assert (work.risk_cases.count, len(work.risk_cases.rows)) == (7, casework_home.SHOWN)
    assert (work.tasks_today.count, work.tasks_today.rows) == (0, [])


def test_it_shows_only_the_members_own_items(personas, login_as):
    mine = our_case(personas)
    a_day(personas, mine)
    # The supervisor's own day in the same organization, and another organization's caseworker's.
    theirs = our_case(personas, given_name="Amal", family_name="Haddad")
    Case.objects.filter(pk=theirs.pk).update(caseworker=personas.supervisor_a)
    theirs.refresh_from_db()
    a_day(personas, theirs, user=personas.supervisor_a)
    other_org = a_case(member(personas.caseworker_b), given_name="Rana", family_name="Saleh")
    a_day(personas, other_org, user=personas.caseworker_b)

    html = home(login_as(personas.caseworker_a)).content.decode()

    assert mine.client.code in html
    assert theirs.client.code not in html
    assert other_org.client.code not in html
    supervisor_html = home(login_as(personas.supervisor_a)).content.decode()
    assert theirs.client.code in supervisor_html
    assert other_org.client.code not in supervisor_html


def test_it_counts_referrals_received_never_those_sent(personas, login_as):
    referral = a_referral(personas, Status.SENT)
    code = referral.client.code

    receiver = home(login_as(personas.caseworker_b))
    sender = home(login_as(personas.caseworker_a))

    assert receiver.context["work"].referrals_new == 1
    assert code in receiver.content.decode()
    assert sender.context["work"].referrals_new == 0
    assert sender.context["work"].referrals == []
    assert "Leila" not in receiver.content.decode()


def test_it_counts_overdue_referrals(personas, login_as):
    referral = a_referral(personas, Status.VIEWED)
    type(referral).objects.filter(pk=referral.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))

    work = home(login_as(personas.caseworker_b)).context["work"]

    assert (work.referrals_new, work.referrals_overdue) == (0, 1)
    assert work.referrals[0].is_overdue


def test_it_leaves_out_done_future_and_others_tasks_and_cancelled_appointments(personas, login_as):
    case = our_case(personas)
    today = timezone.localdate()
    done = a_task(personas, case, assignee=personas.caseworker_a, due_on=today)
    done.done_at = timezone.now()
    done.save(update_fields=["done_at"])
    a_task(personas, case, assignee=personas.caseworker_a, due_on=today + datetime.timedelta(days=1))
    a_task(personas, case, assignee=personas.supervisor_a, due_on=today)
    cancelled = appointment_today(personas, case)
    Appointment.objects.filter(pk=cancelled.pk).update(status=Appointment.Status.CANCELLED)

    work = home(login_as(personas.caseworker_a)).context["work"]

    assert (work.tasks_overdue.count, work.tasks_today.count) == (0, 0)
    assert work.appointments.rows == []


@pytest.mark.parametrize("persona", ["monitor_a", "donor", "coordinator", "admin_a"])
def test_it_keeps_the_plain_welcome_for_roles_without_personal_data(personas, login_as, persona):
    a_day(personas, our_case(personas))

    response = home(login_as(getattr(personas, persona)))

    assert "work" not in response.context
    html = response.content.decode()
    assert "Welcome," in html and "You are working as" in html
    assert "My appointments today" not in html


def _cases(personas, count):
    for number in range(count):
        case = our_case(personas, given_name=f"Test{number}")
        a_day(personas, case)
        a_task(personas, case, assignee=personas.caseworker_a, due_on=timezone.localdate() - datetime.timedelta(days=9))
        CasePlan.objects.filter(case=case).update(status=CasePlan.Status.RETURNED)
    other = a_case(member(personas.caseworker_b))
    a_referral(personas, Status.SENT, case=our_case(personas))
    return other


def test_it_reads_the_same_number_of_queries_for_2_and_20_cases(personas, login_as):
    client = login_as(personas.caseworker_a)
    _cases(personas, 2)
    home(client)
    with CaptureQueriesContext(connection) as two:
        home(client)
    _cases(personas, 18)
    with CaptureQueriesContext(connection) as twenty:
        response = home(client)

    assert response.context["work"].tasks_overdue.count == 40
    assert len(twenty.captured_queries) == len(two.captured_queries)
    assert len(two.captured_queries) <= 20


def test_it_stays_within_the_page_weight_budget_with_a_full_day(personas, login_as):
    _cases(personas, 20)

    html = home(login_as(personas.caseworker_a)).content
    parser = Subresources()
    parser.feed(html.decode())

    assert gzip_size(html) <= HTML_BUDGET
    assert gzip_size(html) + sum(static_size(url) for url in parser.urls) <= FIRST_LOAD_BUDGET
    assert 1 + len(parser.urls) <= 5
    assert b"<script>" not in html


def test_it_works_right_to_left(personas, login_as):
    a_day(personas, our_case(personas))

    response = login_as(personas.caseworker_a).get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ar")

    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()
    assert response.context["work"].alerts.count == 1
