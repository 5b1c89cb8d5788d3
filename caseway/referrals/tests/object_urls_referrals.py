"""Object-scoped URLs of referrals (see caseway/tests/object_urls.py).

Referrals go from org A to org B. ``other`` is a persona with the same role in an organization
that is not a party (the outsider's organization for caseworkers, org A or B's counterpart for
supervisors), so the refusal can only come from the referral's scope (404).
"""

from caseway.referrals.models import Status
from caseway.referrals.tests.helpers import a_referral, a_sender_case


def _object_case(*args, **kwargs):
    from caseway.tests.object_urls import ObjectCase  # here: that module imports this one

    return ObjectCase(*args, **kwargs)


def _sender(personas, status, **kwargs):
    referral = a_referral(personas, status)
    return _object_case(personas.caseworker_a, personas.outsider, {"pk": referral.pk}, **kwargs)


def _receiver(personas, status, **kwargs):
    referral = a_referral(personas, status)
    return _object_case(personas.caseworker_b, personas.outsider, {"pk": referral.pk}, **kwargs)


def _case(personas):
    case = a_sender_case(personas)
    return _object_case(personas.caseworker_a, personas.outsider, {"case_pk": case.pk})


OBJECT_URLS = {
    "referrals:case_referrals": _case,
    "referrals:create": _case,
    "referrals:detail": lambda personas: _sender(personas, Status.SENT),
    "referrals:send": lambda personas: _sender(personas, Status.DRAFT, method="post"),
    "referrals:withdraw": lambda personas: _sender(personas, Status.SENT, method="post"),
    "referrals:accept": lambda personas: _receiver(personas, Status.VIEWED, method="post"),
    "referrals:decline": lambda personas: _receiver(personas, Status.VIEWED),
    "referrals:start_service": lambda personas: _receiver(personas, Status.ACCEPTED, method="post"),
    "referrals:complete": lambda personas: _receiver(personas, Status.IN_SERVICE),
    "referrals:close_unsuccessful": lambda personas: _receiver(personas, Status.ACCEPTED),
}


def _api_sender(status, **kwargs):
    return lambda personas: _sender(personas, status, **kwargs)


def _api_receiver(status, **kwargs):
    return lambda personas: _receiver(personas, status, **kwargs)


OBJECT_URLS.update(
    {
        "api:referral_detail": _api_sender(Status.SENT),
        "api:referral_send": _api_sender(Status.DRAFT, method="post"),
        "api:referral_withdraw": _api_sender(Status.SENT, method="post"),
        "api:referral_accept": _api_receiver(Status.VIEWED, method="post"),
        "api:referral_decline": _api_receiver(Status.VIEWED, method="post", data={"reason": "no_capacity"}),
        "api:referral_start_service": _api_receiver(Status.ACCEPTED, method="post"),
        "api:referral_complete": _api_receiver(Status.IN_SERVICE, method="post", data={"outcome": "service_provided"}),
        "api:referral_close_unsuccessful": _api_receiver(
            Status.ACCEPTED, method="post", data={"reason": "client_moved"}
        ),
    }
)

# Pathways keep their own module; they are referral pages too.
from caseway.referrals.tests.object_urls_pathways import OBJECT_URLS as PATHWAY_OBJECT_URLS  # noqa: E402

OBJECT_URLS.update(PATHWAY_OBJECT_URLS)
