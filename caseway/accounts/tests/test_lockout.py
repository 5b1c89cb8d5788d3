from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from caseway.accounts.tests.helpers import audit_events, new_client, post_password, totp_code
from caseway.tests.personas import PASSWORD

ATTACKER = "203.0.113.7"
ELSEWHERE = "198.51.100.20"
LIMIT = settings.AXES_FAILURE_LIMIT


def _fail(client, email, times, ip=ATTACKER):
    return [post_password(client, email, "wrong password guess", REMOTE_ADDR=ip) for _ in range(times)]


def test_it_uses_the_documented_limits():
    assert LIMIT == 5
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["ip_address", "username"]]


def test_it_records_every_failed_sign_in(client, personas):
    email = personas.caseworker_a.email

    _fail(client, email, 2)

    failures = audit_events("accounts.login_failed")
    assert failures.count() == 2
    assert {event.actor_label for event in failures} == {email}
    assert {event.ip for event in failures} == {ATTACKER}
    assert all(event.actor_id is None for event in failures)


def test_it_pauses_an_address_after_five_wrong_passwords_for_one_account(client, personas):
    email = personas.caseworker_a.email

    responses = _fail(client, email, LIMIT)

    assert [r.status_code for r in responses[:-1]] == [200] * (LIMIT - 1)
    locked = responses[-1]
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Too many attempts" in text
    assert "paused for 15 minutes, because the password was wrong too many times" in text
    assert "_auth_user_id" not in client.session
    event = audit_events("accounts.locked_out").get()
    assert event.actor_label == email
    assert event.ip == ATTACKER
    assert audit_events("accounts.login_failed").count() == LIMIT


def test_it_refuses_even_the_right_password_while_paused(client, personas):
    email = personas.caseworker_a.email
    _fail(client, email, LIMIT)

    response = post_password(client, email, PASSWORD, REMOTE_ADDR=ATTACKER)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_counts_the_account_whatever_the_case_of_the_email(client, personas):
    email = personas.caseworker_a.email
    _fail(client, email.upper(), LIMIT - 1)

    response = post_password(client, email.title(), "still wrong", REMOTE_ADDR=ATTACKER)

    assert response.status_code == 429


def test_it_lets_the_same_account_sign_in_from_another_address(client, personas):
    user = personas.caseworker_a
    _fail(client, user.email, LIMIT)

    elsewhere = new_client()
    response = post_password(elsewhere, user.email, PASSWORD, REMOTE_ADDR=ELSEWHERE)

    assert response.status_code == 302
    response = elsewhere.post(response["Location"], {"token": totp_code(user)}, REMOTE_ADDR=ELSEWHERE)
    assert response.status_code == 302
    assert elsewhere.get("/", REMOTE_ADDR=ELSEWHERE).status_code == 200


def test_it_lets_another_account_sign_in_from_the_same_address(client, personas):
    _fail(client, personas.caseworker_a.email, LIMIT)

    colleague = new_client()
    response = post_password(colleague, personas.supervisor_a.email, PASSWORD, REMOTE_ADDR=ATTACKER)

    assert response.status_code == 302
    assert colleague.session["_auth_user_id"] == str(personas.supervisor_a.pk)


def test_it_does_not_pause_after_four_wrong_passwords(client, personas):
    email = personas.caseworker_a.email
    _fail(client, email, LIMIT - 1)

    response = post_password(client, email, PASSWORD, REMOTE_ADDR=ATTACKER)

    assert response.status_code == 302
    assert not audit_events("accounts.locked_out").exists()


def test_it_forgets_the_failures_after_a_successful_sign_in(client, personas):
    email = personas.caseworker_a.email
    _fail(client, email, LIMIT - 1)
    post_password(client, email, PASSWORD, REMOTE_ADDR=ATTACKER)

    retry = new_client()
    responses = _fail(retry, email, LIMIT - 1)

    assert [r.status_code for r in responses] == [200] * (LIMIT - 1)


def test_it_opens_again_after_the_pause(client, personas):
    email = personas.caseworker_a.email
    _fail(client, email, LIMIT)
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1))

    response = post_password(client, email, PASSWORD, REMOTE_ADDR=ATTACKER)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(personas.caseworker_a.pk)


def test_it_pauses_guessing_at_an_unknown_account_too(client, db):
    responses = _fail(client, "nobody@example.org", LIMIT)

    assert responses[-1].status_code == 429
    assert audit_events("accounts.locked_out", actor_label="nobody@example.org").exists()
