"""The demo portal accounts (manage.py seed_demo): printed logins that work through the real pages."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from caseway.messaging.models import Message
from caseway.portal.models import AppointmentRequest, Document, PortalAccount

ACTIVE = re.compile(r"^(?P<org>\S+)\s+number (?P<number>\d{8})  PIN (?P<pin>\d+)$", re.M)
INVITED = re.compile(r"^(?P<org>\S+)\s+number (?P<number>\d{8})  invitation code (?P<code>\S+) ", re.M)


@pytest.fixture(scope="module")
def printed(demo_network):
    return demo_network


def test_it_prints_portal_logins_for_two_organizations(printed, db):
    active, invited = ACTIVE.findall(printed), INVITED.findall(printed)
    assert len(active) == 4 and len(invited) == 2
    assert len({org for org, *_rest in active}) == 2
    assert PortalAccount.objects.filter(status=PortalAccount.Status.ACTIVE).count() == 4
    for account in PortalAccount.objects.filter(status=PortalAccount.Status.ACTIVE):
        assert Message.objects.filter(thread__case=account.case, from_client=True).exists()
        assert Message.objects.filter(thread__case=account.case, from_client=False).exists()
        assert AppointmentRequest.objects.filter(account=account).exists()
        assert Document.objects.filter(account=account, content_type="image/png").exists()


def test_a_printed_number_and_pin_sign_in(printed, db):
    _org, number, pin = ACTIVE.findall(printed)[0]
    portal = Client()
    response = portal.post(reverse("portal:login"), {"number": number, "pin": pin}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    assert "Thank you. Can we meet next week?" in portal.get(reverse("portal:messages")).content.decode()


def test_a_printed_invitation_code_opens_the_account(printed, db):
    _org, number, code = INVITED.findall(printed)[0]
    portal = Client()
    response = portal.post(reverse("portal:start"), {"code": code, "pin": "739025", "pin_again": "739025"})
    assert response.status_code == 302
    assert PortalAccount.objects.get(number=number).status == PortalAccount.Status.ACTIVE
