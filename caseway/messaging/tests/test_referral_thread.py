import pytest
from django.db import connection
from django.urls import reverse

from caseway.messaging.models import Message, Thread
from caseway.referrals.models import Status
from caseway.referrals.tests.helpers import a_referral

pytestmark = pytest.mark.django_db
WORDS = "Can you see her on Thursday? She needs an interpreter."  # fictional


def test_the_two_organizations_write_to_each_other_and_see_it_read(personas, login_as):
    referral = a_referral(personas, Status.SENT)
    url = reverse("messaging:referral_thread", args=[referral.pk])
    sender = login_as(personas.caseworker_a)
    assert sender.post(url, {"body": WORDS}).status_code == 302
    assert "Not read yet" in sender.get(url).content.decode()

    receiver = login_as(personas.caseworker_b)
    page = receiver.get(url).content.decode()
    assert WORDS in page and "ALR" in page
    receiver.post(url, {"body": "Yes, at ten."})

    sender = login_as(personas.caseworker_a)
    page = sender.get(url).content.decode()
    assert "Yes, at ten." in page and "Read" in page
    thread = Thread.objects.get()
    assert (thread.kind, thread.referral_id, thread.data_key_id) == (
        "interagency",
        referral.pk,
        referral.client.data_key_id,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM messaging_message")
        assert all("interpreter" not in row[0] for row in cursor.fetchall())


def test_nobody_else_reaches_it(personas, login_as):
    referral = a_referral(personas, Status.SENT)
    url = reverse("messaging:referral_thread", args=[referral.pk])
    assert login_as(personas.coordinator).get(url).status_code == 403  # no personal data for the role
    outsider = login_as(personas.outsider)
    assert outsider.get(url).status_code == 404
    assert outsider.post(url, {"body": "Hello"}).status_code == 404
    assert not Message.objects.exists()


def test_a_draft_has_no_thread_yet(personas, login_as):
    referral = a_referral(personas, Status.DRAFT)
    assert (
        login_as(personas.caseworker_a).get(reverse("messaging:referral_thread", args=[referral.pk])).status_code == 404
    )


def test_an_empty_message_is_refused(personas, login_as):
    referral = a_referral(personas, Status.SENT)
    response = login_as(personas.caseworker_a).post(
        reverse("messaging:referral_thread", args=[referral.pk]), {"body": "  "}
    )
    assert response.status_code == 400 and not Message.objects.exists()


def test_the_referral_page_links_to_it(personas, login_as):
    referral = a_referral(personas, Status.SENT)
    page = login_as(personas.caseworker_b).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert reverse("messaging:referral_thread", args=[referral.pk]) in page


def test_each_case_of_the_referral_lists_the_conversation(personas, login_as):
    referral = a_referral(personas, Status.ACCEPTED)
    login_as(personas.caseworker_a).post(reverse("messaging:referral_thread", args=[referral.pk]), {"body": "Hello."})
    referral.refresh_from_db()
    thread_url = reverse("messaging:referral_thread", args=[referral.pk])
    sender_page = login_as(personas.caseworker_a).get(reverse("portal_staff:case_portal", args=[referral.from_case_id]))
    assert thread_url in sender_page.content.decode()
    receiver_page = login_as(personas.caseworker_b).get(reverse("portal_staff:case_portal", args=[referral.to_case_id]))
    assert thread_url in receiver_page.content.decode()
