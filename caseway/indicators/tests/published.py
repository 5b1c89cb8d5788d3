"""Public figures for the tests of the transparency page and its downloads: the public sees only
published quarters (ended, their network snapshots stored and frozen), so these tests build their
data in the last quarter that has ended, and publish it as the daily task would.

``answered``: referrals answered in ``QUARTER``, like ``exported.answered`` for a month.
``publish``: the network's snapshots of ``QUARTER`` (for the indicators and breakdowns asked),
computed through the real service, then frozen.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from caseway.clients.models import Sex
from caseway.indicators.models import Indicator, Snapshot
from caseway.indicators.periods import Period, PeriodKind, Scope
from caseway.indicators.services import snapshots_compute
from caseway.indicators.tests.crafted import a_client, at, referral
from caseway.referrals.models import Status

CODE = "referral_acceptance_rate"
QUARTER = Period.containing(PeriodKind.QUARTER, timezone.localdate()).previous()
# Every breakdown the public tests ask for (pairs too: published when stored).
BREAKDOWNS = [(), ("sex",), ("age_band",), ("admin1",), ("admin2",), ("disability",), ("sex", "age_band")]


def answered(personas, *, accepted, declined, sex=Sex.FEMALE, to=None, counted=True, **values):
    """Referrals answered in ``QUARTER``, each of a new client of its own (thresholds may count
    people), sent by organizations A and B in turn to ``to`` (an organization, or several taken in
    turn; default B and A), so that no figure rests on a single organization. The cases."""
    senders = (personas.caseworker_a, personas.caseworker_b)
    receivers = to if isinstance(to, (list, tuple)) else (to,) if to is not None else (personas.org_b, personas.org_a)
    cases = []
    for number, status in enumerate([Status.ACCEPTED] * accepted + [Status.DECLINED] * declined):
        case = a_client(personas, sex=sex, counted=counted, user=senders[number % 2], **values)
        receiver = receivers[number % len(receivers)]
        referral(case, to=receiver, status=status, sent_at=at(1, QUARTER.start), answered_at=at(2, QUARTER.start))
        cases.append(case)
    return cases


def figures(personas, **values):
    """By sex: women 7 of 12, men 1 of 7 (hidden), other 6 of 11 (hidden with it); 14 of 30 in all;
    four more women who refused to be counted: never counted. The cases."""
    return [
        *answered(personas, accepted=7, declined=5, sex=Sex.FEMALE, **values),
        *answered(personas, accepted=1, declined=6, sex=Sex.MALE, **values),
        *answered(personas, accepted=6, declined=5, sex=Sex.OTHER, **values),
        *answered(personas, accepted=4, declined=0, sex=Sex.FEMALE, counted=False),
    ]


def publish(period: Period = QUARTER, *, codes=(CODE,), breakdowns=BREAKDOWNS, frozen=True):
    """Store the network's snapshots of ``period`` for ``codes``, frozen (final) or not."""
    indicators = [
        indicator
        for indicator in Indicator.objects.filter(code__in=codes).order_by("code", "version")
        if indicator.valid_from <= period.end
    ]
    snapshots_compute(periods=[period], scopes=[Scope.network()], indicators=indicators, dimension_sets=breakdowns)
    Snapshot.objects.filter(period_kind=period.kind, period_start=period.start).update(
        frozen_at=timezone.now() if frozen else None
    )


def url(name: str, **query) -> str:
    query.setdefault("period", QUARTER.key)
    return reverse(name) + "?" + urlencode(query)


def page_url(**query) -> str:
    query.setdefault("period", QUARTER.key)
    query.setdefault("indicator", CODE)
    return reverse("transparency:index") + "?" + urlencode(query)
