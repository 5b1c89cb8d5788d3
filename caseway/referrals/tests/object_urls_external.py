"""Object-scoped URLs of referrals to organizations outside the network (see caseway/tests/object_urls.py).

The sender's pages: its own caseworker reaches them, a caseworker of another organization gets 404.
"""

from caseway.referrals.tests.external_helpers import a_link, an_outside_referral
from caseway.referrals.tests.helpers import a_sender_case


def _object_case(*args, **kwargs):
    from caseway.tests.object_urls import ObjectCase  # here: that module imports this one

    return ObjectCase(*args, **kwargs)


def _referral(personas, **kwargs):
    referral = an_outside_referral(personas)
    return _object_case(personas.caseworker_a, personas.outsider, {"pk": referral.pk}, **kwargs)


def _case(personas):
    case = a_sender_case(personas)
    return _object_case(personas.caseworker_a, personas.outsider, {"case_pk": case.pk})


def _revoke(personas):
    link, _token, _pin = a_link(personas)
    kwargs = {"pk": link.referral_id, "link_pk": link.pk}
    return _object_case(personas.caseworker_a, personas.outsider, kwargs, method="post")


OBJECT_URLS = {
    "referrals:outside_create": _case,
    "referrals:outside": _referral,
    "referrals:outside_print": _referral,
    "referrals:outside_link_create": lambda personas: _referral(personas, method="post"),
    "referrals:outside_link_revoke": _revoke,
}
