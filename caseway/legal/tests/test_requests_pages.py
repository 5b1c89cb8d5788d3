"""A matter's assistance requests (its parties), recording one, and the page where the one asked
replies: the organization asked sees that request only, never the rest of the matter."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.legal.models import AssistanceRequest
from caseway.legal.tests.object_urls_legal import a_matter
from caseway.legal.tests.object_urls_reviews import a_request, assert_refused

pytestmark = pytest.mark.django_db


def test_a_party_records_a_request_and_sees_it_overdue_on_the_matter(personas, login_as):
    matter = a_matter(personas)
    client = login_as(personas.legal_officer_a)
    today = timezone.localdate()
    response = client.post(
        reverse("legal:request_add", args=[matter.pk]),
        {
            "kind": "mutual_legal_assistance",
            "addressed_authority": "Public prosecutor, Eastport",
            "addressed_country": "XB",
            "question": "Fictional: the case file number.",
            "sent_on": (today - datetime.timedelta(days=40)).isoformat(),
            "due_on": (today - datetime.timedelta(days=10)).isoformat(),
        },
    )
    assert response["Location"] == reverse("legal:requests", args=[matter.pk])
    page = client.get(reverse("legal:requests", args=[matter.pk])).content.decode()
    assert "Public prosecutor, Eastport" in page and "Overdue" in page and "Withdraw" in page


def test_a_request_to_nobody_is_refused_in_plain_words(personas, login_as):
    matter = a_matter(personas)
    response = login_as(personas.legal_officer_a).post(
        reverse("legal:request_add", args=[matter.pk]),
        {"kind": "information", "question": "x", "sent_on": "2025-06-03"},
    )
    assert response.status_code == 400
    assert "Say whom you ask" in response.content.decode()
    assert not AssistanceRequest.objects.exists()


def test_the_list_reads_a_fixed_number_of_queries_whatever_the_requests(
    personas, login_as, django_assert_max_num_queries
):
    matter = a_matter(personas)
    a_request(personas, matter)
    client = login_as(personas.legal_officer_a)
    url = reverse("legal:requests", args=[matter.pk])
    client.get(url)
    with django_assert_max_num_queries(20) as one:
        client.get(url)
    a_request(personas, matter, to=personas.org_other)
    a_request(personas, matter, addressed_authority="Registry", addressed_country="XB")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_organization_asked_sees_the_question_forum_type_and_code_only_and_answers(personas, login_as):
    matter = a_matter(personas)
    matter.summary = "Fictional confidential summary of the matter."
    matter.save(update_fields=["summary"])
    sent = a_request(personas, matter)
    client = login_as(personas.legal_officer_b)
    url = reverse("legal:request_answer", args=[sent.pk])
    page = client.get(url).content.decode()
    assert "Fictional question: the registry entry of the hearing." in page
    assert matter.client.code in page and str(matter.jurisdiction) in page
    assert "Complaint to a regional or UN human-rights body" in page
    assert "confidential summary" not in page
    assert reverse("legal:matter", args=[matter.pk]) not in page
    assert AuditEvent.objects.get(action="legal.assistance_request_viewed").fields == ["question", "response"]
    # The matter itself stays out of reach.
    assert client.get(reverse("legal:matter", args=[matter.pk])).status_code == 404
    assert client.get(reverse("legal:requests", args=[matter.pk])).status_code == 404
    response = client.post(url, {"reply": "answer", "response": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    response = client.post(url, {"reply": "answer", "response": "Fictional: entry 42."})
    assert response["Location"] == reverse("legal:requests_incoming")
    sent.refresh_from_db()
    assert (sent.status, sent.response) == ("answered", "Fictional: entry 42.")
    # The sender reads the response from its matter.
    lawyer = login_as(personas.legal_officer_a)
    listed = lawyer.get(reverse("legal:requests", args=[matter.pk])).content.decode()
    assert "Answered" in listed and "Withdraw" not in listed
    assert "Fictional: entry 42." in lawyer.get(url).content.decode()


def test_a_party_records_an_outside_authoritys_refusal(personas, login_as):
    sent = a_request(personas, addressed_authority="Registry of Eastport", addressed_country="XB")
    client = login_as(personas.supervisor_a)
    response = client.post(
        reverse("legal:request_answer", args=[sent.pk]), {"reply": "refuse", "response": "No legal basis."}
    )
    assert response["Location"] == reverse("legal:requests", args=[sent.matter_id])
    sent.refresh_from_db()
    assert sent.status == "refused"


def test_the_sender_withdraws_and_a_second_time_is_refused(personas, login_as):
    sent = a_request(personas)
    client = login_as(personas.legal_officer_a)
    url = reverse("legal:request_withdraw", args=[sent.pk])
    assert client.post(url)["Location"] == reverse("legal:requests", args=[sent.matter_id])
    again = client.post(url, follow=True).content.decode()
    assert "no longer waits for an answer" in again
    sent.refresh_from_db()
    assert sent.status == "withdrawn"


def test_the_request_pages_refuse_everyone_but_the_parties_or_the_one_asked(client, personas, login_as):
    sent = a_request(personas)
    matter = sent.matter
    assert_refused(client, login_as, personas, reverse("legal:requests", args=[matter.pk]))
    data = {
        "kind": "information",
        "question": "x",
        "sent_on": "2025-06-03",
        "addressed_organization": personas.org_other.pk,
    }
    assert_refused(client, login_as, personas, reverse("legal:request_add", args=[matter.pk]), "post", data)
    # Neither a party nor the one asked: 404; the sender reads the request but cannot reply for the one asked.
    elsewhere = reverse("legal:request_answer", args=[a_request(personas, matter, to=personas.org_other).pk])
    assert_refused(client, login_as, personas, elsewhere, others=("legal_officer_b", "supervisor_b"))
    assert_refused(client, login_as, personas, elsewhere, "post", {"reply": "acknowledge"}, others=("supervisor_b",))
    answer = reverse("legal:request_answer", args=[sent.pk])
    sender = login_as(personas.legal_officer_a)
    page = sender.get(answer).content.decode()
    assert "Fictional question" in page and 'name="reply"' not in page
    assert sender.post(answer, {"reply": "acknowledge"}).status_code == 403
    withdraw = reverse("legal:request_withdraw", args=[sent.pk])
    assert_refused(client, login_as, personas, withdraw, "post", others=("legal_officer_b", "supervisor_b"))
    sent.refresh_from_db()
    assert sent.status == "sent" and AssistanceRequest.objects.count() == 2
    assert set(AssistanceRequest.objects.values_list("status", flat=True)) == {"sent"}
