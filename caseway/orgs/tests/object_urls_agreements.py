"""Object-scoped URLs of data-sharing agreements (see caseway/tests/object_urls.py).

The agreement is between org A and the coordination organization, so ``admin_b`` (same role,
another organization, not a party) must get 404. For the partner's answers, org A is the partner.
"""

from caseway.orgs.models import DataSharingAgreement
from caseway.orgs.tests.agreement_factories import an_agreement


def _object_case(*args, **kwargs):
    from caseway.tests.object_urls import ObjectCase  # here: that module imports this one

    return ObjectCase(*args, **kwargs)


def _detail(personas):
    agreement = an_agreement(personas.org_a, personas.org_other)
    return _object_case(personas.admin_a, personas.admin_b, {"pk": agreement.pk})


def _proposed_to_a(personas):
    return an_agreement(personas.org_other, personas.org_a, status=DataSharingAgreement.Status.PROPOSED)


def _accept(personas):
    agreement = _proposed_to_a(personas)
    return _object_case(
        personas.admin_a, personas.admin_b, {"pk": agreement.pk}, method="post", data={"signed_by": "Director"}
    )


def _decline(personas):
    agreement = _proposed_to_a(personas)
    return _object_case(personas.admin_a, personas.admin_b, {"pk": agreement.pk}, method="post")


def _end(personas):
    agreement = an_agreement(personas.org_a, personas.org_other)
    return _object_case(personas.admin_a, personas.admin_b, {"pk": agreement.pk}, method="post")


OBJECT_URLS = {
    "agreements:detail": _detail,
    "agreements:accept": _accept,
    "agreements:decline": _decline,
    "agreements:end": _end,
}
