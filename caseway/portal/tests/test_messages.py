import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.messaging.models import Message, MessageRead
from caseway.portal.tests.helpers import a_portal_case, an_account, sign_in

pytestmark = pytest.mark.django_db
SECRET_WORDS = "Meet me at the blue door after dark"  # fictional


def test_the_client_and_the_caseworker_write_to_each_other_with_read_receipts(client, personas, login_as):
    account = an_account(personas)
    portal = Client()
    sign_in(portal, account)
    response = portal.post(reverse("portal:messages"), {"body": SECRET_WORDS})
    assert response.status_code == 302

    staff = login_as(personas.caseworker_a)
    page = staff.get(reverse("portal_staff:case_portal", args=[account.case.pk])).content.decode()
    assert SECRET_WORDS in page
    assert MessageRead.objects.get().reader == personas.caseworker_a
    staff.post(reverse("portal_staff:case_portal", args=[account.case.pk]), {"body": "Thank you, see you on Tuesday."})
    page = staff.get(reverse("portal_staff:case_portal", args=[account.case.pk])).content.decode()
    assert "Not read yet" in page

    mine = portal.get(reverse("portal:messages")).content.decode()
    assert "Thank you, see you on Tuesday." in mine and "Read" in mine  # the client's own message was read
    page = staff.get(reverse("portal_staff:case_portal", args=[account.case.pk])).content.decode()
    assert "Read by the client" in page
    assert AuditEvent.objects.filter(action="messaging.thread_read").count() >= 3
    assert AuditEvent.objects.filter(action="messaging.message_sent").count() == 2


def test_the_home_page_counts_new_messages(client, personas, login_as):
    account = an_account(personas)
    staff = login_as(personas.caseworker_a)
    for text in ("One.", "Two."):
        staff.post(reverse("portal_staff:case_portal", args=[account.case.pk]), {"body": text})
    portal = type(client)()
    sign_in(portal, account)
    assert "2 new" in portal.get(reverse("portal:home")).content.decode()
    portal.get(reverse("portal:messages"))
    assert "new" not in portal.get(reverse("portal:home")).content.decode().split("<main", 1)[1]


def test_messages_are_encrypted_at_rest(client, personas):
    account = an_account(personas)
    sign_in(client, account)
    client.post(reverse("portal:messages"), {"body": SECRET_WORDS})
    message = Message.objects.get()
    assert message.data_key_id == account.client.data_key_id
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM messaging_message")
        stored = cursor.fetchone()[0]
    assert SECRET_WORDS not in stored and "blue door" not in stored


def test_an_empty_message_is_refused_with_a_plain_error(client, personas):
    account = an_account(personas)
    sign_in(client, account)
    response = client.post(reverse("portal:messages"), {"body": "   "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode() or "Write your message." in response.content.decode()
    assert not Message.objects.exists()


def test_a_client_sees_only_their_own_thread(client, personas, login_as):
    mine = an_account(personas)
    theirs = an_account(personas, a_portal_case(personas, given_name="Other", family_name="Person"))
    staff = login_as(personas.caseworker_a)
    staff.post(reverse("portal_staff:case_portal", args=[theirs.case.pk]), {"body": "For the other client only."})
    portal = type(client)()
    sign_in(portal, mine)
    assert "For the other client only." not in portal.get(reverse("portal:messages")).content.decode()


def test_another_organization_cannot_read_or_write_the_thread(client, personas, login_as):
    account = an_account(personas)
    url = reverse("portal_staff:case_portal", args=[account.case.pk])
    outsider = login_as(personas.caseworker_b)
    assert outsider.get(url).status_code == 404
    assert outsider.post(url, {"body": "Hello"}).status_code == 404
    assert not Message.objects.exists()


def test_roles_without_personal_data_are_refused(client, personas, login_as):
    account = an_account(personas)
    admin = login_as(personas.admin_a)
    assert admin.get(reverse("portal_staff:case_portal", args=[account.case.pk])).status_code == 403
