"""agreement_accept and agreement_decline: only the other side's admin answers a proposal."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.orgs import agreement_services
from caseway.orgs.agreements import agreement_allows
from caseway.orgs.models import DataSharingAgreement
from caseway.orgs.tests.agreement_helpers import assert_refused, membership, proposal

pytestmark = pytest.mark.django_db

Status = DataSharingAgreement.Status


def accept(user, agreement, signed_by="Executive director"):
    return agreement_services.agreement_accept(
        actor=user, membership=membership(user), agreement=agreement, signed_by=signed_by
    )


def decline(user, agreement):
    return agreement_services.agreement_decline(actor=user, membership=membership(user), agreement=agreement)


def test_it_puts_the_agreement_in_force_when_the_partner_accepts(personas):
    agreement = proposal(personas, categories=["needs"])

    accepted = accept(personas.admin_b, agreement)

    assert (accepted.status, accepted.decided_by, accepted.signed_by_partner) == (
        Status.ACTIVE,
        personas.admin_b,
        "Executive director",
    )
    assert accepted.decided_at is not None
    assert agreement_allows(personas.org_a, personas.org_b, category="needs", purpose="referral")
    assert agreement_allows(personas.org_b, personas.org_a, category="needs", purpose="referral")
    assert not agreement_allows(personas.org_a, personas.org_b, category="identity", purpose="referral")
    assert AuditEvent.objects.get(action="orgs.agreement_accepted").organization_id == personas.org_b.pk


def test_it_declines_and_nothing_flows(personas):
    agreement = proposal(personas)

    declined = decline(personas.admin_b, agreement)

    assert declined.status == Status.DECLINED
    assert not agreement_allows(personas.org_a, personas.org_b, category="needs", purpose="referral")
    assert AuditEvent.objects.filter(action="orgs.agreement_declined").exists()


@pytest.mark.parametrize("answer", [accept, decline])
def test_it_refuses_the_proposers_own_admin(personas, answer):
    agreement = proposal(personas)

    with pytest.raises(PermissionDenied):
        answer(personas.admin_a, agreement)
    assert DataSharingAgreement.objects.get(pk=agreement.pk).status == Status.PROPOSED


@pytest.mark.parametrize("answer", [accept, decline])
def test_it_answers_404_to_an_organization_not_party(personas, answer):
    agreement = proposal(personas, partner=personas.org_other)

    with pytest.raises(Http404):
        answer(personas.admin_b, agreement)


@pytest.mark.parametrize("status", [Status.ACTIVE, Status.DECLINED, Status.ENDED])
def test_it_refuses_to_answer_twice(personas, status):
    agreement = proposal(personas)
    DataSharingAgreement.objects.filter(pk=agreement.pk).update(status=status)

    with pytest.raises(ValidationError, match="already answered"):
        accept(personas.admin_b, agreement)


def test_it_needs_the_signatory(personas):
    with pytest.raises(ValidationError):
        accept(personas.admin_b, proposal(personas), signed_by=" ")


def test_it_refuses_other_roles_of_the_partner(personas):
    with pytest.raises(PermissionDenied):
        accept(personas.supervisor_b, proposal(personas))


def test_it_accepts_and_declines_from_the_page(personas, login_as):
    first, second = proposal(personas), proposal(personas)
    client = login_as(personas.admin_b)

    detail = client.get(reverse("agreements:detail", args=[first.pk])).content.decode()
    accepted = client.post(reverse("agreements:accept", args=[first.pk]), {"signed_by": "Director"})
    declined = client.post(reverse("agreements:decline", args=[second.pk]))

    assert "Accept and sign" in detail
    assert (accepted.status_code, declined.status_code) == (302, 302)
    statuses = dict(DataSharingAgreement.objects.values_list("pk", "status"))
    assert statuses == {first.pk: Status.ACTIVE, second.pk: Status.DECLINED}


def test_it_asks_for_the_signatory_on_the_page(personas, login_as):
    agreement = proposal(personas)

    response = login_as(personas.admin_b).post(reverse("agreements:accept", args=[agreement.pk]), {"signed_by": ""})

    assert response.status_code == 400
    assert DataSharingAgreement.objects.get(pk=agreement.pk).status == Status.PROPOSED


def test_it_shows_no_answer_buttons_to_the_proposer(personas, login_as):
    agreement = proposal(personas)

    html = login_as(personas.admin_a).get(reverse("agreements:detail", args=[agreement.pk])).content.decode()

    assert "Accept and sign" not in html
    assert "Waiting for the partner organization's answer." in html
    assert login_as(personas.admin_a).post(reverse("agreements:decline", args=[agreement.pk])).status_code == 403


@pytest.mark.parametrize("name", ["accept", "decline"])
def test_it_refuses_anonymous_visitors_other_organizations_and_roles(client, personas, login_as, name):
    agreement = proposal(personas, proposer=personas.org_other, partner=personas.org_a)

    assert_refused(
        client,
        login_as,
        personas,
        reverse(f"agreements:{name}", args=[agreement.pk]),
        "post",
        {"signed_by": "X"},
        others=("admin_b",),
    )
    assert DataSharingAgreement.objects.get(pk=agreement.pk).status == Status.PROPOSED
