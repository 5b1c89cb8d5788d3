"""Interagency threads on a case: with another organization working with the same client, only
while the client agrees to share with it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from caseway.clients.models import Consent, ConsentPurpose
from caseway.messaging.models import Message, Thread
from caseway.referrals.models import Status
from caseway.referrals.tests.helpers import a_referral

pytestmark = pytest.mark.django_db


def _two_cases(personas):
    referral = a_referral(personas, Status.ACCEPTED)
    referral.refresh_from_db()
    return referral.from_case, referral.to_case


def _open(personas, login_as, case_a):
    staff_a = login_as(personas.caseworker_a)
    page = staff_a.get(reverse("portal_staff:case_portal", args=[case_a.pk])).content.decode()
    start = reverse("messaging:partner_thread_start", args=[case_a.pk, personas.org_b.pk])
    assert start in page
    response = staff_a.post(start)
    assert response.status_code == 302
    return Thread.objects.get(kind="interagency", case=case_a, other_organization=personas.org_b)


def test_two_organizations_of_one_client_write_to_each_other_about_the_case(personas, login_as):
    case_a, case_b = _two_cases(personas)
    thread = _open(personas, login_as, case_a)
    url = reverse("messaging:partner_thread", args=[thread.pk])
    staff_a = login_as(personas.caseworker_a)
    assert staff_a.post(url, {"body": "She starts training on Monday."}).status_code == 302

    staff_b = login_as(personas.caseworker_b)
    case_page_b = staff_b.get(reverse("portal_staff:case_portal", args=[case_b.pk])).content.decode()
    assert url in case_page_b
    page = staff_b.get(url).content.decode()
    assert "She starts training on Monday." in page
    staff_b.post(url, {"body": "Noted, thank you."})
    assert Message.objects.filter(thread=thread).count() == 2
    assert thread.data_key_id == case_a.client.data_key_id


def test_nobody_else_and_not_once_the_client_stops_sharing(personas, login_as):
    case_a, _case_b = _two_cases(personas)
    thread = _open(personas, login_as, case_a)
    url = reverse("messaging:partner_thread", args=[thread.pk])
    assert login_as(personas.outsider).get(url).status_code == 404
    assert login_as(personas.outsider).post(url, {"body": "x"}).status_code == 404
    Consent.objects.filter(purpose=ConsentPurpose.SHARING, recipient=personas.org_b).update(revoked_at=timezone.now())
    assert login_as(personas.caseworker_a).get(url).status_code == 404
    assert login_as(personas.caseworker_b).get(url).status_code == 404


def test_an_organization_without_a_case_of_the_client_is_no_partner(personas, login_as):
    case_a, _case_b = _two_cases(personas)
    start = reverse("messaging:partner_thread_start", args=[case_a.pk, personas.org_other.pk])
    assert login_as(personas.caseworker_a).post(start).status_code == 404
    assert not Thread.objects.filter(kind="interagency", case__isnull=False).exists()
