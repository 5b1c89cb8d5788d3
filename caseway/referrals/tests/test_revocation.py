"""Revocation: a consent withdrawn or refused takes effect at once, on pages, the API and exports.

- the client's referral consent to B withdrawn or refused: every open referral of theirs to B
  becomes "revoked" (event, audit) and B sees nothing of its package any more;
- a sharing consent to B withdrawn: the category disappears from B's case page, B's API, B's
  subject access export and the referral's package, because every read asks consent live.
"""

import json

import pytest
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.clients import consent
from caseway.clients.models import Case, Consent, ConsentPurpose, DataCategory
from caseway.clients.tests.factories import give_consent
from caseway.referrals.models import Referral, ReferralEvent, Status
from caseway.referrals.tests.helpers import a_referral, an_agreement, consent_to_refer, member

pytestmark = pytest.mark.django_db

SHARED = (DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.NEEDS)
OPEN = [Status.DRAFT, Status.SENT, Status.VIEWED, Status.ACCEPTED, Status.IN_SERVICE]
CLOSED = [Status.DECLINED, Status.COMPLETED, Status.CLOSED_UNSUCCESSFUL, Status.WITHDRAWN]


def _answer(referral, purpose):
    return Consent.objects.filter(client=referral.client, purpose=purpose, recipient=referral.to_organization).latest(
        "recorded_at"
    )


def revoke(personas, referral, purpose=ConsentPurpose.REFERRAL):
    consent.consent_revoke(
        actor=personas.caseworker_a, membership=member(personas.caseworker_a), consent=_answer(referral, purpose)
    )


def refuse(personas, referral, purpose=ConsentPurpose.REFERRAL, **values):
    give_consent(
        referral.client,
        purpose,
        recorded_by=member(personas.caseworker_a),
        recipient=personas.org_b,
        granted=False,
        **values,
    )


def agree_again(personas, referral):
    recorder = member(personas.caseworker_a)
    give_consent(referral.client, ConsentPurpose.REFERRAL, recorded_by=recorder, recipient=personas.org_b)


# ---------------------------------------------------------------------------------------------
# The referral stops


@pytest.mark.parametrize("status", OPEN)
def test_it_stops_every_open_referral_when_the_referral_consent_is_withdrawn(personas, status):
    referral = a_referral(personas, status)

    revoke(personas, referral)

    referral.refresh_from_db()
    assert referral.status == Status.REVOKED
    assert referral.closed_at is not None
    event = ReferralEvent.objects.get(referral=referral, to_status=Status.REVOKED)
    assert (event.from_status, event.code, event.actor) == (status, "consent_revoked", personas.caseworker_a)
    assert AuditEvent.objects.filter(action="referrals.referral_revoked", target_id=str(referral.pk)).exists()


@pytest.mark.parametrize("status", [Status.SENT, Status.ACCEPTED])
def test_it_stops_open_referrals_when_the_client_refuses_the_referral(personas, status):
    referral = a_referral(personas, status)

    refuse(personas, referral)

    assert Referral.objects.get(pk=referral.pk).status == Status.REVOKED


@pytest.mark.parametrize("status", CLOSED)
def test_it_leaves_closed_referrals_as_they_ended(personas, status):
    referral = a_referral(personas, status)

    revoke(personas, referral)

    assert Referral.objects.get(pk=referral.pk).status == status


def test_it_stops_every_open_referral_of_the_client_to_that_organization_only(personas):
    first = a_referral(personas, Status.SENT)
    second_case = first.from_case
    third = member(personas.outsider).organization
    an_agreement(personas.org_a, third)
    consent_to_refer(second_case, third, by=member(personas.caseworker_a))
    from caseway.referrals import services

    second = services.referral_create(
        actor=personas.caseworker_a,
        membership=member(personas.caseworker_a),
        case=second_case,
        to_organization=third,
        urgency="normal",
        reason="Coordination",
        categories=[DataCategory.NEEDS],
    )
    another = services.referral_create(
        actor=personas.caseworker_a,
        membership=member(personas.caseworker_a),
        case=second_case,
        to_organization=personas.org_b,
        urgency="high",
        reason="Also legal aid",
        categories=[],
    )

    revoke(personas, first)

    statuses = dict(Referral.objects.values_list("pk", "status"))
    assert statuses == {first.pk: Status.REVOKED, another.pk: Status.REVOKED, second.pk: Status.DRAFT}


