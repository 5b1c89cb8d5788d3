"""The personal iCalendar feed /cases/calendar/<token>.ics, parsed with the icalendar package."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from caseway.audit.models import AuditEvent
from caseway.casework import appointment_services, calendar_services
from caseway.casework.models import CalendarFeed
from caseway.casework.tests.appointment_helpers import (
    HOME,
    NAME_FAMILY,
    NAME_GIVEN,
    a_client_case,
    an_appointment,
    member,
)

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def a_feed(user):
    _feed, token = calendar_services.calendar_feed_create(actor=user, membership=member(user))
    return token


def url(token):
    return reverse("casework:calendar_ics", args=[token])


def events(response):
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_it_keeps_only_the_tokens_hash(personas):
    token = a_feed(personas.caseworker_a)

    feed = CalendarFeed.objects.get()
    assert feed.token_sha256 == calendar_services.hash_token(token) and token not in feed.token_sha256


def test_it_lists_the_members_appointments_by_code_never_name_or_place(client, personas):
    case = a_client_case(personas)
    appointment = an_appointment(personas, case=case, place=HOME, childcare_needed=True)
    an_appointment(personas, user=personas.supervisor_a)  # someone else's
    token = a_feed(personas.caseworker_a)

    response = client.get(url(token))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"] and response["Referrer-Policy"] == "no-referrer"
    found = events(response)
    assert list(found) == [f"appointment-{appointment.pk}@testserver"]
    event = found[f"appointment-{appointment.pk}@testserver"]
    assert case.client.code in str(event["SUMMARY"]) and "Casework meeting" in str(event["SUMMARY"])
    text = response.content.decode()
    for secret in (NAME_GIVEN, NAME_FAMILY, "Olive", "Northfield"):
        assert secret not in text
    assert "LOCATION" not in text


def test_it_keeps_uids_stable_and_marks_cancelled_ones(client, personas):
    appointment = an_appointment(personas)
    token = a_feed(personas.caseworker_a)
    first = events(client.get(url(token)))

    appointment_services.appointment_cancel(
        actor=personas.caseworker_a, membership=member(personas.caseworker_a), appointment=appointment, reason="safety"
    )
    second = events(client.get(url(token)))

    assert list(first) == list(second)
    assert str(next(iter(second.values()))["STATUS"]) == "CANCELLED"
    assert str(next(iter(first.values()))["STATUS"]) == "CONFIRMED"


def test_it_gives_the_right_instants_across_a_daylight_saving_change(client, personas, settings):
    settings.TIME_ZONE = "Europe/Paris"  # summer time starts on Sunday 29 March 2026
    case = a_client_case(personas)
    with timezone.override(PARIS):
        before = an_appointment(personas, case=case, starts_at=datetime.datetime(2026, 3, 27, 10, 0))
        after = an_appointment(personas, case=case, starts_at=datetime.datetime(2026, 3, 30, 10, 0))
    token = a_feed(personas.caseworker_a)

    with _now(datetime.datetime(2026, 3, 20, 12, 0, tzinfo=datetime.UTC)):
        found = events(client.get(url(token)))

    start_before = found[f"appointment-{before.pk}@testserver"].decoded("DTSTART")
    start_after = found[f"appointment-{after.pk}@testserver"].decoded("DTSTART")
    assert start_before == datetime.datetime(2026, 3, 27, 9, 0, tzinfo=datetime.UTC)  # UTC+1
    assert start_after == datetime.datetime(2026, 3, 30, 8, 0, tzinfo=datetime.UTC)  # UTC+2
    assert start_before.astimezone(PARIS).hour == start_after.astimezone(PARIS).hour == 10
    end_after = found[f"appointment-{after.pk}@testserver"].decoded("DTEND")
    assert end_after - start_after == datetime.timedelta(hours=1)


class _now:
    """Freeze ``timezone.now`` for the feed's window."""

    def __init__(self, at):
        self.at = at

    def __enter__(self):
        self.original = timezone.now
        timezone.now = lambda: self.at
        return self

    def __exit__(self, *exc):
        timezone.now = self.original


def test_it_answers_a_revoked_or_unknown_token_with_the_same_404(client, personas):
    token = a_feed(personas.caseworker_a)
    calendar_services.calendar_feed_revoke(actor=personas.caseworker_a, membership=member(personas.caseworker_a))

    revoked, unknown = client.get(url(token)), client.get(url("x" * 43))

    assert revoked.status_code == unknown.status_code == 404
    assert revoked.content == unknown.content
    assert revoked["Cache-Control"] == unknown["Cache-Control"]


def test_it_keeps_one_live_feed_a_new_one_revoking_the_old(client, personas):
    old = a_feed(personas.caseworker_a)
    new = a_feed(personas.caseworker_a)

    assert client.get(url(old)).status_code == 404
    assert client.get(url(new)).status_code == 200
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 1


def test_it_stops_when_the_membership_is_deactivated(client, personas):
    token = a_feed(personas.caseworker_a)
    membership = member(personas.caseworker_a)
    membership.is_active = False
    membership.save(update_fields=["is_active"])

    assert client.get(url(token)).status_code == 404


def test_it_audits_reads_at_most_once_an_hour(client, personas):
    token = a_feed(personas.caseworker_a)

    client.get(url(token))
    client.get(url(token))

    assert AuditEvent.objects.filter(action="casework.calendar_feed_read").count() == 1
    assert CalendarFeed.objects.get().last_read_at is not None


def test_it_answers_in_a_fixed_number_of_queries(client, personas):
    case = a_client_case(personas)
    token = a_feed(personas.caseworker_a)
    an_appointment(personas, case=case)
    client.get(url(token))  # the throttled read audit is behind us
    with CaptureQueriesContext(connection) as one:
        client.get(url(token))
    for days in range(2, 8):
        an_appointment(personas, case=a_client_case(personas), starts_at=timezone.now() + datetime.timedelta(days=days))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url(token))

    assert len(events(response)) == 7
    assert len(many) == len(one) <= 3


def test_it_leaves_out_what_is_beyond_the_window(client, personas):
    an_appointment(personas, starts_at=timezone.now() + datetime.timedelta(days=calendar_services.FEED_DAYS_AHEAD + 2))
    token = a_feed(personas.caseworker_a)

    assert events(client.get(url(token))) == {}


def test_it_lets_a_member_make_and_revoke_a_feed_on_the_page(client, personas, login_as):
    login_as(personas.caseworker_a)

    response = client.post(reverse("casework:calendar_feed"))
    assert response.status_code == 200
    address = response.context["url"]
    assert address.endswith(".ics")
    client.logout()
    assert client.get(address).status_code == 200

    login_as(personas.caseworker_a)
    client.post(reverse("casework:calendar_feed_revoke"))
    client.logout()
    assert client.get(address).status_code == 404


@pytest.mark.parametrize("name", ["admin_a", "monitor_a", "coordinator", "donor"])
def test_it_refuses_the_feed_page_to_roles_without_personal_data(personas, login_as, name):
    assert login_as(personas.all()[name]).post(reverse("casework:calendar_feed")).status_code == 403
