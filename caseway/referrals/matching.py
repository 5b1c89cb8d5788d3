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

What the client's record contributes
------------------------------------
Only what the viewer's organization may see of the client (``clients.access.visible_categories``):
the case's open needs need the "needs" category, Washington Group difficulties (accessibility)
the "health" category. Sex, age band, area, languages and whether the client cares for children
are in clear (what services need). Needs passed in (``needs=["legal"]``) are the caller's choice
and are always used.

How it runs
-----------
A fixed number of queries whatever the size of the directory: the case's needs, the client's
area with its parents, the taxonomy terms of the needs, the receiving organizations' record, one
query that filters and scores every candidate service in the database and returns the best
``limit`` (each factor is a ``CASE`` over an uncorrelated ``IN (subquery)``, which SQLite and
PostgreSQL build once as a hashed set; only the nearest location is a correlated lookup by
index), then the chosen services with their factor codes and what their page shows. Python only
turns the factor codes into reasons. The ordering is the database's: score, then the nearest
location, then name.

Indexes that would help (models are not this module's): ``Referral(sent_at, to_organization,
status, answered_at, due_at)`` for the organizations' record (today a scan of the referrals of
the last 180 days).
"""

import math
from dataclasses import dataclass, field
from functools import cache

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Greatest
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language_info, gettext, ngettext

from caseway.clients import access as client_access
from caseway.clients import instruments
from caseway.clients.models import AgeBand, Need
from caseway.clients.models import Sex as ClientSex
from caseway.directory.access import directory_services, present_location
from caseway.directory.models import (
    Accessibility,
    AdminArea,
    Language,
    Location,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    ServiceTerm,
    Sex,
    TaxonomyTerm,
    Unit,
)
from caseway.directory.queries import caseway_taxonomy_id, languages_in_use
from caseway.orgs.categories import DataCategory
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
PLACES_UNIT = "places"
WAITING_UNIT = "waiting days"
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


# ---------------------------------------------------------------------------------------------
# Factors: each is a list of (condition, reason code, points), the first condition that holds
# wins. The ranking query sums their points; the details query reads which option applied.


@dataclass(frozen=True)
class Factor:
    name: str
    options: tuple  # ((Q, code, points), ...)

    def points(self):
        whens = [When(condition, then=Value(points)) for condition, _code, points in self.options]
        return Case(*whens, default=Value(0), output_field=IntegerField())

    def chosen(self):
        whens = [When(condition, then=Value(index)) for index, (condition, _c, _p) in enumerate(self.options, 1)]
        return Case(*whens, default=Value(0), output_field=IntegerField())

    def option(self, index):
        return None if not index else self.options[index - 1]


def _ids_in(queryset, column="service_id") -> Q:
    return Q(pk__in=queryset.values(column))


def _services_at(locations) -> Q:
    return _ids_in(ServiceAtLocation.objects.filter(location__in=locations.values("pk")))


def _served_areas(areas) -> Q:
    """Services with a service area among ``areas`` (linked to the service or to one of its places)."""
    service_areas = ServiceArea.objects.filter(admin_area__in=areas)
    return _ids_in(service_areas.filter(service__isnull=False)) | _ids_in(
        service_areas.filter(service_at_location__isnull=False), "service_at_location__service_id"
    )


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
    domain: str
    priority: str

    @property
    def label(self) -> str:
        return str(dict(Need.Domain.choices).get(self.domain, self.domain))


def _wanted_needs(membership, case, needs) -> list[WantedNeed]:
    """The needs to match, highest priority first, one per domain."""
    if needs is None:
        if DataCategory.NEEDS not in client_access.visible_categories(membership, case):
            return []
        needs = list(Need.objects.filter(case=case, status=Need.Status.OPEN).order_by("identified_at", "pk"))
    order = {Need.Priority.HIGH: 0, Need.Priority.MEDIUM: 1, Need.Priority.LOW: 2}
    wanted = {}
    for need in needs:
        if isinstance(need, str):
            domain, priority = need, Need.Priority.MEDIUM
        else:
            domain, priority = need.domain, need.priority
        if domain not in need_categories():
            continue
        known = wanted.get(domain)
        if known is None or order.get(priority, 3) < order.get(known.priority, 3):
            wanted[domain] = WantedNeed(domain, priority)
    return sorted(wanted.values(), key=lambda need: (order.get(need.priority, 3), need.domain))


def _need_terms(wanted) -> dict[str, tuple[set, set]]:
    """For each need: (ids of terms that fit, ids of broader terms that fit loosely). One query."""
    codes = sorted({code for need in wanted for code in need_categories()[need.domain]})
    if not codes:
        return {}
    caseway = caseway_taxonomy_id()
    rows = TaxonomyTerm.objects.filter(
        Q(taxonomy_ref_id=caseway, code__in=codes) | Q(parent__taxonomy_ref_id=caseway, parent__code__in=codes)
    ).values_list("id", "code", "taxonomy_ref_id", "parent_id", "parent__code", "parent__taxonomy_ref_id")
    exact, below, parents = {}, {}, {}
    for term, code, taxonomy, parent, parent_code, parent_taxonomy in rows:
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


# ---------------------------------------------------------------------------------------------
# The client as matching sees it


@dataclass
class ClientFacts:
    district: AdminArea | None
    region: AdminArea | None
    country_code: str
    latitude: float | None
    longitude: float | None
    languages: tuple  # codes, as recorded
    language_codes: tuple  # the directory codes that count as each of them (fr → fr, fr-CA)
    difficulties: tuple  # WG domains with a lot of difficulty, when the viewer may see health
    sex: str
    band: tuple | None  # (youngest, oldest) of the age band
    cares_for_children: bool


def _client_facts(membership, case) -> ClientFacts:
    client = case.client
    area = AdminArea.objects.select_related("parent__parent").get(pk=client.admin_area_id)
    chain = [area, area.parent, area.parent.parent if area.parent else None]
    by_level = {place.level: place for place in chain if place is not None}
    located = next((place for place in chain if place is not None and place.latitude is not None), None)
    languages = tuple(dict.fromkeys(code.strip() for code in client.languages or () if code and code.strip()))
    codes = set()
    for code in languages:
        base = code.split("-")[0]
        codes |= {code, base} | {known for known, _name in languages_in_use() if known.startswith(f"{base}-")}
    difficulties = ()
    if client.disability_domains and DataCategory.HEALTH in client_access.visible_categories(membership, case):
        known = difficulty_features()
        difficulties = tuple(domain for domain in client.disability_domains if known.get(domain))
    return ClientFacts(
        district=by_level.get(AdminArea.Level.ADMIN2),
        region=by_level.get(AdminArea.Level.ADMIN1),
        country_code=area.country_code,
        latitude=float(located.latitude) if located else None,
        longitude=float(located.longitude) if located and located.longitude is not None else None,
        languages=languages,
        language_codes=tuple(sorted(codes)),
        difficulties=difficulties,
        sex=client.sex,
        band=BAND_AGES.get(client.age_band),
        cares_for_children=bool(client.cares_for_children or client.children_count),
    )


# ---------------------------------------------------------------------------------------------
# The receiving organizations' record


class HoursBetween(Func):
    """Hours from ``start`` to ``end`` as a float, computed by the database."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        start, end = self.source_expressions
        start_sql, start_params = compiler.compile(start)
        end_sql, end_params = compiler.compile(end)
        if connection.vendor == "sqlite":
            return f"((julianday({end_sql}) - julianday({start_sql})) * 24.0)", [*end_params, *start_params]
        return f"(EXTRACT(EPOCH FROM ({end_sql} - {start_sql})) / 3600.0)", [*end_params, *start_params]


