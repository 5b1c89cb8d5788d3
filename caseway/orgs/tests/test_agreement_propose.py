"""agreement_propose and its page: an agency admin proposes; nothing is in force until accepted."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.orgs import agreement_services
from caseway.orgs.agreements import agreement_allows
from caseway.orgs.models import DataSharingAgreement
from caseway.orgs.tests.agreement_helpers import assert_refused, membership, tomorrow

pytestmark = pytest.mark.django_db

URL = reverse("agreements:propose")


def propose(personas, user=None, **values):
    user = user or personas.admin_a
    values.setdefault("partner", personas.org_b)
    values.setdefault("categories", ["needs", "identity"])
    values.setdefault("purposes", ["referral"])
    values.setdefault("valid_from", timezone.localdate())
    values.setdefault("signed_by", "Director of programmes")
    return agreement_services.agreement_propose(actor=user, membership=membership(user), **values)


def test_it_proposes_an_agreement_not_yet_in_force(personas):
    agreement = propose(personas)

    assert (agreement.proposer, agreement.partner, agreement.status) == (
        personas.org_a,
        personas.org_b,
        DataSharingAgreement.Status.PROPOSED,
    )
    assert agreement.categories == ["identity", "needs"]
    assert (agreement.proposed_by, agreement.signed_by_proposer) == (personas.admin_a, "Director of programmes")
    assert not agreement_allows(personas.org_a, personas.org_b, category="needs", purpose="referral")
    audited = AuditEvent.objects.get(action="orgs.agreement_proposed")
    assert audited.fields == ["partner", "categories", "purposes", "valid_from", "signed_by_proposer"]
    assert "Director" not in audited.canonical_content().decode()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"partner": None}, "partner"),
        ({"categories": []}, "categories"),
        ({"categories": ["shoe_size"]}, "categories"),
        ({"purposes": []}, "purposes"),
        ({"purposes": ["marketing"]}, "purposes"),
        ({"valid_from": None}, "valid_from"),
        ({"valid_from": tomorrow(), "valid_to": timezone.localdate()}, "valid_to"),
        ({"signed_by": "  "}, "signed_by"),
        ({"signed_by": "x" * 201}, "signed_by"),
    ],
)
def test_it_validates_the_proposal(personas, values, field):
    with pytest.raises(ValidationError) as refused:
        propose(personas, **values)

    assert field in refused.value.message_dict
    assert not DataSharingAgreement.objects.exists()


@pytest.mark.parametrize("partner", ["org_a", "org_other_inactive"])
def test_it_refuses_its_own_organization_and_inactive_ones(personas, partner):
    if partner == "org_other_inactive":
        personas.org_other.is_active = False
        personas.org_other.save(update_fields=["is_active"])
        organization = personas.org_other
    else:
        organization = personas.org_a

    with pytest.raises(ValidationError) as refused:
        propose(personas, partner=organization)

    assert "partner" in refused.value.message_dict


@pytest.mark.parametrize("name", ["caseworker_a", "supervisor_a", "monitor_a", "coordinator", "donor"])
def test_it_lets_only_agency_admins_propose(personas, name):
    with pytest.raises(PermissionDenied):
        propose(personas, user=getattr(personas, name))


def test_it_proposes_from_the_page(personas, login_as):
    response = login_as(personas.admin_a).post(
        URL,
        {
            "partner": personas.org_b.pk,
            "categories": ["needs"],
            "purposes": ["referral", "case_coordination"],
            "valid_from": timezone.localdate().isoformat(),
            "valid_to": "",
            "signed_by": "Director",
        },
    )

    agreement = DataSharingAgreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:detail", args=[agreement.pk])
    assert agreement.purposes == ["case_coordination", "referral"]


def test_it_shows_errors_on_the_page(personas, login_as):
    response = login_as(personas.admin_a).post(URL, {"partner": personas.org_b.pk})

    assert response.status_code == 400
    assert not DataSharingAgreement.objects.exists()


def test_it_offers_only_other_active_organizations_of_the_network(personas, login_as):
    html = login_as(personas.admin_a).get(URL).content.decode()

    options = html.split('name="partner"')[1].split("</select>")[0]
    assert "BLA" in options
    assert "ALR" not in options


def test_it_refuses_the_page_to_anonymous_visitors_and_other_roles(client, personas, login_as):
    assert_refused(client, login_as, personas, URL)
