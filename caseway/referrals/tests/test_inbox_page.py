"""The referral inbox /referrals/inbox/: what the organization received, the most urgent and overdue
first, with filters, pages, escalation alerts, right to left, and a fixed number of queries."""

import gzip

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from caseway.referrals import escalation, queries
from caseway.referrals.models import Referral, Status, Urgency
from caseway.referrals.tests.box_helpers import HOUR, code_of, codes, due_in, inbox_url, outbox_url
from caseway.referrals.tests.helpers import a_draft, a_referral
from caseway.referrals.tests.pages import WRONG_ROLES, assert_login_required

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_sign_in(client):
    assert_login_required(client, inbox_url())


@pytest.mark.parametrize("name", WRONG_ROLES)
def test_it_refuses_roles_without_personal_data(personas, login_as, name):
    assert login_as(personas.all()[name]).get(inbox_url()).status_code == 403


@pytest.mark.parametrize("name", ["caseworker_b", "supervisor_b", "legal_officer_b"])
def test_it_lists_what_the_organization_received_to_its_staff(personas, login_as, name):
    referral = a_referral(personas, Status.SENT)

    response = login_as(personas.all()[name]).get(inbox_url())

    assert response.status_code == 200
    assert codes(response) == [code_of(referral)]
    assert response["Cache-Control"].count("no-store") == 1


def test_it_shows_nothing_of_another_organizations_referrals(personas, login_as):
    referral = a_referral(personas, Status.SENT)

    for user in (personas.outsider, personas.caseworker_a):
        response = login_as(user).get(inbox_url())
        assert codes(response) == [], user.email
        assert code_of(referral) not in response.content.decode()


def test_it_never_lists_a_draft_it_was_not_sent(personas, login_as):
    a_draft(personas)

    assert codes(login_as(personas.caseworker_b).get(inbox_url())) == []


def test_it_shows_status_urgency_sender_age_and_time_left(personas, login_as):
    referral = due_in(a_referral(personas, Status.SENT, urgency=Urgency.HIGH), 5.5 * HOUR)

    html = login_as(personas.caseworker_b).get(inbox_url()).content.decode()

    assert "Alpha Relief" in html
    assert "Sent" in html and "High" in html
    assert "5\xa0hours, 29\xa0minutes left" in html
    assert code_of(referral) in html


def test_it_shows_how_long_an_overdue_referral_is_overdue(personas, login_as):
    due_in(a_referral(personas, Status.VIEWED), -3 * HOUR)

    html = login_as(personas.caseworker_b).get(inbox_url()).content.decode()

    assert "Overdue by 3\xa0hours" in html


def test_it_shows_client_codes_never_names(personas, login_as):
    referral = a_referral(personas, Status.ACCEPTED)

    html = login_as(personas.supervisor_b).get(inbox_url()).content.decode()

    assert code_of(referral) in html
    assert "Amina" not in html and "Haddad" not in html


def test_it_puts_the_most_overdue_first_then_the_least_time_left_then_work_in_progress(personas, login_as):
    finished = a_referral(personas, Status.COMPLETED)
    in_service = a_referral(personas, Status.IN_SERVICE, urgency=Urgency.NORMAL)
    in_service_emergency = a_referral(personas, Status.ACCEPTED, urgency=Urgency.EMERGENCY)
    due_later = due_in(a_referral(personas, Status.SENT, urgency=Urgency.NORMAL), 40 * HOUR)
    due_soon = due_in(a_referral(personas, Status.SENT, urgency=Urgency.EMERGENCY), HOUR)
    overdue_a_little = due_in(a_referral(personas, Status.VIEWED), -HOUR)
    overdue_most = due_in(a_referral(personas, Status.SENT), -30 * HOUR)

    response = login_as(personas.caseworker_b).get(inbox_url())

    assert codes(response) == [
        code_of(referral)
        for referral in (
            overdue_most,
            overdue_a_little,
            due_soon,
            due_later,
            in_service_emergency,
            in_service,
            finished,
        )
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "sent"}, ["sent"]),
        ({"status": "awaiting"}, ["sent", "viewed"]),
        ({"status": "open"}, ["sent", "viewed", "accepted"]),
        ({"status": "declined"}, ["declined"]),
        ({"urgency": "emergency"}, ["viewed"]),
        ({"overdue": "on"}, ["sent"]),
        ({"overdue": "on", "urgency": "emergency"}, []),
    ],
)
def test_it_filters_by_status_urgency_and_overdue(personas, login_as, query, expected):
    made = {
        "sent": due_in(a_referral(personas, Status.SENT), -HOUR),
        "viewed": a_referral(personas, Status.VIEWED, urgency=Urgency.EMERGENCY),
        "accepted": a_referral(personas, Status.ACCEPTED),
        "declined": a_referral(personas, Status.DECLINED),
    }

    response = login_as(personas.caseworker_b).get(inbox_url(**query))

    assert sorted(codes(response)) == sorted(code_of(made[name]) for name in expected)


def test_it_offers_no_draft_status_to_filter_by(personas, login_as):
    response = login_as(personas.caseworker_b).get(inbox_url(status="draft"))

    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "Some filters need correcting" in response.content.decode()


