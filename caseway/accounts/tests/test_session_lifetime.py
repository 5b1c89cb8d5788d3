import time

from django.conf import settings
from django.urls import reverse

from caseway.accounts.middleware import SESSION_LAST_SEEN_AT, SESSION_STARTED_AT
from caseway.accounts.tests.helpers import (
    LOGIN_URL,
    age_session,
    audit_events,
    is_signed_in,
    post_password,
    sign_in,
)

IDLE = settings.SESSION_IDLE_TIMEOUT
ABSOLUTE = settings.SESSION_ABSOLUTE_TIMEOUT
EXPIRED_URL = f"{LOGIN_URL}?expired=1"


def test_it_uses_the_documented_limits():
    assert IDLE == 30 * 60
    assert ABSOLUTE == 12 * 3600


def test_it_starts_the_clock_at_sign_in(client, personas):
    before = time.time()

    sign_in(client, personas.caseworker_a)

    assert before <= client.session[SESSION_STARTED_AT] <= time.time()


def test_it_signs_out_after_more_than_thirty_idle_minutes(client, personas):
    sign_in(client, personas.caseworker_a)
    age_session(client, idle_seconds=IDLE + 1)

    response = client.get(reverse("accounts:account"))

    assert response.status_code == 302
    assert response["Location"] == EXPIRED_URL
    assert "_auth_user_id" not in client.session
    assert not is_signed_in(client)
    assert audit_events("accounts.logout", actor_id=personas.caseworker_a.pk).exists()


def test_it_says_why_on_the_sign_in_page(client, db):
    response = client.get(EXPIRED_URL)

    assert b"You were signed out because the session ended." in response.content
    assert b"You were signed out" not in client.get(LOGIN_URL).content


def test_it_keeps_a_session_idle_for_less_than_thirty_minutes(client, personas):
    sign_in(client, personas.caseworker_a)
    age_session(client, idle_seconds=IDLE - 60)

    assert client.get(reverse("accounts:account")).status_code == 200


def test_it_counts_idle_time_from_the_last_request(client, personas):
    sign_in(client, personas.caseworker_a)
    age_session(client, idle_seconds=IDLE - 60)
    client.get(reverse("accounts:account"))

    assert time.time() - client.session[SESSION_LAST_SEEN_AT] < 5
    age_session_by = IDLE - 60
    session = client.session
    session[SESSION_LAST_SEEN_AT] -= age_session_by
    session.save()
    assert client.get(reverse("accounts:account")).status_code == 200


def test_it_signs_out_after_twelve_hours_even_when_active(client, personas):
    sign_in(client, personas.caseworker_a)
    age_session(client, idle_seconds=0, started_seconds_ago=ABSOLUTE + 1)

    response = client.get(reverse("accounts:account"))

    assert response.status_code == 302
    assert response["Location"] == EXPIRED_URL
    assert not is_signed_in(client)


def test_it_keeps_an_active_session_younger_than_twelve_hours(client, personas):
    sign_in(client, personas.caseworker_a)
    age_session(client, idle_seconds=0, started_seconds_ago=ABSOLUTE - 60)

    assert client.get(reverse("accounts:account")).status_code == 200


def test_it_does_not_let_activity_move_the_start(client, personas):
    sign_in(client, personas.caseworker_a)
    age_session(client, idle_seconds=0, started_seconds_ago=ABSOLUTE - 60)
    started = client.session[SESSION_STARTED_AT]

    client.get(reverse("accounts:account"))

    assert client.session[SESSION_STARTED_AT] == started


def test_it_ends_a_password_only_session_too(client, personas):
    post_password(client, personas.caseworker_a.email)
    age_session(client, idle_seconds=IDLE + 1)

    response = client.get(reverse("accounts:verify"))

    assert response["Location"] == EXPIRED_URL
    assert "_auth_user_id" not in client.session


def test_it_needs_a_new_sign_in_with_both_factors_after_expiry(client, personas):
    user = personas.caseworker_a
    sign_in(client, user)
    age_session(client, idle_seconds=IDLE + 1)
    client.get("/")

    post_password(client, user.email)

    assert client.get("/")["Location"].startswith(reverse("accounts:verify"))
