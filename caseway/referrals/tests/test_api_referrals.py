"""The referrals API: list, create, detail (package in the categories visible now), transitions.

Through bearer tokens, as an integrator calls it. The same services as the pages: gate refusals
answer 400 naming what is missing, moves the state machine refuses answer 409, a referral the
caller's organization is not party to answers 404, roles without personal data 403.
"""

import pytest
from django.urls import reverse

from caseway.api.tests.helpers import bearer, create_token
from caseway.audit.models import AuditEvent
from caseway.clients.models import ConsentPurpose, DataCategory
from caseway.clients.tests.factories import give_consent
from caseway.directory.tests.factories import ServiceFactory
from caseway.referrals.models import Referral, Status
from caseway.referrals.tests.helpers import (
    a_draft,
    a_referral,
    a_sender_case,
    an_agreement,
    consent_to_refer,
    member,
    ready_to_send,
)

pytestmark = pytest.mark.django_db

SHARED = (DataCategory.IDENTITY, DataCategory.NEEDS)


def auth(user):
    _token, secret = create_token(user)
    return bearer(secret)


def get(client, user, name, *args, **params):
    return client.get(reverse(f"api:{name}", args=args), params, **auth(user))


def post(client, user, name, *args, data=None):
    return client.post(reverse(f"api:{name}", args=args), data or {}, content_type="application/json", **auth(user))


# ---------------------------------------------------------------------------------------------
# List


def test_it_lists_the_referrals_of_both_parties_without_packages(client, personas):
    sent = a_referral(personas, Status.SENT)
    draft = a_referral(personas, Status.DRAFT)

    for_a = get(client, personas.caseworker_a, "referral_list").json()
    for_b = get(client, personas.caseworker_b, "referral_list").json()

    assert {row["id"] for row in for_a["results"]} == {str(sent.pk), str(draft.pk)}
    assert [row["id"] for row in for_b["results"]] == [str(sent.pk)]
    row = for_b["results"][0]
    assert (row["side"], row["status"], row["client_code"]) == ("receiver", "sent", sent.client.code)
    assert set(row["allowed_actions"]) == {"accept", "decline"}
    assert "package" not in row
    assert "reason" not in row


@pytest.mark.parametrize("name", ["outsider", "caseworker_b"])
def test_it_lists_nothing_of_others(client, personas, name):
    a_referral(personas, Status.DRAFT)

    assert get(client, getattr(personas, name), "referral_list").json()["results"] == []


@pytest.mark.parametrize("name", ["admin_a", "monitor_a", "coordinator", "donor"])
def test_it_refuses_roles_without_personal_data(client, personas, name):
    referral = a_referral(personas, Status.SENT)

    assert get(client, getattr(personas, name), "referral_list").status_code == 403
    assert get(client, getattr(personas, name), "referral_detail", referral.pk).status_code == 403
    assert post(client, getattr(personas, name), "referral_accept", referral.pk).status_code == 403


def test_it_refuses_anonymous_callers(client, personas):
    referral = a_referral(personas, Status.SENT)

    assert client.get(reverse("api:referral_list")).status_code == 401
    assert client.get(reverse("api:referral_detail", args=[referral.pk])).status_code == 401
    assert client.post(reverse("api:referral_accept", args=[referral.pk])).status_code == 401


# ---------------------------------------------------------------------------------------------
# Create


