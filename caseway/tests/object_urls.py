"""For every object-scoped URL: how to make an object, who may reach it, and who may not.

``other`` is a persona of another organization with the same role as ``owner``, so a refusal
can only come from the object's scope (404), never from the role (403). Later issues add their
object-scoped URLs here; the access-matrix test fails for any object-scoped URL missing from it.
"""

from dataclasses import dataclass, field

from caseway.casework.tests import object_urls_appointments, object_urls_casework, object_urls_supervision
from caseway.clients.tests import (
    object_urls_assessments,
    object_urls_erasure,
    object_urls_intake,
    object_urls_records,
)
from caseway.directory.tests.factories import LocationFactory, ServiceFactory
from caseway.indicators.tests import object_urls_indicators
from caseway.legal.tests import object_urls_analytics, object_urls_evidence, object_urls_legal, object_urls_reviews
from caseway.messaging.tests import object_urls_messaging
from caseway.orgs import services as org_services
from caseway.orgs.tests import object_urls_agreements
from caseway.portal.tests import object_urls_portal
from caseway.referrals.tests import object_urls_external, object_urls_matching, object_urls_referrals


@dataclass
class ObjectCase:
    owner: object
    other: object
    kwargs: dict
    method: str = "get"
    data: dict = field(default_factory=dict)


def _member_of_org_a(personas):
    return personas.caseworker_a.memberships.get(organization=personas.org_a)


def _member_detail(personas):
    return ObjectCase(personas.admin_a, personas.admin_b, {"pk": _member_of_org_a(personas).pk})


def _member_second_factor_reset(personas):
    return ObjectCase(personas.admin_a, personas.admin_b, {"pk": _member_of_org_a(personas).pk}, method="post")


def _api_token_revoke(personas):
    token, _secret = org_services.api_token_create(
        actor=personas.caseworker_a, membership=_member_of_org_a(personas), name="matrix"
    )
    return ObjectCase(personas.caseworker_a, personas.caseworker_b, {"pk": token.pk}, method="post")


def _directory_service(personas):
    service = ServiceFactory(organization=personas.org_a)
    return ObjectCase(personas.admin_a, personas.admin_b, {"pk": service.pk})


def _directory_location(personas):
    location = LocationFactory(organization=personas.org_a, is_confidential=True)
    return ObjectCase(personas.admin_a, personas.admin_b, {"pk": location.pk})


OBJECT_URLS = {
    "orgs:member_detail": _member_detail,
    "orgs:member_second_factor_reset": _member_second_factor_reset,
    "orgs:api_token_revoke": _api_token_revoke,
    "directory:service_edit": _directory_service,
    "directory:service_hours": _directory_service,
    "directory:service_capacity": _directory_service,
    "directory:location_edit": _directory_location,
}
# The clients app registers its object-scoped URLs per area of the app.
for _area in (
    object_urls_intake,
    object_urls_records,
    object_urls_assessments,
    object_urls_erasure,
    object_urls_agreements,
    object_urls_referrals,
    object_urls_matching,
    object_urls_external,
    object_urls_casework,
    object_urls_appointments,
    object_urls_supervision,
    object_urls_portal,
    object_urls_messaging,
    object_urls_legal,
    object_urls_evidence,
    object_urls_reviews,
    object_urls_analytics,
    object_urls_indicators,
):
    OBJECT_URLS.update(_area.OBJECT_URLS)
