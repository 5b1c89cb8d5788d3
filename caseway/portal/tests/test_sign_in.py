import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.portal import session
from caseway.portal.models import PortalAccount, PortalSignIn
from caseway.portal.tests.helpers import OTHER_PIN, PIN, an_account, sign_in

pytestmark = pytest.mark.django_db
WRONG = "The number or the PIN is not right. Try again."


def test_it_signs_in_with_the_number_and_the_pin_and_remembers_the_number(client, personas):
    account = an_account(personas)
    response = sign_in(client, account)
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert client.session[session.ACCOUNT] == str(account.pk)
    assert response.cookies[session.NUMBER_COOKIE].value == account.number
    assert response.cookies[session.NUMBER_COOKIE]["httponly"]
    assert account.sign_ins.filter(outcome=PortalSignIn.Outcome.SIGNED_IN).count() == 1
    event = AuditEvent.objects.get(action="portal.signed_in")
    assert event.actor_label == "portal:client" and event.ip == ""  # where a survivor connects from: not logged
    page = client.get(reverse("portal:login"))
    assert page.status_code == 302  # already signed in


def test_it_fills_in_the_remembered_number(client, personas):
    account = an_account(personas)
    client.cookies[session.NUMBER_COOKIE] = account.number
    page = client.get(reverse("portal:login"))
    assert f'value="{account.number[:4]} {account.number[4:]}"' in page.content.decode()


def test_on_a_device_that_is_not_theirs_it_keeps_no_number(client, personas):
    account = an_account(personas)
    client.cookies[session.NUMBER_COOKIE] = account.number
    response = sign_in(client, account, shared_device=True)
    assert response.status_code == 302
    assert response.cookies[session.NUMBER_COOKIE].value == ""  # deleted
    assert client.session[session.SHARED_DEVICE] is True
    assert account.sign_ins.get(outcome=PortalSignIn.Outcome.SIGNED_IN).shared_device


def test_it_accepts_the_number_with_spaces_and_digits_typed_in_arabic(client, personas):
    account = an_account(personas)
    arabic = "".join("٠١٢٣٤٥٦٧٨٩"[int(digit)] for digit in PIN)
    response = client.post(
        reverse("portal:login"), {"number": f"{account.number[:4]} {account.number[4:]}", "pin": arabic}
    )
    assert response.status_code == 302


def test_a_wrong_pin_and_an_unknown_number_answer_the_same_words(client, personas):
    account = an_account(personas)
    wrong_pin = sign_in(client, account, pin=OTHER_PIN)
    unknown = client.post(reverse("portal:login"), {"number": "99999999", "pin": PIN})
    for response in (wrong_pin, unknown):
        assert response.status_code == 200
        assert WRONG in response.content.decode()
    assert session.ACCOUNT not in client.session
    assert account.sign_ins.filter(outcome=PortalSignIn.Outcome.WRONG_PIN).count() == 1


@override_settings(PORTAL_MAX_ATTEMPTS=5, PORTAL_LOCKOUT_MINUTES=15)
def test_five_wrong_pins_lock_the_account_for_a_while_then_twice_as_long(client, personas):
    account = an_account(personas)
    for _attempt in range(5):
        sign_in(client, account, pin=OTHER_PIN)
    account.refresh_from_db()
    assert account.lockouts == 1
    assert timezone.now() + datetime.timedelta(minutes=14) < account.locked_until
    assert account.locked_until <= timezone.now() + datetime.timedelta(minutes=15)
    refused = sign_in(client, account)  # the right PIN, during the lockout
    assert "Too many wrong PINs. Wait 15 minutes, then try again." in refused.content.decode()
    assert session.ACCOUNT not in client.session
    assert account.sign_ins.filter(outcome=PortalSignIn.Outcome.REFUSED_LOCKED).count() == 1

    PortalAccount.objects.filter(pk=account.pk).update(locked_until=timezone.now() - datetime.timedelta(seconds=1))
    for _attempt in range(5):
        sign_in(client, account, pin=OTHER_PIN)
    account.refresh_from_db()
    assert account.lockouts == 2
    assert account.locked_until > timezone.now() + datetime.timedelta(minutes=29)
    assert AuditEvent.objects.filter(action="portal.locked_out").count() == 2


