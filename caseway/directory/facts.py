"""The matching facts of services (``ServiceFacts``): what ranking reads of a service, in one row.

``refresh_facts(service_ids)`` brings the rows of these services in line with the directory: the
service's own columns, its locations (through its service-at-location links) with their areas,
coordinates, languages and accessibility features, the areas it serves (its own service areas and
its links'), and its capacity reports. Every path that writes these tables in bulk calls it for the
services concerned, in the same transaction (``services.py``, the HSDS import, the admin-area
import, the demo, the benches); a single row saved or deleted through the ORM calls it by itself
(``models._keep_facts``). ``services_concerned`` finds the services a write concerns.

The facts say no more than the tables they come from: ``tests/test_service_facts.py`` checks that
each write path leaves them as a fresh refresh would, the matching tests that ranking from them
ranks as the tables say.
"""

import uuid

from django.apps import apps as installed_apps
from django.db import connection, transaction

BATCH = 500  # services (or rows) per round: bounded query parameters
VIRTUAL = "virtual"  # Location.LocationType.VIRTUAL (migrations have no enum)
PLACES_UNIT = "places"
WAITING_UNIT = "waiting days"
# Service columns copied as they are (the facts' columns of the same names)...
COPIED = (
    "organization_id",
    "name",
    "status",
    "sex_eligibility",
    "minimum_age",
    "maximum_age",
    "accepting_referrals",
    "provides_childcare",
    "provides_transport",
)
# ...and every ServiceFacts column after the service, in the order _facts_of builds them.
COLUMNS = (
    *COPIED,
    "interpretation",
    "areas",
    "parent_areas",
    "countries",
    "remote",
    "located",
    "latitude",
    "longitude",
    "languages",
    "features",
    "places",
    "waiting",
)


def member(value) -> str:
    """How one value is written in a set column: between bars (an area as UUID hex)."""
    if isinstance(value, uuid.UUID):
        value = value.hex
    return f"|{value}|"


def members(values) -> str:
    """A set column: each value between bars, sorted ("|ar|fr|"); empty for no value.

    Values holding a bar are left out: no language code, feature or area id has one, and one
    would make a substring test find what is not there.
    """
    written = sorted({value.hex if isinstance(value, uuid.UUID) else str(value) for value in values})
    return "".join(f"|{value}" for value in written if "|" not in value) + ("|" if written else "")


class _Models:
    def __init__(self, apps):
        apps = apps or installed_apps
        for name in (
            "Service",
            "ServiceAtLocation",
            "Location",
            "ServiceArea",
            "Language",
            "Accessibility",
            "ServiceCapacity",
            "ServiceFacts",
        ):
            setattr(self, name, apps.get_model("directory", name))


def _batches(values):
    values = list(values)
    for start in range(0, len(values), BATCH):
        yield values[start : start + BATCH]


# ---------------------------------------------------------------------------------------------
# Which services a write concerns


def services_concerned(
    *,
    service_ids=(),
    link_ids=(),
    location_ids=(),
    language_ids=(),
    accessibility_ids=(),
    service_area_ids=(),
    capacity_ids=(),
    unit_ids=(),
    area_ids=(),
    apps=None,
) -> set:
    """The services whose facts these rows (by id) feed, as the database has them now.

    Call it before and after a write that may move rows (a language moved to another location
    concerns the services of both): the services themselves, the services at these locations
    (and at the locations of these languages and features), those of these links, service areas
    and capacity reports, those reporting in these units, and those placed in or serving these
    areas.
    """
    m = _Models(apps)
    found = set(service_ids)
    locations = set(location_ids)
    for chunk in _batches(link_ids):
        found.update(m.ServiceAtLocation.objects.filter(pk__in=chunk).values_list("service_id", flat=True))
    for chunk in _batches(language_ids):
        for service_id, location_id in m.Language.objects.filter(pk__in=chunk).values_list("service_id", "location_id"):
            found.add(service_id)
            locations.add(location_id)
    for chunk in _batches(accessibility_ids):
        locations.update(m.Accessibility.objects.filter(pk__in=chunk).values_list("location_id", flat=True))
    for chunk in _batches(service_area_ids):
        rows = m.ServiceArea.objects.filter(pk__in=chunk)
        found.update(rows.values_list("service_id", flat=True))
        found.update(rows.values_list("service_at_location__service_id", flat=True))
    for chunk in _batches(capacity_ids):
        found.update(m.ServiceCapacity.objects.filter(pk__in=chunk).values_list("service_id", flat=True))
    for chunk in _batches(unit_ids):
        found.update(m.ServiceCapacity.objects.filter(unit_id__in=chunk).values_list("service_id", flat=True))
    for chunk in _batches(area_ids):
        locations.update(m.Location.objects.filter(admin_area_id__in=chunk).values_list("pk", flat=True))
        served = m.ServiceArea.objects.filter(admin_area_id__in=chunk)
        found.update(served.values_list("service_id", flat=True))
        found.update(served.values_list("service_at_location__service_id", flat=True))
    locations.discard(None)
    for chunk in _batches(locations):
        found.update(m.ServiceAtLocation.objects.filter(location_id__in=chunk).values_list("service_id", flat=True))
    found.discard(None)
    return found


