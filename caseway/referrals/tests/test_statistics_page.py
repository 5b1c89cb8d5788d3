"""The network referral statistics page: coordinators only, filters validated, small cells hidden."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.referrals.models import Status
from caseway.referrals.tests.statistics_helpers import a_person, referrals_of, statistics_url

pytestmark = pytest.mark.django_db

EVERY_OTHER_ROLE = (
    "caseworker_a",
    "supervisor_a",
    "legal_officer_a",
    "admin_a",
    "monitor_a",
    "caseworker_b",
    "donor",
    "outsider",
    "unaffiliated",
)


def _cells(html) -> dict:
    """Row header → the value cell after it, as shown."""
    return dict(re.findall(r'<th scope="row">([^<]+)</th><td>([^<]*)</td>', html))


def test_it_shows_coordinators_the_tables_with_small_cells_hidden_and_the_legend(personas, login_as):
    case = a_person(personas)
    referrals_of(personas, case, 12)
    referrals_of(personas, case, 7, status=Status.COMPLETED, answered_after=datetime.timedelta(hours=1))
    referrals_of(personas, case, 2, status=Status.WITHDRAWN)
    client = login_as(personas.coordinator)

    response = client.get(statistics_url())

    assert response.status_code == 200
    html = response.content.decode()
    cells = _cells(html)
    assert cells["Sent"] == "12"
    assert cells["Declined"] == "0"
    assert cells["Withdrawn by the sender"] == "hidden"
    assert cells["Completed"] == "hidden"
    assert "fewer than 5" in html
    assert "<caption" in html and 'scope="col"' in html
    assert case.client.code not in html


def test_it_says_too_few_to_show_rather_than_a_table_of_hidden_cells(personas, login_as):
    referrals_of(personas, a_person(personas), 3)
    client = login_as(personas.coordinator)

    html = client.get(statistics_url()).content.decode()

    assert "Too few referrals in this period to show any figure" in html
    assert "Too few people to show." in html


def test_it_says_when_nothing_was_sent(personas, login_as):
    client = login_as(personas.coordinator)

    html = client.get(statistics_url()).content.decode()

    assert "No referral was sent in this period." in html


def test_it_filters_by_period(personas, login_as):
    case = a_person(personas)
    referrals_of(personas, case, 6, sent_ago=datetime.timedelta(days=100))
    client = login_as(personas.coordinator)
    today = timezone.localdate()

    default = client.get(statistics_url())
    longer = client.get(statistics_url(**{"from": (today - datetime.timedelta(days=120)).isoformat()}))

    assert default.context["stats"].referrals == 0
    assert longer.context["stats"].referrals == 6
    assert f"from={(today - datetime.timedelta(days=120)).isoformat()}" in longer.context["csv_url"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2025-03-10", "to": "2025-03-01"}, "The period must start on or before the day it ends."),
        ({"to": "2999-01-01"}, "The period cannot end after today."),
        ({"from": "2001-01-01"}, "Choose a period of at most three years."),
        ({"from": "yesterday"}, "Enter a valid date."),
        ({"urgency": "whenever"}, "Select a valid choice."),
        ({"organization": "999999"}, "Select a valid choice."),
    ],
)
def test_it_refuses_filters_that_are_not_valid_with_a_clear_message(personas, login_as, query, message):
    client = login_as(personas.coordinator)

    response = client.get(statistics_url(**query))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "stats" not in response.context


def test_it_translates_the_errors(personas, login_as):
    client = login_as(personas.coordinator)

    response = client.get(statistics_url(**{"to": "2999-01-01"}), HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    assert "The period cannot end after today." not in response.content.decode()


def test_it_works_right_to_left(personas, login_as):
    referrals_of(personas, a_person(personas), 6)
    client = login_as(personas.coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"

    response = client.get(statistics_url(), HTTP_ACCEPT_LANGUAGE="ar")

    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()


def test_coordinators_find_it_in_the_navigation_and_nobody_else(personas, login_as):
    link = f'href="{reverse("referrals:statistics")}"'

    assert link in login_as(personas.coordinator).get(reverse("home")).content.decode()
    for name in EVERY_OTHER_ROLE[:-1]:
        assert link not in login_as(getattr(personas, name)).get(reverse("home")).content.decode(), name


def test_it_refuses_every_other_role_and_audits_it(personas, login_as):
    for name in EVERY_OTHER_ROLE:
        before = AuditEvent.objects.filter(action="access.permission_denied").count()
        response = login_as(getattr(personas, name)).get(statistics_url())
        assert response.status_code == 403, name
        assert AuditEvent.objects.filter(action="access.permission_denied").count() == before + 1, name


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(statistics_url())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))
