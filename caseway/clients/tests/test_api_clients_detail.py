"""GET /api/v1/clients/{id}/: one client as the organization may see them; 404 elsewhere."""

import uuid

import pytest
from django.utils import timezone

from caseway.accounts.tests.helpers import audit_events
from caseway.clients.access import MASKED_NAME
from caseway.clients.models import BreakGlassAccess, Case, DataCategory
from caseway.clients.tests.api_helpers import auth, client_url
from caseway.clients.tests.erasure_helpers import GIVEN, PHONE, identified_case, referred_to_b

pytestmark = pytest.mark.django_db


def test_it_shows_the_client_and_audits_the_identity_read(client, personas):
    case = identified_case(personas)

    body = client.get(client_url(case), **auth(personas.caseworker_a)).json()

    assert body["identity"]["family_name"] == "Qutaybiyya"
    assert body["contact"]["phone"] == PHONE
    assert body["languages"] == ["ar", "ku"] and body["children_ages"] == [3, 7]
    event = audit_events("clients.client_viewed").get()
    assert (event.target_id, event.fields) == (str(case.client_id), ["contact", "identity"])


def test_it_masks_a_sensitive_client_outside_the_team_and_audits_nothing(client, personas):
    case = identified_case(personas, sensitive=True)
    Case.objects.filter(pk=case.pk).update(supervisor=None)

    body = client.get(client_url(case), **auth(personas.legal_officer_a)).json()

    assert (body["display_name"], body["identity"], body["contact"]) == (MASKED_NAME, None, None)
    assert not audit_events("clients.client_viewed").exists()


def test_the_case_team_sees_a_sensitive_identity(client, personas):
    case = identified_case(personas, sensitive=True)

    for user in (personas.caseworker_a, personas.supervisor_a):
        assert client.get(client_url(case), **auth(user)).json()["identity"]["given_name"] == GIVEN


def test_break_glass_shows_it_until_it_expires(client, personas):
    case = identified_case(personas, sensitive=True)
    Case.objects.filter(pk=case.pk).update(supervisor=None)
    glass = BreakGlassAccess.objects.create(
        case=case, user=personas.legal_officer_a, reason="x", expires_at=timezone.now() + timezone.timedelta(hours=1)
    )
    headers = auth(personas.legal_officer_a)

    assert client.get(client_url(case), **headers).json()["identity"] is not None
    BreakGlassAccess.objects.filter(pk=glass.pk).update(expires_at=timezone.now())
    assert client.get(client_url(case), **headers).json()["identity"] is None


def test_contact_follows_the_contact_category_for_a_referral_organization(client, personas):
    case_a = identified_case(personas)
    referred_to_b(personas, case_a, categories=[DataCategory.CONTACT])

    body = client.get(client_url(case_a), **auth(personas.caseworker_b)).json()

    assert body["identity"] is None and body["display_name"] == MASKED_NAME
    assert body["contact"] == {"phone": PHONE, "address": "Bayt al-Warda, Hay al-Nasr"}


def test_a_revoked_sharing_consent_hides_the_identity_at_once(client, personas):
    from caseway.clients.models import Consent, ConsentPurpose

    case_a = identified_case(personas)
    referred_to_b(personas, case_a)
    headers = auth(personas.caseworker_b)
    assert client.get(client_url(case_a), **headers).json()["identity"] is not None

    Consent.objects.filter(client=case_a.client, purpose=ConsentPurpose.SHARING).update(revoked_at=timezone.now())

    assert client.get(client_url(case_a), **headers).json()["identity"] is None


def test_it_answers_404_for_another_organizations_client_like_a_missing_one(client, personas):
    case = identified_case(personas)
    headers = auth(personas.caseworker_b)

    theirs = client.get(client_url(case), **headers)
    missing = client.get(f"/api/v1/clients/{uuid.uuid4()}/", **headers)

    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


def test_a_token_acts_for_its_own_organization_only(client, personas):
    from caseway.orgs.models import Membership
    from caseway.orgs.permissions import Role

    case = identified_case(personas)
    Membership.objects.create(user=personas.caseworker_a, organization=personas.org_b, role=Role.CASEWORKER)

    response = client.get(client_url(case), **auth(personas.caseworker_a, personas.org_b))

    assert response.status_code == 404


def test_it_answers_401_without_credentials(client, personas):
    assert client.get(client_url(identified_case(personas))).status_code == 401


@pytest.mark.parametrize("who", ["admin_a", "monitor_a"])
def test_it_refuses_roles_that_see_no_personal_data(client, personas, who):
    assert client.get(client_url(identified_case(personas)), **auth(getattr(personas, who))).status_code == 403
