"""Directory bench: search, the public directory and the HSDS API over 10,000 services.

Runs in-process against a fresh database: SQLite in a temporary directory, or, when
CASEWAY_DATABASE_URL is set, a new PostgreSQL database created beside the one it names and
dropped afterwards (the named database itself is never touched). Loads the demo network, then
bulk-creates services up to --services with a realistic spread over areas, categories, languages,
schedules, capacities and confidential shelters. Prints p50 and p95 server times of requests
through the whole middleware stack, each request with different filters. Never run it against
real data; docs/PERFORMANCE.md records the results.

    .venv/bin/python bench/directory.py [--services 10000] [--repeat 50] [--explain] [--analyze]
    CASEWAY_DATABASE_URL=postgres://postgres@127.0.0.1:5432/caseway_bench .venv/bin/python bench/directory.py
"""

import argparse
import datetime
import gzip
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SEED = 20261123  # the same data on every run, so runs compare
TARGET_P95_MS = 50
DISTRICT_SPREAD = 8  # bench regions per country, and districts per bench region
LANGUAGES = {"XA": ["ar", "fr", "en", "ha", "ff", "ff-Latn"], "XB": ["ar", "en", "fr", "so", "ti", "am"]}
HOURS = [
    [("MO,TU,WE,TH,FR", "08:00", "16:00")],
    [("MO,TU,WE,TH", "09:00", "17:00"), ("FR", "09:00", "12:00")],
    [("MO,TU,WE,TH,FR,SA,SU", "00:00", "00:00")],
    [("MO,WE", "17:00", "20:00"), ("SA", "10:00", "14:00")],
    [("SU,MO,TU,WE,TH", "07:30", "12:30")],
    [("MO,TU,WE,TH,FR,SA,SU", "18:00", "07:00")],
]
FEATURES = ["wheelchair", "sign_language", "easy_read", "female_staff", "child_friendly", "private_room"]


# ---------------------------------------------------------------------------------------------
# A database of our own


