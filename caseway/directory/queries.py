"""Directory reads that are more than an access helper: search, and what list and detail pages show.

Search builds one SQL query: each filter is an uncorrelated ``pk IN (subquery)`` over a narrow
link table (service terms, service-at-location, schedules...), which both SQLite and PostgreSQL
turn into a hash or index semi-join, so a filter costs one pass over its link table whatever the
number of services. Only the category filter (descendants of the chosen terms, level by level)
and the open-now filter (the UTC offsets in use) read something first: a fixed number of small
queries per search.

Confidential locations (safe shelters) take part in text search only for viewers who may see
their details (``confidential_location_filter``): a search for a shelter's street must find
nothing for anyone outside the owning organization, not even a count.
"""

import datetime
import time
import uuid
from collections import defaultdict, namedtuple
from dataclasses import dataclass
from functools import cache

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Prefetch, Q
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save

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
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    ServiceTerm,
    Sex,
    TaxonomyTerm,
)
from caseway.directory.schedules import describe_schedule, is_open_at, open_schedules_sql
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
    """Ids of the Caseway terms with these codes and of all their descendants (any taxonomy)."""
    found = set(caseway_terms().filter(code__in=list(codes)).values_list("id", flat=True))
    frontier = set(found)
    for _level in range(MAX_TAXONOMY_DEPTH):
        if not frontier:
            break
        children = set(TaxonomyTerm.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
        found |= children
        frontier = children
    return found


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
    """Services with a location inside ``area``, or a service area inside it or covering it."""
    inside = AdminArea.objects.filter(Q(pk=area.pk) | Q(parent_id=area.pk) | Q(parent__parent_id=area.pk)).values("pk")
    # A service covering a whole region serves each of its districts too.
    covering = [ancestor.pk for ancestor in area.ancestors_and_self()]
    service_areas = ServiceArea.objects.filter(Q(admin_area__in=inside) | Q(admin_area_id__in=covering))
    return (
        _services_at(Location.objects.filter(admin_area__in=inside).values("pk"))
        | Q(pk__in=service_areas.filter(service__isnull=False).values("service_id"))
        | Q(pk__in=service_areas.filter(service_at_location__isnull=False).values("service_at_location__service_id"))
    )


def _language_filter(code: str) -> Q:
    # "fr" also finds "fr-CA". Matching the codes in use by equality (not a LIKE) keeps the code
    # index usable.
    code = code.strip()
    codes = {code} | {known for known, _name in languages_in_use() if known.startswith(f"{code}-")}
    spoken = Language.objects.filter(code__in=sorted(codes))
    return Q(pk__in=spoken.filter(service__isnull=False).values("service_id")) | _services_at(
        spoken.filter(location__isnull=False).values("location_id")
    )


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


def _open_services_sql(when: datetime.datetime) -> RawSQL:
    """Ids of the services with an opening now: their own hours decide, else their locations' hours.

    One pass over the schedule table, each schedule mapped to its service through whichever link
    it has (service, service-at-location, or a location shared by the services there). Raw SQL:
    see schedules.open_schedules_sql for why.
    """
    quote = connection.ops.quote_name
    schedules, links = quote(Schedule._meta.db_table), quote(ServiceAtLocation._meta.db_table)
    condition, params = open_schedules_sql(when, alias="s")
    # Only table and column names from the models are formatted in; every value is a parameter.
    sql = f"""
        SELECT COALESCE(s.service_id, own.service_id, shared.service_id) FROM {schedules} s
        LEFT JOIN {links} own ON own.id = s.service_at_location_id
        LEFT JOIN {links} shared ON shared.location_id = s.location_id
            AND s.service_id IS NULL AND s.service_at_location_id IS NULL
        WHERE {condition} AND (shared.service_id IS NULL OR shared.service_id NOT IN (
            SELECT h.service_id FROM {schedules} h WHERE h.service_id IS NOT NULL
            UNION SELECT l.service_id FROM {schedules} h JOIN {links} l ON l.id = h.service_at_location_id
        ))"""  # noqa: S608
    return RawSQL(sql, params)  # noqa: S611 (values are parameters, see above)


def _open_filter(when: datetime.datetime) -> Q:
    return Q(status=Service.Status.ACTIVE) & Q(pk__in=_open_services_sql(when))


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
        conditions &= _language_filter(language)
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
    if open_now is not None:  # tests every schedule: search_results_page avoids it when it can
        conditions &= _open_filter(open_now)
    return services.filter(conditions).order_by("name", "pk")


# ---------------------------------------------------------------------------------------------
# What list pages show


def with_listing_details(services):
    """Prefetches what a result row shows, so a page of 25 costs the same queries as a page of 2."""
    return services.select_related("organization").prefetch_related(
        Prefetch("taxonomy_terms", queryset=TaxonomyTerm.objects.order_by("code", "name")),
        Prefetch("service_at_locations", queryset=ServiceAtLocation.objects.select_related("location__admin_area")),
        Prefetch("service_areas", queryset=ServiceArea.objects.select_related("admin_area")),
        "capacities",
    )


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


# Up to this many candidates, "open now" is decided in Python from their schedules (three indexed
# reads), instead of testing every schedule of the directory in SQL.
OPEN_NOW_IN_PYTHON_UP_TO = 500
_SCHEDULE_FIELDS = (
    "freq",
    "interval",
    "count",
    "byday",
    "opens_at",
    "closes_at",
    "timezone",
    "valid_from",
    "valid_to",
    "dtstart",
    "until",
)
_ScheduleRow = namedtuple("_ScheduleRow", _SCHEDULE_FIELDS)


def _open_among(candidates: list[tuple], when: datetime.datetime) -> set:
    """Which of (id, status) ``candidates`` are open at ``when``, by the rule of ``service_is_open_at``."""
    ids = [pk for pk, _status in candidates]
    own, at_locations = defaultdict(list), defaultdict(list)
    links = (
        (own, Schedule.objects.filter(service_id__in=ids), "service_id"),
        (own, Schedule.objects.filter(service_at_location__service_id__in=ids), "service_at_location__service_id"),
        (
            at_locations,
            Schedule.objects.filter(location__service_at_locations__service_id__in=ids),
            "location__service_at_locations__service_id",
        ),
    )
    for hours, schedules, owner in links:
        for row in schedules.values_list(owner, *_SCHEDULE_FIELDS):
            hours[row[0]].append(_ScheduleRow(*row[1:]))
    return {
        pk
        for pk, status in candidates
        if status == Service.Status.ACTIVE
        and any(is_open_at(schedule, when) for schedule in own.get(pk) or at_locations.get(pk, ()))
    }


def _given(value) -> bool:
    # Not ``bool(value)``: an age of 0 is a filter.
    return value is not None and value is not False and value not in ("", [], ())


def search_results_page(*, membership_or_none, page_number, per_page: int, **filters):
    """One page of ``search_services(**filters)`` with listing details, the search evaluated once.

    A Paginator would run a filtered search twice (COUNT, then the page): the matching ids are
    read once, in order, instead. "Open now" is the costliest filter in SQL (every schedule of the
    directory is tested), so when the other filters leave few services it is decided in Python
    from those services' schedules alone.
    """
    open_now = filters.pop("open_now", None)
    services = search_services(membership_or_none=membership_or_none, **filters)
    if open_now is None and not any(_given(value) for value in filters.values()):
        return list_page(services, page_number, per_page=per_page)
    candidates = list(services.values_list("pk", "status"))
    if open_now is None:
        ids = [pk for pk, _status in candidates]
    elif len(candidates) <= OPEN_NOW_IN_PYTHON_UP_TO:
        open_ids = _open_among(candidates, open_now)
        ids = [pk for pk, _status in candidates if pk in open_ids]
    else:
        ids = list(services.filter(_open_filter(open_now)).values_list("pk", flat=True))
    return _page_with_details(ids, page_number, per_page)


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


def present_listing(service: Service, membership_or_none) -> ServiceListing:
    locations = [link.location for link in service.service_at_locations.all()]
    areas = []
    seen = [present_location_area(location, membership_or_none) for location in locations]
    for area in seen + [covered.admin_area for covered in service.service_areas.all()]:
        if area is not None and area not in areas:
            areas.append(area)
    return ServiceListing(
        service=service,
        categories=list(service.taxonomy_terms.all()),
        areas=areas,
        at_capacity=is_at_capacity(list(service.capacities.all())),
        has_confidential_location=any(location.is_confidential for location in locations),
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
        location_hours += list(link.location.schedules.all())
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