def organization_records(now) -> dict:
    """{organization id: OrganizationRecord} of every organization referred to in RECORD_DAYS. One query.

    Decided referrals: accepted (whatever came after), declined, or still unanswered past their
    deadline (a referral left waiting counts against the receiver). Withdrawn before an answer,
    drafts and referrals still within their deadline do not count.
    """
    since = now - timezone.timedelta(days=RECORD_DAYS)
    accepted = Q(status__in=ACCEPTED_STATUSES) | Q(status__in=AFTER_ACCEPTANCE, answered_at__isnull=False)
    hours = HoursBetween(F("sent_at"), F("answered_at"))
    steps = {
        f"within_{step}": Count("pk", filter=accepted & Q(answered_at__isnull=False) & Q(cw_hours__lte=step))
        for step in RECORD_STEPS
    }
    rows = (
        Referral.objects.filter(to_organization__isnull=False, sent_at__gte=since, sent_at__lte=now)
        .alias(cw_hours=hours)
        .values("to_organization_id")
        .annotate(
            accepted=Count("pk", filter=accepted),
            declined=Count("pk", filter=Q(status=Status.DECLINED)),
            overdue=Count("pk", filter=Q(status__in=AWAITING, due_at__lt=now)),
            timed=Count("pk", filter=accepted & Q(answered_at__isnull=False)),
            **steps,
        )
        .order_by()
    )
    records = {}
    for row in rows:
        decided = row["accepted"] + row["declined"] + row["overdue"]
        median = None
        if row["timed"]:
            median = next((step for step in RECORD_STEPS if row[f"within_{step}"] * 2 >= row["timed"]), None)
        records[row["to_organization_id"]] = OrganizationRecord(
            decided=decided, accepted=row["accepted"], median_hours=median
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
# The factors of one search


def _squared_km(facts: ClientFacts):
    """Squared distance (km²) from the client's area centre to the outer service's nearest location.

    An equirectangular approximation (exact enough within a country), computed with arithmetic
    only so both databases run it; the longitude scale is fixed from the client's latitude.
    """
    if facts.latitude is None or facts.longitude is None:
        return Value(None, output_field=FloatField())
    scale = KM_PER_DEGREE * math.cos(math.radians(facts.latitude))
    north = (F("location__latitude") - Value(facts.latitude)) * Value(KM_PER_DEGREE)
    east = (F("location__longitude") - Value(facts.longitude)) * Value(scale)
    nearest = (
        ServiceAtLocation.objects.filter(
            service_id=OuterRef("pk"), location__latitude__isnull=False, location__longitude__isnull=False
        )
        .exclude(location__location_type=Location.LocationType.VIRTUAL)
        .annotate(cw_d2=ExpressionWrapper(north * north + east * east, output_field=FloatField()))
        .order_by("cw_d2")
        .values("cw_d2")[:1]
    )
    return Subquery(nearest, output_field=FloatField())


def _factors(facts: ClientFacts, wanted, terms, records, case) -> dict:
    """Every factor of this search, by name. Need factors are named ``need:<domain>``."""
    factors = {}
    for need in wanted:
        fits, loose = terms.get(need.domain, (set(), set()))
        bonus = WEIGHTS[PRIORITY_WEIGHT.get(need.priority, "priority_medium")]
        options = []
        if fits:
            fitting = ServiceTerm.objects.filter(taxonomy_term_id__in=sorted(fits))
            options.append((_ids_in(fitting), "category", WEIGHTS["category"] + bonus))
        if loose:
            broader = ServiceTerm.objects.filter(taxonomy_term_id__in=sorted(loose))
            options.append((_ids_in(broader), "category_broader", WEIGHTS["category_broader"] + bonus))
        factors[f"need:{need.domain}"] = Factor(f"need:{need.domain}", tuple(options))

    places = []
    in_district = None
    if facts.district is not None:
        district = AdminArea.objects.filter(pk=facts.district.pk)
        in_district = _services_at(Location.objects.filter(admin_area__in=district.values("pk"))) | _served_areas(
            [facts.district.pk]
        )
        places.append((in_district, "same_district", WEIGHTS["same_district"]))
    if facts.region is not None:
        region_areas = AdminArea.objects.filter(Q(pk=facts.region.pk) | Q(parent_id=facts.region.pk)).values("pk")
        in_region = _services_at(Location.objects.filter(admin_area__in=region_areas)) | _served_areas(region_areas)
        places.append((in_region, "same_region", WEIGHTS["same_region"]))
    remote = _services_at(Location.objects.filter(location_type=Location.LocationType.VIRTUAL))
    places.append((remote, "remote", WEIGHTS["remote"]))
    country_areas = AdminArea.objects.filter(pcode__startswith=facts.country_code).values("pk")
    in_country = _services_at(Location.objects.filter(admin_area__in=country_areas)) | _served_areas(country_areas)
    places.append((in_country, "same_country", WEIGHTS["same_country"]))
    factors["place"] = Factor("place", tuple(places))
    if facts.latitude is not None and facts.longitude is not None:
        factors["near"] = Factor("near", ((Q(cw_d2__lte=NEAR_KM * NEAR_KM), "near", WEIGHTS["near"]),))

    if facts.language_codes:
        spoken = Language.objects.filter(code__in=facts.language_codes)
        speaks = _ids_in(spoken.filter(service__isnull=False)) | _services_at(
            Location.objects.filter(pk__in=spoken.filter(location__isnull=False).values("location_id"))
        )
        factors["language"] = Factor(
            "language",
            (
                (speaks, "language", WEIGHTS["language"]),
                (~Q(interpretation_services=""), "interpretation", WEIGHTS["interpretation"]),
            ),
        )
    for domain in facts.difficulties:
        features = difficulty_features()[domain]
        equipped = Location.objects.filter(
            pk__in=Accessibility.objects.filter(feature__in=features).values("location_id")
        )
        factors[f"access:{domain}"] = Factor(
            f"access:{domain}", ((_services_at(equipped), "accessibility", WEIGHTS["accessibility"]),)
        )

    places_unit = Unit.objects.filter(name__iexact=PLACES_UNIT).values("pk")
    in_places = ServiceCapacity.objects.filter(unit__in=places_unit)
    factors["capacity"] = Factor(
        "capacity",
        (
            (_ids_in(in_places.filter(available__gt=0)), "places_free", WEIGHTS["places_free"]),
            (_ids_in(in_places), "at_capacity", WEIGHTS["at_capacity"]),
        ),
    )
    waiting = ServiceCapacity.objects.filter(unit__in=Unit.objects.filter(name__iexact=WAITING_UNIT).values("pk"))
    factors["waiting"] = Factor(
        "waiting",
        (
            (_ids_in(waiting.filter(available__lte=SHORT_WAIT_DAYS)), "short_wait", WEIGHTS["short_wait"]),
            (_ids_in(waiting.filter(available__lte=LONG_WAIT_DAYS)), "wait", 0),
            (_ids_in(waiting), "long_wait", WEIGHTS["long_wait"]),
        ),
    )
    childcare = "childcare_needed" if facts.cares_for_children else "childcare"
    factors["childcare"] = Factor("childcare", ((Q(provides_childcare=True), childcare, WEIGHTS[childcare]),))
    transport = []
    if in_district is not None:
        transport.append((Q(provides_transport=True) & ~in_district, "transport_far", WEIGHTS["transport_far"]))
        transport.append((Q(provides_transport=True), "transport", WEIGHTS["transport"]))
    else:
        transport.append((Q(provides_transport=True), "transport_far", WEIGHTS["transport_far"]))
    factors["transport"] = Factor("transport", tuple(transport))
    factors["intake"] = Factor("intake", ((Q(accepting_referrals=False), "not_accepting", WEIGHTS["not_accepting"]),))
    factors["status"] = Factor(
        "status", ((Q(status=Service.Status.TEMPORARILY_CLOSED), "temporarily_closed", WEIGHTS["temporarily_closed"]),)
    )
    open_referrals = Referral.objects.filter(from_case_id=case.pk, status__in=sorted(OPEN), to_service__isnull=False)
    factors["referred"] = Factor(
        "referred", ((_ids_in(open_referrals, "to_service_id"), "already_referred", WEIGHTS["already_referred"]),)
    )
    if facts.band is not None:
        youngest, oldest = facts.band
        whole_band = (Q(minimum_age__isnull=True) | Q(minimum_age__lte=youngest)) & (
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=oldest)
        )
        factors["age"] = Factor("age", ((~whole_band, "age_partial", WEIGHTS["age_partial"]),))
    if facts.sex not in (ClientSex.FEMALE, ClientSex.MALE):
        factors["sex"] = Factor("sex", ((~Q(sex_eligibility=Sex.ANY), "sex_check", WEIGHTS["sex_check"]),))
    by_points = {}
    for organization_id, record in records.items():
        points = sum(value for _name, value in record_points(record))
        if points:
            by_points.setdefault(points, []).append(organization_id)
    factors["record"] = Factor(
        "record",
        tuple((Q(organization_id__in=sorted(ids)), "record", points) for points, ids in sorted(by_points.items())),
    )
    return factors


