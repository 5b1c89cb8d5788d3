"""Directory reads that are more than an access helper: search, and what list and detail pages show.

Search builds one SQL query: each filter is an uncorrelated ``pk IN (subquery)`` over a narrow
link table (service terms, service-at-location, languages...), which both SQLite and PostgreSQL
turn into a hash or index semi-join, so a filter costs one pass over its link table whatever the
number of services. Open now reads the precomputed openings (schedules.py): after other filters,
one index probe per service they leave (a correlated EXISTS); alone, the openings running now.
Only the category filter (descendants of the chosen terms, one recursive query) reads something
first.

Confidential locations (safe shelters) take part in text search only for viewers who may see
their details (``confidential_location_filter``): a search for a shelter's street must find
nothing for anyone outside the owning organization, not even a count.
"""

import datetime
import time
import uuid
from dataclasses import dataclass
from functools import cache

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

from caseway.directory.access import (
    confidential_location_filter,
    directory_services,
    present_location,
    present_location_area,
    public_services,
)
from caseway.directory.models import (
    Accessibility,
    Address,
    AdminArea,
    Language,
    Location,
    ScheduleOpening,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    ServiceTerm,
    Sex,
    TaxonomyTerm,
)
from caseway.directory.schedules import describe_schedule, is_open_at, open_openings
from caseway.directory.taxonomy import shipped_taxonomy

MAX_SEARCH_WORDS = 8
MAX_WORD_LENGTH = 100
# Imported taxonomies are a few levels deep (the Caseway one is two); a cycle in bad data stops here.
MAX_TAXONOMY_DEPTH = 8


@cache
def caseway_taxonomy_id() -> uuid.UUID:
    return uuid.UUID(shipped_taxonomy()["id"])


def caseway_terms():
    """Terms of the Caseway taxonomy (shipped and local ones): what need categories are chosen from."""
    return TaxonomyTerm.objects.filter(taxonomy_ref_id=caseway_taxonomy_id())