@contextmanager
def _fresh_database():
    """Points Django at a new, empty database for the duration of the bench."""
    url = os.environ.get("CASEWAY_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield "sqlite"
        return
    import psycopg

    parts = urlsplit(url)
    name = f"caseway_bench_directory_{os.getpid()}"
    # CREATE and DROP DATABASE from the server's maintenance database: the database the URL names
    # need not exist, and is never touched.
    admin_dsn = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["CASEWAY_DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    try:
        yield "postgresql"
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _setup(var_dir: str):
    import logging

    logging.disable(logging.INFO)
    os.environ["CASEWAY_MODE"] = "demo"
    os.environ["CASEWAY_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseway.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)


# ---------------------------------------------------------------------------------------------
# 10,000 services


def _bench_areas_csv() -> bytes:
    """DISTRICT_SPREAD regions × DISTRICT_SPREAD districts per country, beside the demo's areas."""
    lines = ["adm0_pcode,adm0_name,adm1_pcode,adm1_name,adm2_pcode,adm2_name,latitude,longitude"]
    for country, country_name, west in (("XA", "Aldoria", 1.0), ("XB", "Belmara", 2.6)):
        for region in range(10, 10 + DISTRICT_SPREAD):
            for district in range(1, 1 + DISTRICT_SPREAD):
                latitude = 1.0 + (region - 10 + district / 10) * 2 / DISTRICT_SPREAD
                longitude = west + district * 1.3 / DISTRICT_SPREAD
                lines.append(
                    f"{country},{country_name},{country}{region},Bench region {region},"
                    f"{country}{region}{district:02d},Bench district {region}-{district},"
                    f"{latitude:.4f},{longitude:.4f}"
                )
    return ("\n".join(lines) + "\n").encode()


def build(total: int, *, analyze: bool = False) -> dict:
    """Adds services until there are ``total``; returns what the requests pick their filters from."""
    from django.db import transaction

    from caseway.directory import models
    from caseway.directory.admin_areas import import_admin_areas
    from caseway.directory.facts import refresh_facts
    from caseway.directory.schedules import refresh_openings
    from caseway.directory.taxonomy import shipped_taxonomy, term_id
    from caseway.orgs.models import Organization, OrganizationType

    rng = random.Random(SEED)
    started = time.perf_counter()
    import_admin_areas(_bench_areas_csv(), actor_label="bench/directory.py")
    areas_seconds = time.perf_counter() - started

    districts = list(models.AdminArea.objects.filter(level=2).select_related("parent"))
    regions = list(models.AdminArea.objects.filter(level=1))
    codes = [entry["code"] for entry in shipped_taxonomy()["terms"]]
    leaf_codes = [code for code in codes if "." in code]
    top_codes = [code for code in codes if "." not in code]
    places, _ = models.Unit.objects.get_or_create(name="places")
    waiting, _ = models.Unit.objects.get_or_create(name="waiting days")

    with transaction.atomic():
        organizations = list(Organization.objects.all())
        extra = [
            Organization(
                name=f"Bench Organization {number:02d}",
                acronym=f"BO{number:02d}",
                type=rng.choice([OrganizationType.NATIONAL_NGO, OrganizationType.COMMUNITY_BASED]),
                country="XA" if number % 2 else "XB",
            )
            for number in range(40)
        ]
        organizations += Organization.objects.bulk_create(extra)

        rows = {name: [] for name in ("services", "terms", "locations", "addresses", "access", "links")}
        rows.update({name: [] for name in ("languages", "schedules", "capacities", "areas", "phones")})
        offices = {}
        missing = total - models.Service.objects.count()
        for number in range(missing):
            organization = rng.choice(organizations)
            district = rng.choice(districts)
            country = district.pcode[:2]
            confidential = rng.random() < 0.03
            status = rng.choices(
                [models.Service.Status.ACTIVE, "temporarily closed", "inactive", "defunct"], [90, 4, 3, 3]
            )[0]
            minimum_age = rng.choice([None] * 6 + [16, 18])
            service = models.Service(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                organization=organization,
                name=f"{rng.choice(['Community', 'Mobile', 'District', 'Women', 'Youth', 'Family'])} "
                f"{rng.choice(leaf_codes).split('.')[1].replace('_', ' ')} service {number}",
                description="A service made up for the directory bench.",
                status=status,
                is_public=rng.random() < 0.8,
                sex_eligibility=rng.choices(["any", "female", "male"], [70, 25, 5])[0],
                minimum_age=minimum_age,
                maximum_age=rng.choice([None] * 8 + [17]) if minimum_age is None else None,
                accepting_referrals=rng.random() < 0.85,
                provides_childcare=rng.random() < 0.15,
                provides_transport=rng.random() < 0.15,
                last_modified=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
                + datetime.timedelta(minutes=rng.randrange(500_000)),
            )
            rows["services"].append(service)
            chosen = {"protection.safe_shelter"} if confidential else set()
            while len(chosen) < rng.choice([1, 1, 1, 2]):
                chosen.add(rng.choice(leaf_codes))
            for code in sorted(chosen):
                rows["terms"].append(models.ServiceTerm(service=service, taxonomy_term_id=term_id(code)))
            office_key = None if confidential else (organization.pk, district.pk)
            location = offices.get(office_key)
            if location is None:
                location = models.Location(
                    id=uuid.UUID(int=rng.getrandbits(128), version=4),
                    location_type="physical",
                    organization=organization,
                    name=f"{organization.acronym} {district.name} {'house' if confidential else 'centre'}",
                    latitude=(district.latitude or Decimal(2)) + Decimal(rng.randint(-500, 500)) / 10000,
                    longitude=(district.longitude or Decimal(2)) + Decimal(rng.randint(-500, 500)) / 10000,
                    admin_area=district,
                    is_confidential=confidential,
                )
                rows["locations"].append(location)
                if office_key:
                    offices[office_key] = location
                rows["addresses"].append(
                    models.Address(
                        location=location,
                        address_1=f"{rng.randint(1, 200)} Bench Lane",
                        city=district.name,
                        state_province=district.parent.name,
                        postal_code=district.pcode,
                        country=country,
                    )
                )
                for feature in rng.sample(FEATURES, rng.randint(0, 3)):
                    rows["access"].append(models.Accessibility(location=location, feature=feature))
            rows["links"].append(models.ServiceAtLocation(service=service, location=location))
            for code in rng.sample(LANGUAGES[country], rng.randint(2, 4)):
                rows["languages"].append(models.Language(service=service, code=code, name=code))
            for days, opens, closes in rng.choice(HOURS):
                rows["schedules"].append(
                    models.Schedule(
                        service=service,
                        freq="WEEKLY",
                        byday=days,
                        opens_at=datetime.time.fromisoformat(opens),
                        closes_at=datetime.time.fromisoformat(closes),
                        timezone=rng.choice([Decimal(3) if country == "XA" else Decimal(2), None]),
                    )
                )
            if rng.random() < 0.4:
                available = 0 if rng.random() < 0.25 else rng.randint(1, 20)
                rows["capacities"].append(
                    models.ServiceCapacity(service=service, unit=places, available=available, maximum=20)
                )
            if rng.random() < 0.1:
                rows["capacities"].append(
                    models.ServiceCapacity(service=service, unit=waiting, available=rng.randint(0, 60))
                )
            if rng.random() < 0.3:
                rows["areas"].append(models.ServiceArea(service=service, admin_area=district.parent))
            rows["phones"].append(models.Phone(service=service, number=f"+999 3{number:07d}"))
        model_of = {
            "services": models.Service,
            "terms": models.ServiceTerm,
            "locations": models.Location,
            "addresses": models.Address,
            "access": models.Accessibility,
            "links": models.ServiceAtLocation,
            "languages": models.Language,
            "schedules": models.Schedule,
            "capacities": models.ServiceCapacity,
            "areas": models.ServiceArea,
            "phones": models.Phone,
        }
        for name in ("services", "locations", "terms", "addresses", "access", "links"):
            model_of[name].objects.bulk_create(rows[name], batch_size=1000)
        for name in ("languages", "schedules", "capacities", "areas", "phones"):
            model_of[name].objects.bulk_create(rows[name], batch_size=1000)
        # Bulk-created schedules: their open-now openings, as every writer of schedules does.
        started = time.perf_counter()
        openings_added, _removed = refresh_openings([service.pk for service in rows["services"]])
        openings_seconds = time.perf_counter() - started
        # And their matching facts (referrals' ranking reads them), as every bulk writer of the directory does.
        started = time.perf_counter()
        facts_written, _removed = refresh_facts([service.pk for service in rows["services"]])
        facts_seconds = time.perf_counter() - started
    _analyze(analyze)
    return {
        "areas_seconds": areas_seconds,
        "area_rows": len(_bench_areas_csv().splitlines()) - 1,
        "openings_seconds": openings_seconds,
        "facts_seconds": facts_seconds,
        "rows": {name: len(value) for name, value in rows.items()}
        | {"openings": openings_added, "facts": facts_written},
        "districts": districts,
        "regions": regions,
        "leaf_codes": leaf_codes,
        "top_codes": top_codes,
        "languages": sorted({code for codes in LANGUAGES.values() for code in codes if "-" not in code}),
        "term_ids": [str(term_id(code)) for code in codes],
    }


def _analyze(always: bool):
    """Planner statistics (and, on PostgreSQL, the visibility map) as production has them.

    PostgreSQL's autovacuum vacuums and analyzes a table soon after a bulk load (PostgreSQL 13 and
    later vacuum after inserts too), so the bench runs VACUUM ANALYZE: without the visibility map
    an index-only scan is not one. Nothing in Caseway runs ANALYZE (or ``PRAGMA optimize``) on
    SQLite, so there the planner has no statistics unless --analyze asks for them (see
    docs/PERFORMANCE.md: with them, one earlier open-now plan turned into a full scan per row).
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    elif always:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# ---------------------------------------------------------------------------------------------
# Requests


def _signed_in_client(email: str):
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from caseway.accounts.models import User

    user = User.objects.get(email=email)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return client, user


def _exists(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _calibration_ms() -> float:
    """Median time of a fixed pure-Python workload: how fast this (virtual) machine is right now.

    The same code measured twice an hour apart on a shared 2-CPU virtual machine differed by half;
    results are comparable only between runs whose calibration agrees.
    """
    import hashlib

    def workload():
        started = time.perf_counter()
        digest = b""
        for number in range(20_000):
            digest = hashlib.sha256(digest + str(number).encode()).digest()
        text = " ".join(str(number) for number in range(20_000))
        sorted(text.split(), key=len)
        return (time.perf_counter() - started) * 1000

    return statistics.median(workload() for _ in range(9))


def _percentiles(samples):
    samples = sorted(samples)
    return statistics.median(samples), samples[max(int(len(samples) * 0.95) - 1, 0)]


def _measure(label, paths, client, repeat):
    """Times GET of each path in turn (``repeat`` requests, different filters each), after a warm-up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    statuses, sizes, query_counts = set(), [], []
    for path in paths[:3]:  # warm-up: templates, URL resolver, connection
        client.get(path)
    samples, cpu = [], []
    for path in paths[:repeat]:
        started, cpu_started = time.perf_counter(), time.thread_time()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - cpu_started) * 1000)
        statuses.add(response.status_code)
        sizes.append(len(gzip.compress(response.content, compresslevel=9)))
    with CaptureQueriesContext(connection) as queries:
        client.get(paths[0])
    query_counts.append(len(queries.captured_queries))
    median, p95 = _percentiles(samples)
    return {
        "label": label,
        "median": median,
        "p95": p95,
        "cpu": _percentiles(cpu),
        "statuses": sorted(statuses),
        "gzip": int(statistics.median(sizes)),
        "queries": query_counts[0],
        "example": paths[0],
    }


def _search_page(membership, filters, page_size=25):
    """What a search page costs without HTML: the search as the page runs it, with listing details."""
    from caseway.directory.queries import present_listing, search_results_page

    page = search_results_page(membership_or_none=membership, page_number=1, per_page=page_size, **filters)
    listings = [present_listing(service, membership) for service in page.object_list]
    return page.paginator.count, listings


def _measure_function(label, calls, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for call in calls[:3]:
        call()
    samples, cpu, counts = [], [], []
    for call in calls[:repeat]:
        started, cpu_started = time.perf_counter(), time.thread_time()
        count, _ = call()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - cpu_started) * 1000)
        counts.append(count)
    with CaptureQueriesContext(connection) as queries:
        calls[0]()
    median, p95 = _percentiles(samples)
    return {
        "label": label,
        "median": median,
        "p95": p95,
        "cpu": _percentiles(cpu),
        "statuses": ["—"],
        "gzip": 0,
        "queries": len(queries.captured_queries),
        "example": f"median {statistics.median(counts):.0f} results",
    }


