"""A case's referrals: every referral sent from it or received into it, its status and outcome
(the feedback loop), in a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse

from caseway.clients.models import Case
from caseway.referrals import escalation
from caseway.referrals.models import Status
from caseway.referrals.tests.helpers import a_referral, a_sender_case
from caseway.referrals.tests.pages import assert_refused

pytestmark = pytest.mark.django_db


def url(case):
    return reverse("referrals:case_referrals", args=[case.pk])


def test_it_shows_the_sender_each_referral_with_its_status_and_outcome(personas, login_as):
    case = a_sender_case(personas)
    a_referral(personas, Status.COMPLETED, case=case)

    html = login_as(personas.caseworker_a).get(url(case)).content.decode()

    assert "Sent to" in html
    assert "Beta Legal Aid" in html
    assert "Completed" in html
    assert "Service provided" in html


def test_it_shows_the_receiver_the_referral_its_case_came_from(personas, login_as):
    referral = a_referral(personas, Status.ACCEPTED)
    case = Case.objects.get(organization=personas.org_b, client=referral.client)

    html = login_as(personas.caseworker_b).get(url(case)).content.decode()

    assert "Received from" in html
    assert "Alpha Relief" in html


def test_it_shows_an_unanswered_referral_as_overdue(personas, login_as):
    case = a_sender_case(personas)
    referral = a_referral(personas, Status.SENT, case=case)
    type(referral).objects.filter(pk=referral.pk).update(due_at=referral.sent_at)

    assert "overdue" in login_as(personas.caseworker_a).get(url(case)).content.decode()


def test_it_reads_a_fixed_number_of_queries_whatever_the_rows(personas, login_as, django_assert_max_num_queries):
    case = a_sender_case(personas)
    a_referral(personas, Status.SENT, case=case)
    client = login_as(personas.caseworker_a)
    client.get(url(case))
    with django_assert_max_num_queries(12) as one:
        client.get(url(case))
    for status in (Status.DRAFT, Status.DECLINED, Status.COMPLETED):
        a_referral(personas, status, case=case)

    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url(case))


def test_it_refuses_anonymous_visitors_other_organizations_and_roles_without_personal_data(client, personas, login_as):
    case = a_sender_case(personas)

    assert_refused(client, login_as, personas, url(case), others=("outsider", "caseworker_b"))


def test_it_tells_the_sender_why_a_referral_was_declined(personas, login_as):
    case = a_sender_case(personas)
    a_referral(personas, Status.DECLINED, case=case)

    html = login_as(personas.caseworker_a).get(url(case)).content.decode()

    assert "Declined: No capacity" in html


def test_it_tells_the_sender_why_a_referral_was_closed_without_success(personas, login_as):
    case = a_sender_case(personas)
    a_referral(personas, Status.CLOSED_UNSUCCESSFUL, case=case)

    html = login_as(personas.caseworker_a).get(url(case)).content.decode()

    assert "Closed: The client could not be reached" in html


def test_it_shows_how_far_an_unanswered_referral_was_escalated(personas, login_as):
    case = a_sender_case(personas)
    referral = a_referral(personas, Status.SENT, case=case)
    type(referral).objects.filter(pk=referral.pk).update(due_at=referral.sent_at - datetime.timedelta(hours=30))
    escalation.escalations_run(now=referral.sent_at - datetime.timedelta(hours=30))
    escalation.escalations_run(now=referral.sent_at)

    html = login_as(personas.caseworker_a).get(url(case)).content.decode()

    assert "overdue" in html and "Sender told" in html
