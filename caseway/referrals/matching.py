"""Matching: which services of the directory fit a client's open needs, ranked, and why.

``rank_services(membership=..., case=..., needs=None, limit=20, now=None)`` returns ``Match``
objects, best first. Each carries the service, its total score, the reasons that make up that
score (code, text in the active language, points: they add up to the score) and the location as
the viewer may see it (``directory.access.present_location``: a confidential shelter ranks like
any other service but shows the district at most, never its address).

What is left out, and what only ranks lower
-------------------------------------------
Left out (the client cannot use the service, or nobody can):

- no category of any open need (see "Category fit" below);
- a service that is inactive or defunct, or whose organization is inactive;
- a service for the other sex (``Service.sex_eligibility``) when the client's sex is female or
  male;
- a service whose ages (``minimum_age``/``maximum_age``) leave out every age of the client's age
  band.

Ranked lower, never hidden (a caseworker may know better): temporarily closed, not accepting
referrals, at capacity, a long waiting list, part of the client's age band outside the service's
ages, a service for one sex when the client's sex is other or undisclosed, an open referral to
the same service already. The client's own organization's services stay in the list, marked
"your organization".

Category fit
------------
A need's domain gives Caseway taxonomy codes (the needs instrument's ``service_categories``
mapping: ``clients/instruments/needs.v1.json``). A service fits a need when one of its terms is
such a term or directly below it (``health`` finds ``health.cmr``; imported terms placed under a
Caseway term count too); it fits more loosely when its term is the parent of a precise code (a
general ``protection`` service for a need mapped to ``protection.safe_shelter``). The best-fitting
need counts, with its priority; each further need the same service meets adds a little.

Ranking for a category (pathways)
---------------------------------
``categories=["health.cmr"]`` ranks for taxonomy codes instead of needs (a pathway step's
category): a service fits when one of its terms is the code's term or any term below it, at any
depth (``directory.queries.category_term_ids``, as the directory's category search), never a
broader one; the code counts as a need of low priority named after the category. With
``receivers`` (organization ids) only the services a referral can go to are candidates: active,
accepting referrals, of those organizations. Everything else is the same query and score.

What the client's record contributes
------------------------------------
Only what the viewer's organization may see of the client (``clients.access.visible_categories``):
the case's open needs need the "needs" category, Washington Group difficulties (accessibility)
the "health" category. Sex, age band, area, languages and whether the client cares for children
are in clear (what services need). Needs passed in (``needs=["legal"]``) are the caller's choice
and are always used.

Where and how far
-----------------
The best place of the service counts once: a location in the client's district (or a service
area that is the district), else in the region (or serving it), else online or by phone, else in
the country. The client's place is the centre of their area (its coordinates, or its parent's):
a location within NEAR_KM of it adds a little, and equal scores are ordered nearest first. A
confidential location counts like any other, but a viewer who may not see it gets no distance
("near the client's area" at most): a distance from a known centre would narrow the place down.

How it runs
-----------
A fixed number of queries whatever the size of the directory: the case's needs, the taxonomy
terms of the needs, the client's area and its region's areas, the receiving organizations'
record (one aggregate, kept RECORD_CACHE_SECONDS per process), then one hand-written SQL
statement that filters and scores every candidate service and returns the best ``limit``:

- ``cw_fit``: the candidates (services with a term of a need, from the covering index of service
  categories by term), with each need's points;
- each candidate's matching facts (``directory.ServiceFacts``: one short row per service, kept by
  the directory's writes): its columns, the areas of its locations and service areas with their
  parents and countries, its languages and its locations' languages and features as sets (each
  member between bars), whether it has a location online, its one place's coordinates, its places
  free and waiting days. Every factor is a ``CASE`` over that row: a set test is a substring test
  (``instr``/``strpos``), so nothing is joined or aggregated per candidate. Only a service with
  several places with coordinates reads its locations for the nearest (a correlated subquery);
  open referrals are an uncorrelated ``IN (subquery)`` list, built once.

Reading five tables per candidate instead (locations, their languages and features, service
areas, capacity) cost 90–180 ms for 10,000 services (docs/PERFORMANCE.md).

The same factor table (``_factors``) writes the score of the ranking query and, for the few
services shown, a details query that says which option of each factor applied: the reasons are
exactly what was counted. Then the services are read with what their page shows (``_listed``:
what ``present_location`` and the reasons read, set as ``prefetch_related`` would). Python only
turns factor codes into reasons. The ordering is the database's: score, then the nearest
location, then name. Only table names from the models are formatted into the SQL; every value is
a parameter.

Index that would help (``referrals/models.py`` is not this module's): ``Referral(sent_at,
to_organization, status, answered_at, due_at)``: the organizations' record reads the referrals of
the last 180 days from the table today (covering index: from the index alone).
"""

import datetime
import math
import time
import uuid
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, F, FloatField, Func, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language_info, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from caseway.clients import access as client_access
from caseway.clients import instruments
from caseway.clients.models import AgeBand, Need
from caseway.clients.models import Sex as ClientSex
from caseway.directory.access import directory_services, present_location
from caseway.directory.facts import member
from caseway.directory.models import (
    Accessibility,
    Address,
    AdminArea,
    Language,
    Location,
    Phone,
    Service,
    ServiceAtLocation,
    ServiceFacts,
    ServiceTerm,
    Sex,
    TaxonomyTerm,
)
from caseway.directory.queries import caseway_taxonomy_id, caseway_terms, category_term_ids, languages_in_use
from caseway.orgs.categories import DataCategory
from caseway.orgs.models import Organization
from caseway.referrals.models import Referral, Status
from caseway.referrals.transitions import OPEN

# ---------------------------------------------------------------------------------------------
# Weights: the points each factor adds (or takes away). Reasons carry these exact numbers.

