"""The only ways pages, the API, exports and search reach the directory.

Confidential locations (safe shelters): only staff of the organization that owns the location
see its address, coordinates, name, phones and directions. Everyone else — other organizations,
the public directory, the HSDS API, exports and search — sees that the service exists, that its
location is confidential, and the district (admin 2) at most. `present_location` is the one
place that decides what of a location is shown; `confidential_location_filter` the one place
that decides which locations a search may match on their address, name or directions.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404

from caseway.directory.models import AdminArea, Location, Service
from caseway.orgs.permissions import Action

LISTED_STATUSES = (Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED, Service.Status.INACTIVE)


def can_see_confidential_location(membership, location) -> bool:
    if membership is None:
        return False
    if not membership.is_active:
        return False
    if location.organization_id is None:
        return False
    return location.organization_id == membership.organization_id


def confidential_location_filter(membership) -> Q:
    """Locations whose details ``membership`` may see (and search), as a queryset filter."""
    if membership is None or not membership.is_active:
        return Q(is_confidential=False)
    return Q(is_confidential=False) | Q(organization_id=membership.organization_id)


@dataclass(frozen=True)
class LocationView:
    """What one viewer may see of one location. Redacted fields are empty, never placeholders."""

    id: object
    is_confidential: bool
    redacted: bool
    location_type: str
    name: str = ""
    description: str = ""
    transportation: str = ""
    latitude: object = None
    longitude: object = None
    area: AdminArea | None = None
    addresses: list = field(default_factory=list)
    phones: list = field(default_factory=list)
    accessibility: list = field(default_factory=list)
    languages: list = field(default_factory=list)


def _district_at_most(area):
    """The admin 2 area that contains ``area`` (or ``area`` itself when it is coarser)."""
    while area is not None and area.level > AdminArea.Level.ADMIN2:
        area = area.parent
    return area


@dataclass(frozen=True)
class CodedLanguage:
    """A language of a confidential location without its free-text name or note."""

    code: str
    name: str = ""


def _coded_features_only(features) -> list:
    # Free text ("ramp by the blue gate") can describe the place; the coded feature cannot.
    return [feature for feature in features if feature.feature != feature.Feature.OTHER]


def _language_codes_only(languages) -> list:
    return [CodedLanguage(code=language.code) for language in languages if language.code]


def present_location(location: Location, membership) -> LocationView:
    """The location as ``membership`` (None for the public) may see it.

    Uses prefetched ``addresses``, ``phones``, ``accessibility`` and ``languages`` when present.
    """
    if location.is_confidential and not can_see_confidential_location(membership, location):
        return LocationView(
            id=location.id,
            is_confidential=True,
            redacted=True,
            location_type=location.location_type,
            area=_district_at_most(location.admin_area),
            accessibility=_coded_features_only(location.accessibility.all()),
            languages=_language_codes_only(location.languages.all()),
        )
    return LocationView(
        id=location.id,
        is_confidential=location.is_confidential,
        redacted=False,
        location_type=location.location_type,
        name=location.name,
        description=location.description,
        transportation=location.transportation,
        latitude=location.latitude,
        longitude=location.longitude,
        area=location.admin_area,
        addresses=list(location.addresses.all()),
        phones=list(location.phones.all()),
        accessibility=list(location.accessibility.all()),
        languages=list(location.languages.all()),
    )


def present_location_area(location: Location, membership):
    """Only the area of ``location`` as ``membership`` may see it: what list pages show of a place.

    The same rule as ``present_location`` (the district at most for a confidential location seen
    from outside), without reading addresses, phones and the rest a list never shows.
    """
    if location.is_confidential and not can_see_confidential_location(membership, location):
        return _district_at_most(location.admin_area)
    return location.admin_area


def directory_services(membership):
    """Services a signed-in staff member may browse: every listed service of the network."""
    if membership is None:
        return Service.objects.none()
    if not membership.is_active:
        return Service.objects.none()
    return Service.objects.select_related("organization", "program").filter(status__in=LISTED_STATUSES)


def public_services():
    """Services anyone may see without signing in (the public directory and the HSDS API)."""
    return (
        Service.objects.select_related("organization", "program")
        .filter(is_public=True)
        .filter(status__in=LISTED_STATUSES)
        .filter(organization__is_active=True)
    )


def get_directory_service(membership, pk) -> Service:
    try:
        return directory_services(membership).get(pk=pk)
    except (Service.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_public_service(pk) -> Service:
    try:
        return public_services().get(pk=pk)
    except (Service.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def editable_services(membership):
    """Services an agency admin may edit: their own organization's."""
    if membership is None:
        return Service.objects.none()
    if not membership.allows(Action.MANAGE_SERVICES):
        return Service.objects.none()
    return Service.objects.select_related("organization").filter(organization_id=membership.organization_id)


def get_editable_service(membership, pk) -> Service:
    try:
        return editable_services(membership).get(pk=pk)
    except (Service.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def editable_locations(membership):
    if membership is None:
        return Location.objects.none()
    if not membership.allows(Action.MANAGE_SERVICES):
        return Location.objects.none()
    return Location.objects.filter(organization_id=membership.organization_id)


def get_editable_location(membership, pk) -> Location:
    try:
        return editable_locations(membership).get(pk=pk)
    except (Location.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
