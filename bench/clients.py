"""Clients bench: exact search by name, phone and code, and the caseworker's client list, over 100,000 clients.

Runs in-process against a fresh database: SQLite in a temporary directory, or, when
CASEWAY_DATABASE_URL is set, a new PostgreSQL database created beside the one it names and
dropped afterwards (the named database itself is never touched). Loads the demo network, then
bulk-creates fictional clients up to --clients with real encryption through the vault (a data
key of their own each, wrapped under the keyring; identity sealed by the encrypted fields) and
their blind indexes, spread over the demo organizations, with names in several scripts, a
realistic share of sensitive and referred cases, and many caseworkers. Prints p50 and p95
server times of requests through the whole middleware stack, each request for another client.
Never run it against real data; docs/PERFORMANCE.md records the results.

    .venv/bin/python bench/clients.py [--clients 100000] [--repeat 50] [--explain]
    CASEWAY_DATABASE_URL=postgres://postgres@127.0.0.1:5432/caseway_bench_clients .venv/bin/python bench/clients.py
"""

import argparse
import datetime
import gzip
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SEED = 20261129  # the same data on every run, so runs compare
TARGET_P95_MS = 50
BATCH = 2000
BENCH_EMAIL = "caseworker@hwn.demo.example.org"
SUPERVISOR_EMAIL = "supervisor@hwn.demo.example.org"
# Where clients are registered (demo organizations that do casework), and how many bench
# caseworkers each has besides the demo's own: a caseload of a few hundred each.
ORGANIZATIONS = {"HWN": (30, 60), "SPI": (25, 50), "RHC": (15, 30), "MSA": (10, 20), "BLC": (6, 12), "HCC": (6, 12)}
ORGANIZATIONS |= {"UFR": (5, 10), "GVC": (3, 6)}
BENCH_CASELOAD = 150  # cases of the bench caseworker (caseworker@hwn): "my cases"

# Names in several scripts and languages, most common first (a Zipf-like spread, as real names have).
NAMES = {
    "arabic": (
        40,
        "محمد فاطمة أحمد عائشة علي مريم حسن زينب عمر خديجة إبراهيم آمنة يوسف حليمة عبدالله سارة خالد نور "
        "مصطفى هدى إسماعيل رقية عثمان سلمى آدم حواء موسى ليلى صالح سعاد طه أسماء جمال رحمة بشير نفيسة",
        "أحمد محمد علي حسن عبدالرحمن إبراهيم عثمان آدم يوسف موسى صالح عمر الطيب بشير إدريس حامد النور "
        "عبدالله الحسن مصطفى خليل سليمان إسماعيل جبريل هارون الأمين بابكر يعقوب داود حمدان",
    ),
    "sahel_french": (
        20,
        "Fatimé Mahamat Achta Abakar Hawa Moussa Zara Idriss Khadidja Brahim Halimé Djibrine Amina Saleh Mariam "
        "Oumar Aïcha Youssouf Hadjé Adoum Néné Abdelkerim Zénaba Haroun Ramatou Ousmane Clarisse Didier",
        "Mahamat Abakar Moussa Djibrine Saleh Adoum Haroun Brahim Idriss Oumar Youssouf Hassane Ngarlem "
        "Nodjitoloum Béchir Dingamadji Koumaye Ndoubabé Tchéré Allamine Djimadoum Ngaba",
    ),
    "somali": (
        12,
        "Faadumo Maxamed Xaliimo Cabdi Hodan Axmed Sahra Cali Hawo Xasan Ubah Yuusuf Deeqa Cumar Ayaan Ismaaciil "
        "Nimco Abdirahman Sagal Mohamud",
        "Maxamed Cabdi Axmed Cali Xasan Yuusuf Cumar Ismaaciil Warsame Jaamac Faarax Aadan Nuur Xuseen Rooble",
    ),
    "tigrinya": (
        10,
        "ሚኪኤል ሰላም ዮሃንስ ሄለን ተስፋይ ሳባ ገብረ ሩት ዳዊት ብርኽቲ ኣብርሃም ፅጌ ሙሴ ለተብርሃን ሃብተ ኣስቴር",
        "ገብረሚካኤል ተኽለ ሃይለ ወልደ ኪዳነ ተስፋጽዮን ገብረሂወት በርሀ ሃብተማርያም ዘርኣይ ተወልደ",
    ),
    "hausa": (
        10,
        "Hauwa Musa Zainab Abubakar Aisha Ibrahim Hadiza Usman Maryam Sani Binta Yusuf Safiya Bello Rakiya Garba",
        "Musa Abubakar Ibrahim Usman Sani Bello Garba Aliyu Danjuma Lawal Haruna Shehu Tanko Yakubu",
    ),
    "english": (
        8,
        "Grace John Mary James Esther Peter Ruth David Joy Samuel Mercy Daniel Faith Joseph Sarah Paul",
        "Deng Garang Akol Lado Wani Taban Lemi Okello Opio Achieng Mayen Kuol Majok Aguer",
    ),
}
COUNTRY_CODES = {"XA": "235", "XB": "249"}
MATCHES = re.compile(r'<p role="status">([\d,]+) cases?\.')


