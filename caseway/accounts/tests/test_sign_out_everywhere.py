from django.urls import reverse

from caseway.accounts.tests.helpers import LOGIN_URL, audit_events, is_signed_in, new_client, sign_in
from caseway.tests.personas import login

URL = reverse("accounts:sign_out_everywhere")


def test_it_sends_an_anonymous_visitor_to_sign_in(client, db):
    response = client.post(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_it_refuses_a_get(client, personas, login_as):
    login_as(personas.caseworker_a)

    assert client.get(URL).status_code == 405
    assert is_signed_in(client)


def test_it_ends_this_session_and_every_other(client, personas):
    user = personas.caseworker_a
    sign_in(client, user)
    phone, laptop = new_client(), new_client()
    sign_in(phone, user)
    login(laptop, user)
    assert is_signed_in(phone) and is_signed_in(laptop)

    response = client.post(URL)

    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert not is_signed_in(client)
    assert not is_signed_in(phone)
    assert not is_signed_in(laptop)
    assert audit_events("accounts.signed_out_everywhere", actor_id=user.pk).count() == 1


def test_it_says_so_on_the_next_page(client, personas, login_as):
    login_as(personas.caseworker_a)

    response = client.post(URL, follow=True)

    assert b"You are signed out on every device." in response.content


def test_it_leaves_other_peoples_sessions_alone(client, personas, login_as):
    colleague = new_client()
    login(colleague, personas.supervisor_a)
    login_as(personas.caseworker_a)

    client.post(URL)

    assert is_signed_in(colleague)


def test_it_makes_a_copied_session_cookie_useless(client, personas):
    user = personas.caseworker_a
    sign_in(client, user)
    stolen = client.cookies["sessionid"].value
    thief = new_client()
    thief.cookies["sessionid"] = stolen
    assert is_signed_in(thief)

    client.post(URL)

    assert not is_signed_in(thief)
