import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.feedback.models import Feedback
from caseway.portal.tests.helpers import an_account, sign_in

pytestmark = pytest.mark.django_db
WORDS = "The waiting room was too cold for the children."


def _signed_in(personas):
    account = an_account(personas)
    portal = Client()
    sign_in(portal, account)
    return account, portal


def test_an_anonymous_complaint_carries_nothing_of_the_client(personas):
    account, portal = _signed_in(personas)
    page = portal.get(reverse("portal_feedback:send")).content.decode()
    assert 'name="anonymous" checked' in page or "checked" in page.split('name="anonymous"')[1][:40]
    response = portal.post(reverse("portal_feedback:send"), {"kind": "complaint", "text": WORDS, "anonymous": "on"})
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.kind, feedback.client, feedback.organization_id) == (
        "complaint",
        None,
        account.case.organization_id,
    )
    assert feedback.text == WORDS and feedback.data_key_id != account.client.data_key_id
    event = AuditEvent.objects.get(action="feedback.received")
    assert event.actor_label == "portal:anonymous" and "client" not in event.fields
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM feedback_feedback")
        assert "waiting room" not in cursor.fetchone()[0]


def test_a_named_message_names_the_client(personas):
    account, portal = _signed_in(personas)
    portal.post(reverse("portal_feedback:send"), {"kind": "feedback", "text": "Thank you."})
    assert Feedback.objects.get().client == account.client


def test_it_asks_for_words_in_plain_language(personas):
    _account, portal = _signed_in(personas)
    response = portal.post(reverse("portal_feedback:send"), {"kind": "feedback", "text": "   ", "anonymous": "on"})
    assert response.status_code == 200 and not Feedback.objects.exists()


def test_only_a_signed_in_client_may_send(client):
    response = client.post(reverse("portal_feedback:send"), {"kind": "feedback", "text": "x"})
    assert response.status_code == 302 and response["Location"] == reverse("portal:login")
    assert not Feedback.objects.exists()
