"""Data-sharing agreements for tests."""

import datetime

from django.utils import timezone

from caseway.orgs.categories import DataCategory, SharingPurpose
from caseway.orgs.models import DataSharingAgreement

EVERY_CATEGORY = tuple(DataCategory.values)


def an_agreement(first, second, *, categories=EVERY_CATEGORY, purposes=(SharingPurpose.REFERRAL,), **values):
    """An agreement proposed by ``first`` to ``second``; in force (accepted, valid since yesterday) by default."""
    values.setdefault("status", DataSharingAgreement.Status.ACTIVE)
    values.setdefault("valid_from", timezone.localdate() - datetime.timedelta(days=1))
    return DataSharingAgreement.objects.create(
        proposer=first,
        partner=second,
        categories=list(categories),
        purposes=list(purposes),
        signed_by_proposer="Director",
        signed_by_partner="Director" if values["status"] == DataSharingAgreement.Status.ACTIVE else "",
        **values,
    )