def _eligible(facts: ClientFacts) -> Q:
    conditions = Q(status__in=[Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED])
    conditions &= Q(organization__is_active=True)
    if facts.sex in (ClientSex.FEMALE, ClientSex.MALE):
        conditions &= Q(sex_eligibility__in=[Sex.ANY, facts.sex])
    if facts.band is not None:
        youngest, oldest = facts.band
        conditions &= Q(minimum_age__isnull=True) | Q(minimum_age__lte=oldest)
        conditions &= Q(maximum_age__isnull=True) | Q(maximum_age__gte=youngest)
    return conditions


def _fit_expression(factors, wanted):
    need_points = [factors[f"need:{need.domain}"].points() for need in wanted]
    best = need_points[0] if len(need_points) == 1 else Greatest(*need_points)
    met = [
        Case(
            *[When(condition, then=Value(1)) for condition, _code, _points in factors[f"need:{need.domain}"].options],
            default=Value(0),
            output_field=IntegerField(),
        )
        for need in wanted
    ]
    further = sum(met[1:], met[0]) - Value(1)
    return best + further * Value(WEIGHTS["another_need"])


# ---------------------------------------------------------------------------------------------
# The ranking


def rank_services(*, membership, case, needs=None, limit=20, now=None) -> list[Match]:
    """The services that best fit ``case``'s open needs (or ``needs``), best first, with reasons.

    ``needs``: Need rows or need domains (``"legal"``); None takes the case's open needs when the
    viewer may see them. ``case`` must be a case of ``membership``'s organization, reached through
    ``clients.access`` (otherwise 404).
    """
    if membership is None or not membership.is_active or case.organization_id != membership.organization_id:
        raise Http404
    now = now or timezone.now()
    limit = max(1, min(int(limit), MAX_LIMIT))
    wanted = _wanted_needs(membership, case, needs)
    terms = _need_terms(wanted)
    wanted = [need for need in wanted if any(terms.get(need.domain, ()))]
    if not wanted:
        return []
    facts = _client_facts(membership, case)
    records = organization_records(now)
    factors = _factors(facts, wanted, terms, records, case)

    all_terms = sorted({term for fits, loose in terms.values() for term in fits | loose})
    candidates = (
        directory_services(membership)
        .filter(_eligible(facts))
        .filter(pk__in=ServiceTerm.objects.filter(taxonomy_term_id__in=all_terms).values("service_id"))
    )
    d2 = _squared_km(facts)
    others = [factor for name, factor in factors.items() if not name.startswith("need:")]
    total = _fit_expression(factors, wanted)
    for factor in others:
        total = total + factor.points()
    ranked = list(
        candidates.alias(cw_d2=d2)
        .annotate(cw_score=total, cw_distance=F("cw_d2"))
        .order_by(F("cw_score").desc(), F("cw_distance").asc(nulls_last=True), "name", "pk")
        .values_list("pk", "cw_score")[:limit]
    )
    if not ranked:
        return []
    return _matches(membership, case, facts, wanted, factors, records, ranked, d2)


