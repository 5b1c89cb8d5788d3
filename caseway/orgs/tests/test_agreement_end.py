"""agreement_end: either side's admin ends an agreement in force; the proposer may withdraw a
waiting proposal. Referrals stop at once: none can be sent, and packages under it are hidden."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.orgs import agreement_services
from caseway.orgs.agreements import agreement_allows
from caseway.orgs.models import DataSharingAgreement
from caseway.orgs.tests.agreement_factories import an_agreement
from caseway.orgs.tests.agreement_helpers import assert_refused, membership, proposal

pytestmark = pytest.mark.django_db

Status = DataSharingAgreement.Status


def end(user, agreement):
    return agreement_services.agreement_end(actor=user, membership=membership(user), agreement=agreement)


@pytest.mark.parametrize("name", ["admin_a", "admin_b"])
def test_it_lets_either_side_end_an_agreement_in_force(personas, name):
    agreement = an_agreement(personas.org_a, personas.org_b)

    ended = end(getattr(personas, name), agreement)

    assert (ended.status, ended.ended_at is not None) == (Status.ENDED, True)
    assert not agreement_allows(personas.org_a, personas.org_b, category="needs", purpose="referral")
    assert AuditEvent.objects.get(action="orgs.agreement_ended").fields == ["status", "ended_at"]


def test_it_lets_the_proposer_withdraw_a_waiting_proposal(personas):
    agreement = proposal(personas)

    assert end(personas.admin_a, agreement).status == Status.ENDED


def test_it_refuses_the_partner_ending_a_proposal_it_should_answer(personas):
    with pytest.raises(ValidationError):
        end(personas.admin_b, proposal(personas))


@pytest.mark.parametrize("status", [Status.DECLINED, Status.ENDED])
def test_it_refuses_to_end_what_is_not_in_force(personas, status):
    agreement = an_agreement(personas.org_a, personas.org_b, status=status)

    with pytest.raises(ValidationError, match="cannot be ended"):
        end(personas.admin_a, agreement)


def test_it_answers_404_to_an_organization_not_party(personas):
    with pytest.raises(Http404):
        end(personas.admin_b, an_agreement(personas.org_a, personas.org_other))


def test_it_ends_from_the_page(personas, login_as):
    agreement = an_agreement(personas.org_a, personas.org_b)

    response = login_as(personas.admin_b).post(reverse("agreements:end", args=[agreement.pk]))

    assert response.status_code == 302
    assert DataSharingAgreement.objects.get(pk=agreement.pk).status == Status.ENDED


def test_it_refuses_anonymous_visitors_other_organizations_and_roles(client, personas, login_as):
    agreement = an_agreement(personas.org_a, personas.org_other)

    assert_refused(
        client, login_as, personas, reverse("agreements:end", args=[agreement.pk]), "post", others=("admin_b",)
    )
    assert DataSharingAgreement.objects.get(pk=agreement.pk).status == Status.ACTIVE
