"""The HSDS 3.0 API: public, read-only, as the official schema/openapi.json describes it.

Mounted at /api/hsds/ (hsds_urls.py): ``/``, ``/services``, ``/organizations``,
``/service_at_locations``, ``/taxonomies``, ``/taxonomy_terms`` and ``/<list>/{id}``.

- Only services that ``access.public_services()`` lists are published; organizations are the
  active ones with at least one such service (listing every member would reveal who belongs to
  the network, which can itself be dangerous). What else shows is decided by hsds.Graph, with
  the public as viewer whoever asks: confidential locations are always redacted here, so
  responses are the same for everyone and may be cached (``Cache-Control: public``).
- ``search`` never matches the hidden fields of a confidential location
  (``access.confidential_location_filter``).
- Lists answer the HSDS page envelope; ``page`` (from 1), ``per_page`` (1-100, default 50,
  larger values are capped), ``format=ndjson`` streams every result, one JSON object a line,
  without the envelope. ``minimal=true`` (services) gives id, name, status and last_modified
  (name and status too, because the list schema requires them). ``top_only=true``
  (taxonomy terms) gives terms without a parent.
- A bad parameter answers 400, an unknown id 404, both as JSON ``{"error", "message"}``.
  ``postcode`` and ``proximity`` are not supported (400), rather than silently ignored.
- Every page costs a fixed number of queries, whatever its size.
"""

import json
import uuid
from datetime import UTC

from django.conf import settings
from django.db.models import Q
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from caseway.directory import access, hsds
from caseway.directory.models import (
    Attribute,
    Location,
    ServiceAtLocation,
    ServiceTerm,
    Taxonomy,
    TaxonomyTerm,
)
from caseway.lib.access import public
from caseway.orgs.models import Organization

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_SEARCH_LENGTH = 200
STREAM_CHUNK = 100
CACHE_SECONDS = 300
UNSUPPORTED = ("postcode", "proximity")
FACET_IDS = frozenset({hsds.FACETS_TAXONOMY_ID, *hsds.FACETS_BY_TERM_ID})


class BadParameter(Exception):
    def __init__(self, name, message):
        super().__init__(message)
        self.name = name
        self.message = message


# ---------------------------------------------------------------------------------------------
# Responses


def _json(data, status=200):
    response = JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})
    if status == 200:
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


def _error(status, code, message, parameter=None):
    body = {"error": code, "message": str(message)}
    if parameter:
        body["parameter"] = parameter
    return _json(body, status=status)


def hsds_endpoint(view):
    """Public, GET/HEAD only, and every failure answered as JSON."""

    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = _error(405, "method_not_allowed", _("Only GET is supported."))
            response["Allow"] = "GET, HEAD"
            return response
        try:
            return view(request, *args, **kwargs)
        except BadParameter as error:
            return _error(400, "bad_parameter", error.message, error.name)
        except Http404 as error:
            return _error(404, "not_found", str(error) or _("Not found."))

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return public(wrapper)


# ---------------------------------------------------------------------------------------------
# Parameters


class Params:
    def __init__(self, request):
        self.query = request.GET
        for name in UNSUPPORTED:
            if name in self.query:
                raise BadParameter(name, _("This parameter is not supported by this API."))

    def _raw(self, name):
        values = self.query.getlist(name)
        if len(values) > 1:
            raise BadParameter(name, _("Give this parameter once."))
        return values[0].strip() if values else None

    def text(self, name):
        value = self._raw(name)
        if value and len(value) > MAX_SEARCH_LENGTH:
            raise BadParameter(name, _("At most %(count)d characters.") % {"count": MAX_SEARCH_LENGTH})
        return value or None

    def integer(self, name, default, minimum):
        value = self._raw(name)
        if value in (None, ""):
            return default
        if not value.isdigit() or len(value) > 9 or int(value) < minimum:
            raise BadParameter(name, _("Must be a whole number of at least %(minimum)d.") % {"minimum": minimum})
        return int(value)

    def boolean(self, name):
        value = self._raw(name)
        if value in (None, ""):
            return False
        if value.lower() in ("true", "1", "yes"):
            return True
        if value.lower() in ("false", "0", "no"):
            return False
        raise BadParameter(name, _("Must be true or false."))

    def uuid(self, name):
        value = self._raw(name)
        if value in (None, ""):
            return None
        try:
            return uuid.UUID(value)
        except ValueError:
            raise BadParameter(name, _("Must be a UUID.")) from None

    def datetime(self, name):
        value = self._raw(name)
        if value in (None, ""):
            return None
        try:
            moment = parse_datetime(value)
            if moment is None:
                day = parse_date(value)
                moment = None if day is None else parse_datetime(f"{day.isoformat()}T00:00:00")
        except ValueError:
            moment = None
        if moment is None:
            raise BadParameter(name, _("Must be a date or date and time (ISO 8601, such as 2024-05-01T00:00:00Z)."))
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    def output_format(self):
        value = (self._raw("format") or "json").lower()
        if value not in ("json", "ndjson"):
            raise BadParameter("format", _("Must be json or ndjson."))
        return value

    def paging(self):
        page = self.integer("page", 1, 1)
        per_page = min(self.integer("per_page", DEFAULT_PER_PAGE, 1), MAX_PER_PAGE)
        return page, per_page


