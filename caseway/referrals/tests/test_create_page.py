"""The page that refers a client from a case: choose the receiver, then the service, urgency,
reason and the information to share (each category shows whether consent and the agreement
allow it); save as a draft or send at once."""

import pytest
from django.urls import reverse

from caseway.directory.tests.factories import ServiceFactory
from caseway.referrals.models import Referral, Status
from caseway.referrals.tests.helpers import a_sender_case, an_agreement, consent_to_refer, member
from caseway.referrals.tests.pages import assert_refused

pytestmark = pytest.mark.django_db


def url(case, **query):
    base = reverse("referrals:create", args=[case.pk])
    return base + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def data(personas, **values):
    return {
        "organization": personas.org_b.pk,
        "urgency": "high",
        "reason": "Legal counselling on civil documents.",
        "categories": ["identity", "needs"],
        "then": "draft",
        **values,
    }


def test_it_asks_first_for_the_organization(personas, login_as):
    case = a_sender_case(personas)

    html = login_as(personas.caseworker_a).get(url(case)).content.decode()

    assert "Beta Legal Aid" in html
    assert "Gamma Coordination" not in html  # nobody there receives referrals
    assert "Alpha Relief" not in html.split("<select", 1)[1].split("</select>")[0]
    assert 'name="reason"' not in html


def test_it_shows_per_category_whether_consent_and_the_agreement_allow_it(personas, login_as):
    case = a_sender_case(personas)
    an_agreement(personas.org_a, personas.org_b, categories=["needs"])
    consent_to_refer(case, personas.org_b, ["identity"], by=member(personas.caseworker_a))

    html = login_as(personas.caseworker_a).get(url(case, organization=personas.org_b.pk)).content.decode()

    identity = html.split('value="identity"')[1].split("</label>")[0]
    needs = html.split('value="needs"')[1].split("</label>")[0]
    assert "client agreed · not in the agreement" in identity
    assert "client not asked · in the agreement" in needs
    assert "The client agreed to be referred to this organization." in html


def test_it_preselects_a_service_from_the_directory(personas, login_as):
    case = a_sender_case(personas)
    service = ServiceFactory(organization=personas.org_b, name="Legal aid desk")

    html = login_as(personas.caseworker_a).get(url(case, service=service.pk)).content.decode()

    assert f'<option value="{service.pk}" selected>Legal aid desk</option>' in html


def test_it_saves_a_draft(personas, login_as):
    case = a_sender_case(personas)
    service = ServiceFactory(organization=personas.org_b)

    response = login_as(personas.caseworker_a).post(url(case), data(personas, service=service.pk))

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])
    assert (referral.status, referral.to_service, referral.categories) == (
        Status.DRAFT,
        service,
        ["identity", "needs"],
    )


def test_it_sends_at_once_when_the_gate_is_open(personas, login_as):
    case = a_sender_case(personas)
    an_agreement(personas.org_a, personas.org_b)
    consent_to_refer(case, personas.org_b, by=member(personas.caseworker_a))

    response = login_as(personas.caseworker_a).post(url(case), data(personas, then="send"))

    assert response.status_code == 302
    assert Referral.objects.get().status == Status.SENT


def test_it_keeps_the_draft_and_says_what_is_missing_when_sending_is_refused(personas, login_as):
    case = a_sender_case(personas)

    response = login_as(personas.caseworker_a).post(url(case), data(personas, then="send"))

    assert response.status_code == 400
    html = response.content.decode()
    assert "No data-sharing agreement for referrals is in force between Alpha Relief and Beta Legal Aid" in html
    assert Referral.objects.get().status == Status.DRAFT


def test_it_shows_errors_and_keeps_what_was_typed(personas, login_as):
    case = a_sender_case(personas)

    response = login_as(personas.caseworker_a).post(url(case), data(personas, reason=""))

    assert response.status_code == 400
    assert 'value="identity" checked' in response.content.decode()
    assert not Referral.objects.exists()


def test_it_refuses_an_organization_that_cannot_receive(personas, login_as):
    case = a_sender_case(personas)

    response = login_as(personas.caseworker_a).post(url(case), data(personas, organization=personas.org_other.pk))

    assert response.status_code == 200
    assert "Choose the organization to refer to." in response.content.decode()
    assert not Referral.objects.exists()


def test_it_refuses_anonymous_visitors_other_organizations_and_roles_without_personal_data(client, personas, login_as):
    case = a_sender_case(personas)

    assert_refused(client, login_as, personas, url(case), others=("outsider", "caseworker_b"))
    assert_refused(client, login_as, personas, url(case), "post", data(personas), others=("caseworker_b",))
    assert not Referral.objects.exists()