def test_the_right_pin_after_the_lockout_signs_in_and_starts_counting_again(client, personas):
    account = an_account(personas)
    for _attempt in range(4):
        sign_in(client, account, pin=OTHER_PIN)
    assert sign_in(client, account).status_code == 302
    account.refresh_from_db()
    assert (account.failed_attempts, account.lockouts, account.locked_until) == (0, 0, None)


def test_an_invited_account_without_a_pin_cannot_sign_in(client, personas):
    from caseway.portal.tests.helpers import a_portal_case, invite

    invitation = invite(personas, a_portal_case(personas))
    response = client.post(reverse("portal:login"), {"number": invitation.account.number, "pin": PIN})
    assert WRONG in response.content.decode()


def test_the_first_visit_sets_the_pin_and_shows_the_number(client, personas):
    from caseway.portal.tests.helpers import a_portal_case, invite

    invitation = invite(personas, a_portal_case(personas))
    response = client.post(
        reverse("portal:start"),
        {"code": invitation.code_for_reading.lower(), "pin": PIN, "pin_again": PIN},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("portal:welcome")
    assert f"{invitation.account.number[:4]} {invitation.account.number[4:]}" in response.content.decode()
    assert client.session[session.ACCOUNT] == str(invitation.account.pk)


def test_the_first_visit_says_what_is_wrong_with_the_pin(client, personas):
    from caseway.portal.tests.helpers import a_portal_case, invite

    invitation = invite(personas, a_portal_case(personas))
    response = client.post(reverse("portal:start"), {"code": invitation.code, "pin": "123456", "pin_again": "123456"})
    assert response.status_code == 200
    assert "This PIN is too easy to guess. Choose other numbers." in response.content.decode()
    assert session.ACCOUNT not in client.session


def test_signing_in_on_the_portal_ends_a_staff_session_in_the_same_browser(client, personas, login_as):
    account = an_account(personas)
    login_as(personas.caseworker_a)
    sign_in(client, account)
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_signing_in_gives_a_new_session_and_a_new_csrf_secret(client, personas):
    from django.conf import settings as django_settings

    account = an_account(personas)
    client.get(reverse("portal:login"))
    before_session = client.cookies.get(django_settings.SESSION_COOKIE_NAME)
    before_csrf = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    sign_in(client, account)
    assert client.cookies[django_settings.CSRF_COOKIE_NAME].value != before_csrf
    assert before_session is None or client.cookies[django_settings.SESSION_COOKIE_NAME].value != before_session.value


def test_many_failures_from_one_address_stop_it_trying_any_number_for_a_while(client, personas):
    from caseway.portal import services
    from caseway.portal.models import AddressFailure

    account = an_account(personas)
    for index in range(services.ADDRESS_MAX_FAILURES):
        client.post(reverse("portal:login"), {"number": f"9{index:07d}", "pin": PIN})
    refused = sign_in(client, account)  # the right number and PIN, from the same address
    assert "Too many tries from this connection" in refused.content.decode()
    assert session.ACCOUNT not in client.session
    other_address = sign_in(client.__class__(REMOTE_ADDR="10.0.0.9"), account)
    assert other_address.status_code == 302
    assert AddressFailure.objects.count() == services.ADDRESS_MAX_FAILURES + 1
    assert "127.0.0.1" not in str(list(AddressFailure.objects.values_list("digest", flat=True)))


def test_wrong_invitation_codes_count_too(client, personas):
    from caseway.portal import services
    from caseway.portal.models import AddressFailure

    client.post(reverse("portal:start"), {"code": "ACDE-FGHJ", "pin": PIN, "pin_again": PIN})
    assert AddressFailure.objects.count() == 1
    assert services.ADDRESS_MAX_FAILURES > 1