def category_term_ids(codes) -> set:
    """Ids of the Caseway terms with these codes and of all their descendants (any taxonomy).

    One recursive query rather than one per level (three for a top-level need): terms change at
    any time (curation, imports), so they are read at each search.
    """
    codes = list(codes)
    if not codes:
        return set()
    quote = connection.ops.quote_name
    table = quote(TaxonomyTerm._meta.db_table)
    fields = ("id", "code", "parent", "taxonomy_ref")
    column = {name: quote(TaxonomyTerm._meta.get_field(name).column) for name in fields}
    taxonomy = TaxonomyTerm._meta.get_field("taxonomy_ref").get_db_prep_value(caseway_taxonomy_id(), connection)
    # Only table and column names from the model are formatted in; every value is a parameter.
    # The depth bound ends a cycle in bad data as the level-by-level reading did.
    sql = f"""
        WITH RECURSIVE found(id, depth) AS (
            SELECT {column["id"]}, 0 FROM {table}
            WHERE {column["taxonomy_ref"]} = %s AND {column["code"]} IN ({", ".join(["%s"] * len(codes))})
            UNION
            SELECT child.{column["id"]}, found.depth + 1 FROM {table} child
            JOIN found ON child.{column["parent"]} = found.id WHERE found.depth < %s
        )
        SELECT DISTINCT id FROM found"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [taxonomy, *codes, MAX_TAXONOMY_DEPTH])
        return {value if isinstance(value, uuid.UUID) else uuid.UUID(value) for (value,) in cursor.fetchall()}


def _services_at(locations) -> Q:
    return Q(pk__in=ServiceAtLocation.objects.filter(location__in=locations).values("service_id"))


def _text_filter(word: str, membership_or_none) -> Q:
    on_service = (
        Q(name__icontains=word)
        | Q(alternate_name__icontains=word)
        | Q(description__icontains=word)
        | Q(organization__name__icontains=word)
        | Q(organization__acronym__iexact=word)
        | Q(pk__in=ServiceTerm.objects.filter(taxonomy_term__name__icontains=word).values("service_id"))
    )
    on_address = Address.objects.filter(
        Q(address_1__icontains=word) | Q(address_2__icontains=word) | Q(city__icontains=word)
    ).values("location_id")
    # Only locations this viewer may see the details of: never match a shelter's name or street.
    searchable_locations = (
        Location.objects.filter(confidential_location_filter(membership_or_none))
        .filter(
            Q(name__icontains=word)
            | Q(transportation__icontains=word)
            | Q(description__icontains=word)
            | Q(pk__in=on_address)
        )
        .values("pk")
    )
    return on_service | _services_at(searchable_locations)


def _area_filter(area: AdminArea) -> Q:
    """Services with a location inside ``area``, or a service area inside it or covering it.

    One ``IN`` over a UNION rather than three ORed: a single list of a few hundred services at
    most, which the database can start the search from. The areas inside are read first (a few
    dozen ids from a small table), so the search itself holds literal ids: a simpler plan, found
    sooner.
    """
    inside = list(
        AdminArea.objects.filter(Q(pk=area.pk) | Q(parent_id=area.pk) | Q(parent__parent_id=area.pk)).values_list(
            "pk", flat=True
        )
    )
    # A service covering a whole region serves each of its districts too.
    covering = [ancestor.pk for ancestor in area.ancestors_and_self()]
    service_areas = ServiceArea.objects.filter(admin_area_id__in=sorted(set(inside) | set(covering), key=str))
    # Locations by id (not a join): PostgreSQL then reads the few places' links by their index.
    located = ServiceAtLocation.objects.filter(
        location_id__in=Location.objects.filter(admin_area_id__in=inside).values("pk")
    )
    return Q(
        pk__in=located.values("service_id").union(
            service_areas.filter(service__isnull=False).values("service_id"),
            service_areas.filter(service_at_location__isnull=False).values("service_at_location__service_id"),
        )
    )


def _language_filter(code: str, *, among_few: bool) -> Q:
    """Services speaking ``code`` themselves or at one of their locations ("fr" also finds "fr-CA").

    ``among_few``: other filters narrow the search down, so each service they leave is looked up
    in the languages (correlated EXISTS, by index); a language half the network speaks would
    otherwise be read whole. Otherwise one ``IN`` over a UNION (not two ORed ``IN``, which make the
    database test every service against both).
    """
    # Matching the codes in use by equality (not a LIKE) keeps the code index usable.
    code = code.strip()
    codes = {code} | {known for known, _name in languages_in_use() if known.startswith(f"{code}-")}
    spoken = Language.objects.filter(code__in=sorted(codes))
    spoken_at_locations = spoken.filter(location__isnull=False).values("location_id")
    if among_few:
        return Q(Exists(spoken.filter(service_id=OuterRef("pk")))) | Q(
            Exists(ServiceAtLocation.objects.filter(service_id=OuterRef("pk"), location_id__in=spoken_at_locations))
        )
    at_locations = ServiceAtLocation.objects.filter(location_id__in=spoken_at_locations)
    return Q(pk__in=spoken.filter(service__isnull=False).values("service_id").union(at_locations.values("service_id")))


def _accessibility_filter(features) -> Q:
    """Services with one location that has every feature asked for (not each at a different place)."""
    locations = Location.objects.all()
    for feature in features:
        locations = locations.filter(pk__in=Accessibility.objects.filter(feature=feature).values("location_id"))
    return _services_at(locations.values("pk"))


def _age_filter(age: int) -> Q:
    return (Q(minimum_age__isnull=True) | Q(minimum_age__lte=age)) & (
        Q(maximum_age__isnull=True) | Q(maximum_age__gte=age)
    )


def _open_filter(when: datetime.datetime, *, among_few: bool) -> Q:
    """Active services with an opening running at ``when`` (their own hours, else their locations').

    ``among_few``: other filters narrow the search down, so each service they leave is looked up in
    its openings (a correlated EXISTS, by the service index). Otherwise the openings running now
    are read once (an ``IN``: a day's worth of the time index, a seventh of the table). SQLite runs
    each as written, and each is the faster one in its case; PostgreSQL plans both as a semi-join.
    """
    running = ScheduleOpening.objects.filter(open_openings(when))
    if among_few:
        return Q(status=Service.Status.ACTIVE) & Q(Exists(running.filter(service_id=OuterRef("pk"))))
    return Q(status=Service.Status.ACTIVE) & Q(pk__in=running.values("service_id"))


def search_services(
    *,
    membership_or_none,
    text: str = "",
    category_codes=(),
    area: AdminArea | None = None,
    language: str = "",
    accessibility=(),
    age: int | None = None,
    sex: str = "",
    open_now: datetime.datetime | None = None,
    accepting_referrals: bool = False,
    capacity_available: bool = False,
):
    """Services matching every filter given, ordered by name.

    ``membership_or_none`` None searches the public directory (``public_services``); a membership
    searches what its staff may browse (``directory_services``). Unknown category codes match
    nothing, rather than being ignored.
    """
    services = public_services() if membership_or_none is None else directory_services(membership_or_none)
    conditions = Q()
    for word in text.split()[:MAX_SEARCH_WORDS]:
        conditions &= _text_filter(word[:MAX_WORD_LENGTH], membership_or_none)
    if category_codes:
        # A join, not IN (subquery): the planner then starts from the category's few links, by
        # their index, instead of testing every listed service (three times faster on SQLite).
        services = services.filter(service_terms__taxonomy_term_id__in=category_term_ids(category_codes)).distinct()
    if area is not None:
        conditions &= _area_filter(area)
    if language:
        conditions &= _language_filter(language, among_few=bool(text.split() or category_codes or area is not None))
    if accessibility:
        conditions &= _accessibility_filter(accessibility)
    if age is not None:
        conditions &= _age_filter(age)
    if sex:
        conditions &= Q(sex_eligibility__in=[Sex.ANY, sex])
    if accepting_referrals:
        conditions &= Q(accepting_referrals=True)
    if capacity_available:
        conditions &= Q(pk__in=ServiceCapacity.objects.filter(available__gt=0).values("service_id"))
    if open_now is not None:
        narrowed = bool(text.split() or category_codes or area is not None or language or accessibility)
        conditions &= _open_filter(open_now, among_few=narrowed)
    return services.filter(conditions).order_by("name", "pk")


# ---------------------------------------------------------------------------------------------
# What list pages show


@dataclass
class _ListingParts:
    categories: list  # ListedTerm
    places: list  # ListedPlace
    service_areas: list  # AdminArea


class ListedTerm:
    """A category as a result row shows it: its name in the reader's language."""

    __slots__ = ("code", "name", "name_translations")

    def __init__(self, code, name, name_translations):
        self.code, self.name, self.name_translations = code, name, name_translations

    def __str__(self):
        language = (get_language() or "en").split("-")[0]
        return (self.name_translations or {}).get(language) or self.name


@dataclass(frozen=True)
class ListedPlace:
    """Of a service's location, what a result row needs to decide which area to show."""

    is_confidential: bool
    organization_id: int | None
    admin_area: AdminArea | None


# What a result row shows (caseway/directory/templates/directory/_listings.html): reading only these
# columns, as tuples rather than model instances, halves the time of a page of 25.
LISTED_SERVICE_FIELDS = ("name", "organization_id", "organization__name", "status", "accepting_referrals")
LISTED_AREA_FIELDS = ("name", "name_translations", "level", "parent_id")


def _area_of(values, known: dict):
    """An AdminArea from (id, *LISTED_AREA_FIELDS) values, one instance per area."""
    area_id = values[0]
    if area_id is None:
        return None
    if area_id not in known:
        known[area_id] = AdminArea(id=area_id, **dict(zip(LISTED_AREA_FIELDS, values[1:], strict=True)))
    return known[area_id]


def with_listing_details(services) -> list:
    """The services of a queryset with what a result row shows: four queries, whatever their number.

    Read by hand rather than with ``prefetch_related``, which builds a queryset per service and
    relation (a third of the time of a page of 25). Of capacities a row shows only "at capacity":
    two EXISTS on the row.
    """
    capacities = ServiceCapacity.objects.filter(service_id=OuterRef("pk"))
    rows = list(
        services.select_related("organization")
        .only(*LISTED_SERVICE_FIELDS)
        .annotate(reports_capacity=Exists(capacities), has_places=Exists(capacities.filter(available__gt=0)))
    )
    parts = {row.pk: _ListingParts([], [], []) for row in rows}
    if parts:
        ids = list(parts)
        categories = (
            ServiceTerm.objects.filter(service_id__in=ids)
            .order_by("taxonomy_term__code", "taxonomy_term__name")
            .values_list("service_id", "taxonomy_term__code", "taxonomy_term__name", "taxonomy_term__name_translations")
        )
        for service_id, *term in categories:
            parts[service_id].categories.append(ListedTerm(*term))
        areas = {}
        area_columns = [f"location__admin_area__{name}" for name in LISTED_AREA_FIELDS]
        places = ServiceAtLocation.objects.filter(service_id__in=ids).values_list(
            "service_id",
            "location__is_confidential",
            "location__organization_id",
            "location__admin_area_id",
            *area_columns,
        )
        for service_id, is_confidential, organization_id, *area in places:
            parts[service_id].places.append(ListedPlace(is_confidential, organization_id, _area_of(area, areas)))
        area_columns = [f"admin_area__{name}" for name in LISTED_AREA_FIELDS]
        covered = ServiceArea.objects.filter(service_id__in=ids).values_list(
            "service_id", "admin_area_id", *area_columns
        )
        for service_id, *area in covered:
            parts[service_id].service_areas.append(_area_of(area, areas))
    for row in rows:
        row.listing_parts = parts[row.pk]
    return rows


def _page_with_details(ids, page_number, per_page):
    page = Paginator(ids, per_page).get_page(page_number)
    page_ids = list(page.object_list)
    # These ids come from an access-scoped search: reading them again by id reaches nothing more.
    rows = {service.pk: service for service in with_listing_details(Service.objects.filter(pk__in=page_ids))}
    page.object_list = [rows[pk] for pk in page_ids if pk in rows]
    return page


def list_page(services, page_number, *, per_page: int):
    """One page of an unfiltered list: a COUNT, the page's ids, then the page's rows by id.

    Sorting narrow id rows by name and then reading 25 rows by id costs a third of sorting whole
    service rows.
    """
    return _page_with_details(services.values_list("pk", flat=True), page_number, per_page)


def _given(value) -> bool:
    # Not ``bool(value)``: an age of 0 is a filter.
    return value is not None and value is not False and value not in ("", [], ())


def search_results_page(*, membership_or_none, page_number, per_page: int, **filters):
    """One page of ``search_services(**filters)`` with listing details, the search evaluated once.

    A Paginator would run a filtered search twice (COUNT, then the page): the matching ids are
    read once, in order, instead (one query, open now included).
    """
    services = search_services(membership_or_none=membership_or_none, **filters)
    if not any(_given(value) for value in filters.values()):
        return list_page(services, page_number, per_page=per_page)
    return _page_with_details(list(services.values_list("pk", flat=True)), page_number, per_page)


def is_at_capacity(capacities) -> bool:
    """Capacity is reported and no unit has anything available."""
    return bool(capacities) and all(capacity.available <= 0 for capacity in capacities)


@dataclass
class ServiceListing:
    """One search result as a viewer may see it: of its places, only their areas (as access allows)."""

    service: Service
    categories: list
    areas: list
    at_capacity: bool
    has_confidential_location: bool
    url: str = ""  # set by the page: where the service's name links to
    organization_url: str = ""  # staff only


def present_listing(service: Service, membership_or_none) -> ServiceListing:
    """``service`` as read by ``with_listing_details``."""
    parts = service.listing_parts
    areas = []
    seen = [present_location_area(place, membership_or_none) for place in parts.places]
    for area in seen + parts.service_areas:
        if area is not None and area not in areas:
            areas.append(area)
    return ServiceListing(
        service=service,
        categories=parts.categories,
        areas=areas,
        at_capacity=service.reports_capacity and not service.has_places,  # is_at_capacity, in SQL
        has_confidential_location=any(place.is_confidential for place in parts.places),
    )


# The languages of the directory change rarely but take a scan of every language row to list:
# each process keeps the list for a minute, and forgets it at once when it saves a language
# (imports that bulk-create languages show up within the minute).
CHOICE_LIST_SECONDS = 60
_choice_lists: dict = {}


def _remembered(key, compute):
    now = time.monotonic()
    kept = _choice_lists.get(key)
    if kept is not None and kept[0] > now:
        return kept[1]
    value = compute()
    _choice_lists[key] = (now + CHOICE_LIST_SECONDS, value)
    return value


def forget_choice_lists(**_signal_arguments):
    _choice_lists.clear()


post_save.connect(forget_choice_lists, sender=Language, dispatch_uid="directory_language_saved")
post_delete.connect(forget_choice_lists, sender=Language, dispatch_uid="directory_language_deleted")


def terms_in_use() -> list[tuple]:
    """(id, code, name, translations, parent id) of the Caseway terms in use: the need filter's choices.

    Read every time (a small indexed query), so a coordinator's change shows at once.
    """
    return list(
        caseway_terms().filter(is_active=True).values_list("id", "code", "name", "name_translations", "parent_id")
    )


def area_rows() -> list[tuple]:
    """(P-code, name, translations, level) of every administrative area, in P-code order."""
    return list(AdminArea.objects.order_by("pcode").values_list("pcode", "name", "name_translations", "level"))


def _languages_in_use() -> list[tuple[str, str]]:
    codes = list(Language.objects.exclude(code="").order_by("code").values_list("code", flat=True).distinct())
    named = Language.objects.filter(code__in=codes).exclude(name="").order_by().values_list("code", "name").distinct()
    names = dict(named)
    return [(code, names.get(code, "")) for code in codes]


def languages_in_use() -> list[tuple[str, str]]:
    """(code, the directory's own name for it) of every language of the directory."""
    return _remembered("languages", _languages_in_use)


# ---------------------------------------------------------------------------------------------
# What a service page shows


@dataclass
class LocationDetails:
    view: object  # access.LocationView
    hours: list

    @property
    def hours_in_words(self) -> list[str]:
        return [describe_schedule(schedule) for schedule in self.hours]


def service_details(service: Service, membership_or_none, *, when: datetime.datetime):
    """Everything a service page shows, locations redacted for this viewer."""
    service = (
        Service.objects.filter(pk=service.pk)
        .select_related("organization", "program")
        .prefetch_related(
            Prefetch("taxonomy_terms", queryset=TaxonomyTerm.objects.order_by("code", "name")),
            "languages",
            "phones",
            "required_documents",
            Prefetch("capacities", queryset=ServiceCapacity.objects.select_related("unit")),
            Prefetch("service_areas", queryset=ServiceArea.objects.select_related("admin_area")),
            "schedules",
            "funding",
            "cost_options",
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location__admin_area__parent").prefetch_related(
                    "schedules",
                    "location__addresses",
                    "location__phones",
                    "location__accessibility",
                    "location__languages",
                    "location__schedules",
                ),
            ),
        )
        .get()
    )
    locations = []
    own_hours = list(service.schedules.all())
    location_hours = []
    for link in service.service_at_locations.all():
        view = present_location(link.location, membership_or_none)
        own_hours += list(link.schedules.all())
        # The filter's rule: a location's hours are its schedules that belong to no service.
        location_hours += [
            schedule
            for schedule in link.location.schedules.all()
            if schedule.service_id is None and schedule.service_at_location_id is None
        ]
        # A shelter's opening hours are a detail of the place: shown only to those who see the place.
        shown_hours = list(link.schedules.all()) + ([] if view.redacted else list(link.location.schedules.all()))
        locations.append(LocationDetails(view=view, hours=shown_hours))
    capacities = list(service.capacities.all())
    return {
        "service": service,
        "categories": list(service.taxonomy_terms.all()),
        "languages": list(service.languages.all()),
        "phones": list(service.phones.all()),
        "required_documents": [document for document in service.required_documents.all() if document.document],
        "capacities": capacities,
        "at_capacity": is_at_capacity(capacities),
        "service_areas": [area.admin_area or area.name for area in service.service_areas.all()],
        "hours": list(service.schedules.all()),
        "hours_in_words": [describe_schedule(schedule) for schedule in service.schedules.all()],
        "locations": locations,
        "has_confidential_location": any(location.view.is_confidential for location in locations),
        "open_now": service_is_open_at(service, own_hours, location_hours, when),
        "funding": [funding.source for funding in service.funding.all() if funding.source],
    }


def service_is_open_at(service, own_hours, location_hours, when) -> bool:
    """The open-now filter's rule for one service: its own hours decide, else its locations' hours."""
    if service.status != Service.Status.ACTIVE:
        return False
    hours = own_hours or location_hours
    return any(is_open_at(schedule, when) for schedule in hours)