WEIGHTS = {
    # Category fit (the best-fitting need counts, plus its priority).
    "category": 40,  # a service term is a term the need maps to, or directly below it
    "category_broader": 20,  # a service term is the parent of a precise term the need maps to
    "priority_high": 15,
    "priority_medium": 8,
    "priority_low": 0,
    "another_need": 10,  # for each further open need the same service meets
    # Where (the best place of the service: a location, or an area it serves).
    "same_district": 30,  # a location in the client's district (admin 2), or serves that district
    "same_region": 18,  # a location in the client's region (admin 1), or serves it
    "remote": 18,  # online or by phone: no journey
    "same_country": 6,
    "near": 8,  # a location within NEAR_KM of the centre of the client's area (coordinates)
    # Language.
    "language": 15,  # the service or one of its locations speaks one of the client's languages
    "interpretation": 8,  # no shared language, but the service offers interpretation
    # Accessibility: per Washington Group domain with a lot of difficulty that a location serves.
    "accessibility": 8,
    # Capacity and waiting time (ServiceCapacity in "places" and "waiting days").
    "places_free": 8,
    "at_capacity": -15,
    "short_wait": 4,  # first appointment within SHORT_WAIT_DAYS
    "long_wait": -8,  # waiting list longer than LONG_WAIT_DAYS
    # Support to attend.
    "childcare_needed": 8,  # childcare while attending, for a client who cares for children
    "childcare": 2,
    "transport_far": 8,  # transport support, for a service outside the client's district
    "transport": 2,
    # Referral intake and status.
    "not_accepting": -25,
    "temporarily_closed": -30,
    "already_referred": -20,  # an open referral from this case to this service exists
    # Eligibility that cannot be settled from a band or a coded sex.
    "age_partial": -15,  # part of the client's age band is outside the service's ages
    "sex_check": -10,  # a service for one sex; the client's sex is other or undisclosed
    # The receiving organization's record over RECORD_DAYS (no or little history: neutral, 0).
    "record_high": 10,  # accepts at least 80 % of referrals
    "record_medium": 4,  # accepts at least 50 %
    "record_low": -8,  # accepts fewer than half
    "record_fast": 5,  # half of its acceptances within a day
    "record_slow": -4,  # half of its acceptances take more than a week
    # Shown, not scored.
    "own_organization": 0,
    "record_none": 0,
}

NEAR_KM = 10
SHORT_WAIT_DAYS = 7
LONG_WAIT_DAYS = 30
RECORD_DAYS = 180
RECORD_MINIMUM = 5  # fewer decided referrals than this: no record (neutral)
RECORD_HIGH_RATE = 0.8
RECORD_MEDIUM_RATE = 0.5
# The median time to accept, told in these steps (hours): within 2 hours, a day, 3 days, a week.
RECORD_STEPS = (2, 24, 72, 168)
FAST_HOURS = 24
SLOW_HOURS = 168
MAX_LIMIT = 100
KM_PER_DEGREE = 111.32
PRIORITY_WEIGHT = {
    Need.Priority.HIGH: "priority_high",
    Need.Priority.MEDIUM: "priority_medium",
    Need.Priority.LOW: "priority_low",
}
# Referrals that were accepted, whatever happened next (decline is final, so a withdrawn or
# revoked referral with an answer had been accepted).
ACCEPTED_STATUSES = (Status.ACCEPTED, Status.IN_SERVICE, Status.COMPLETED, Status.CLOSED_UNSUCCESSFUL)
AFTER_ACCEPTANCE = (Status.WITHDRAWN, Status.REVOKED)
AWAITING = (Status.SENT, Status.VIEWED)
BAND_AGES = {
    AgeBand.AGE_0_4: (0, 4),
    AgeBand.AGE_5_11: (5, 11),
    AgeBand.AGE_12_17: (12, 17),
    AgeBand.AGE_18_24: (18, 24),
    AgeBand.AGE_25_59: (25, 59),
    AgeBand.AGE_60_PLUS: (60, 120),
}
ACCESSIBILITY_LABELS = dict(Accessibility.Feature.choices)
DOMAIN_LABELS = dict(Need.Domain.choices)
PRIORITY_LABELS = dict(Need.Priority.choices)


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Reason:
    code: str
    text: str
    points: int


@dataclass(frozen=True)
class OrganizationRecord:
    """How an organization answered referrals over the last RECORD_DAYS days."""

    decided: int  # accepted + declined + left unanswered past their deadline
    accepted: int
    median_hours: int | None  # the RECORD_STEPS step the median falls within; None: over a week

    @property
    def rate(self) -> float:
        return self.accepted / self.decided if self.decided else 0.0

    @property
    def percent(self) -> int:
        return round(self.rate * 100)


@dataclass
class Match:
    service: Service
    score: int
    reasons: list = field(default_factory=list)
    location_view: object = None  # directory.access.LocationView, or None without a location
    distance_km: float | None = None  # to the nearest location; None when unknown or not to be shown
    needs: list = field(default_factory=list)  # the need domains the service meets, best first
    is_own_organization: bool = False
    record: OrganizationRecord | None = None
    places_free: int | None = None  # the largest "places" report, when the service reports places
    waiting_days: int | None = None  # the shortest "waiting days" report


# ---------------------------------------------------------------------------------------------
# Factors: each is a list of options (SQL condition, reason code, points); the first condition
# that holds wins. The ranking query sums their points; the details query reads which option
# applied, so the reasons shown are exactly what was counted.


class Cond(NamedTuple):
    """An SQL condition on the service ``s`` in two forms with the same parameters: ``sql`` for
    the ranking (uncorrelated ``IN`` lists, built once for thousands of candidates) and ``one``
    for the details of a few services (correlated lookups by index, nothing built)."""

    sql: str
    one: str
    params: tuple = ()


def _plain(sql, *params) -> Cond:
    return Cond(sql, sql, tuple(params))


def _has(source, column, condition, params) -> Cond:
    """The service has a row in ``source`` (``column`` its service id) meeting ``condition``."""
    return Cond(
        f"s.service_id IN (SELECT {column} FROM {source} WHERE {condition})",  # noqa: S608 - names from the models; values are parameters
        f"EXISTS (SELECT 1 FROM {source} WHERE {column} = s.service_id AND {condition})",  # noqa: S608 - as above
        tuple(params),
    )


def _either(first: Cond, second: Cond) -> Cond:
    return Cond(f"({first.sql} OR {second.sql})", f"({first.one} OR {second.one})", first.params + second.params)


class Option(NamedTuple):
    when: Cond
    code: str
    points: int


@dataclass(frozen=True)
class Factor:
    name: str
    options: tuple  # (Option, ...)

    def points(self) -> tuple[str, list]:
        """The points of the first option that holds (the ranking's form)."""
        return self._case(lambda index, option: (option.when.sql, int(option.points)))

    def chosen(self) -> tuple[str, list]:
        """Which option holds, 1-based, 0 for none (the details' form)."""
        return self._case(lambda index, option: (option.when.one, index))

    def _case(self, part) -> tuple[str, list]:
        if not self.options:
            return "0", []
        text, params = "CASE", []
        for index, option in enumerate(self.options, 1):
            condition, value = part(index, option)
            text += f" WHEN {condition} THEN {value}"
            params += option.when.params
        return f"{text} ELSE 0 END", params

    def option(self, index) -> Option | None:
        return None if not index else self.options[index - 1]


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