def _details(ids, factors, d2):
    chosen = {f"cw_{index}": factor.chosen() for index, factor in enumerate(factors.values())}
    return (
        Service.objects.filter(pk__in=ids)
        .select_related("organization")
        .alias(cw_d2=d2)
        .annotate(cw_distance=F("cw_d2"), **chosen)
        .prefetch_related(
            "taxonomy_terms",
            "languages",
            # select_related, not a nested prefetch: the same queries whether or not rows are found.
            Prefetch("capacities", queryset=ServiceCapacity.objects.select_related("unit")),
            Prefetch("service_areas", queryset=ServiceArea.objects.select_related("admin_area")),
            _locations_prefetch(),
        )
    )


def _locations_prefetch():
    return Prefetch(
        "service_at_locations",
        queryset=ServiceAtLocation.objects.select_related("location__admin_area__parent").prefetch_related(
            "location__addresses", "location__phones", "location__accessibility", "location__languages"
        ),
    )


def _matches(membership, case, facts, wanted, factors, records, ranked, d2) -> list[Match]:
    ids = [pk for pk, _score in ranked]
    services = {service.pk: service for service in _details(ids, factors, d2)}
    names = list(factors)
    matches = []
    for pk, score in ranked:
        service = services.get(pk)
        if service is None:
            continue
        applied = {name: factors[name].option(getattr(service, f"cw_{index}")) for index, name in enumerate(names)}
        match = Match(service=service, score=score)
        match.is_own_organization = service.organization_id == case.organization_id
        match.record = records.get(service.organization_id)
        location = _shown_location(service, facts)
        match.location_view = present_location(location, membership) if location is not None else None
        distance = service.cw_distance
        if distance is not None and not (match.location_view is not None and match.location_view.redacted):
            match.distance_km = round(math.sqrt(max(distance, 0.0)), 1)
        match.reasons = _reasons(service, match, facts, wanted, applied)
        match.needs = [need.domain for need in wanted if applied[f"need:{need.domain}"]]
        matches.append(match)
    return matches