def services_of_deleted(instance) -> set:
    """The services a row just deleted fed (its service, or the services at its location)."""
    found = {getattr(instance, "service_id", None)}
    location_id = getattr(instance, "location_id", None)
    link_id = getattr(instance, "service_at_location_id", None)
    if location_id is not None or link_id is not None:
        found |= services_concerned(
            location_ids=[location_id] if location_id else (), link_ids=[link_id] if link_id else ()
        )
    found.discard(None)
    return found


# ---------------------------------------------------------------------------------------------
# Refreshing


@transaction.atomic
def refresh_facts(service_ids=None, *, apps=None, only_existing=False) -> tuple[int, int]:
    """Brings the facts of these services (None: every service) in line with the directory.

    Rows already right are left alone, so a refresh that changes nothing writes nothing; the facts
    of a service that no longer exists go. ``only_existing``: refresh only services that have facts
    (a deleted row's refresh, which may run while its service is being deleted). ``apps``: a
    migration's app registry. Returns (rows written, rows removed).
    """
    m = _Models(apps)
    if service_ids is None:
        ids = set(m.Service.objects.values_list("pk", flat=True)) | set(
            m.ServiceFacts.objects.values_list("pk", flat=True)
        )
    else:
        ids = {pk for pk in service_ids if pk is not None}
    written = removed = 0
    for chunk in _batches(sorted(ids, key=str)):
        chunk_written, chunk_removed = _refresh(chunk, m, only_existing)
        written, removed = written + chunk_written, removed + chunk_removed
    return written, removed


def _refresh(ids, m, only_existing) -> tuple[int, int]:
    # Locked first (PostgreSQL), in id order: two writers refreshing the same service one after the
    # other, each reading the directory once the other has committed, never write stale facts.
    existing = {
        pk: tuple(values)
        for pk, *values in m.ServiceFacts.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", *COLUMNS)
    }
    if only_existing:
        ids = [pk for pk in ids if pk in existing]
    wanted = _facts_of(ids, m)
    gone = [pk for pk in existing if pk not in wanted]
    changed = [pk for pk, values in wanted.items() if pk in existing and existing[pk] != values]
    new = [pk for pk in wanted if pk not in existing]
    if gone:
        m.ServiceFacts.objects.filter(pk__in=gone).delete()
    _write(m.ServiceFacts, [(pk, *wanted[pk]) for pk in changed], update=True)
    _write(m.ServiceFacts, [(pk, *wanted[pk]) for pk in new], update=False)
    return len(changed) + len(new), len(gone)