def _parse_id(value, kind):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404(_("No %(kind)s with this id.") % {"kind": kind}) from None


# ---------------------------------------------------------------------------------------------
# Lists


def _listing(request, params, queryset, serialize, extra=()):
    """The page envelope (or an NDJSON stream) of ``queryset`` then ``extra`` (ready-made objects).

    ``serialize(objects)`` turns one page of the queryset into HSDS objects with a fixed number
    of queries.
    """
    output = params.output_format()
    page, per_page = params.paging()
    if output == "ndjson":
        return _stream(queryset, serialize, extra)
    stored = queryset.count()
    total = stored + len(extra)
    start, stop = (page - 1) * per_page, page * per_page
    contents = []
    if start < stored:
        contents = serialize(list(queryset[start:stop]))
    contents += list(extra[max(start - stored, 0) : max(stop - stored, 0)])
    total_pages = -(-total // per_page)
    return _json(
        {
            "total_items": total,
            "total_pages": total_pages,
            "page_number": page,
            "size": len(contents),
            "first_page": page == 1,
            "last_page": page >= total_pages,
            "empty": not contents,
            "contents": contents,
        }
    )


def _stream(queryset, serialize, extra):
    def lines():
        keys = list(queryset.values_list("pk", flat=True))
        for start in range(0, len(keys), STREAM_CHUNK):
            chunk = keys[start : start + STREAM_CHUNK]
            objects = {obj.pk: obj for obj in queryset.filter(pk__in=chunk)}
            for item in serialize([objects[key] for key in chunk if key in objects]):
                yield json.dumps(item, ensure_ascii=False).encode("utf-8") + b"\n"
        for item in extra:
            yield json.dumps(item, ensure_ascii=False).encode("utf-8") + b"\n"

    response = StreamingHttpResponse(lines(), content_type="application/x-ndjson")
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


# ---------------------------------------------------------------------------------------------
# Filters


def _visible_location_matches(text):
    """Locations whose published text matches: never a confidential location's hidden fields."""
    return (
        Location.objects.filter(access.confidential_location_filter(None))
        .filter(
            Q(name__icontains=text)
            | Q(alternate_name__icontains=text)
            | Q(description__icontains=text)
            | Q(addresses__address_1__icontains=text)
            | Q(addresses__address_2__icontains=text)
            | Q(addresses__city__icontains=text)
        )
        .values("id")
    )


def _service_text(text, prefix=""):
    return (
        Q(**{f"{prefix}name__icontains": text})
        | Q(**{f"{prefix}alternate_name__icontains": text})
        | Q(**{f"{prefix}description__icontains": text})
        | Q(**{f"{prefix}organization__name__icontains": text})
        | Q(**{f"{prefix}id__in": ServiceTerm.objects.filter(taxonomy_term__name__icontains=text).values("service_id")})
    )


def _with_terms(term_filter: Q, prefix: str) -> Q:
    """Services (or rows of services, with ``prefix``) that have a term matching ``term_filter``."""
    field = f"{prefix}id__in"
    categories = ServiceTerm.objects.filter(term_filter).values("service_id")
    attributes = Attribute.objects.filter(term_filter, link_entity="service").values("link_id")
    return Q(**{field: categories}) | Q(**{field: attributes})


def _filter_services(queryset, params, *, prefix=""):
    """The HSDS service filters, on services (prefix "") or on rows with a ``service`` (prefix "service__").

    Facet terms are carried by every service, so filtering by them filters nothing.
    """
    term_id = params.uuid("taxonomy_term_id")
    if term_id is not None and term_id not in FACET_IDS:
        queryset = queryset.filter(_with_terms(Q(taxonomy_term_id=term_id), prefix))
    taxonomy_id = params.uuid("taxonomy_id")
    if taxonomy_id is not None and taxonomy_id not in FACET_IDS:
        queryset = queryset.filter(_with_terms(Q(taxonomy_term__taxonomy_ref_id=taxonomy_id), prefix))
    organization_id = params.uuid("organization_id")
    if organization_id is not None:
        queryset = queryset.filter(**{f"{prefix}organization__hsds_id": organization_id})
    modified_after = params.datetime("modified_after")
    if modified_after is not None:
        queryset = queryset.filter(**{f"{prefix}last_modified__gte": modified_after})
    return queryset


# ---------------------------------------------------------------------------------------------
# Views


@hsds_endpoint
def root(request):
    """What this API is: HSDS version, profile, the OpenAPI document, who publishes it."""
    return _json(
        {
            "version": hsds.HSDS_VERSION,
            "profile": getattr(settings, "CASEWAY_HSDS_PROFILE_URL", hsds.PROFILE_URL),
            "openapi_url": hsds.OPENAPI_URL,
            "publisher": {"name": settings.SITE_NAME, "url": request.build_absolute_uri("/")},
        }
    )


def _service_graph(services, *, details="all"):
    return hsds.Graph().load(services, details=details)


@hsds_endpoint
def service_list(request):
    params = Params(request)
    minimal = params.boolean("minimal")
    full = params.boolean("full")
    queryset = access.public_services()
    search = params.text("search")
    if search:
        at_matching_places = ServiceAtLocation.objects.filter(location__in=_visible_location_matches(search))
        queryset = queryset.filter(_service_text(search) | Q(id__in=at_matching_places.values("service_id")))
    queryset = _filter_services(queryset, params).order_by("name", "id")

    def serialize(services):
        if minimal:
            return [hsds.Serializer.service_minimal(service) for service in services]
        serializer = hsds.Serializer(_service_graph(services, details="all" if full else "none"))
        make = serializer.service_full if full else serializer.service_list_item
        return [make(service) for service in services]

    return _listing(request, params, queryset, serialize)


@hsds_endpoint
def service_detail(request, id):
    service_id = _parse_id(id, _("service"))
    service = access.public_services().filter(id=service_id).first()
    if service is None:
        raise Http404(_("No %(kind)s with this id.") % {"kind": _("service")})
    return _json(hsds.Serializer(_service_graph([service])).service_full(service))


def _published_organizations():
    return Organization.objects.filter(is_active=True, id__in=access.public_services().values("organization_id"))


def _organization_graph(organizations, *, details):
    organizations = list(organizations)
    services = []
    if details != "none":
        services = list(access.public_services().filter(organization__in=organizations).order_by("id"))
    return hsds.Graph().load(services, organizations, details=details)


@hsds_endpoint
def organization_list(request):
    params = Params(request)
    full = params.boolean("full")
    full_service = params.boolean("full_service")
    queryset = _published_organizations()
    search = params.text("search")
    if search:
        queryset = queryset.filter(
            Q(name__icontains=search) | Q(alternate_name__icontains=search) | Q(description__icontains=search)
        )
    services = _filter_services(access.public_services(), params)
    if any(params.uuid(name) for name in ("taxonomy_term_id", "taxonomy_id", "organization_id")):
        queryset = queryset.filter(id__in=services.values("organization_id"))
    queryset = queryset.order_by("name", "hsds_id")

    def serialize(organizations):
        nested = full or full_service
        serializer = hsds.Serializer(_organization_graph(organizations, details="all" if nested else "none"))
        if nested:
            return [serializer.organization_full(org, full_services=full_service) for org in organizations]
        return [serializer.organization_list_item(org) for org in organizations]

    return _listing(request, params, queryset, serialize)


@hsds_endpoint
def organization_detail(request, id):
    params = Params(request)
    full_service = params.boolean("full_service")
    organization = _published_organizations().filter(hsds_id=_parse_id(id, _("organization"))).first()
    if organization is None:
        raise Http404(_("No %(kind)s with this id.") % {"kind": _("organization")})
    serializer = hsds.Serializer(_organization_graph([organization], details="all"))
    return _json(serializer.organization_full(organization, full_services=full_service))


def _published_service_at_locations():
    return ServiceAtLocation.objects.filter(service__in=access.public_services())


@hsds_endpoint
def service_at_location_list(request):
    params = Params(request)
    full = params.boolean("full")
    queryset = _published_service_at_locations().select_related("service__organization", "service__program")
    search = params.text("search")
    if search:
        visible_description = Q(description__icontains=search) & Q(
            location_id__in=Location.objects.filter(access.confidential_location_filter(None)).values("id")
        )
        queryset = queryset.filter(
            _service_text(search, "service__")
            | Q(location_id__in=_visible_location_matches(search))
            | visible_description
        )
    queryset = _filter_services(queryset, params, prefix="service__").order_by("service__name", "service_id", "id")

    def serialize(sals):
        services = list({sal.service_id: sal.service for sal in sals}.values())
        serializer = hsds.Serializer(_service_graph(services, details="all" if full else "locations"))
        make = serializer.service_at_location_full if full else serializer.service_at_location_list_item
        return [make(sal) for sal in sals]

    return _listing(request, params, queryset, serialize)


@hsds_endpoint
def service_at_location_detail(request, id):
    sal_id = _parse_id(id, _("service at location"))
    sal = _published_service_at_locations().select_related("service__organization", "service__program")
    sal = sal.filter(id=sal_id).first()
    if sal is None:
        raise Http404(_("No %(kind)s with this id.") % {"kind": _("service at location")})
    serializer = hsds.Serializer(_service_graph([sal.service]))
    return _json(serializer.service_at_location_full(sal))


def _matches(row, search, columns):
    return any(search.lower() in str(row.get(column) or "").lower() for column in columns)


@hsds_endpoint
def taxonomy_list(request):
    params = Params(request)
    queryset = Taxonomy.objects.exclude(id__in=FACET_IDS)
    facets = [hsds.facet_taxonomy_row()]
    search = params.text("search")
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(description__icontains=search))
        facets = [row for row in facets if _matches(row, search, ("name", "description"))]
    queryset = queryset.order_by("name", "id")

    def serialize(taxonomies):
        return [hsds.taxonomy_object(hsds.stored_taxonomy_row(taxonomy)) for taxonomy in taxonomies]

    return _listing(request, params, queryset, serialize, [hsds.taxonomy_object(row) for row in facets])