def test_it_keeps_referrals_going_while_a_newer_agreement_stands(personas):
    referral = a_referral(personas, Status.SENT)
    older = _answer(referral, ConsentPurpose.REFERRAL)
    give_consent(
        referral.client, ConsentPurpose.REFERRAL, recorded_by=member(personas.caseworker_a), recipient=personas.org_b
    )

    consent.consent_revoke(actor=personas.caseworker_a, membership=member(personas.caseworker_a), consent=older)

    assert Referral.objects.get(pk=referral.pk).status == Status.SENT


def test_it_ignores_a_new_agreement(personas):
    referral = a_referral(personas, Status.SENT)

    give_consent(
        referral.client, ConsentPurpose.REFERRAL, recorded_by=member(personas.caseworker_a), recipient=personas.org_b
    )

    assert Referral.objects.get(pk=referral.pk).status == Status.SENT


def test_it_revokes_in_the_same_transaction_as_the_withdrawal(personas, monkeypatch):
    referral = a_referral(personas, Status.SENT)
    from caseway.referrals import services

    def broken(**kwargs):
        raise RuntimeError("the referral could not be stopped")

    monkeypatch.setattr(services, "referrals_revoke_for_consent", broken)
    with pytest.raises(RuntimeError):
        revoke(personas, referral)

    assert _answer(referral, ConsentPurpose.REFERRAL).revoked_at is None  # the withdrawal did not commit alone


# ---------------------------------------------------------------------------------------------
# B's access disappears at once: page, API, export, package


@pytest.fixture
def accepted(personas):
    return a_referral(personas, Status.ACCEPTED, categories=SHARED)


def _b_case(referral):
    return Case.objects.get(organization=referral.to_organization, client=referral.client)


def test_it_gives_the_receiver_the_consented_categories_after_acceptance(personas, accepted, login_as):
    client = login_as(personas.caseworker_b)
    case = _b_case(accepted)

    page = client.get(reverse("clients:case_detail", args=[case.pk])).content.decode()
    api = client.get(reverse("api:client_detail", args=[accepted.client_id])).json()

    assert case.origin == Case.Origin.REFERRAL
    assert "Amina" in page
    assert api["identity"]["given_name"] == "Amina"
    assert sorted(api["categories"]) == sorted(SHARED)


def test_it_removes_the_receivers_access_to_a_category_on_the_page_at_once(personas, accepted, login_as):
    client = login_as(personas.caseworker_b)
    case_url = reverse("clients:case_detail", args=[_b_case(accepted).pk])
    assert "Amina" in client.get(case_url).content.decode()

    revoke(personas, accepted, ConsentPurpose.SHARING)

    page = client.get(case_url).content.decode()
    assert "Amina" not in page
    assert "+999 700 100 200" not in page


def test_it_removes_the_receivers_access_in_the_api_at_once(personas, accepted, login_as):
    client = login_as(personas.caseworker_b)

    revoke(personas, accepted, ConsentPurpose.SHARING)

    api = client.get(reverse("api:client_detail", args=[accepted.client_id])).json()
    assert api["identity"] is None
    assert api["contact"] is None
    assert api["categories"] == []
    referral = client.get(reverse("api:referral_detail", args=[accepted.pk])).json()
    assert referral["package"]["sections"] == {}
    assert referral["visible_categories"] == []


def test_it_removes_a_category_from_the_receivers_export_at_once(personas, accepted, login_as):
    client = login_as(personas.caseworker_b)
    url = reverse("clients:subject_access_json", args=[accepted.client_id])
    assert "contact" in json.loads(client.get(url).content)
    refuse(personas, accepted, ConsentPurpose.SHARING, categories=[DataCategory.CONTACT])

    data = json.loads(client.get(url).content)

    assert "contact" not in data
    assert "+999 700 100 200" not in json.dumps(data)


def test_it_refuses_the_receivers_export_once_identity_is_withdrawn(personas, accepted, login_as):
    client = login_as(personas.caseworker_b)

    revoke(personas, accepted, ConsentPurpose.SHARING)

    assert client.get(reverse("clients:subject_access_json", args=[accepted.client_id])).status_code == 403


def test_it_hides_the_package_of_a_revoked_referral_from_the_receiver(personas, accepted, login_as):
    client = login_as(personas.caseworker_b)
    url = reverse("referrals:detail", args=[accepted.pk])
    assert "Amina" in client.get(url).content.decode()

    revoke(personas, accepted)

    page = client.get(url).content.decode()
    assert "Amina" not in page
    assert "+999 700 100 200" not in page
    api = client.get(reverse("api:referral_detail", args=[accepted.pk])).json()
    assert (api["status"], api["package"], api["visible_categories"]) == (Status.REVOKED, None, [])
