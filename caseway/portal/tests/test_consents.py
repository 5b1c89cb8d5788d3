import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.casework.tests.appointment_helpers import member
from caseway.clients.models import Consent, ConsentPurpose
from caseway.clients.tests.factories import give_consent
from caseway.portal.models import PortalAccount
from caseway.portal.tests.helpers import a_portal_case, an_account, sign_in

pytestmark = pytest.mark.django_db


def _signed_in(personas, case=None, **options):
    account = an_account(personas, case)
    portal = Client()
    sign_in(portal, account, **options)
    return account, portal


def _contact(personas, account, **values):
    return give_consent(
        account.client,
        ConsentPurpose.CONTACT,
        recorded_by=member(personas.caseworker_a),
        contact_methods=["sms"],
        recorded_at=timezone.now() - datetime.timedelta(days=1),
        **values,
    )


def test_the_client_sees_what_they_agreed_to_and_stops_it_after_one_confirmation(personas):
    account, portal = _signed_in(personas)
    contact = _contact(personas, account)
    page = portal.get(reverse("portal:consents")).content.decode()
    assert "Be contacted" in page and "Use the client portal" in page
    url = reverse("portal:consent_withdraw", args=[contact.pk])
    assert url in page
    assert "Stop this?" in portal.get(url).content.decode()
    contact.refresh_from_db()
    assert contact.revoked_at is None  # the question alone changes nothing
    response = portal.post(url)
    assert response.status_code == 302 and response["Location"].endswith("?withdrawn=1")
    contact.refresh_from_db()
    assert contact.revoked_at is not None and contact.revoked_by is None
    event = AuditEvent.objects.get(action="clients.consent_revoked", target_id=str(contact.pk))
    assert event.actor_label == "portal:client"
    assert "Stopped" in portal.get(reverse("portal:consents")).content.decode()


def test_another_clients_answer_or_a_refusal_cannot_be_withdrawn_here(personas):
    account, portal = _signed_in(personas)
    other = an_account(personas, a_portal_case(personas, given_name="Other", family_name="Client"))
    theirs = _contact(personas, other)
    refusal = _contact(personas, account, granted=False)
    for answer in (theirs, refusal):
        url = reverse("portal:consent_withdraw", args=[answer.pk])
        assert portal.get(url).status_code == 404
        assert portal.post(url).status_code == 404
        answer.refresh_from_db()
        assert answer.revoked_at is None


def test_stopping_the_portal_itself_closes_the_account(personas):
    account, portal = _signed_in(personas)
    agreement = Consent.objects.get(client=account.client, purpose=ConsentPurpose.PORTAL)
    response = portal.post(reverse("portal:consent_withdraw", args=[agreement.pk]))
    assert response.status_code == 200 and "You stopped using this site" in response.content.decode()
    account.refresh_from_db()
    assert account.status == PortalAccount.Status.CLOSED
    assert portal.get(reverse("portal:home")).status_code == 302
    assert "The number or the PIN is not right" in sign_in(Client(), account).content.decode()


def test_the_client_downloads_what_the_team_holds_about_them(personas):
    account, portal = _signed_in(personas)
    page = portal.get(reverse("portal:my_data")).content.decode()
    assert "Get it only on a phone that only you use" in page
    response = portal.post(reverse("portal:my_data"))
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["client"]["code"] == account.client.code
    assert {row["purpose"] for row in data["consents"]} >= {"portal", "services"}
    assert AuditEvent.objects.get(action="clients.own_data_exported").actor_label == "portal:client"


def test_no_file_on_a_device_that_is_not_theirs(personas):
    _account, portal = _signed_in(personas, shared_device=True)
    response = portal.post(reverse("portal:my_data"))
    assert response.status_code == 200 and "Content-Disposition" not in response
    assert "you said it is not yours" in response.content.decode()
    assert not AuditEvent.objects.filter(action="clients.own_data_exported").exists()
