"""agreements_in_force and partners_for: the same rule, for one partner or many at once."""

import datetime

import pytest
from django.utils import timezone

from caseway.orgs.agreements import agreements_in_force, partners_for
from caseway.orgs.categories import SharingPurpose
from caseway.orgs.models import DataSharingAgreement, Organization
from caseway.orgs.tests.agreement_factories import an_agreement

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def an_organization(acronym):
    return Organization.objects.create(name=f"Organization {acronym}", acronym=acronym, type="national_ngo")


def test_it_finds_the_partners_the_one_partner_rule_finds(personas):
    today = timezone.localdate()
    sender = personas.org_a
    proposed_by_it = an_organization("PBI")
    proposed_to_it = an_organization("PTI")
    expired = an_organization("EXP")
    not_yet = an_organization("NYT")
    pending = an_organization("PEN")
    other_purpose = an_organization("OTP")
    nothing = an_organization("NOT")
    an_agreement(sender, proposed_by_it)
    an_agreement(proposed_to_it, sender)
    an_agreement(sender, expired, valid_from=today - 30 * DAY, valid_to=today - DAY)
    an_agreement(sender, not_yet, valid_from=today + DAY)
    an_agreement(sender, pending, status=DataSharingAgreement.Status.PROPOSED)
    an_agreement(sender, other_purpose, purposes=(SharingPurpose.CASE_COORDINATION,))
    others = [proposed_by_it, proposed_to_it, expired, not_yet, pending, other_purpose, nothing]

    found = partners_for(sender, [other.pk for other in others], purpose=SharingPurpose.REFERRAL)

    one_by_one = {
        other.pk
        for other in others
        if any(SharingPurpose.REFERRAL in agreement.purposes for agreement in agreements_in_force(sender, other))
    }
    assert found == one_by_one == {proposed_by_it.pk, proposed_to_it.pk}
    assert partners_for(sender, [], purpose=SharingPurpose.REFERRAL) == set()