@cache
def need_categories() -> dict[str, tuple[str, ...]]:
    """Need domain → Caseway taxonomy codes, from the needs instrument's ``service_categories``."""
    definition = instruments.load("needs")
    for mapping in definition.mappings:
        if mapping.name == "service_categories":
            return {item: tuple(codes) for item, codes in mapping.map.items()}
    return {}


@cache
def difficulty_features() -> dict[str, tuple[str, ...]]:
    """Washington Group domain → directory accessibility features (``wg_ss`` mapping)."""
    definition = instruments.load("wg_ss")
    for mapping in definition.mappings:
        if mapping.name == "accessibility_features":
            return {item: tuple(codes) for item, codes in mapping.map.items()}
    return {}


@dataclass(frozen=True)
class WantedNeed:
    domain: str  # a need domain, or a taxonomy code when ranking for categories
    priority: str
    name: str = ""  # a category's name (a need's label comes from its domain)

    @property
    def label(self) -> str:
        return self.name or str(DOMAIN_LABELS.get(self.domain, self.domain))


PRIORITY_ORDER = {Need.Priority.HIGH: 0, Need.Priority.MEDIUM: 1, Need.Priority.LOW: 2}


def _wanted_needs(membership, case, needs) -> list[WantedNeed]:
    """The needs to match, highest priority first, one per domain."""
    if needs is None:
        if DataCategory.NEEDS not in client_access.visible_categories(membership, case):
            return []
        open_needs = Need.objects.filter(case=case, status=Need.Status.OPEN).order_by("identified_at", "pk")
        pairs = list(open_needs.values_list("domain", "priority"))
    else:
        pairs = [
            (need, Need.Priority.MEDIUM) if isinstance(need, str) else (need.domain, need.priority) for need in needs
        ]
    wanted = {}
    for domain, priority in pairs:
        if domain not in need_categories():
            continue
        known = wanted.get(domain)
        if known is None or PRIORITY_ORDER.get(priority, 3) < PRIORITY_ORDER.get(known.priority, 3):
            wanted[domain] = WantedNeed(domain, priority)
    return sorted(wanted.values(), key=lambda need: (PRIORITY_ORDER.get(need.priority, 3), need.domain))


def _need_terms(wanted) -> dict[str, tuple[set, set]]:
    """For each need: (ids of terms that fit, ids of broader terms that fit loosely). One query."""
    codes = sorted({code for need in wanted for code in need_categories()[need.domain]})
    if not codes:
        return {}
    caseway = caseway_taxonomy_id()
    quote, holder = connection.ops.quote_name, _placeholders(codes)
    table, taxonomy = quote(TaxonomyTerm._meta.db_table), quote(TaxonomyTerm._meta.get_field("taxonomy_ref").column)
    # The terms with these codes, and those right below them (any taxonomy). Written out: the ORM
    # spent 1.3 ms building this OR over a join, the database 0.1 ms answering it.
    sql = (
        f"SELECT t.id, t.code, t.{taxonomy}, t.parent_id, p.code, p.{taxonomy}"  # noqa: S608 - names from the models; values are parameters
        f" FROM {table} t LEFT JOIN {table} p ON p.id = t.parent_id"
        f" WHERE (t.{taxonomy} = %s AND t.code IN ({holder})) OR (p.{taxonomy} = %s AND p.code IN ({holder}))"
    )
    taxonomy_id = TaxonomyTerm._meta.pk.get_db_prep_value(caseway, connection)
    exact, below, parents = {}, {}, {}
    for term, code, taxonomy, parent, parent_code, parent_taxonomy in _run(
        sql, [taxonomy_id, *codes, taxonomy_id, *codes]
    ):
        term, taxonomy, parent, parent_taxonomy = (
            None if value is None else _as_uuid(value) for value in (term, taxonomy, parent, parent_taxonomy)
        )
        if taxonomy == caseway and code in codes:
            exact.setdefault(code, set()).add(term)
            if parent is not None and "." in code:
                parents.setdefault(code, set()).add(parent)
        if parent_taxonomy == caseway and parent_code in codes:
            below.setdefault(parent_code, set()).add(term)
    terms = {}
    for need in wanted:
        fits, loose = set(), set()
        for code in need_categories()[need.domain]:
            fits |= exact.get(code, set()) | below.get(code, set())
            loose |= parents.get(code, set())
        terms[need.domain] = (fits, loose - fits)
    return terms


def _category_terms(codes) -> tuple[list[WantedNeed], dict[str, tuple[set, set]]]:
    """Taxonomy codes as needs to match: each fits its term and every term below it, at any depth
    (``directory.queries.category_term_ids``, as the directory's category search); no broader
    term. A query per code, and one for their names."""
    codes = list(dict.fromkeys(code for code in codes if code))
    if not codes:
        return [], {}
    names = {term.code: term.localized_name() for term in caseway_terms().filter(code__in=codes)}
    wanted = [WantedNeed(code, Need.Priority.LOW, names.get(code, code)) for code in codes]
    return wanted, {code: (category_term_ids([code]), set()) for code in codes}


# ---------------------------------------------------------------------------------------------
# The client as matching sees it


@dataclass
class ClientFacts:
    district: uuid.UUID | None  # the id of the client's district (admin 2), when known
    region: uuid.UUID | None  # and of the region (admin 1)
    country: str  # the country code: the first two letters of the area's P-code
    latitude: float | None
    longitude: float | None
    languages: tuple  # codes, as recorded
    language_codes: tuple  # the directory codes that count as each of them (fr → fr, fr-CA)
    difficulties: tuple  # WG domains with a lot of difficulty, when the viewer may see health
    sex: str
    band: tuple | None  # (youngest, oldest) of the age band
    cares_for_children: bool