def _write(model, rows, *, update):
    """UPDATE (in place: a concurrent refresh waits on the row) or INSERT with executemany."""
    if not rows:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(name.removesuffix("_id")) for name in ("service_id", *COLUMNS)]
    # Only the model's table and column names are formatted in; every value is a parameter.
    if update:
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields[1:])
        sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(fields[0].column)} = %s"  # noqa: S608
    else:
        columns = ", ".join(quote(field.column) for field in fields)
        sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
    params = []
    for row in rows:
        values = [field.get_db_prep_save(value, connection) for field, value in zip(fields, row, strict=True)]
        params.append([*values[1:], values[0]] if update else values)
    with connection.cursor() as cursor:
        for start in range(0, len(params), 1000):
            cursor.executemany(sql, params[start : start + 1000])


def _facts_of(ids, m) -> dict:
    """{service id: the COLUMNS values} of the services among ``ids`` that exist. Seven queries."""
    services = {
        pk: values
        for pk, *values in m.Service.objects.filter(pk__in=ids).values_list("pk", *COPIED, "interpretation_services")
    }
    if not services:
        return {}
    ids = list(services)
    where = {pk: {"areas": set(), "parents": set(), "countries": set()} for pk in ids}
    remote, points, languages, features = set(), {pk: [] for pk in ids}, {pk: set() for pk in ids}, {}

    def place(service_id, area_id, parent_id, pcode):
        if area_id is not None:
            where[service_id]["areas"].add(area_id)
            if parent_id is not None:
                where[service_id]["parents"].add(parent_id)
            where[service_id]["countries"].add(pcode[:2])

    links = m.ServiceAtLocation.objects.filter(service_id__in=ids).values_list(
        "pk",
        "service_id",
        "location_id",
        "location__location_type",
        "location__latitude",
        "location__longitude",
        "location__admin_area_id",
        "location__admin_area__parent_id",
        "location__admin_area__pcode",
    )
    at_location, link_service = {}, {}
    for link_id, service_id, location_id, kind, latitude, longitude, area_id, parent_id, pcode in links:
        link_service[link_id] = service_id
        at_location.setdefault(location_id, set()).add(service_id)
        place(service_id, area_id, parent_id, pcode)
        if kind == VIRTUAL:
            remote.add(service_id)
        elif latitude is not None and longitude is not None:
            points[service_id].append((latitude, longitude))
    served = m.ServiceArea.objects.filter(admin_area_id__isnull=False)
    area_columns = ("admin_area_id", "admin_area__parent_id", "admin_area__pcode")
    for service_id, *area in served.filter(service_id__in=ids).values_list("service_id", *area_columns):
        place(service_id, *area)
    for chunk in _batches(link_service):
        for link_id, *area in served.filter(service_at_location_id__in=chunk).values_list(
            "service_at_location_id", *area_columns
        ):
            place(link_service[link_id], *area)
    for service_id, code in m.Language.objects.filter(service_id__in=ids).values_list("service_id", "code"):
        languages[service_id].add(code)
    for chunk in _batches(at_location):
        for location_id, code in m.Language.objects.filter(location_id__in=chunk).values_list("location_id", "code"):
            for service_id in at_location[location_id]:
                languages[service_id].add(code)
        for location_id, feature in m.Accessibility.objects.filter(location_id__in=chunk).values_list(
            "location_id", "feature"
        ):
            for service_id in at_location[location_id]:
                features.setdefault(service_id, set()).add(feature)
    places, waiting = {}, {}
    reports = m.ServiceCapacity.objects.filter(service_id__in=ids).values_list("service_id", "unit__name", "available")
    for service_id, unit, available in reports:
        unit = unit.lower()
        if unit == PLACES_UNIT and (service_id not in places or available > places[service_id]):
            places[service_id] = available
        if unit == WAITING_UNIT and (service_id not in waiting or available < waiting[service_id]):
            waiting[service_id] = available

    facts = {}
    for pk, values in services.items():
        *columns, interpretation = values
        located = points[pk]
        latitude, longitude = located[0] if len(located) == 1 else (None, None)
        facts[pk] = (
            *columns,
            bool(interpretation),
            members(where[pk]["areas"]),
            members(where[pk]["parents"]),
            members(where[pk]["countries"]),
            pk in remote,
            len(located),
            latitude,
            longitude,
            members(languages[pk]),
            members(features.get(pk, ())),
            places.get(pk),
            waiting.get(pk),
        )
    return facts
