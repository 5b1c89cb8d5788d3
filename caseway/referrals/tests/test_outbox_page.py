"""The referral outbox /referrals/outbox/: everything the organization sent or drafted, every
unanswered referral with its age first, never silently lost; filters, alerts, fixed queries."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from caseway.referrals import escalation
from caseway.referrals.models import Referral, Status, Urgency
from caseway.referrals.tests.box_helpers import HOUR, code_of, codes, due_in, outbox_url
from caseway.referrals.tests.helpers import a_draft, a_referral
from caseway.referrals.tests.pages import WRONG_ROLES, assert_login_required

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def sent_ago(referral, delta):
    """The referral was created and sent ``delta`` ago (its deadline unchanged relative to sending)."""
    moment = timezone.now() - delta
    answer_time = (referral.due_at - referral.sent_at) if referral.sent_at else None
    values = {"created_at": moment}
    if answer_time is not None:
        values.update(sent_at=moment, due_at=moment + answer_time)
    Referral.objects.filter(pk=referral.pk).update(**values)
    referral.refresh_from_db()
    return referral


def test_it_sends_anonymous_visitors_to_sign_in(client):
    assert_login_required(client, outbox_url())


@pytest.mark.parametrize("name", WRONG_ROLES)
def test_it_refuses_roles_without_personal_data(personas, login_as, name):
    assert login_as(personas.all()[name]).get(outbox_url()).status_code == 403


@pytest.mark.parametrize("name", ["caseworker_a", "supervisor_a", "legal_officer_a"])
def test_it_lists_what_the_organization_sent_and_drafted_to_its_staff(personas, login_as, name):
    sent = a_referral(personas, Status.SENT)
    draft = a_draft(personas)

    response = login_as(personas.all()[name]).get(outbox_url())

    assert response.status_code == 200
    assert sorted(codes(response)) == sorted([code_of(sent), code_of(draft)])


def test_it_shows_nothing_of_another_organizations_referrals(personas, login_as):
    referral = a_referral(personas, Status.SENT)

    for user in (personas.outsider, personas.caseworker_b):
        response = login_as(user).get(outbox_url())
        assert codes(response) == [], user.email
        assert code_of(referral) not in response.content.decode()


def test_it_shows_every_unanswered_referral_with_its_age(personas, login_as):
    waiting = sent_ago(a_referral(personas, Status.SENT), 4 * DAY + 2 * HOUR)
    seen = sent_ago(a_referral(personas, Status.VIEWED, urgency=Urgency.EMERGENCY), 3 * HOUR)

    response = login_as(personas.caseworker_a).get(outbox_url(status="awaiting"))
    html = response.content.decode()

    assert codes(response) == [code_of(waiting), code_of(seen)]  # the most overdue first
    assert "4\xa0days, 2\xa0hours" in html and "Overdue by 1\xa0day, 2\xa0hours" in html
    assert "3\xa0hours" in html and "Overdue by 1\xa0hour" in html
    assert "Beta Legal Aid" in html


def test_it_shows_a_draft_as_not_sent_yet_with_its_age(personas, login_as):
    sent_ago(a_draft(personas), 2 * DAY)

    html = login_as(personas.caseworker_a).get(outbox_url()).content.decode()

    assert "2\xa0days" in html and "not sent yet" in html


def test_it_puts_unanswered_first_then_drafts_then_work_in_progress_then_finished(personas, login_as):
    finished = a_referral(personas, Status.WITHDRAWN)
    in_service = a_referral(personas, Status.IN_SERVICE)
    accepted_emergency = a_referral(personas, Status.ACCEPTED, urgency=Urgency.EMERGENCY)
    draft = a_draft(personas)
    due_later = due_in(a_referral(personas, Status.SENT), 50 * HOUR)
    overdue = due_in(a_referral(personas, Status.VIEWED), -5 * HOUR)

    response = login_as(personas.caseworker_a).get(outbox_url())

    assert codes(response) == [
        code_of(referral) for referral in (overdue, due_later, draft, accepted_emergency, in_service, finished)
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "draft"}, ["draft"]),
        ({"status": "awaiting"}, ["sent"]),
        ({"status": "open"}, ["draft", "sent", "in_service"]),
        ({"status": "completed"}, ["completed"]),
        ({"urgency": "high"}, ["in_service"]),
        ({"overdue": "on"}, ["sent"]),
    ],
)
def test_it_filters_by_status_urgency_and_overdue(personas, login_as, query, expected):
    made = {
        "draft": a_draft(personas),
        "sent": due_in(a_referral(personas, Status.SENT), -HOUR),
        "in_service": a_referral(personas, Status.IN_SERVICE, urgency=Urgency.HIGH),
        "completed": a_referral(personas, Status.COMPLETED),
    }

    response = login_as(personas.caseworker_a).get(outbox_url(**query))

    assert sorted(codes(response)) == sorted(code_of(made[name]) for name in expected)


def test_it_refuses_an_unknown_filter_value(personas, login_as):
    a_referral(personas, Status.SENT)

    response = login_as(personas.caseworker_a).get(outbox_url(urgency="whenever"))

    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "Some filters need correcting" in response.content.decode()


def test_it_shows_the_sender_and_its_supervisors_what_still_has_no_answer(personas, login_as):
    referral = a_referral(personas, Status.SENT)
    escalation.escalations_run(now=referral.due_at)
    assert login_as(personas.caseworker_a).get(outbox_url()).context["alerts"] == []  # level 1: the receiver's

    escalation.escalations_run(now=referral.due_at + 24 * HOUR)

    for user in (personas.caseworker_a, personas.supervisor_a):
        response = login_as(user).get(outbox_url())
        assert [alert["code"] for alert in response.context["alerts"]] == [code_of(referral)], user.email
        assert "the receiver has not answered in time" in response.content.decode()
    assert login_as(personas.legal_officer_a).get(outbox_url()).context["alerts"] == []
    assert login_as(personas.supervisor_b).get(outbox_url()).context["alerts"] == []


def test_it_names_a_receiver_outside_the_network(personas, login_as):
    referral = a_referral(personas, Status.SENT)
    Referral.objects.filter(pk=referral.pk).update(to_organization=None, external_recipient="Lakeside Village Clinic")

    html = login_as(personas.caseworker_a).get(outbox_url()).content.decode()

    assert "<bdi>Lakeside Village Clinic</bdi>" in html


def test_it_hides_the_referrals_of_an_erased_client(personas, login_as):
    referral = a_referral(personas, Status.SENT)
    type(referral.client).objects.filter(pk=referral.client_id).update(erased_at=timezone.now())

    response = login_as(personas.caseworker_a).get(outbox_url())

    assert codes(response) == []
    assert "0 referrals." in response.content.decode()


def test_it_reads_the_same_number_of_queries_for_2_or_20_referrals(personas, login_as):
    a_draft(personas)
    a_referral(personas, Status.COMPLETED)
    client = login_as(personas.caseworker_a)
    client.get(outbox_url())
    with CaptureQueriesContext(connection) as two:
        assert len(codes(client.get(outbox_url()))) == 2
    for _ in range(9):
        a_draft(personas)
        a_referral(personas, Status.DECLINED)

    with CaptureQueriesContext(connection) as twenty:
        assert len(codes(client.get(outbox_url()))) == 20

    assert len(twenty.captured_queries) == len(two.captured_queries)


def test_it_reads_right_to_left_in_arabic(personas, login_as):
    a_referral(personas, Status.SENT)
    client = login_as(personas.caseworker_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"

    with translation.override("ar"):
        html = client.get(outbox_url()).content.decode()

    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert "<bdi>Beta Legal Aid</bdi>" in html
