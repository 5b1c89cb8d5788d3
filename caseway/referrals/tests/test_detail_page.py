"""The referral page: the package in the categories the viewer may see, the timeline, only the
actions the viewer's side may take; the receiver's first visit marks it seen; reads audited."""

import datetime

import pytest
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.clients.models import ConsentPurpose, DataCategory
from caseway.clients.tests.factories import give_consent
from caseway.referrals import escalation
from caseway.referrals.models import Referral, Status
from caseway.referrals.tests.helpers import a_referral, member
from caseway.referrals.tests.pages import assert_refused

pytestmark = pytest.mark.django_db

SHARED = (DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.NEEDS)


def url(referral):
    return reverse("referrals:detail", args=[referral.pk])


def page(client, referral):
    response = client.get(url(referral))
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_receiver_the_shared_package_and_marks_it_seen(personas, login_as):
    referral = a_referral(personas, Status.SENT, categories=SHARED)

    html = page(login_as(personas.caseworker_b), referral)

    assert "Referral from <bdi>Alpha Relief</bdi>" in html
    assert "Amina" in html
    assert "+999 700 100 200" in html
    assert "Needs legal counselling about civil documents." in html
    assert Referral.objects.get(pk=referral.pk).status == Status.VIEWED
    audited = AuditEvent.objects.filter(action="referrals.package_read").latest("seq")
    assert audited.fields == ["reason", "package.contact", "package.identity", "package.needs", "package.client"]


def test_it_hides_what_the_client_no_longer_shares_and_says_so(personas, login_as):
    referral = a_referral(personas, Status.SENT, categories=SHARED)
    give_consent(
        referral.client,
        ConsentPurpose.SHARING,
        recorded_by=member(personas.caseworker_a),
        recipient=personas.org_b,
        categories=[DataCategory.IDENTITY],
        granted=False,
    )

    html = page(login_as(personas.caseworker_b), referral)

    assert "Amina" not in html
    assert "Not shown to you: Identity." in html


def test_it_shows_the_receiver_only_its_actions(personas, login_as):
    referral = a_referral(personas, Status.VIEWED)

    html = page(login_as(personas.caseworker_b), referral)

    assert reverse("referrals:accept", args=[referral.pk]) in html
    assert reverse("referrals:decline", args=[referral.pk]) in html
    assert reverse("referrals:withdraw", args=[referral.pk]) not in html
    assert reverse("referrals:send", args=[referral.pk]) not in html


def test_it_shows_the_sender_only_its_actions(personas, login_as):
    referral = a_referral(personas, Status.VIEWED)

    html = page(login_as(personas.caseworker_a), referral)

    assert reverse("referrals:withdraw", args=[referral.pk]) in html
    assert reverse("referrals:accept", args=[referral.pk]) not in html
    assert reverse("referrals:decline", args=[referral.pk]) not in html


@pytest.mark.parametrize("status", [Status.COMPLETED, Status.DECLINED, Status.REVOKED, Status.WITHDRAWN])
def test_it_offers_no_action_once_final(personas, login_as, status):
    referral = a_referral(personas, status)

    for user in (personas.caseworker_a, personas.caseworker_b):
        assert "What you can do" not in page(login_as(user), referral)


def test_it_shows_a_draft_what_is_missing_and_the_override_to_supervisors(personas, login_as):
    from caseway.referrals.tests.helpers import a_draft, an_agreement

    an_agreement(personas.org_a, personas.org_b)
    draft = a_draft(personas)

    caseworker = page(login_as(personas.caseworker_a), draft)
    supervisor = page(login_as(personas.supervisor_a), draft)

    assert "The client has not agreed to be referred to Beta Legal Aid" in caseworker
    assert 'name="override_reason"' not in caseworker
    assert 'name="override_reason"' in supervisor


def test_it_shows_the_timeline(personas, login_as):
    referral = a_referral(personas, Status.DECLINED)

    html = page(login_as(personas.caseworker_a), referral)

    for label in ("Draft", "Sent", "Seen by the receiver", "Declined", "No capacity"):
        assert label in html


def test_it_shows_the_sender_the_outcome_and_the_note_only_with_consent(personas, login_as):
    referral = a_referral(personas, Status.COMPLETED)
    client = login_as(personas.caseworker_a)

    html = page(client, referral)
    assert "Service provided" in html
    assert "Attended six sessions." not in html
    assert "the client has not agreed to share their needs with your organization" in html

    give_consent(
        referral.client,
        ConsentPurpose.SHARING,
        recorded_by=member(personas.caseworker_b),
        recipient=personas.org_a,
        categories=[DataCategory.NEEDS],
    )
    assert "Attended six sessions." in page(client, referral)


def test_it_works_right_to_left(personas, login_as):
    referral = a_referral(personas, Status.SENT)
    client = login_as(personas.caseworker_b)
    client.cookies["django_language"] = "ar"

    response = client.get(url(referral), HTTP_ACCEPT_LANGUAGE="ar")

    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()


def test_it_refuses_anonymous_visitors_other_organizations_and_roles_without_personal_data(client, personas, login_as):
    referral = a_referral(personas, Status.SENT)

    assert_refused(client, login_as, personas, url(referral))


def test_it_keeps_a_draft_from_the_receiver(personas, login_as):
    draft = a_referral(personas, Status.DRAFT)

    assert login_as(personas.caseworker_b).get(url(draft)).status_code == 404


def test_it_words_each_escalation_on_the_timeline(personas, login_as):
    referral = a_referral(personas, Status.VIEWED)
    escalation.escalations_run(now=referral.due_at)
    escalation.escalations_run(now=referral.due_at + datetime.timedelta(hours=24))

    html = page(login_as(personas.caseworker_a), referral)

    assert "No answer in time: the receiver&#x27;s supervisors were alerted" in html
    assert "Still no answer: the sender was told" in html
