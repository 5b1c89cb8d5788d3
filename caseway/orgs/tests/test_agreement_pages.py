"""The agreement list and page: an organization's admins see its agreements, from either side."""

import pytest
from django.urls import reverse

from caseway.orgs.models import DataSharingAgreement
from caseway.orgs.tests.agreement_factories import an_agreement
from caseway.orgs.tests.agreement_helpers import assert_refused, proposal

pytestmark = pytest.mark.django_db

LIST = reverse("agreements:list")


def test_it_lists_the_agreements_of_both_sides_with_what_waits_for_an_answer(personas, login_as):
    proposal(personas)  # A → B, waiting for B
    an_agreement(personas.org_other, personas.org_b, categories=["needs"])
    an_agreement(personas.org_a, personas.org_other)

    html = login_as(personas.admin_b).get(LIST).content.decode()

    assert html.count("agreements/") >= 3
    assert "Alpha Relief" in html
    assert "Gamma Coordination" in html
    assert "waiting for your answer" in html
    assert DataSharingAgreement.objects.count() == 3


def test_it_lists_only_its_organizations_agreements(personas, login_as):
    an_agreement(personas.org_a, personas.org_other)

    html = login_as(personas.admin_b).get(LIST).content.decode()

    assert "No agreements yet." in html
    assert "Gamma Coordination" not in html


def test_it_shows_an_agreement_with_its_signatories(personas, login_as):
    agreement = an_agreement(personas.org_a, personas.org_b, categories=["needs", "identity"], purposes=["referral"])

    html = login_as(personas.admin_a).get(reverse("agreements:detail", args=[agreement.pk])).content.decode()

    assert "In force" in html
    assert "Needs, Identity" in html
    assert "Referrals" in html
    assert "End the agreement" in html


def test_it_works_right_to_left(personas, login_as):
    client = login_as(personas.admin_a)

    response = client.get(LIST, HTTP_ACCEPT_LANGUAGE="ar")

    assert 'dir="rtl"' in response.content.decode()


def test_it_refuses_anonymous_visitors_and_other_roles(client, personas, login_as):
    assert_refused(client, login_as, personas, LIST)


def test_it_refuses_the_page_of_an_agreement_to_others(client, personas, login_as):
    agreement = an_agreement(personas.org_a, personas.org_other)

    assert_refused(client, login_as, personas, reverse("agreements:detail", args=[agreement.pk]), others=("admin_b",))