def test_it_creates_a_draft(client, personas):
    case = a_sender_case(personas)
    service = ServiceFactory(organization=personas.org_b)

    response = post(
        client,
        personas.caseworker_a,
        "referral_list",
        data={
            "case": str(case.pk),
            "to_service": str(service.pk),
            "urgency": "emergency",
            "reason": "Post-exposure prophylaxis today.",
            "categories": ["health", "identity"],
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["urgency"], body["to_service"]["id"]) == ("draft", "emergency", str(service.pk))
    assert body["to_organization"] == {"id": personas.org_b.pk, "name": "Beta Legal Aid"}
    assert body["categories"] == ["health", "identity"]
    assert body["package"] is None
    assert body["allowed_actions"] == ["send", "withdraw"]


def test_it_names_what_is_wrong_in_a_draft(client, personas):
    case = a_sender_case(personas)

    response = post(
        client,
        personas.caseworker_a,
        "referral_list",
        data={"case": str(case.pk), "to_organization": personas.org_a.pk, "reason": "x"},
    )

    assert response.status_code == 400
    assert "to_organization" in response.json()


def test_it_answers_404_for_another_organizations_case(client, personas):
    case = a_sender_case(personas)

    response = post(
        client,
        personas.caseworker_b,
        "referral_list",
        data={"case": str(case.pk), "to_organization": personas.org_a.pk, "reason": "x"},
    )

    assert response.status_code == 404
    assert not Referral.objects.exists()


# ---------------------------------------------------------------------------------------------
# Detail


def test_it_shows_the_receiver_the_package_and_marks_it_seen(client, personas):
    referral = a_referral(personas, Status.SENT, categories=SHARED)

    body = get(client, personas.caseworker_b, "referral_detail", referral.pk).json()

    assert body["status"] == "viewed"
    assert body["visible_categories"] == ["identity", "needs"]
    assert body["package"]["sections"]["identity"]["given_name"] == "Amina"
    assert body["package"]["client"]["code"] == referral.client.code
    assert body["reason"] == "Needs legal counselling about civil documents."
    assert [event["to_status"] for event in body["events"]] == ["draft", "sent", "viewed"]
    audited = AuditEvent.objects.filter(action="referrals.package_read").latest("seq")
    assert audited.fields == ["reason", "package.identity", "package.needs"]


def test_it_hides_the_outcome_note_from_the_sender_without_consent(client, personas):
    referral = a_referral(personas, Status.COMPLETED)

    sender = get(client, personas.caseworker_a, "referral_detail", referral.pk).json()
    receiver = get(client, personas.caseworker_b, "referral_detail", referral.pk).json()

    assert (sender["outcome"], sender["outcome_note"]) == ("service_provided", None)
    assert receiver["outcome_note"] == "Attended six sessions."
    give_consent(
        referral.client,
        ConsentPurpose.SHARING,
        recorded_by=member(personas.caseworker_b),
        recipient=personas.org_a,
        categories=[DataCategory.NEEDS],
    )
    assert get(client, personas.caseworker_a, "referral_detail", referral.pk).json()["outcome_note"] == (
        "Attended six sessions."
    )


@pytest.mark.parametrize("name", ["outsider", "caseworker_b"])
def test_it_answers_404_to_others(client, personas, name):
    draft = a_referral(personas, Status.DRAFT)

    assert get(client, getattr(personas, name), "referral_detail", draft.pk).status_code == 404


# ---------------------------------------------------------------------------------------------
# Transitions


def test_it_goes_through_the_whole_life_of_a_referral(client, personas):
    referral = ready_to_send(personas)
    a, b = personas.caseworker_a, personas.caseworker_b

    assert post(client, a, "referral_send", referral.pk).json()["status"] == "sent"
    accepted = post(client, b, "referral_accept", referral.pk).json()
    assert accepted["status"] == "accepted"
    assert accepted["case"] is not None
    assert post(client, b, "referral_start_service", referral.pk).json()["status"] == "in_service"
    done = post(client, b, "referral_complete", referral.pk, data={"outcome": "service_provided"}).json()
    assert (done["status"], done["outcome"], done["allowed_actions"]) == ("completed", "service_provided", [])


def test_it_refuses_sending_with_what_is_missing(client, personas):
    an_agreement(personas.org_a, personas.org_b)
    referral = a_draft(personas)

    response = post(client, personas.caseworker_a, "referral_send", referral.pk)

    assert response.status_code == 400
    assert response.json()["consent"][0].startswith("The client has not agreed to be referred to Beta Legal Aid")


def test_it_lets_a_supervisor_override_missing_consent(client, personas):
    an_agreement(personas.org_a, personas.org_b)
    referral = a_draft(personas)

    response = post(
        client,
        personas.supervisor_a,
        "referral_send",
        referral.pk,
        data={"override_reason": "The client is in hospital; the clinic must see her today."},
    )

    assert response.status_code == 200
    assert response.json()["consent_overridden"] is True


def test_it_answers_409_to_a_second_acceptance(client, personas):
    referral = a_referral(personas, Status.ACCEPTED)

    response = post(client, personas.supervisor_b, "referral_accept", referral.pk)

    assert response.status_code == 409
    assert response.json()["detail"] == "This referral was already accepted by caseworker.b@example.org."


def test_it_answers_409_to_the_wrong_side(client, personas):
    referral = a_referral(personas, Status.SENT)

    response = post(client, personas.caseworker_a, "referral_accept", referral.pk)

    assert response.status_code == 409
    assert response.json()["detail"] == "Only the other organization can make this change."


def test_it_declines_with_a_reason_and_a_suggestion(client, personas):
    referral = a_referral(personas, Status.VIEWED)
    alternative = ServiceFactory(organization=personas.org_other)

    body = post(
        client,
        personas.caseworker_b,
        "referral_decline",
        referral.pk,
        data={"reason": "not_eligible", "note": "Adults only.", "alternative_service": str(alternative.pk)},
    ).json()

    assert (body["status"], body["decline_reason"], body["decline_note"]) == (
        "declined",
        "not_eligible",
        "Adults only.",
    )
    assert body["alternative_service"]["id"] == str(alternative.pk)
    assert body["package"] is None


@pytest.mark.parametrize(
    ("name", "data", "field"),
    [
        ("referral_decline", {"reason": "busy"}, "reason"),
        ("referral_decline", {"reason": "other"}, "note"),
        (
            "referral_decline",
            {"reason": "no_capacity", "alternative_service": "00000000-0000-0000-0000-000000000001"},
            "alternative_service",
        ),
    ],
)
def test_it_validates_a_decline(client, personas, name, data, field):
    referral = a_referral(personas, Status.SENT)

    response = post(client, personas.caseworker_b, name, referral.pk, data=data)

    assert response.status_code == 400
    assert field in response.json()


def test_it_closes_without_success_and_withdraws(client, personas):
    closed = a_referral(personas, Status.ACCEPTED)
    withdrawn = a_referral(personas, Status.VIEWED)

    first = post(client, personas.caseworker_b, "referral_close_unsuccessful", closed.pk, data={"reason": "other"})
    second = post(client, personas.caseworker_a, "referral_withdraw", withdrawn.pk)

    assert first.json()["status"] == "closed_unsuccessful"
    assert second.json()["status"] == "withdrawn"


def test_it_reads_a_form_body_too(client, personas):
    referral = a_referral(personas, Status.IN_SERVICE)

    response = client.post(
        reverse("api:referral_complete", args=[referral.pk]),
        {"outcome": "not_provided"},
        **auth(personas.caseworker_b),
    )

    assert response.status_code == 200
    assert response.json()["outcome"] == "not_provided"


def test_it_answers_404_to_another_organization_for_every_transition(client, personas):
    referral = a_referral(personas, Status.SENT)
    consent_to_refer(referral.from_case, personas.org_b, by=member(personas.caseworker_a))

    for name in ("send", "accept", "decline", "start_service", "complete", "close_unsuccessful", "withdraw"):
        response = post(client, personas.outsider, f"referral_{name}", referral.pk, data={"reason": "other"})
        assert response.status_code == 404, name
    assert Referral.objects.get(pk=referral.pk).status == Status.SENT
