from django.urls import reverse

from caseway.accounts.tests.helpers import (
    LOGIN_URL,
    audit_events,
    is_signed_in,
    mark_reauthenticated,
    new_client,
    post_password,
    sign_in,
)
from caseway.tests.personas import PASSWORD, login

URL = reverse("accounts:password_change")
NEW = "a brand new long passphrase"


def _change(client, new=NEW, confirm=None):
    return client.post(URL, {"new_password1": new, "new_password2": confirm or new})


def test_it_sends_an_anonymous_visitor_to_sign_in(client, db):
    assert client.get(URL)["Location"].startswith(LOGIN_URL)


def test_it_shows_the_form_without_asking_the_old_password(client, personas, login_as):
    login_as(personas.caseworker_a)

    response = client.get(URL)

    assert response.status_code == 200
    assert b'name="new_password1"' in response.content
    assert b'name="old_password"' not in response.content


def test_it_changes_the_password(client, personas, login_as):
    user = personas.caseworker_a
    login_as(user)

    response = _change(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account")
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert not user.check_password(PASSWORD)
    event = audit_events("accounts.password_changed", actor_id=user.pk).get()
    assert event.fields == ["password"]
    assert NEW not in str(event.__dict__)


def test_it_keeps_this_session_and_ends_the_others(client, personas):
    user = personas.caseworker_a
    sign_in(client, user)
    other_device = new_client()
    login(other_device, user)

    _change(client)

    assert b"Other devices are signed out." in client.get(reverse("accounts:account")).content
    assert is_signed_in(client)
    assert not is_signed_in(other_device)


def test_it_gives_this_session_a_new_key(client, personas, login_as):
    login_as(personas.caseworker_a)
    before = client.session.session_key

    _change(client)

    assert client.session.session_key != before


def test_it_lets_the_new_password_sign_in(client, personas, login_as):
    user = personas.caseworker_a
    login_as(user)
    _change(client)

    browser = new_client()
    assert post_password(browser, user.email, PASSWORD).status_code == 200
    assert post_password(browser, user.email, NEW).status_code == 302


def test_it_refuses_two_different_entries(client, personas, login_as):
    user = personas.caseworker_a
    login_as(user)

    response = _change(client, NEW, "another long passphrase")

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_it_refuses_a_weak_password(client, personas, login_as):
    user = personas.caseworker_a
    login_as(user)

    response = _change(client, "password1234")

    assert response.status_code == 200
    assert b"This password is too common." in response.content
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_it_asks_for_proof_again_when_the_last_is_old(client, personas, login_as):
    user = personas.caseworker_a
    login_as(user)
    mark_reauthenticated(client, seconds_ago=3600)

    response = _change(client)

    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_it_keeps_a_password_only_session_out(client, personas):
    user = personas.caseworker_a
    post_password(client, user.email)

    response = _change(client)

    assert response["Location"].startswith(reverse("accounts:verify"))
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
