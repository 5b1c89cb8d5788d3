"""POST /api/v1/clients/{id}/consents/{consent_id}/revoke/: withdrawal takes effect at once."""

import pytest

from caseway.accounts.tests.helpers import audit_events
from caseway.clients import consent
from caseway.clients.models import Consent, ConsentPurpose, DataCategory
from caseway.clients.tests.api_helpers import auth, client_url
from caseway.clients.tests.erasure_helpers import identified_case, member, referred_to_b

pytestmark = pytest.mark.django_db


def sharing_of(case):
    return Consent.objects.get(client=case.client, purpose=ConsentPurpose.SHARING)


def revoke(client, user, case, answer, data=None):
    return client.post(
        client_url(case, f"consents/{answer.pk}/revoke/"), data or {}, content_type="application/json", **auth(user)
    )


def test_it_withdraws_an_agreement_and_the_referral_organization_loses_the_identity_at_once(client, personas):
    case_a = identified_case(personas)
    referred_to_b(personas, case_a, categories=[DataCategory.IDENTITY])
    headers_b = auth(personas.caseworker_b)
    assert client.get(client_url(case_a), **headers_b).json()["identity"] is not None

    response = revoke(client, personas.caseworker_a, case_a, sharing_of(case_a), {"note": "asked by phone"})

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "revoked"
    assert not consent.allows(case_a.client, ConsentPurpose.SHARING, personas.org_b, DataCategory.IDENTITY)
    assert client.get(client_url(case_a), **headers_b).json()["identity"] is None
    assert audit_events("clients.consent_revoked").count() == 1


def test_it_is_idempotent(client, personas):
    case_a = identified_case(personas)
    referred_to_b(personas, case_a)
    answer = sharing_of(case_a)
    revoke(client, personas.caseworker_a, case_a, answer)

    assert revoke(client, personas.caseworker_a, case_a, answer).status_code == 200
    assert audit_events("clients.consent_revoked").count() == 1


def test_a_refusal_cannot_be_withdrawn(client, personas):
    case = identified_case(personas, statistics=False)
    refusal = Consent.objects.get(client=case.client, purpose=ConsentPurpose.STATISTICS)

    assert revoke(client, personas.caseworker_a, case, refusal).status_code == 400


def test_it_answers_404_for_an_answer_the_organization_may_not_see(client, personas):
    from caseway.clients.tests.factories import give_consent

    case = identified_case(personas)
    elsewhere = give_consent(
        case.client, ConsentPurpose.REFERRAL, recorded_by=member(personas.caseworker_b), recipient=personas.org_other
    )

    assert revoke(client, personas.caseworker_a, case, elsewhere).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.revoked_at is None


def test_it_answers_404_to_another_organization(client, personas):
    case_a = identified_case(personas)
    answer = Consent.objects.get(client=case_a.client, purpose=ConsentPurpose.STATISTICS)

    assert revoke(client, personas.caseworker_b, case_a, answer).status_code == 404
    answer.refresh_from_db()
    assert answer.revoked_at is None


def test_it_answers_401_without_credentials(client, personas):
    case = identified_case(personas)
    answer = Consent.objects.get(client=case.client, purpose=ConsentPurpose.STATISTICS)

    assert client.post(client_url(case, f"consents/{answer.pk}/revoke/")).status_code == 401


def test_it_refuses_roles_that_see_no_personal_data(client, personas):
    case = identified_case(personas)
    answer = Consent.objects.get(client=case.client, purpose=ConsentPurpose.STATISTICS)

    assert revoke(client, personas.admin_a, case, answer).status_code == 403
    answer.refresh_from_db()
    assert answer.revoked_at is None
