import re

from django.core import mail
from django.urls import reverse

from caseway.accounts.tests.helpers import is_signed_in, new_client, post_password
from caseway.tests.personas import PASSWORD, login

URL = reverse("accounts:password_reset")
NEW = "a fresh passphrase for me"


def _request_link(client, email):
    return client.post(URL, {"email": email})


def _link_in(message):
    match = re.search(r"http://testserver(/accounts/password-reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def _set_password(client, link, password=NEW, confirm=None):
    form_page = client.get(link)
    assert form_page.status_code == 302, form_page.status_code  # Django moves the token out of the address
    return client.post(form_page["Location"], {"new_password1": password, "new_password2": confirm or password})


def test_it_shows_the_form_to_anyone(client, db):
    response = client.get(URL)

    assert response.status_code == 200
    assert b'name="email"' in response.content


def test_it_sends_a_link_that_sets_a_new_password(client, personas):
    user = personas.caseworker_a

    response = _request_link(client, "CASEWORKER.A@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "Set your password"

    response = _set_password(client, _link_in(message))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_it_still_asks_for_the_second_factor_after_a_reset(client, personas):
    user = personas.caseworker_a
    _request_link(client, user.email)
    _set_password(client, _link_in(mail.outbox[0]))

    assert "_auth_user_id" not in client.session
    response = post_password(client, user.email, NEW)
    assert response["Location"].startswith(reverse("accounts:verify"))
    assert client.get("/").status_code == 302


def test_it_answers_the_same_for_an_unknown_address(client, db):
    response = _request_link(client, "nobody@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_it_sends_nothing_to_a_deactivated_account(client, personas):
    user = personas.caseworker_a
    user.is_active = False
    user.save()

    _request_link(client, user.email)

    assert mail.outbox == []


def test_it_sends_a_new_link_to_an_invited_member_who_never_set_a_password(client, personas):
    user = personas.caseworker_a
    user.set_unusable_password()
    user.save()

    _request_link(client, user.email)

    assert len(mail.outbox) == 1
    _set_password(client, _link_in(mail.outbox[0]))
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_it_does_not_match_a_look_alike_address(client, personas):
    _request_link(client, "caseworker.\u0430@example.org")  # Cyrillic a

    assert mail.outbox == []


def test_it_lets_a_link_work_once(client, personas):
    _request_link(client, personas.caseworker_a.email)
    link = _link_in(mail.outbox[0])
    _set_password(client, link)

    again = new_client().get(link)

    assert again.status_code == 200
    assert b"This link does not work any more" in again.content


def test_it_refuses_a_forged_link(client, personas):
    _request_link(client, personas.caseworker_a.email)
    link = _link_in(mail.outbox[0])
    forged = re.sub(r"/[^/]+/$", "/abc-0123456789abcdef/", link)

    response = client.get(forged)

    assert b"This link does not work any more" in response.content


def test_it_applies_the_password_rules(client, personas):
    user = personas.caseworker_a
    _request_link(client, user.email)

    response = _set_password(client, _link_in(mail.outbox[0]), "short")

    assert response.status_code == 200
    assert b"This password is too short." in response.content
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_it_ends_every_session_of_the_account(client, personas):
    user = personas.caseworker_a
    elsewhere = new_client()
    login(elsewhere, user)

    _request_link(client, user.email)
    _set_password(client, _link_in(mail.outbox[0]))

    assert not is_signed_in(elsewhere)
