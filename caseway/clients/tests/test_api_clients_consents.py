"""/api/v1/clients/{id}/consents/: the answers the organization may see, and recording new ones."""

import pytest

from caseway.accounts.tests.helpers import audit_events
from caseway.clients import consent
from caseway.clients.models import Consent, ConsentPurpose, DataCategory
from caseway.clients.tests.api_helpers import auth, client_url
from caseway.clients.tests.erasure_helpers import identified_case, member, referred_to_b
from caseway.clients.tests.factories import give_consent

pytestmark = pytest.mark.django_db


def wording(purpose, language="en"):
    return {"language": language, "wording_sha256": consent.text_digest(consent.shipped_text(purpose, language))}


def post(client, user, case, data):
    return client.post(client_url(case, "consents/"), data, content_type="application/json", **auth(user))


def test_it_lists_the_answers_with_status_and_wording(client, personas):
    case = identified_case(personas)

    body = client.get(client_url(case, "consents/"), **auth(personas.caseworker_a)).json()

    assert body["count"] == 3
    contact = next(row for row in body["results"] if row["purpose"] == "contact")
    assert (contact["status"], contact["contact_methods"], contact["safe_times"]) == (
        "in_force",
        ["sms"],
        "after six, when he is at the market",
    )
    assert contact["recorded_by_your_organization"] is True
    assert len(contact["wording"]["sha256"]) == 64 and contact["wording"]["text"]


def test_a_referral_organization_sees_no_contact_details_without_that_category(client, personas):
    case_a = identified_case(personas)
    referred_to_b(personas, case_a, categories=[DataCategory.IDENTITY])

    rows = client.get(client_url(case_a, "consents/"), **auth(personas.caseworker_b)).json()["results"]

    contact = next(row for row in rows if row["purpose"] == "contact")
    assert (contact["contact_methods"], contact["safe_times"]) == ([], "")
    assert {row["purpose"] for row in rows} == {"statistics", "contact", "sharing"}  # not A's services answer


def test_it_never_lists_answers_addressed_to_a_third_organization(client, personas):
    case = identified_case(personas)
    give_consent(
        case.client, ConsentPurpose.REFERRAL, recorded_by=member(personas.caseworker_b), recipient=personas.org_other
    )

    rows = client.get(client_url(case, "consents/"), **auth(personas.caseworker_a)).json()["results"]

    assert "referral" not in {row["purpose"] for row in rows}


def test_it_records_a_sharing_answer_through_consent_record(client, personas):
    case = identified_case(personas)
    data = {
        "purpose": "sharing",
        "granted": True,
        "recipient": personas.org_b.pk,
        "categories": ["identity", "needs"],
        "method": "written",
        **wording(ConsentPurpose.SHARING),
    }

    response = post(client, personas.caseworker_a, case, data)

    assert response.status_code == 201, response.content
    assert response.json()["recipient"] == {"id": personas.org_b.pk, "name": "Beta Legal Aid"}
    assert consent.shared_categories(case.client, personas.org_b) == {"identity", "needs"}
    assert audit_events("clients.consent_recorded").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"recipient": None}, "recipient"),
        ({"categories": []}, "categories"),
        ({"recipient": 99999999}, "recipient"),
        ({"wording_sha256": "f" * 64}, "wording_sha256"),
        ({"purpose": "portal"}, "purpose"),
    ],
)
def test_it_records_nothing_on_bad_input(client, personas, change, field):
    case = identified_case(personas)
    before = Consent.objects.count()
    data = {
        "purpose": "sharing",
        "granted": True,
        "recipient": personas.org_b.pk,
        "categories": ["identity"],
        "method": "verbal",
        **wording(ConsentPurpose.SHARING),
        **change,
    }

    response = post(client, personas.caseworker_a, case, data)

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Consent.objects.count() == before


def test_it_answers_404_for_another_organizations_client(client, personas):
    case = identified_case(personas)
    headers = auth(personas.caseworker_b)

    assert client.get(client_url(case, "consents/"), **headers).status_code == 404
    response = client.post(
        client_url(case, "consents/"),
        {"purpose": "statistics", "granted": False, "method": "verbal", **wording(ConsentPurpose.STATISTICS)},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 404
    assert Consent.objects.filter(client=case.client).count() == 3


def test_it_answers_401_without_credentials(client, personas):
    assert client.get(client_url(identified_case(personas), "consents/")).status_code == 401


@pytest.mark.parametrize("who", ["admin_a", "donor"])
def test_it_refuses_roles_that_see_no_personal_data(client, personas, who):
    case = identified_case(personas)
    headers = auth(getattr(personas, who))

    assert client.get(client_url(case, "consents/"), **headers).status_code == 403
    assert post(client, getattr(personas, who), case, {}).status_code == 403