def _client_facts(membership, case) -> ClientFacts:
    """One query: the client's area with its parents."""
    client = case.client
    chain = _area_chain(client.admin_area_id)  # the area, its parent, its grandparent
    by_level = {place.level: place.id for place in chain}
    located = next((place for place in chain if place.latitude is not None), None)
    languages = tuple(dict.fromkeys(code.strip() for code in client.languages or () if code and code.strip()))
    codes = set()
    for code in languages:
        base = code.split("-")[0]
        codes |= {code, base} | {known for known, _name in languages_in_use() if known.startswith(f"{base}-")}
    difficulties = ()
    if client.disability_domains and DataCategory.HEALTH in client_access.visible_categories(membership, case):
        known = difficulty_features()
        difficulties = tuple(dict.fromkeys(domain for domain in client.disability_domains if known.get(domain)))
    return ClientFacts(
        district=by_level.get(AdminArea.Level.ADMIN2),
        region=by_level.get(AdminArea.Level.ADMIN1),
        country=chain[0].pcode[:2],
        latitude=float(located.latitude) if located and located.longitude is not None else None,
        longitude=float(located.longitude) if located and located.longitude is not None else None,
        languages=languages,
        language_codes=tuple(sorted(codes)),
        difficulties=difficulties,
        sex=client.sex,
        band=BAND_AGES.get(client.age_band),
        cares_for_children=bool(client.cares_for_children or client.children_count),
    )


class _Area(NamedTuple):
    id: uuid.UUID
    level: int
    pcode: str
    latitude: object
    longitude: object


def _area_chain(area_id) -> list[_Area]:
    """The area and its parent and grandparent (those there are), in one written-out query: the ORM
    spent a millisecond building it."""
    quote, columns = connection.ops.quote_name, ("id", "level", "pcode", "latitude", "longitude")
    table = quote(AdminArea._meta.db_table)
    select = ", ".join(f"{alias}.{quote(column)}" for alias in ("a", "p", "g") for column in columns)
    sql = (
        f"SELECT {select} FROM {table} a LEFT JOIN {table} p ON p.id = a.parent_id"  # noqa: S608 - names from the models; values are parameters
        f" LEFT JOIN {table} g ON g.id = p.parent_id WHERE a.id = %s"
    )
    rows = _run(sql, [AdminArea._meta.pk.get_db_prep_value(area_id, connection)])
    if not rows:
        raise AdminArea.DoesNotExist
    values = rows[0]
    chain = [values[start : start + len(columns)] for start in range(0, len(values), len(columns))]
    return [
        _Area(_as_uuid(pk), level, pcode, latitude, longitude) for pk, level, pcode, latitude, longitude in chain if pk
    ]


# ---------------------------------------------------------------------------------------------
# The receiving organizations' record