def _explain(what, run, vendor):
    """The slowest queries of one request (or call), with the database's plan for each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        run()
    ranked = sorted(queries.captured_queries, key=lambda query: float(query["time"]), reverse=True)
    print(f"\nSlowest queries of {what} ({len(ranked)} queries):")
    for query in ranked[:3]:
        print(f"\n--- {float(query['time']) * 1000:.1f} ms\n{query['sql'][:3000]}")
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        if not query["sql"].lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute(prefix + query["sql"])
            for row in cursor.fetchall():
                print("   ", " | ".join(str(cell) for cell in row))


def _median_ms(function, repeat: int) -> float:
    function()  # warm
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _phases(membership, query_string: str, repeat: int = 9):
    """Where a filtered staff search spends its time, piece by piece (medians, ms).

    Uses the search page's own parts (form, queries); the SQL phases include the Python that
    compiles the query, which is why "compile only" is shown apart.
    """
    from django.http import QueryDict

    from caseway.directory import forms, queries
    from caseway.directory.forms import DirectorySearchForm

    def form():
        bound = DirectorySearchForm(QueryDict(query_string))
        assert bound.is_valid(), bound.errors
        return bound

    arguments = form().search_arguments()

    def compiled():
        return str(queries.search_services(membership_or_none=membership, **arguments).query)

    def results():
        return queries.search_results_page(membership_or_none=membership, page_number=1, per_page=25, **arguments)

    pieces = [("search form (choices: terms, areas, languages)", form)]
    # The pages' helpers move as they are tuned: measure the ones that exist.
    language_choices = getattr(forms, "language_choices", None) or getattr(queries, "language_choices", None)
    if language_choices is not None:
        pieces.append(("  of which language_choices()", language_choices))
    if hasattr(forms, "AreaChoices"):
        pieces.append(("  of which AreaChoices()", forms.AreaChoices))
    pieces += [
        ("build + compile the search SQL, no database", compiled),
        ("search_results_page(): matching ids, page of 25 with details", results),
    ]
    print(f"\nWhere GET /directory/?{query_string} spends its time (median of {repeat}, ms):")
    for label, function in pieces:
        print(f"  {label:<52} {_median_ms(function, repeat):>8.1f}")


def _profile(client, paths):
    """cProfile over the staff search requests: the functions with the most cumulative time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for path in paths:
        client.get(path)
    profiler.disable()
    print(f"\nProfile of {len(paths)} staff searches (cumulative):")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats("caseway/", 40)
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(25)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--explain", action="store_true", help="print the slowest queries and their plans")
    parser.add_argument("--analyze", action="store_true", help="on SQLite too, run ANALYZE after loading")
    parser.add_argument("--profile", action="store_true", help="print where the staff search spends its CPU")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory() as var_dir, _fresh_database():
        _setup(var_dir)
        started = time.perf_counter()
        data = build(arguments.services, analyze=arguments.analyze)
        build_seconds = time.perf_counter() - started
        _run(arguments, data, build_seconds)