# ---------------------------------------------------------------------------------------------
# A database of our own


@contextmanager
def _fresh_database(keep: bool = False):
    """Points Django at a new, empty database for the duration of the bench.

    With ``keep`` (PostgreSQL), the database the URL names is used instead, created if missing and
    never dropped, so a later run with the same --var-dir (which holds the demo keys) reuses it.
    """
    url = os.environ.get("CASEWAY_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield "sqlite"
        return
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") if keep else f"caseway_bench_clients_{os.getpid()}"
    # CREATE and DROP DATABASE from the server's maintenance database: the database the URL names
    # need not exist, and is never dropped.
    admin_dsn = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["CASEWAY_DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    try:
        yield "postgresql"
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
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
    from caseway.orgs.models import Organization

    if Organization.objects.exists():
        # A database kept with --var-dir: seeded before the bench rows went in. Seeding again would
        # "complete" the demo over 100,000 bench clients (a case plan for each, for a start).
        return
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)


# ---------------------------------------------------------------------------------------------
# 100,000 clients


def _zipf(pool, exponent=1.0):
    return pool, [1 / (rank + 1) ** exponent for rank in range(len(pool))]


class People:
    """Fictional people, drawn with the same seed on every run."""

    def __init__(self, rng):
        self.rng = rng
        self.cultures = list(NAMES)
        self.culture_weights = [NAMES[culture][0] for culture in self.cultures]
        self.given = {culture: _zipf(NAMES[culture][1].split()) for culture in self.cultures}
        self.family = {culture: _zipf(NAMES[culture][2].split(), 0.8) for culture in self.cultures}
        self.codes = set()
        self.phones = set()

    def code(self) -> str:
        from caseway.clients import codes

        while True:
            payload = "".join(self.rng.choice(codes.ALPHABET) for _ in range(codes.PAYLOAD_LENGTH))
            code = f"{payload[:5]}-{payload[5:]}{codes.check_character(payload)}"
            if code not in self.codes:
                self.codes.add(code)
                return code

    def phone(self, country: str) -> str:
        while True:
            digits = f"{self.rng.choice('6789')}{self.rng.randrange(10_000_000):07d}"
            if digits not in self.phones:
                self.phones.add(digits)
                return f"+{COUNTRY_CODES[country]} {digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}"

    def person(self, country: str) -> dict:
        rng = self.rng
        culture = rng.choices(self.cultures, self.culture_weights)[0]
        given = rng.choices(*self.given[culture])[0]
        if rng.random() < 0.15:  # a second given name, or a father's name before the family name
            given = f"{given} {rng.choices(*self.given[culture])[0]}"
        family = rng.choices(*self.family[culture])[0]
        born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 58))
        return {
            "given_name": given,
            "family_name": family,
            "aliases": [rng.choices(*self.given[culture])[0]] if rng.random() < 0.1 else None,
            "birth_date": born.isoformat() if rng.random() < 0.8 else None,
            "phone": self.phone(country) if rng.random() < 0.7 else None,
        }


