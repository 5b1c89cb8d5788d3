"""The organization's assistance requests across matters: asked of it (whether or not it is a party),
and sent by it; waiting ones first with the overdue marked."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from caseway.casework.tests.appointment_helpers import member
from caseway.legal import assistance
from caseway.legal.tests.object_urls_legal import a_matter
from caseway.legal.tests.object_urls_reviews import WRONG_ROLES, a_request

pytestmark = pytest.mark.django_db
URL = "legal:requests_incoming"


def test_the_organization_asked_sees_the_request_code_and_forum_not_the_matter(personas, login_as):
    matter = a_matter(personas)
    matter.summary = "Fictional confidential summary."
    matter.save(update_fields=["summary"])
    today = timezone.localdate()
    late = a_request(
        personas, matter, sent_on=today - datetime.timedelta(days=20), due_on=today - datetime.timedelta(days=1)
    )
    page = login_as(personas.legal_officer_b).get(reverse(URL)).content.decode()
    assert matter.client.code in page and str(matter.jurisdiction) in page and "ALR" in page
    assert reverse("legal:request_answer", args=[late.pk]) in page
    assert "Overdue" in page
    assert "confidential summary" not in page and "Fictional question" not in page
    assert reverse("legal:matter", args=[matter.pk]) not in page


def test_the_sender_sees_what_it_sent_and_the_reply(personas, login_as):
    sent = a_request(personas)
    assistance.request_reply(
        actor=personas.legal_officer_b,
        membership=member(personas.legal_officer_b),
        assistance_request=sent,
        reply="refuse",
    )
    page = login_as(personas.supervisor_a).get(reverse(URL)).content.decode()
    assert "Sent by your organization" in page and "BLA" in page and "Refused" in page
    assert reverse("legal:request_answer", args=[sent.pk]) in page
    assert "Overdue" not in page


def test_it_shows_only_the_requests_asked_of_the_organization(personas, login_as):
    matter = a_matter(personas)
    a_request(personas, matter, to=personas.org_b)
    page = login_as(personas.legal_officer_b).get(reverse(URL)).content.decode()
    assert matter.client.code in page
    a_request(personas, matter, to=personas.org_other)
    other = login_as(personas.supervisor_b).get(reverse(URL)).content.decode()
    assert other.count(matter.client.code) == 1


def test_it_reads_a_fixed_number_of_queries_whatever_the_requests(personas, login_as, django_assert_max_num_queries):
    matter = a_matter(personas)
    a_request(personas, matter)
    client = login_as(personas.legal_officer_b)
    client.get(reverse(URL))
    with django_assert_max_num_queries(20) as one:
        client.get(reverse(URL))
    for _ in range(3):
        a_request(personas, a_matter(personas), due_on=datetime.date(2025, 6, 4))
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(reverse(URL)).status_code == 200


def test_it_refuses_anonymous_visitors_and_roles_not_working_legal_matters(client, personas, login_as):
    response = client.get(reverse(URL))
    assert response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))
    for name in WRONG_ROLES:
        login_as(getattr(personas, name))
        assert client.get(reverse(URL)).status_code == 403, name