def _staff_query(filters) -> dict:
    """The staff search form's parameters (caseway/directory/forms.py) for a set of filters."""
    params = {}
    if "category" in filters:
        params["category"] = filters["category"]
    if "area" in filters:
        params["area"] = filters["area"].pcode
    if "language" in filters:
        params["language"] = filters["language"]
    if filters.get("open_now"):
        params["open_now"] = "1"
    return params


def _search_filters(filters) -> dict:
    """The same filters as ``search_services`` keyword arguments."""
    from django.utils import timezone

    keywords = {}
    if "category" in filters:
        keywords["category_codes"] = [filters["category"]]
    if "area" in filters:
        keywords["area"] = filters["area"]
    if "language" in filters:
        keywords["language"] = filters["language"]
    if filters.get("open_now"):
        keywords["open_now"] = timezone.now()
    return keywords


def _run(arguments, data, build_seconds):
    from django.db import connection
    from django.test import Client

    from caseway.directory.models import Service

    rng = random.Random(SEED + 1)
    repeat = arguments.repeat

    def filters(count):
        # A caseworker looks for a need (broad or precise) in a region or a district, in a language
        # spoken there (mostly): many combinations match a handful of services, some none.
        combos = []
        for _ in range(count + 3):
            area = rng.choice(data["regions"] if rng.random() < 0.5 else data["districts"])
            spoken = [code for code in LANGUAGES[area.pcode[:2]] if "-" not in code]
            combos.append(
                {
                    "category": rng.choice(data["top_codes"] if rng.random() < 0.5 else data["leaf_codes"]),
                    "area": area,
                    "language": rng.choice(spoken if rng.random() < 0.8 else data["languages"]),
                    "open_now": True,
                }
            )
        return combos

    staff, user = _signed_in_client("caseworker@hwn.demo.example.org")
    membership = user.memberships.get()
    anonymous = Client(HTTP_HOST="127.0.0.1")

    settings_note = ""
    if connection.vendor == "postgresql":  # settings.py turns JIT off for the site's connections
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            settings_note = f" (jit {cursor.fetchone()[0]})"
    print(f"database: {connection.vendor}{settings_note}; {Service.objects.count()} services; repeat {repeat}")
    print(f"built in {build_seconds:.1f} s: " + ", ".join(f"{name} {count}" for name, count in data["rows"].items()))
    print(f"import_admin_areas, {data['area_rows']} rows: {data['areas_seconds'] * 1000:.0f} ms")
    print(f"refresh_openings() of the bulk-created services: {data['openings_seconds'] * 1000:.0f} ms")

    print("load average (1, 5, 15 min) before the requests: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(f"machine speed before: {_calibration_ms():.1f} ms for a fixed Python workload (lower is faster)")
    results = []
    headline = filters(repeat)
    if _exists("/directory/"):
        paths = ["/directory/?" + urlencode(_staff_query(combo)) for combo in headline]
        results.append(_measure("staff search, 4 filters + open now", paths, staff, repeat))
        results.append(_measure("staff search, no filter", ["/directory/"] * (repeat + 3), staff, repeat))
    else:
        print("/directory/ is not built yet: measuring search_services() directly")
    results.append(
        _measure_function(
            "search_services() + page of 25 (no HTML)",
            [lambda combo=combo: _search_page(membership, _search_filters(combo)) for combo in headline],
            repeat,
        )
    )
    if _exists("/services/"):
        results.append(_measure("public directory /services/", ["/services/"] * (repeat + 3), anonymous, repeat))
        public_paths = [
            "/services/?" + urlencode({"category": combo["category"], "area": combo["area"].pcode})
            for combo in headline
        ]
        results.append(_measure("public directory, category + area", public_paths, anonymous, repeat))
    else:
        print("/services/ is not built yet")
    if _exists("/api/hsds/services"):
        results.append(
            _measure("HSDS /api/hsds/services page 1", ["/api/hsds/services"] * (repeat + 3), anonymous, repeat)
        )
        api_paths = [
            "/api/hsds/services?"
            + urlencode({"taxonomy_term_id": rng.choice(data["term_ids"]), "page": rng.randint(1, 3)})
            for _ in range(repeat + 3)
        ]
        results.append(_measure("HSDS /services?taxonomy_term_id&page", api_paths, anonymous, repeat))
    else:
        print("/api/hsds/services is not built yet")

    # CPU: this process's (thread's) CPU time per request, SQLite's work included, PostgreSQL's not.
    # On a shared machine it varies far less with the load than the server time does.
    print(f"\n{'what':<44} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50/p95':>12} {'queries':>8} {'gzip B':>8}  status")
    for row in results:
        flag = "" if row["p95"] <= TARGET_P95_MS else f"  (p95 over {TARGET_P95_MS} ms)"
        cpu = f"{row['cpu'][0]:.1f}/{row['cpu'][1]:.1f}"
        print(
            f"{row['label']:<44} {row['median']:>8.1f} {row['p95']:>8.1f} {cpu:>12} {row['queries']:>8}"
            f" {row['gzip']:>8}  {','.join(map(str, row['statuses']))}{flag}"
        )
    print("load average (1, 5, 15 min) after the requests: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(f"machine speed after: {_calibration_ms():.1f} ms for the same workload")
    print("\nexamples:")
    for row in results:
        print(f"  {row['label']}: {row['example']}")
    if arguments.profile and _exists("/directory/"):
        _profile(staff, ["/directory/?" + urlencode(_staff_query(combo)) for combo in headline])
    if arguments.explain:
        if _exists("/directory/"):
            path = "/directory/?" + urlencode(_staff_query(headline[0]))
            _phases(membership, urlencode(_staff_query(headline[0])))
            _explain(f"GET {path}", lambda: staff.get(path), connection.vendor)
        else:
            keywords = _search_filters(headline[0])
            _explain(f"search_services({keywords})", lambda: _search_page(membership, keywords), connection.vendor)


if __name__ == "__main__":
    main()