def _age_band(birth_date):
    from caseway.clients.models import AgeBand

    if not birth_date:
        return AgeBand.AGE_25_59
    born = datetime.date.fromisoformat(birth_date)
    return AgeBand.for_age((datetime.date(2026, 11, 29) - born).days // 365)


def _bench_caseworkers(organizations):
    """Extra caseworkers per organization (bulk: one password hash, no second factor; never signed in)."""
    from django.contrib.auth.hashers import make_password

    from caseway.accounts.models import User
    from caseway.orgs.models import Membership
    from caseway.orgs.permissions import Role

    unusable = make_password(None)
    users, memberships = [], []
    for acronym, (_share, count) in ORGANIZATIONS.items():
        for number in range(count):
            user = User(email=f"bench.caseworker.{number}@{acronym.lower()}.bench.example.org", password=unusable)
            users.append((acronym, user))
    User.objects.bulk_create([user for _acronym, user in users], batch_size=1000)
    created = {user.email: user for user in User.objects.filter(email__endswith=".bench.example.org")}
    for acronym, user in users:
        memberships.append(
            Membership(user=created[user.email], organization=organizations[acronym], role=Role.CASEWORKER)
        )
    Membership.objects.bulk_create(memberships, batch_size=1000)
    staff = {acronym: [] for acronym in ORGANIZATIONS}
    for acronym, user in users:
        staff[acronym].append(created[user.email].pk)
    return staff


def build(total: int) -> dict:
    """Adds clients until there are ``total``; returns what the requests pick their values from."""
    from django.db import transaction

    from caseway.accounts.models import User
    from caseway.clients import indexing
    from caseway.clients.models import (
        Case,
        CaseStatus,
        Client,
        ClientIndex,
        Consent,
        ConsentPurpose,
        ConsentWording,
        DataCategory,
        DisplacementStatus,
        RiskLevel,
        Sex,
    )
    from caseway.directory.models import AdminArea
    from caseway.lib.crypto import Keyring, generate_data_key, wrap_data_key
    from caseway.orgs.models import Organization
    from caseway.vault.models import DataKey

    rng = random.Random(SEED)
    people = People(rng)
    keyring = Keyring.from_settings()
    organizations = {org.acronym: org for org in Organization.objects.filter(acronym__in=list(ORGANIZATIONS))}
    acronyms = list(ORGANIZATIONS)
    shares = [ORGANIZATIONS[acronym][0] for acronym in acronyms]
    areas = {
        country: list(AdminArea.objects.filter(level=AdminArea.Level.ADMIN2, pcode__startswith=country))
        for country in ("XA", "XB")
    }
    areas = {country: found or list(AdminArea.objects.filter(level=2)) for country, found in areas.items()}
    bench_user = User.objects.get(email=BENCH_EMAIL)
    supervisor = User.objects.get(email=SUPERVISOR_EMAIL)
    wording, _ = ConsentWording.objects.get_or_create(
        sha256="0" * 64,
        defaults={"purpose": ConsentPurpose.SHARING, "version": 99, "language": "en", "text": "Bench wording."},
    )
    started = time.perf_counter()
    hwn = organizations["HWN"]
    rows = {"data keys": 0, "clients": 0, "indexes": 0, "cases": 0, "consents": 0}
    missing = total - Client.objects.count()
    if missing <= 0:  # a database kept with --var-dir: measure it as it is
        _analyze()
        return {"rows": rows, "hwn": hwn}
    staff = _bench_caseworkers(organizations)
    mine_left = BENCH_CASELOAD
    for start in range(0, missing, BATCH):
        keys, clients, indexes, cases, consents = [], [], [], [], []
        for _ in range(min(BATCH, missing - start)):
            acronym = rng.choices(acronyms, shares)[0]
            organization = organizations[acronym]
            person = people.person(organization.country)
            raw = generate_data_key()
            key_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            key = DataKey(
                id=key_id,
                wrapped_key=wrap_data_key(keyring, raw, key_id=str(key_id)),
                kek_version=keyring.current_version,
            )
            # The encrypted fields unwrap the data key to seal each value: hand them the raw key
            # we just made rather than unwrap it again for every field of every client.
            key.unwrap = lambda raw=raw: raw
            keys.append(key)
            client = Client(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                code=people.code(),
                data_key=key,
                registered_by=organization,
                sex=rng.choices([Sex.FEMALE, Sex.MALE, Sex.OTHER, Sex.UNDISCLOSED], [70, 26, 1, 3])[0],
                age_band=_age_band(person["birth_date"]),
                admin_area=rng.choice(areas[organization.country]),
                displacement_status=rng.choice(DisplacementStatus.values),
                has_disability=rng.choice([None, False, False, True]),
                languages=rng.sample(["ar", "fr", "en", "ha", "so", "ti"], rng.randint(1, 2)),
                created_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
                + datetime.timedelta(minutes=rng.randrange(1_500_000)),
                **person,
            )
            clients.append(client)
            for purpose, digest in indexing.identity_digests(
                given_name=person["given_name"],
                family_name=person["family_name"],
                aliases=person["aliases"] or (),
                birth_date=person["birth_date"],
                phone=person["phone"] or "",
            ):
                indexes.append(ClientIndex(client=client, purpose=purpose, digest=digest))
            if acronym == "HWN" and mine_left and rng.random() < 0.02:
                caseworker_id, mine_left = bench_user.pk, mine_left - 1
            else:
                caseworker_id = rng.choice(staff[acronym])
            case = Case(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                organization=organization,
                client=client,
                status=rng.choices(CaseStatus.values, [20, 45, 8, 2, 25])[0],
                sensitivity=rng.choices(list(Case.Sensitivity.values), [85, 15])[0],
                caseworker_id=caseworker_id,
                supervisor_id=supervisor.pk if acronym == "HWN" and rng.random() < 0.3 else None,
                risk_level=rng.choices(RiskLevel.values, [40, 25, 20, 12, 3])[0],
                opened_at=client.created_at,
            )
            cases.append(case)
            if rng.random() < 0.04:  # referred to another organization, which sees what was shared
                other = organizations[rng.choice([name for name in acronyms if name != acronym])]
                cases.append(
                    Case(
                        id=uuid.UUID(int=rng.getrandbits(128), version=4),
                        organization=other,
                        client=client,
                        origin=Case.Origin.REFERRAL,
                        sensitivity=case.sensitivity,
                        caseworker_id=rng.choice(staff[other.acronym]),
                        opened_at=client.created_at + datetime.timedelta(days=rng.randint(1, 60)),
                    )
                )
                if rng.random() < 0.7:
                    consents.append(
                        Consent(
                            client=client,
                            purpose=ConsentPurpose.SHARING,
                            recorded_by_organization=organization,
                            recipient=other,
                            categories=rng.choice(
                                [[DataCategory.IDENTITY], [DataCategory.IDENTITY, DataCategory.CONTACT], ["needs"]]
                            ),
                            method=Consent.Method.VERBAL,
                            wording=wording,
                            wording_sha256=wording.sha256,
                            recorded_at=client.created_at + datetime.timedelta(days=1),
                        )
                    )
        with transaction.atomic():
            DataKey.objects.bulk_create(keys, batch_size=1000)
            Client.objects.bulk_create(clients, batch_size=1000)
            ClientIndex.objects.bulk_create(indexes, batch_size=2000)
            Case.objects.bulk_create(cases, batch_size=1000)
            Consent.objects.bulk_create(consents, batch_size=1000)
        for name, batch in zip(rows, (keys, clients, indexes, cases, consents), strict=True):
            rows[name] += len(batch)
        done = start + len(clients)
        if done % 20_000 < BATCH:
            print(f"  {done} clients, {time.perf_counter() - started:.0f} s", flush=True)
    _analyze()
    return {"rows": rows, "hwn": hwn}


def _analyze():
    """The planner's view as production has it after a load.

    PostgreSQL's autovacuum both analyzes and vacuums a table soon after many inserts (since
    version 13 inserts alone trigger it); the vacuum sets the visibility map, without which no
    index-only scan pays off. Nothing in Caseway analyzes SQLite, so it is left without statistics.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")


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


def _percentiles(samples):
    samples = sorted(samples)
    return statistics.median(samples), samples[max(int(len(samples) * 0.95) - 1, 0)]


def _measure(label, paths, client, repeat):
    """Times GET of each path in turn (``repeat`` requests, each for another client), after a warm-up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    statuses, sizes, counts = set(), [], []
    for path in paths[:3]:  # warm-up: templates, URL resolver, connection
        client.get(path)
    samples = []
    for path in paths[3 : repeat + 3]:
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        statuses.add(response.status_code)
        sizes.append(len(gzip.compress(response.content, compresslevel=9)))
        found = MATCHES.search(response.content.decode())
        counts.append(int(found.group(1).replace(",", "")) if found else 0)
    with CaptureQueriesContext(connection) as queries:
        client.get(paths[0])
    median, p95 = _percentiles(samples)
    return {
        "label": label,
        "median": median,
        "p95": p95,
        "statuses": sorted(statuses),
        "gzip": int(statistics.median(sizes)),
        "queries": len(queries.captured_queries),
        "results": statistics.median(counts),
        "example": paths[0],
    }


def _explain(what, run, vendor):
    """The slowest queries of one request, with the database's plan for each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        run()
    ranked = sorted(queries.captured_queries, key=lambda query: float(query["time"]), reverse=True)
    print(f"\nSlowest queries of {what} ({len(ranked)} queries):")
    for query in ranked[:3]:
        print(f"\n--- {float(query['time']) * 1000:.1f} ms\n{query['sql'][:2000]}")
        if not query["sql"].lstrip().upper().startswith("SELECT"):
            continue
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        with connection.cursor() as cursor:
            cursor.execute(prefix + query["sql"])
            for row in cursor.fetchall():
                print("   ", " | ".join(str(cell) for cell in row))


def _spaced(code: str, rng) -> str:
    compact = code.replace("-", "").lower()
    return rng.choice([code.lower(), compact, " ".join([compact[:3], compact[3:6], compact[6:]]), code])


def _phone_variant(phone: str, rng) -> str:
    digits = phone.replace(" ", "")
    local = digits[4:]
    return rng.choice([phone, digits, local, f"0{local[:3]} {local[3:]}", f"00{digits[1:]}"])


def _name_variant(person, rng) -> str:
    words = f"{person['given_name']} {person['family_name']}".split()
    if rng.random() < 0.5:
        words.reverse()
    text = " ".join(words)
    return text.lower() if rng.random() < 0.5 else text


def _samples(organization, count, rng):
    """Clients of ``organization`` the requests look up, read back through the vault like a page would."""
    from caseway.clients.models import Case

    ids = list(Case.objects.filter(organization=organization).values_list("pk", flat=True))
    picked = Case.objects.select_related("client__data_key").filter(pk__in=rng.sample(ids, min(count, len(ids))))
    return [
        (
            case,
            {"given_name": case.client.given_name, "family_name": case.client.family_name, "phone": case.client.phone},
        )
        for case in picked
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--explain", action="store_true", help="print the slowest queries and their plans")
    parser.add_argument(
        "--var-dir",
        help="keep the demo keys (and the SQLite database) in this directory and reuse them on the next run",
    )
    parser.add_argument(
        "--keep-database",
        action="store_true",
        help="PostgreSQL: use the database CASEWAY_DATABASE_URL names and keep it (needs --var-dir for its keys)",
    )
    arguments = parser.parse_args()
    if arguments.keep_database and not arguments.var_dir:
        parser.error("--keep-database needs --var-dir: the kept clients are encrypted under the keys kept there")

    with tempfile.TemporaryDirectory() as scratch, _fresh_database(keep=arguments.keep_database):
        var_dir = arguments.var_dir or scratch
        Path(var_dir).mkdir(parents=True, exist_ok=True)
        _setup(var_dir)
        started = time.perf_counter()
        data = build(arguments.clients)
        build_seconds = time.perf_counter() - started
        _run(arguments, data, build_seconds)


def _run(arguments, data, build_seconds):
    from django.db import connection

    from caseway.clients.models import Case, Client, ClientIndex

    rng = random.Random(SEED + 1)
    repeat = arguments.repeat
    count = repeat + 3
    staff, user = _signed_in_client(BENCH_EMAIL)
    supervisor, _ = _signed_in_client(SUPERVISOR_EMAIL)
    hwn = data["hwn"]
    print(
        f"database: {connection.vendor}; {Client.objects.count()} clients, {Case.objects.count()} cases "
        f"({Case.objects.filter(organization=hwn).count()} at HWN, {Case.objects.filter(caseworker=user).count()} "
        f"of {BENCH_EMAIL}), {ClientIndex.objects.count()} index rows; repeat {repeat}"
    )
    print(f"built in {build_seconds:.1f} s: " + ", ".join(f"{name} {value}" for name, value in data["rows"].items()))

    samples = _samples(hwn, 4 * count, rng)
    picked = [rng.choice(samples) for _ in range(count)]
    with_phone = [pair for pair in samples if pair[1]["phone"]]
    common = NAMES["arabic"][1].split()[:3] + NAMES["sahel_french"][1].split()[:3] + NAMES["somali"][1].split()[:2]

    def url(**params):
        return "/clients/?" + urlencode(params)

    results = [
        # The same page as docs/PERFORMANCE.md's first table: how loaded the machine is right now.
        _measure("reference: GET / signed in (home)", ["/"] * count, staff, repeat),
        _measure("list, caseworker (all the organization's)", [url()] * count, staff, repeat),
        _measure("list, my cases", [url(mine="on")] * count, staff, repeat),
        _measure(
            "list, random page 1–200",
            [url(page=rng.randint(1, 200)) for _ in range(count)],
            staff,
            repeat,
        ),
        _measure(
            "list, not closed + high risk",
            [url(status="active", risk="high", page=rng.randint(1, 5)) for _ in range(count)],
            staff,
            repeat,
        ),
        _measure(
            "search by full name (any order, case)",
            [url(q=_name_variant(person, rng)) for _case, person in picked],
            staff,
            repeat,
        ),
        _measure(
            "search by one common given name",
            [url(q=rng.choice(common)) for _ in range(count)],
            staff,
            repeat,
        ),
        _measure(
            "search by phone (formats vary)",
            [url(q=_phone_variant(rng.choice(with_phone)[1]["phone"], rng)) for _ in range(count)],
            staff,
            repeat,
        ),
        _measure(
            "search by code (lower case, spaces)",
            [url(q=_spaced(case.client.code, rng)) for case, _person in picked],
            staff,
            repeat,
        ),
        _measure(
            "supervisor: search by full name",
            [url(q=_name_variant(person, rng)) for _case, person in picked],
            supervisor,
            repeat,
        ),
        _measure("supervisor: list", [url()] * count, supervisor, repeat),
    ]
    print(f"\n{'what':<44} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'gzip B':>8} {'matches':>8}  status")
    for row in results:
        flag = "" if row["p95"] <= TARGET_P95_MS else f"  (p95 over {TARGET_P95_MS} ms)"
        print(
            f"{row['label']:<44} {row['median']:>8.1f} {row['p95']:>8.1f} {row['queries']:>8} {row['gzip']:>8}"
            f" {row['results']:>8.0f}  {','.join(map(str, row['statuses']))}{flag}"
        )
    print("\nexamples:")
    for row in results:
        print(f"  {row['label']}: {row['example']}")
    if arguments.explain:
        for row in results[1:]:
            _explain(f"GET {row['example']}", lambda path=row["example"]: staff.get(path), connection.vendor)


if __name__ == "__main__":
    main()
