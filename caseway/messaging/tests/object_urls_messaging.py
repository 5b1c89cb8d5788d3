"""Object-scoped URLs of messaging (see caseway/tests/object_urls.py)."""

from caseway.referrals.models import Status
from caseway.referrals.tests.helpers import a_referral


def _referral(personas):
    from caseway.tests.object_urls import ObjectCase  # here: that module imports this one

    referral = a_referral(personas, Status.SENT)
    return ObjectCase(personas.caseworker_a, personas.outsider, {"pk": referral.pk})


OBJECT_URLS = {"messaging:referral_thread": _referral}
