"""The figures the export, report and API tests download: referrals answered by organization A in
``crafted.PERIOD``, with known protected answers.

By sex: women 7 accepted of 12 (58.3 %); men 1 of 7 (the 1 is small: hidden, and so is the men's
rate); "other" 6 of 11, hidden as the complement of the men's 1 (the smallest other numerator). Total:
14 of 30 (46.7 %). Four more women who refused to be counted had a referral accepted: never counted.
Each referral is of a client of its own.
"""

from urllib.parse import urlencode

from django.urls import reverse

from caseway.clients.models import Sex
from caseway.indicators.tests.crafted import PERIOD, a_client, at, referral
from caseway.referrals.models import Status

CODE = "referral_acceptance_rate"


def answered(personas, *, accepted, declined, sex=Sex.FEMALE, to=None, counted=True, **values):
    """Referrals to organization A (default) answered in the period, each of a client of its own
    (thresholds count people, not referrals); the cases."""
    cases = []
    for status in [Status.ACCEPTED] * accepted + [Status.DECLINED] * declined:
        case = a_client(personas, sex=sex, counted=counted, user=personas.caseworker_b, **values)
        referral(case, to=to or personas.org_a, status=status, sent_at=at(1), answered_at=at(2))
        cases.append(case)
    return cases


def figures(personas, **values):
    """The data set above; the cases, whose client codes must never appear in a download."""
    return [
        *answered(personas, accepted=7, declined=5, sex=Sex.FEMALE, **values),
        *answered(personas, accepted=1, declined=6, sex=Sex.MALE, **values),
        *answered(personas, accepted=6, declined=5, sex=Sex.OTHER, **values),
        *answered(personas, accepted=4, declined=0, sex=Sex.FEMALE, counted=False),
    ]


def url(name: str, **query) -> str:
    query.setdefault("period", PERIOD.key)
    return reverse(name) + "?" + urlencode(query)
