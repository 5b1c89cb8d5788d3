import pytest
from django.test import Client
from django.urls import reverse

from caseway.clients.models import CaseAlert
from caseway.portal.models import PortalAccount, PortalSignIn
from caseway.portal.tests.helpers import PIN, an_account, invite, sign_in

pytestmark = pytest.mark.django_db


def test_the_client_locks_their_account_in_one_tap_and_the_caseworker_is_alerted(client, personas, login_as):
    account = an_account(personas)
    sign_in(client, account)
    other_device = Client()
    sign_in(other_device, account)

    response = client.post(reverse("portal:lock"))
    assert response.status_code == 200
    assert "Your account is locked" in response.content.decode()

    account.refresh_from_db()
    assert account.status == PortalAccount.Status.LOCKED
    assert account.sign_ins.filter(outcome=PortalSignIn.Outcome.LOCKED_BY_CLIENT).count() == 1
    alert = CaseAlert.objects.get(kind=CaseAlert.Kind.PORTAL_LOCKED)
    assert alert.case == account.case and alert.assigned_to == personas.caseworker_a and alert.is_task
    # Every session ends, the other device's too; the PIN no longer opens anything.
    assert client.get(reverse("portal:home")).status_code == 302
    assert other_device.get(reverse("portal:home")).status_code == 302
    refused = sign_in(Client(), account)
    assert "This account is locked. Ask your caseworker for a new invitation code." in refused.content.decode()

    caseworker = login_as(personas.caseworker_a)
    home = caseworker.get(reverse("home")).content.decode()
    assert str(CaseAlert.Kind.PORTAL_LOCKED.label) in home


def test_a_new_code_unlocks_the_account(client, personas):
    account = an_account(personas)
    sign_in(client, account)
    client.post(reverse("portal:lock"))
    from caseway.portal import services

    invitation = invite(personas, account.case)
    services.invitation_redeem(code=invitation.code, pin=PIN, pin_again=PIN)
    assert sign_in(Client(), account).status_code == 302


def test_locking_is_a_post(client, personas):
    account = an_account(personas)
    sign_in(client, account)
    assert client.get(reverse("portal:lock")).status_code == 405
    account.refresh_from_db()
    assert account.status == PortalAccount.Status.ACTIVE