def test_it_shows_the_page_in_pages(personas, login_as, settings_per_page):
    made = [a_referral(personas, Status.SENT) for _ in range(3)]
    client = login_as(personas.caseworker_b)

    first, second = client.get(inbox_url()), client.get(inbox_url(page=2))

    assert len(codes(first)) == 2 and len(codes(second)) == 1
    assert sorted(codes(first) + codes(second)) == sorted(code_of(referral) for referral in made)
    assert 'rel="next"' in first.content.decode()


@pytest.fixture
def settings_per_page(monkeypatch):
    monkeypatch.setattr(queries, "PER_PAGE", 2)


def test_it_shows_the_receivers_supervisors_the_referrals_escalated_to_them(personas, login_as):
    referral = a_referral(personas, Status.SENT)
    escalation.escalations_run(now=referral.due_at)

    supervisor_page = login_as(personas.supervisor_b).get(inbox_url())
    caseworker_page = login_as(personas.caseworker_b).get(inbox_url())

    assert [alert["code"] for alert in supervisor_page.context["alerts"]] == [code_of(referral)]
    assert "Escalated to you" in supervisor_page.content.decode()
    assert caseworker_page.context["alerts"] == []
    assert "Receiver&#x27;s supervisors alerted" in caseworker_page.content.decode()


def _queries_of_the_page(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(inbox_url())
    return len(captured.captured_queries), len(codes(response))


def _escalate_all():
    escalation.escalations_run(now=Referral.objects.order_by("-due_at").first().due_at)


def test_it_reads_the_same_number_of_queries_for_2_or_20_referrals(personas, login_as):
    # Awaiting an answer and finished: a page reads each part of the box in one query.
    due_in(a_referral(personas, Status.SENT), -HOUR)
    a_referral(personas, Status.DECLINED)
    _escalate_all()
    client = login_as(personas.supervisor_b)
    client.get(inbox_url())
    two = _queries_of_the_page(client)
    for status in (Status.SENT, Status.VIEWED, Status.DECLINED, Status.COMPLETED, Status.WITHDRAWN) * 3 + (
        Status.SENT,
        Status.SENT,
        Status.REVOKED,
    ):
        due_in(a_referral(personas, status), -2 * HOUR)
    _escalate_all()

    twenty = _queries_of_the_page(client)

    assert two[1] == 2 and twenty[1] == 20
    assert twenty[0] == two[0]


def test_it_reads_one_more_query_for_each_more_part_of_the_box_shown(personas, login_as):
    due_in(a_referral(personas, Status.SENT), -HOUR)
    a_referral(personas, Status.DECLINED)
    client = login_as(personas.supervisor_b)
    client.get(inbox_url())
    two_parts = _queries_of_the_page(client)
    for status in (Status.ACCEPTED, Status.IN_SERVICE) * 5:
        a_referral(personas, status)

    three_parts = _queries_of_the_page(client)

    assert three_parts == (two_parts[0] + 1, 12)


def test_it_answers_htmx_with_the_results_only(personas, login_as):
    referral = a_referral(personas, Status.SENT)

    response = login_as(personas.caseworker_b).get(inbox_url(status="sent"), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert code_of(referral) in html
    assert "<html" not in html and 'id="results"' in html
    assert "HX-Request" in response["Vary"]


def test_it_reads_right_to_left_in_arabic(personas, login_as):
    a_referral(personas, Status.SENT)
    client = login_as(personas.caseworker_b)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"

    with translation.override("ar"):
        html = client.get(inbox_url()).content.decode()

    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert "<bdi>Alpha Relief</bdi>" in html


def test_it_stays_within_the_page_budget_with_a_full_page(personas, login_as):
    for _ in range(queries.PER_PAGE):
        due_in(a_referral(personas, Status.SENT), -HOUR)

    response = login_as(personas.caseworker_b).get(inbox_url())

    assert len(codes(response)) == queries.PER_PAGE
    assert len(gzip.compress(response.content)) <= 20 * 1024


def test_it_is_in_the_navigation_of_staff_who_handle_referrals_only(personas, login_as):
    caseworker_page = login_as(personas.caseworker_b).get(inbox_url()).content.decode()
    admin_page = login_as(personas.admin_b).get("/").content.decode()

    assert f'href="{inbox_url()}" aria-current="page"' in caseworker_page
    assert f'href="{outbox_url()}"' in caseworker_page
    assert inbox_url() not in admin_page


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plans are stable on a few rows")
@pytest.mark.parametrize("box", ["inbox", "outbox"])
def test_it_counts_the_box_from_an_index_alone(personas, box):
    # With 50,000 referrals COUNT(id) read every row of the table (85 ms); the count must read
    # a box index only (either carries the status and the client: erased clients are left out).
    a_referral(personas, Status.SENT)
    member = personas.caseworker_b if box == "inbox" else personas.caseworker_a
    membership = member.memberships.get()

    with CaptureQueriesContext(connection) as captured:
        queries.box_page(membership, box, queries.BoxFilters(), 1, now=timezone.now())
    count_sql = next(query["sql"] for query in captured.captured_queries if "COUNT(" in query["sql"])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + count_sql)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())

    assert f"referrals_referral USING COVERING INDEX referrals_{box}" in plan, plan