def _shown_location(service, facts):
    """The location a match shows: in the client's district, else region, else online, else any."""
    locations = [link.location for link in service.service_at_locations.all()]

    def closeness(location):
        area = location.admin_area
        if facts.district is not None and area is not None and area.pk == facts.district.pk:
            return 0
        if facts.region is not None and area is not None and facts.region.pk in (area.pk, area.parent_id):
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


def _capacity(service, unit_name, pick):
    values = [
        capacity.available
        for capacity in service.capacities.all()
        if capacity.unit is not None and capacity.unit.name.lower() == unit_name
    ]
    return int(pick(values)) if values else None


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


def _reasons(service, match, facts, wanted, applied) -> list[Reason]:
    reasons = []
    fitted = [(need, applied[f"need:{need.domain}"]) for need in wanted if applied[f"need:{need.domain}"] is not None]
    fitted.sort(key=lambda pair: -pair[1][2])  # the best fit first, as the score counts it
    for position, (need, (_condition, code, points)) in enumerate(fitted):
        if position == 0:
            base = WEIGHTS[code]
            if code == "category":
                text = gettext("Fits the need: %(need)s") % {"need": need.label}
            else:
                text = gettext("A broader service for the need: %(need)s") % {"need": need.label}
            reasons.append(Reason(code, text, base))
            if points - base:
                priority = dict(Need.Priority.choices).get(need.priority, need.priority)
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

    texts = {
        "same_district": gettext("Same district"),
        "same_region": gettext("Same region"),
        "remote": gettext("Online or by phone"),
        "same_country": gettext("Same country"),
        "interpretation": gettext("Interpretation available"),
        "at_capacity": gettext("No places free at the moment"),
        "childcare_needed": gettext("Childcare while the client attends"),
        "childcare": gettext("Childcare while attending"),
        "transport_far": gettext("Transport support for the journey"),
        "transport": gettext("Transport support"),
        "not_accepting": gettext("Not accepting referrals at the moment"),
        "temporarily_closed": gettext("Temporarily closed"),
        "already_referred": gettext("A referral to this service is already open"),
    }
    for name, chosen in applied.items():
        if name.startswith("need:") or chosen is None:
            continue
        _condition, code, points = chosen
        if code in texts:
            text = texts[code]
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
            places = _capacity(service, PLACES_UNIT, max) or 0
            text = ngettext("%(count)s place free", "%(count)s places free", places) % {"count": places}
        elif code in ("short_wait", "wait", "long_wait"):
            days = _capacity(service, WAITING_UNIT, min) or 0
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
