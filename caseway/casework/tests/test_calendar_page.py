"""The week calendar /cases/calendar/: the member's appointments by client code, weeks, supervisors'
whole organization, right to left, and a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caseway.casework import calendar_services
from caseway.casework.tests.appointment_helpers import NAME_FAMILY, NAME_GIVEN, a_client_case, an_appointment
from caseway.referrals.tests.pages import WRONG_ROLES, assert_login_required

pytestmark = pytest.mark.django_db


def at_noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def this_monday():
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday())


def url(**query):
    base = reverse("casework:calendar")
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_it_sends_anonymous_visitors_to_sign_in(client):
    assert_login_required(client, url())


@pytest.mark.parametrize("name", WRONG_ROLES)
def test_it_refuses_roles_without_personal_data(personas, login_as, name):
    assert login_as(personas.all()[name]).get(url()).status_code == 403


def test_it_shows_the_members_week_by_client_code_never_names(personas, login_as):
    case = a_client_case(personas)
    an_appointment(personas, case=case, starts_at=at_noon(this_monday() + datetime.timedelta(days=2)))
    other = an_appointment(personas, user=personas.supervisor_a, starts_at=at_noon(this_monday()))

    html = login_as(personas.caseworker_a).get(url()).content.decode()

    assert case.client.code in html
    assert other.case.client.code not in html
    assert NAME_GIVEN not in html and NAME_FAMILY not in html


def test_it_moves_by_week(personas, login_as):
    monday = this_monday()
    later = an_appointment(personas, starts_at=at_noon(monday + datetime.timedelta(days=9)))
    week = calendar_services.iso_week(monday + datetime.timedelta(days=7))
    client = login_as(personas.caseworker_a)

    assert later.case.client.code not in client.get(url()).content.decode()
    response = client.get(url(week=week))
    assert later.case.client.code in response.content.decode()
    assert f"?week={calendar_services.iso_week(monday + datetime.timedelta(days=14))}" in response.content.decode()
    assert client.get(url(week="nonsense")).status_code == 200


def test_it_shows_supervisors_the_whole_organization_on_request(personas, login_as):
    theirs = an_appointment(personas, starts_at=at_noon(this_monday()))
    other_org = an_appointment(personas, user=personas.caseworker_b, starts_at=at_noon(this_monday()))

    supervisor = login_as(personas.supervisor_a)
    assert theirs.case.client.code not in supervisor.get(url()).content.decode()
    html = supervisor.get(url(all=1)).content.decode()
    assert theirs.case.client.code in html and other_org.case.client.code not in html
    caseworker = login_as(personas.caseworker_a)
    assert "Whole organization" not in caseworker.get(url()).content.decode()


def test_it_works_right_to_left(personas, login_as):
    an_appointment(personas, starts_at=at_noon(this_monday()))

    response = login_as(personas.caseworker_a).get(url(), HTTP_ACCEPT_LANGUAGE="ar")

    assert 'dir="rtl"' in response.content.decode()


def test_it_answers_in_a_fixed_number_of_queries(personas, login_as):
    client = login_as(personas.supervisor_a)
    an_appointment(personas, starts_at=at_noon(this_monday()))
    client.get(url(all=1))
    with CaptureQueriesContext(connection) as one:
        client.get(url(all=1))
    for day in range(1, 7):
        an_appointment(
            personas, user=personas.supervisor_a, starts_at=at_noon(this_monday() + datetime.timedelta(days=day))
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url(all=1))

    assert response.context["count"] == 7
    assert len(many) == len(one)