@hsds_endpoint
def taxonomy_detail(request, id):
    taxonomy_id = _parse_id(id, _("taxonomy"))
    if taxonomy_id == hsds.FACETS_TAXONOMY_ID:
        return _json(hsds.taxonomy_object(hsds.facet_taxonomy_row()))
    taxonomy = Taxonomy.objects.filter(id=taxonomy_id).first()
    if taxonomy is None:
        raise Http404(_("No %(kind)s with this id.") % {"kind": _("taxonomy")})
    return _json(hsds.taxonomy_object(hsds.stored_taxonomy_row(taxonomy)))


def _term_object(term):
    taxonomy = term.taxonomy_ref
    return hsds.taxonomy_term_object(
        hsds.stored_term_row(term), None if taxonomy is None else hsds.stored_taxonomy_row(taxonomy)
    )


def _facet_term_object(facet):
    return hsds.taxonomy_term_object(hsds.facet_term_row(facet), hsds.facet_taxonomy_row())


@hsds_endpoint
def taxonomy_term_list(request):
    params = Params(request)
    queryset = TaxonomyTerm.objects.exclude(id__in=FACET_IDS).select_related("taxonomy_ref")
    facets = list(hsds.FACETS)
    search = params.text("search")
    if search:
        queryset = queryset.filter(
            Q(name__icontains=search) | Q(code__icontains=search) | Q(description__icontains=search)
        )
        facets = [
            facet for facet in facets if _matches(hsds.facet_term_row(facet), search, ("name", "code", "description"))
        ]
    taxonomy_id = params.uuid("taxonomy_id")
    if taxonomy_id is not None:
        queryset = queryset.filter(taxonomy_ref_id=taxonomy_id)
        facets = facets if taxonomy_id == hsds.FACETS_TAXONOMY_ID else []
    parent_id = params.uuid("parent_id")
    if parent_id is not None:
        queryset = queryset.filter(parent_id=parent_id)
        facets = []  # facet terms have no parent
    if params.boolean("top_only"):
        queryset = queryset.filter(parent__isnull=True)
    queryset = queryset.order_by("taxonomy_ref__name", "code", "name", "id")

    def serialize(terms):
        return [_term_object(term) for term in terms]

    return _listing(request, params, queryset, serialize, [_facet_term_object(facet) for facet in facets])


@hsds_endpoint
def taxonomy_term_detail(request, id):
    term_id = _parse_id(id, _("taxonomy term"))
    facet = hsds.FACETS_BY_TERM_ID.get(term_id)
    if facet is not None:
        return _json(_facet_term_object(facet))
    term = TaxonomyTerm.objects.select_related("taxonomy_ref").filter(id=term_id).first()
    if term is None:
        raise Http404(_("No %(kind)s with this id.") % {"kind": _("taxonomy term")})
    return _json(_term_object(term))


@hsds_endpoint
def not_found(request, *args, **kwargs):
    """Any other path under /api/hsds/: JSON, like the rest of the API."""
    raise Http404(_("There is no such HSDS endpoint."))