class HoursBetween(Func):
    """Hours from the first expression to the second, as a float computed by the database."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        start, end = self.source_expressions
        start_sql, start_params = compiler.compile(start)
        end_sql, end_params = compiler.compile(end)
        if connection.vendor == "sqlite":
            return f"((julianday({end_sql}) - julianday({start_sql})) * 24.0)", [*end_params, *start_params]
        return f"(EXTRACT(EPOCH FROM ({end_sql} - {start_sql})) / 3600.0)", [*end_params, *start_params]


# The record of every organization is one aggregate over the referrals of the last 180 days: it
# moves slowly, so each process keeps it RECORD_CACHE_SECONDS (a ranking for a given ``now``, as
# tests and reports ask, always reads it afresh).
RECORD_CACHE_SECONDS = 300
_record_cache: dict = {}


def forget_records() -> None:
    _record_cache.clear()


def current_records() -> dict:
    """``organization_records`` as of now, at most RECORD_CACHE_SECONDS old."""
    moment = time.monotonic()
    kept = _record_cache.get("records")
    if kept is not None and kept[0] > moment:
        return kept[1]
    records = organization_records(timezone.now())
    _record_cache["records"] = (moment + RECORD_CACHE_SECONDS, records)
    return records


def organization_records(now) -> dict:
    """{organization id: OrganizationRecord} of every organization referred to in RECORD_DAYS. One query.

    Decided referrals: accepted (whatever came after), declined, or still unanswered past their
    deadline (a referral left waiting counts against the receiver). Withdrawn before an answer,
    drafts and referrals still within their deadline do not count.
    """
    since = now - datetime.timedelta(days=RECORD_DAYS)
    accepted = Q(status__in=ACCEPTED_STATUSES) | Q(status__in=AFTER_ACCEPTANCE, answered_at__isnull=False)
    timed = accepted & Q(answered_at__isnull=False)
    steps = {f"within_{step}": Count("pk", filter=timed & Q(cw_hours__lte=step)) for step in RECORD_STEPS}
    rows = (
        Referral.objects.filter(to_organization__isnull=False, sent_at__gte=since, sent_at__lte=now)
        .alias(cw_hours=HoursBetween(F("sent_at"), F("answered_at")))
        .values("to_organization_id")
        .annotate(
            accepted=Count("pk", filter=accepted),
            declined=Count("pk", filter=Q(status=Status.DECLINED)),
            overdue=Count("pk", filter=Q(status__in=AWAITING, due_at__lt=now)),
            timed=Count("pk", filter=timed),
            **steps,
        )
        .order_by()
    )
    records = {}
    for row in rows:
        median = None
        if row["timed"]:
            median = next((step for step in RECORD_STEPS if row[f"within_{step}"] * 2 >= row["timed"]), None)
        records[row["to_organization_id"]] = OrganizationRecord(
            decided=row["accepted"] + row["declined"] + row["overdue"], accepted=row["accepted"], median_hours=median
        )
    return records


def record_points(record: OrganizationRecord | None) -> list[tuple[str, int]]:
    """(weight name, points) of a record: its rate, then its speed. Empty: no record to judge."""
    if record is None or record.decided < RECORD_MINIMUM:
        return []
    if record.rate >= RECORD_HIGH_RATE:
        parts = [("record_high", WEIGHTS["record_high"])]
    elif record.rate >= RECORD_MEDIUM_RATE:
        parts = [("record_medium", WEIGHTS["record_medium"])]
    else:
        parts = [("record_low", WEIGHTS["record_low"])]
    if record.accepted:
        if record.median_hours is not None and record.median_hours <= FAST_HOURS:
            parts.append(("record_fast", WEIGHTS["record_fast"]))
        elif record.median_hours is None or record.median_hours > SLOW_HOURS:
            parts.append(("record_slow", WEIGHTS["record_slow"]))
    return parts


# ---------------------------------------------------------------------------------------------
# The ranking query


class _Names:
    """Quoted table names, and database values of ids, for the hand-written SQL below."""

    def __init__(self):
        quote = connection.ops.quote_name
        models = {
            "facts": ServiceFacts,
            "organization": Organization,
            "term": ServiceTerm,
            "link": ServiceAtLocation,
            "location": Location,
            "referral": Referral,
        }
        self.tables = {name: quote(model._meta.db_table) for name, model in models.items()}
        self._uuid = Service._meta.pk
        self.greatest = "MAX" if connection.vendor == "sqlite" else "GREATEST"
        self._position = "instr" if connection.vendor == "sqlite" else "strpos"
        # Keeps a subquery from being merged into its query (SQLite needs a LIMIT to take an OFFSET).
        self.unmerged = "LIMIT -1 OFFSET 0" if connection.vendor == "sqlite" else "OFFSET 0"

    def __getitem__(self, name):
        return self.tables[name]

    def uuid(self, value):
        return self._uuid.get_db_prep_value(value, connection)

    def uuids(self, values):
        return [self.uuid(value) for value in sorted(values, key=str)]

    def holds(self, column, values) -> Cond:
        """The set column (``facts.members``) holds one of ``values``: a case-sensitive substring test."""
        values = tuple(member(value) for value in values)
        if not values:
            return _plain("1 = 0")
        tests = " OR ".join(f"{self._position}({column}, %s) > 0" for _value in values)
        return _plain(f"({tests})", *values)


def _as_uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


@dataclass
class _Plan:
    """Everything one ranking needs, gathered before the ranking query runs."""

    facts: ClientFacts
    wanted: list
    terms: dict
    records: dict
    case_id: object
    receivers: tuple | None = None  # organization ids: only their services that take referrals now
    factors: dict = field(default_factory=dict)


def _factors(plan: _Plan, names: _Names) -> dict:
    """Every factor of this ranking, by name. Need factors are ``need:<domain>``, in ``wanted`` order.

    Alias ``s``: a candidate, that is the service's matching facts (``directory.ServiceFacts``: its
    columns, and its locations' and service areas' areas, parents, countries, languages and
    features as sets), its fit per need (``n0``, ``n1``...) and ``cw_d2``, the squared km to its
    nearest place.
    """
    facts, factors = plan.facts, {}
    for index, need in enumerate(plan.wanted):
        bonus = WEIGHTS[PRIORITY_WEIGHT.get(need.priority, "priority_medium")]
        fits, loose = plan.terms[need.domain]
        options = []
        for terms, code in ((fits, "category"), (loose, "category_broader")):
            if terms:
                points = WEIGHTS[code] + bonus
                options.append(Option(_plain(f"s.n{index} = {int(points)}"), code, points))
        factors[f"need:{need.domain}"] = Factor(f"need:{need.domain}", tuple(options))

    # The best place counts: a location in the district, or serving it; else in the region (a
    # location or service area in the region or one of its districts); else online; else the country.
    places = []
    in_district = None
    if facts.district is not None:
        in_district = names.holds("s.areas", [facts.district])
        places.append(Option(in_district, "same_district", WEIGHTS["same_district"]))
    if facts.region is not None:
        in_region = _either(names.holds("s.areas", [facts.region]), names.holds("s.parent_areas", [facts.region]))
        places.append(Option(in_region, "same_region", WEIGHTS["same_region"]))
    places.append(Option(_plain("s.remote"), "remote", WEIGHTS["remote"]))
    places.append(Option(names.holds("s.countries", [facts.country]), "same_country", WEIGHTS["same_country"]))
    factors["place"] = Factor("place", tuple(places))
    if facts.latitude is not None:
        near = _plain("s.cw_d2 <= %s", float(NEAR_KM * NEAR_KM))
        factors["near"] = Factor("near", (Option(near, "near", WEIGHTS["near"]),))

    if facts.language_codes:
        speaks = names.holds("s.languages", facts.language_codes)
        factors["language"] = Factor(
            "language",
            (
                Option(speaks, "language", WEIGHTS["language"]),
                Option(_plain("s.interpretation"), "interpretation", WEIGHTS["interpretation"]),
            ),
        )
    for domain in facts.difficulties:
        served = names.holds("s.features", difficulty_features()[domain])
        factors[f"access:{domain}"] = Factor(
            f"access:{domain}", (Option(served, "accessibility", WEIGHTS["accessibility"]),)
        )

    factors["capacity"] = Factor(
        "capacity",
        (
            Option(_plain("s.places > 0"), "places_free", WEIGHTS["places_free"]),
            Option(_plain("s.places IS NOT NULL"), "at_capacity", WEIGHTS["at_capacity"]),
        ),
    )
    factors["waiting"] = Factor(
        "waiting",
        (
            Option(_plain("s.waiting <= %s", SHORT_WAIT_DAYS), "short_wait", WEIGHTS["short_wait"]),
            Option(_plain("s.waiting <= %s", LONG_WAIT_DAYS), "wait", 0),
            Option(_plain("s.waiting IS NOT NULL"), "long_wait", WEIGHTS["long_wait"]),
        ),
    )
    childcare = "childcare_needed" if facts.cares_for_children else "childcare"
    factors["childcare"] = Factor("childcare", (Option(_plain("s.provides_childcare"), childcare, WEIGHTS[childcare]),))
    transport = _plain("s.provides_transport")
    if in_district is not None:
        far = _plain(f"(s.provides_transport AND NOT {in_district.sql})", *in_district.params)
        options = (
            Option(far, "transport_far", WEIGHTS["transport_far"]),
            Option(transport, "transport", WEIGHTS["transport"]),
        )
    else:
        options = (Option(transport, "transport_far", WEIGHTS["transport_far"]),)
    factors["transport"] = Factor("transport", options)
    factors["intake"] = Factor(
        "intake", (Option(_plain("NOT s.accepting_referrals"), "not_accepting", WEIGHTS["not_accepting"]),)
    )
    closed = _plain("s.status = %s", Service.Status.TEMPORARILY_CLOSED.value)
    factors["status"] = Factor("status", (Option(closed, "temporarily_closed", WEIGHTS["temporarily_closed"]),))
    open_statuses = tuple(sorted(str(status) for status in OPEN))
    referred = _has(
        f"{names['referral']} r",
        "r.to_service_id",
        f"r.to_service_id IS NOT NULL AND r.from_case_id = %s AND r.status IN ({_placeholders(open_statuses)})",
        (names.uuid(plan.case_id), *open_statuses),
    )
    factors["referred"] = Factor("referred", (Option(referred, "already_referred", WEIGHTS["already_referred"]),))
    if facts.band is not None:
        youngest, oldest = facts.band
        partly = _plain(
            "NOT ((s.minimum_age IS NULL OR s.minimum_age <= %s) AND (s.maximum_age IS NULL OR s.maximum_age >= %s))",
            youngest,
            oldest,
        )
        factors["age"] = Factor("age", (Option(partly, "age_partial", WEIGHTS["age_partial"]),))
    if facts.sex not in (ClientSex.FEMALE, ClientSex.MALE):
        for_one_sex = _plain("s.sex_eligibility <> %s", Sex.ANY.value)
        factors["sex"] = Factor("sex", (Option(for_one_sex, "sex_check", WEIGHTS["sex_check"]),))
    by_points = {}
    for organization_id, record in plan.records.items():
        points = sum(value for _name, value in record_points(record))
        if points:
            by_points.setdefault(points, []).append(organization_id)
    factors["record"] = Factor(
        "record",
        tuple(
            Option(_plain(f"s.organization_id IN ({_placeholders(ids)})", *sorted(ids)), "record", points)
            for points, ids in sorted(by_points.items())
        ),
    )
    return factors


def _distance_sql(plan: _Plan, names: _Names) -> Cond:
    """The squared km from the centre of the client's area to the service's nearest place (NULL: none).

    A service with one place with coordinates has them in its facts; one with several (rare) reads
    its locations, the same expression over each.
    """
    facts = plan.facts
    scale = KM_PER_DEGREE * math.cos(math.radians(facts.latitude))

    def squared(alias):
        north = f"(({alias}.latitude - %s) * {KM_PER_DEGREE!r})"
        east = f"(({alias}.longitude - %s) * {scale!r})"
        return f"{north} * {north} + {east} * {east}", [
            facts.latitude,
            facts.latitude,
            facts.longitude,
            facts.longitude,
        ]

    one, one_params = squared("s")
    each, each_params = squared("l")
    sql = (
        f"CASE WHEN s.located = 1 THEN {one}"  # noqa: S608 - names from the models; values are parameters
        f" WHEN s.located > 1 THEN (SELECT MIN(CASE WHEN l.latitude IS NOT NULL AND l.longitude IS NOT NULL"
        f" AND l.location_type <> %s THEN {each} END) FROM {names['link']} sl"
        f" JOIN {names['location']} l ON l.id = sl.location_id WHERE sl.service_id = s.service_id) END"
    )
    return Cond(sql, sql, (*one_params, Location.LocationType.VIRTUAL.value, *each_params))


def _fit_sql(plan: _Plan, names: _Names, only_ids) -> tuple[str, list]:
    """``cw_fit``: per candidate service, the points of each need (0: not this need)."""
    columns, params = [], []
    for index, need in enumerate(plan.wanted):
        bonus = WEIGHTS[PRIORITY_WEIGHT.get(need.priority, "priority_medium")]
        fits, loose = plan.terms[need.domain]
        case = "CASE"
        for terms, points in ((fits, WEIGHTS["category"] + bonus), (loose, WEIGHTS["category_broader"] + bonus)):
            if terms:
                ids = names.uuids(terms)
                case += f" WHEN st.taxonomy_term_id IN ({_placeholders(ids)}) THEN {int(points)}"
                params += ids
        columns.append(f"MAX({case} ELSE 0 END) AS n{index}")
    every = names.uuids({term for fits, loose in plan.terms.values() for term in fits | loose})
    sql = (
        f"SELECT st.service_id AS service_id, {', '.join(columns)} FROM {names['term']} st"  # noqa: S608 - names from the models; values are parameters
        f" WHERE st.taxonomy_term_id IN ({_placeholders(every)})"
    )
    params += every
    if only_ids is not None:
        sql += f" AND st.service_id IN ({_placeholders(only_ids)})"
        params += names.uuids(only_ids)
    return f"{sql} GROUP BY st.service_id", params


def _query(plan: _Plan, names: _Names, *, limit=None, only_ids=None) -> tuple[str, list]:
    """The ranking query (``limit``: the best first) or, for ``only_ids``, the details query.

    The candidates (``s``) are a subquery that neither database merges into the outer query
    (``OFFSET 0``): each candidate's distance is worked out once, where the score and the order
    would each have worked it out again (PostgreSQL's numeric arithmetic: a sixth of its time).
    """
    facts = plan.facts
    fit_sql, fit_params = _fit_sql(plan, names, only_ids)
    need_columns = [f"s.n{index}" for index in range(len(plan.wanted))]
    select, select_params = ["s.service_id"], []
    if only_ids is None:
        best = need_columns[0] if len(need_columns) == 1 else f"{names.greatest}({', '.join(need_columns)})"
        met = " + ".join(f"(CASE WHEN {column} > 0 THEN 1 ELSE 0 END)" for column in need_columns)
        score = [f"{best} + ({met} - 1) * {int(WEIGHTS['another_need'])}"]
        for name, factor in plan.factors.items():
            if not name.startswith("need:"):
                sql, factor_params = factor.points()
                score.append(sql)
                select_params += factor_params
        select.append(f"({' + '.join(score)}) AS cw_score")
    select.append("s.cw_d2")
    if only_ids is not None:
        for factor in plan.factors.values():
            sql, factor_params = factor.chosen()
            select.append(sql)
            select_params += factor_params
        select += ["s.places", "s.waiting"]

    distance = _distance_sql(plan, names) if facts.latitude is not None else _plain("NULL")
    where = [
        "s.status IN (%s, %s)",
        f"s.organization_id IN (SELECT o.id FROM {names['organization']} o WHERE o.is_active)",  # noqa: S608 - a name from the models
    ]
    where_params = [Service.Status.ACTIVE.value, Service.Status.TEMPORARILY_CLOSED.value]
    if facts.sex in (ClientSex.FEMALE, ClientSex.MALE):
        where.append("s.sex_eligibility IN (%s, %s)")
        where_params += [Sex.ANY.value, facts.sex]
    if facts.band is not None:
        youngest, oldest = facts.band
        where.append(
            "(s.minimum_age IS NULL OR s.minimum_age <= %s) AND (s.maximum_age IS NULL OR s.maximum_age >= %s)"
        )
        where_params += [oldest, youngest]
    if plan.receivers is not None:
        receivers = [Organization._meta.pk.get_db_prep_value(value, connection) for value in plan.receivers]
        where += ["s.status = %s", "s.accepting_referrals", f"s.organization_id IN ({_placeholders(receivers)})"]
        where_params += [Service.Status.ACTIVE.value, *receivers]
    candidates = (
        f"SELECT s.*, {', '.join(f'f.n{index}' for index in range(len(plan.wanted)))}, {distance.sql} AS cw_d2"  # noqa: S608 - names from the models; values are parameters
        f" FROM cw_fit f JOIN {names['facts']} s ON s.service_id = f.service_id"
        f" WHERE {' AND '.join(where)} {names.unmerged}"
    )
    sql = f"WITH cw_fit AS ({fit_sql}) SELECT {', '.join(select)} FROM ({candidates}) s"  # noqa: S608 - as above
    params = [*fit_params, *select_params, *distance.params, *where_params]
    if only_ids is None:
        sql += " ORDER BY cw_score DESC, s.cw_d2 ASC NULLS LAST, s.name ASC, s.service_id ASC LIMIT %s"
        params.append(int(limit))
    return sql, params


def _run(sql, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# ---------------------------------------------------------------------------------------------
# The ranking


def rank_services(*, membership, case, needs=None, categories=None, receivers=None, limit=20, now=None) -> list[Match]:
    """The services that best fit ``case``'s open needs (or ``needs``), best first, with reasons.

    ``needs``: Need rows or need domains (``"legal"``); None takes the case's open needs when the
    viewer may see them. ``case`` must be a case of ``membership``'s organization, reached through
    ``clients.access`` (otherwise 404). Services are those ``directory.access.directory_services``
    lists to the viewer, less the ones left out above.

    ``categories``: Caseway taxonomy codes (a pathway step's category) to rank for instead of
    needs: a service fits a code when one of its terms is that term or any term below it; each
    code counts as a need of low priority (no priority points) named after the category.
    ``receivers``: organization ids: only the services of these organizations that take referrals
    now (active, accepting referrals), the services a referral can go to; None: no such limit.
    """
    if membership is None or not membership.is_active or case.organization_id != membership.organization_id:
        raise Http404
    limit = max(1, min(int(limit), MAX_LIMIT))
    if receivers is not None:
        receivers = tuple(sorted(set(receivers)))
        if not receivers:
            return []
    if categories is not None:
        wanted, terms = _category_terms(categories)
    else:
        wanted = _wanted_needs(membership, case, needs)
        terms = _need_terms(wanted)
    wanted = [need for need in wanted if any(terms.get(need.domain, ()))]
    if not wanted:
        return []
    plan = _Plan(
        facts=_client_facts(membership, case),
        wanted=wanted,
        terms=terms,
        records=current_records() if now is None else organization_records(now),
        case_id=case.pk,
        receivers=receivers,
    )
    names = _Names()
    plan.factors = _factors(plan, names)
    ranked = [(_as_uuid(pk), int(score), d2) for pk, score, d2 in _run(*_query(plan, names, limit=limit))]
    if not ranked:
        return []
    return _matches(membership, case, plan, names, ranked)


def _listed(membership, ids) -> dict:
    """{id: service} with what a match shows and explains, in five queries whatever their number.

    The service with its organization, its languages, and its locations (with their area,
    addresses, phones, accessibility features and languages, for ``present_location``), each set
    as ``prefetch_related`` sets it, so ``service.languages.all()`` and the rest read no more. Read
    here rather than by ``prefetch_related``, whose bookkeeping cost more than the reading (a third
    of a ranking's time): the services come with their locations (one query more for a service
    without one), without the program and parent area nothing here shows (they load on use). The
    ids come from the viewer's directory (``directory_services``); read again through it, they
    reach nothing more.
    """
    listed = directory_services(membership).filter(pk__in=ids)
    linked = ServiceAtLocation.objects.filter(service_id__in=listed.values("pk")).select_related(
        "service__organization", "location__admin_area"
    )
    services, links, locations = {}, {}, {}
    for link in linked:
        services.setdefault(link.service_id, link.service)  # one instance per service
        links.setdefault(link.service_id, []).append(link)
        # Two services at one place: each link has its own instance of the location.
        locations.setdefault(link.location_id, []).append(link.location)
    if len(services) < len(set(ids)):
        unplaced = listed.exclude(pk__in=list(services)).select_related(None).select_related("organization")
        services.update((service.pk, service) for service in unplaced)
    if not services:
        return {}
    spoken = list(Language.objects.filter(Q(service_id__in=list(services)) | Q(location_id__in=list(locations))))
    by_service = _grouped(spoken, "service_id")
    for pk, service in services.items():
        _prefetched(service, "languages", by_service.get(pk, ()))
        _prefetched(service, "service_at_locations", links.get(pk, ()))
    details = {"languages": _grouped(spoken, "location_id")}
    for name, model in (("addresses", Address), ("phones", Phone), ("accessibility", Accessibility)):
        details[name] = (
            _grouped(model.objects.filter(location_id__in=list(locations)), "location_id") if locations else {}
        )
    for pk, instances in locations.items():
        for location in instances:
            for name, rows in details.items():
                _prefetched(location, name, rows.get(pk, ()))
    return services


def _grouped(rows, column) -> dict:
    grouped = {}
    for row in rows:
        grouped.setdefault(getattr(row, column), []).append(row)
    return grouped


def _prefetched(instance, name, rows) -> None:
    """``instance.<name>.all()`` answers ``rows`` without a query, as after ``prefetch_related(name)``."""
    manager = getattr(instance, name)
    queryset = manager.get_queryset()
    for row in rows:  # and each row knows its parent, as prefetch_related leaves them
        manager.field.set_cached_value(row, instance)
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[manager.field.remote_field.cache_name] = queryset


def _matches(membership, case, plan, names, ranked) -> list[Match]:
    ids = [pk for pk, _score, _d2 in ranked]
    services = _listed(membership, ids)
    details = {_as_uuid(row[0]): row for row in _run(*_query(plan, names, only_ids=ids))}
    factor_names = list(plan.factors)
    matches = []
    for pk, score, d2 in ranked:
        service, row = services.get(pk), details.get(pk)
        if service is None or row is None:
            continue
        chosen = row[2 : 2 + len(factor_names)]
        places, waiting = row[-2], row[-1]
        applied = {name: plan.factors[name].option(index) for name, index in zip(factor_names, chosen, strict=True)}
        match = Match(service=service, score=score)
        match.is_own_organization = service.organization_id == case.organization_id
        match.record = plan.records.get(service.organization_id)
        location = _shown_location(service, plan.facts)
        match.location_view = present_location(location, membership) if location is not None else None
        if d2 is not None and not (match.location_view is not None and match.location_view.redacted):
            match.distance_km = round(math.sqrt(max(float(d2), 0.0)), 1)
        match.places_free = None if places is None else int(places)
        match.waiting_days = None if waiting is None else int(waiting)
        match.reasons = _reasons(service, match, plan.facts, plan.wanted, applied)
        match.needs = [need.domain for need in plan.wanted if applied[f"need:{need.domain}"]]
        matches.append(match)
    return matches


def _shown_location(service, facts):
    """The location a match shows: in the client's district, else region, else online, else any."""
    locations = [link.location for link in service.service_at_locations.all()]

    def closeness(location):
        area_id = location.admin_area_id
        if facts.district is not None and area_id == facts.district:
            return 0
        if (
            area_id is not None
            and facts.region is not None
            and facts.region in (area_id, location.admin_area.parent_id)
        ):
            return 1
        if location.location_type == Location.LocationType.VIRTUAL:
            return 2
        return 3

    return min(locations, key=lambda location: (closeness(location), location.name, str(location.pk)), default=None)


# ---------------------------------------------------------------------------------------------
# Reasons, in the reader's language


def _language_name(code: str, fallback: str = "") -> str:
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        base = code.split("-")[0]
        if base != code:
            return _language_name(base, fallback)
        return fallback or code


def _spoken_language(service, facts) -> str:
    wanted = set(facts.language_codes)
    spoken = list(service.languages.all())
    for link in service.service_at_locations.all():
        spoken += list(link.location.languages.all())
    for preference in facts.languages:  # the client's own order
        base = preference.split("-")[0]
        for language in spoken:
            if language.code in wanted and language.code.split("-")[0] == base:
                return _language_name(preference, language.name)
    return _language_name(facts.languages[0]) if facts.languages else ""


def _features_for(service, domain) -> str:
    wanted = difficulty_features().get(domain, ())
    found = []
    for link in service.service_at_locations.all():
        for feature in link.location.accessibility.all():
            if feature.feature in wanted and feature.feature not in found:
                found.append(feature.feature)
    return ", ".join(str(ACCESSIBILITY_LABELS[code]) for code in found if code in ACCESSIBILITY_LABELS)


def _age_text(service) -> str:
    low, high = service.minimum_age, service.maximum_age
    if low is not None and high is not None:
        return gettext("Ages %(low)s to %(high)s: check the client's age") % {"low": low, "high": high}
    if low is not None:
        return gettext("From age %(low)s: check the client's age") % {"low": low}
    return gettext("Up to age %(high)s: check the client's age") % {"high": high}


def _record_text(record: OrganizationRecord) -> str:
    values = {"percent": record.percent}
    if record.median_hours is None or not record.accepted:
        return gettext("Accepts %(percent)s%% of referrals") % values
    if record.median_hours <= 2:
        return gettext("Accepts %(percent)s%% of referrals, half of them within 2 hours") % values
    if record.median_hours <= 24:
        return gettext("Accepts %(percent)s%% of referrals, half of them within a day") % values
    if record.median_hours <= 72:
        return gettext("Accepts %(percent)s%% of referrals, half of them within 3 days") % values
    return gettext("Accepts %(percent)s%% of referrals, half of them within a week") % values


# What a reason says when it needs no detail, by reason code.
FIXED_TEXTS = {
    "same_district": _("Same district"),
    "same_region": _("Same region"),
    "remote": _("Online or by phone"),
    "same_country": _("Same country"),
    "interpretation": _("Interpretation available"),
    "at_capacity": _("No places free at the moment"),
    "childcare_needed": _("Childcare while the client attends"),
    "childcare": _("Childcare while attending"),
    "transport_far": _("Transport support for the journey"),
    "transport": _("Transport support"),
    "not_accepting": _("Not accepting referrals at the moment"),
    "temporarily_closed": _("Temporarily closed"),
    "already_referred": _("A referral to this service is already open"),
}


def _reasons(service, match, facts, wanted, applied) -> list[Reason]:
    reasons = []
    fitted = [(need, applied[f"need:{need.domain}"]) for need in wanted if applied[f"need:{need.domain}"] is not None]
    fitted.sort(key=lambda pair: -pair[1].points)  # the best fit first, as the score counts it
    for position, (need, option) in enumerate(fitted):
        code, points = option.code, option.points
        if position == 0:
            base = WEIGHTS[code]
            if code == "category":
                text = gettext("Fits the need: %(need)s") % {"need": need.label}
            else:
                text = gettext("A broader service for the need: %(need)s") % {"need": need.label}
            reasons.append(Reason(code, text, base))
            if points - base:
                priority = PRIORITY_LABELS.get(need.priority, need.priority)
                reasons.append(
                    Reason(
                        "priority",
                        gettext("Priority of the need: %(priority)s") % {"priority": priority},
                        points - base,
                    )
                )
        else:
            text = gettext("Also fits the need: %(need)s") % {"need": need.label}
            reasons.append(Reason("another_need", text, WEIGHTS["another_need"]))

    for name, chosen in applied.items():
        if name.startswith("need:") or chosen is None:
            continue
        code, points = chosen.code, chosen.points
        if code in FIXED_TEXTS:
            text = str(FIXED_TEXTS[code])
        elif code == "near":
            if match.distance_km is not None:
                text = gettext("About %(km)s km away") % {"km": _km(match.distance_km)}
            else:
                text = gettext("Near the client's area")
        elif code == "language":
            text = gettext("Speaks %(language)s") % {"language": _spoken_language(service, facts)}
        elif code == "accessibility":
            text = _features_for(service, name.split(":", 1)[1]) or gettext("Accessible")
        elif code == "places_free":
            places = match.places_free or 0
            text = ngettext("%(count)s place free", "%(count)s places free", places) % {"count": places}
        elif code in ("short_wait", "wait", "long_wait"):
            days = match.waiting_days or 0
            if code == "short_wait":
                text = gettext("First appointment within a week")
            else:
                text = ngettext("Waiting time: about %(days)s day", "Waiting time: about %(days)s days", days) % {
                    "days": days
                }
        elif code == "age_partial":
            text = _age_text(service)
        elif code == "sex_check":
            text = gettext("Only for %(who)s: check with the client") % {"who": service.get_sex_eligibility_display()}
        elif code == "record":
            text = _record_text(match.record)
        else:
            text = code
        reasons.append(Reason(code, text, points))

    if match.record is None or match.record.decided < RECORD_MINIMUM:
        reasons.append(Reason("record_none", gettext("No referral record yet"), WEIGHTS["record_none"]))
    elif applied.get("record") is None:  # a record whose rate and speed cancel out
        reasons.append(Reason("record", _record_text(match.record), 0))
    if match.is_own_organization:
        reasons.append(Reason("own_organization", gettext("Your organization"), WEIGHTS["own_organization"]))
    return reasons


def _km(value: float) -> str:
    return str(int(value)) if value >= 10 else f"{value:.1f}"
