"""Referrals bench: matching a client's needs among 10,000 services; the inbox and outbox with 50,000 referrals.

Runs in-process against a fresh database: SQLite in a temporary directory, or, when
CASEWAY_DATABASE_URL is set, a new PostgreSQL database created beside the one it names and
dropped afterwards (the named database itself is never touched). Loads the demo network, builds
the directory bench's 10,000 services (``bench/directory.py``'s ``build``, the same seed), then
registers bench clients with open needs, languages and difficulties, and a referral history over
the last 180 days (the receiving organizations' record). Prints p50 and p95 of
``rank_services`` and of the match page through the whole middleware stack, each call for
another client. Then 50,000 referrals (``--inbox``) sent over a year from the bench
organization to one other organization, in every state (a few hundred awaiting an answer,
some overdue and escalated), and times that organization's inbox and the sender's outbox
through the whole stack: the first page, filters, a deep page. Never run it against real data;
docs/PERFORMANCE.md records the results.

    .venv/bin/python bench/referrals.py [--services 10000] [--clients 60] [--history 5000] [--inbox 50000]
                                        [--repeat 50] [--explain]
    CASEWAY_DATABASE_URL=postgres://postgres@127.0.0.1:5432/caseway_bench_referrals .venv/bin/python bench/referrals.py
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
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import directory as directory_bench  # noqa: E402  (after the path is set)

SEED = 20261129
TARGET_P95_MS = 50
BENCH_EMAIL = "caseworker@hwn.demo.example.org"
# The receiving organization of the inbox bench, and its two personas.
RECEIVER_CODE = "SPI"
RECEIVER_EMAILS = ("caseworker@spi.demo.example.org", "supervisor@spi.demo.example.org")
INBOX_CLIENTS = 500
NEED_DOMAINS = [
    "safety",
    "health",
    "mental_health",
    "legal",
    "housing",
    "childcare",
    "education",
    "livelihoods",
    "civil_documentation",
    "basic_needs",
]
DIFFICULTIES = ["seeing", "hearing", "walking", "cognition", "self_care", "communication"]


# ---------------------------------------------------------------------------------------------
# A database of our own


@contextmanager
def _fresh_database():
    """Points Django at a new, empty database for the duration of the bench (as bench/directory.py)."""
    url = os.environ.get("CASEWAY_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield "sqlite"
        return
    import psycopg

    parts = urlsplit(url)
    name = f"caseway_bench_referrals_{os.getpid()}"
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


# ---------------------------------------------------------------------------------------------
# Clients and a referral history


def build_clients(count: int, districts, rng) -> list:
    """``count`` clients of the bench caseworker's organization, each with 1–3 open needs."""
    from caseway.accounts.models import User
    from caseway.clients.models import AgeBand, Need, Sex
    from caseway.clients.services import client_register

    user = User.objects.get(email=BENCH_EMAIL)
    membership = user.memberships.select_related("organization").get()
    cases = []
    for _number in range(count):
        district = rng.choice(districts)
        country = district.pcode[:2]
        spoken = [code for code in directory_bench.LANGUAGES[country] if "-" not in code]
        case = client_register(
            actor=user,
            membership=membership,
            values={
                "sex": rng.choices([Sex.FEMALE, Sex.MALE, Sex.UNDISCLOSED], [75, 20, 5])[0],
                "age_band": rng.choice([AgeBand.AGE_18_24, AgeBand.AGE_25_59, AgeBand.AGE_25_59, AgeBand.AGE_12_17]),
                "admin_area": district,
                "languages": rng.sample(spoken, rng.randint(1, 2)),
                "has_disability": rng.random() < 0.2,
                "cares_for_children": rng.random() < 0.5,
            },
        )
        client = case.client
        if client.has_disability:
            client.disability_domains = rng.sample(DIFFICULTIES, rng.randint(1, 2))
            client.save(update_fields=["disability_domains"])
        for domain in rng.sample(NEED_DOMAINS, rng.randint(1, 3)):
            Need.objects.create(case=case, domain=domain, priority=rng.choice(["high", "medium", "low"]))
        cases.append(case)
    return membership, cases


def build_history(count: int, cases, rng, now) -> int:
    """``count`` referrals sent over the last 180 days to random organizations, in every state."""
    from caseway.orgs.models import Organization
    from caseway.referrals.models import Referral, Status

    organizations = list(Organization.objects.values_list("pk", flat=True))
    # Each organization answers in its own way: some accept nearly everything quickly, some not.
    habits = {pk: (rng.random(), rng.choice([1, 6, 20, 60, 200])) for pk in organizations}
    rows = []
    for _number in range(count):
        case = rng.choice(cases)
        receiver = rng.choice(organizations)
        accept_rate, typical_hours = habits[receiver]
        sent = now - datetime.timedelta(minutes=rng.randrange(180 * 24 * 60))
        due = sent + datetime.timedelta(hours=72)
        roll = rng.random()
        answered = None
        if roll < 0.1 and due > now:
            status = Status.SENT
        elif roll < 0.15:
            status = Status.SENT  # never answered: overdue once its deadline passed
        elif rng.random() < accept_rate:
            status = rng.choice([Status.ACCEPTED, Status.IN_SERVICE, Status.COMPLETED])
            answered = sent + datetime.timedelta(hours=rng.expovariate(1 / typical_hours))
        else:
            status = Status.DECLINED
            answered = sent + datetime.timedelta(hours=rng.expovariate(1 / typical_hours))
        rows.append(
            Referral(
                client_id=case.client_id,
                from_case=case,
                from_organization_id=case.organization_id,
                to_organization_id=receiver,
                status=status,
                data_key_id=case.client.data_key_id,
                created_at=sent,
                sent_at=sent,
                due_at=due,
                answered_at=answered if answered is None or answered < now else now,
            )
        )
    Referral.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def build_inbox(count: int, senders, receiver, rng, now) -> int:
    """``count`` referrals from ``senders`` (cases) to ``receiver`` over the last 365 days, as a
    busy organization's year looks: most finished, some in service, a few hundred awaiting an
    answer (the older ones overdue, escalated to the receiver's supervisors)."""
    from caseway.directory.models import Service
    from caseway.referrals.models import Referral, ReferralAlert, Status, Urgency

    services = list(Service.objects.filter(organization=receiver).values_list("pk", flat=True)[:20]) or [None]
    deadline = {Urgency.EMERGENCY: 2, Urgency.HIGH: 24, Urgency.NORMAL: 72}
    finished = (
        [Status.COMPLETED] * 5
        + [Status.DECLINED] * 2
        + [
            Status.CLOSED_UNSUCCESSFUL,
            Status.WITHDRAWN,
            Status.REVOKED,
        ]
    )
    rows, overdue = [], []
    for number in range(count):
        case = senders[number % len(senders)]
        urgency = rng.choices([Urgency.EMERGENCY, Urgency.HIGH, Urgency.NORMAL], [10, 30, 60])[0]
        roll = rng.random()
        if roll < 0.008:  # ~400 awaiting an answer, sent in the last week: the older ones overdue
            sent = now - datetime.timedelta(minutes=rng.randrange(7 * 24 * 60))
            status = rng.choice([Status.SENT, Status.VIEWED])
        else:
            sent = now - datetime.timedelta(minutes=rng.randrange(365 * 24 * 60))
            status = rng.choice([Status.ACCEPTED, Status.IN_SERVICE]) if roll < 0.1 else rng.choice(finished)
        due = sent + datetime.timedelta(hours=deadline[urgency])
        answered = None if status in (Status.SENT, Status.VIEWED) else min(sent + datetime.timedelta(hours=6), now)
        referral = Referral(
            client_id=case.client_id,
            from_case=case,
            from_organization_id=case.organization_id,
            to_organization=receiver,
            to_service_id=rng.choice(services),
            urgency=urgency,
            status=status,
            data_key_id=case.client.data_key_id,
            created_at=sent,
            sent_at=sent,
            due_at=due,
            answered_at=answered,
            closed_at=answered if status in finished else None,
        )
        if answered is None and due < now:
            referral.escalation_level, referral.escalated_at = 1, due
            overdue.append(referral)
        rows.append(referral)
    Referral.objects.bulk_create(rows, batch_size=1000)
    ReferralAlert.objects.bulk_create(
        [
            ReferralAlert(
                referral=referral,
                level=1,
                organization=receiver,
                audience=ReferralAlert.Audience.SUPERVISORS,
                created_at=referral.due_at,
            )
            for referral in overdue
        ],
        batch_size=1000,
    )
    return len(rows)


def build_senders(count: int, districts, rng) -> list:
    """``count`` more clients of the bench organization (only what a referral row needs)."""
    from caseway.accounts.models import User
    from caseway.clients.models import AgeBand, Sex
    from caseway.clients.services import client_register

    user = User.objects.get(email=BENCH_EMAIL)
    membership = user.memberships.select_related("organization").get()
    return [
        client_register(
            actor=user,
            membership=membership,
            values={
                "sex": rng.choice([Sex.FEMALE, Sex.MALE]),
                "age_band": rng.choice([AgeBand.AGE_18_24, AgeBand.AGE_25_59]),
                "admin_area": rng.choice(districts),
            },
        )
        for _number in range(count)
    ]


# ---------------------------------------------------------------------------------------------
# Measuring


def _percentiles(samples):
    samples = sorted(samples)
    return statistics.median(samples), samples[max(int(len(samples) * 0.95) - 1, 0)]


def _server_clock():
    """A reader of the PostgreSQL server process's CPU time (ms) for this connection, or None.

    The server runs on this machine: its /proc/<pid>/schedstat counts the nanoseconds the backend
    ran. Only for calls that keep the connection (a request through the stack closes it at the end).
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        path = Path(f"/proc/{cursor.fetchone()[0]}/schedstat")
    try:
        path.read_text()
    except OSError:
        return None
    return lambda: int(path.read_text().split()[0]) / 1e6


def _timed(label, calls, repeat, *, server=False):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for call in calls[:3]:  # warm-up: caches, connection, templates
        call()
    server_clock = _server_clock() if server else None
    samples, cpu, server_cpu, extra = [], [], [], []
    for call in calls[:repeat]:
        started_server = server_clock() if server_clock else 0
        started, started_cpu = time.perf_counter(), time.process_time()
        result = call()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        if server_clock:
            server_cpu.append(server_clock() - started_server)
        extra.append(result)
    with CaptureQueriesContext(connection) as queries:
        calls[0]()
    median, p95 = _percentiles(samples)
    cpu_median, cpu_p95 = _percentiles(cpu)
    return {
        "label": label,
        "median": median,
        "p95": p95,
        "cpu_median": cpu_median,
        "cpu_p95": cpu_p95,
        "server": _percentiles(server_cpu) if server_cpu else None,
        "queries": len(queries.captured_queries),
        "extra": extra,
    }


def _speed() -> str:
    """bench/directory.py's calibration (wall ms), and the CPU time of the same workload: on this
    shared virtual machine even CPU time grows under load (another guest's use of the core)."""
    started = time.process_time()
    wall = directory_bench._calibration_ms()
    return f"{wall:.1f} ms wall, {(time.process_time() - started) * 1000 / 9:.1f} ms CPU"


def _signed_in_client(user):
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return client


def _explain(membership, case):
    """The matching queries of one call, slowest first, with the database's plan of the slowest."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from caseway.referrals.matching import rank_services

    with CaptureQueriesContext(connection) as queries:
        rank_services(membership=membership, case=case)
    ranked = sorted(queries.captured_queries, key=lambda query: float(query["time"]), reverse=True)
    print(f"\nQueries of one rank_services() call ({len(ranked)}), slowest first:")
    for query in ranked:
        print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:110]}")
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    for query in ranked[:2]:
        print(f"\nPlan of the {float(query['time']) * 1000:.1f} ms query:")
        with connection.cursor() as cursor:
            cursor.execute(prefix + query["sql"])
            for row in cursor.fetchall():
                print("   ", " | ".join(str(cell) for cell in row))


def _time_boxes(sender, receivers, repeat) -> list[dict]:
    """The inbox and outbox pages through the whole stack, as each persona opens them."""
    from django.urls import reverse

    caseworker, supervisor = (_signed_in_client(user) for user in receivers)
    outbox_user = _signed_in_client(sender)
    inbox, outbox = reverse("referrals:inbox"), reverse("referrals:outbox")
    pages = [
        ("inbox, caseworker, first page", caseworker, inbox, ""),
        ("inbox, supervisor, first page", supervisor, inbox, ""),
        ("inbox, awaiting an answer", caseworker, inbox, "status=awaiting"),
        ("inbox, overdue", supervisor, inbox, "overdue=on"),
        ("inbox, emergency, not finished", caseworker, inbox, "urgency=emergency&status=open"),
        ("inbox, completed, page 40", caseworker, inbox, "status=completed&page=40"),
        ("inbox, page 1000 (the oldest)", caseworker, inbox, "page=1000"),
        ("outbox, sender, first page", outbox_user, outbox, ""),
        ("outbox, declined", outbox_user, outbox, "status=declined"),
    ]
    results = []
    for label, browser, path, query in pages:
        sizes = []

        def get(browser=browser, url=f"{path}?{query}" if query else path, sizes=sizes):
            response = browser.get(url)
            assert response.status_code == 200, (url, response.status_code)
            sizes.append(len(gzip.compress(response.content, compresslevel=9)))
            return response.status_code

        row = _timed(f"GET {label}", [get] * (repeat + 3), repeat)
        row["gzip"] = int(statistics.median(sizes))
        results.append(row)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=60)
    parser.add_argument("--history", type=int, default=5_000, help="past referrals (the organizations' record)")
    parser.add_argument("--inbox", type=int, default=50_000, help="referrals received by one organization")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--explain", action="store_true", help="print the matching queries and the slowest plans")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory() as var_dir, _fresh_database():
        directory_bench._setup(var_dir)
        started = time.perf_counter()
        data = directory_bench.build(arguments.services)
        directory_seconds = time.perf_counter() - started
        _run(arguments, data, directory_seconds)


def _run(arguments, data, directory_seconds):
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone

    from caseway.accounts.models import User
    from caseway.directory.models import Service
    from caseway.orgs.models import Organization
    from caseway.referrals.matching import rank_services
    from caseway.referrals.models import Referral

    rng = random.Random(SEED)
    now = timezone.now()
    started = time.perf_counter()
    membership, cases = build_clients(arguments.clients, data["districts"], rng)
    history = build_history(arguments.history, cases, rng, now)
    receiver = Organization.objects.get(acronym=RECEIVER_CODE)
    senders = build_senders(INBOX_CLIENTS, data["districts"], rng) if arguments.inbox else []
    inbox = build_inbox(arguments.inbox, senders, receiver, rng, now) if arguments.inbox else 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # As autovacuum would after a bulk load (as bench/clients.py): without the visibility
            # map an index-only scan still reads the table.
            cursor.execute("VACUUM (ANALYZE)")
    setup_seconds = time.perf_counter() - started

    print(f"database: {connection.vendor}; {Service.objects.count()} services; {Referral.objects.count()} referrals")
    print(
        f"directory built in {directory_seconds:.1f} s (matching facts of the services: "
        f"{data.get('facts_seconds', 0):.1f} s); {len(cases)} clients and {history} referrals, "
        f"{len(senders)} more clients and {inbox} referrals to {RECEIVER_CODE} in "
        f"{setup_seconds:.1f} s; repeat {arguments.repeat}"
    )

    print("load average (1, 5, 15 min) before timing: " + ", ".join(f"{value:.2f}" for value in os.getloadavg()))
    # The same machine-speed workload as bench/directory.py: only runs whose calibration agrees compare.
    print(f"machine speed before: {_speed()} for a fixed Python workload (lower is faster)")
    repeat = arguments.repeat
    order = [rng.choice(cases) for _ in range(repeat + 3)]
    results = []

    # --- Matching ---------------------------------------------------------------------------
    def match(case):
        return len(rank_services(membership=membership, case=case, limit=20))

    calls = [lambda c=c: match(c) for c in order]
    results.append(_timed("rank_services(), 20 best of 10,000", calls, repeat, server=True))

    page = _signed_in_client(membership.user)
    try:
        reverse("matching:match", kwargs={"case_pk": cases[0].pk})
        page_name = "matching:match"
    except Exception:  # the page is not wired in this checkout
        page_name = None
    if page_name:
        sizes = []

        def get(case):
            response = page.get(reverse(page_name, kwargs={"case_pk": case.pk}))
            assert response.status_code == 200, response.status_code
            sizes.append(len(gzip.compress(response.content, compresslevel=9)))
            return response.status_code

        row = _timed("GET /referrals/match/<case>/ (whole stack)", [lambda c=c: get(c) for c in order], repeat)
        row["gzip"] = int(statistics.median(sizes))
        results.append(row)
    else:
        print("the match page is not wired (caseway/urls.py): measuring rank_services() only")

    # --- Inbox and outbox ----------------------------------------------------------------------
    if arguments.inbox:
        results += _time_boxes(membership.user, [User.objects.get(email=e) for e in RECEIVER_EMAILS], repeat)

    # CPU: this process only (Python, and SQLite, which runs in it; not the PostgreSQL server).
    # db: the PostgreSQL server process's CPU for the same calls (rank_services only).
    print(
        f"\n{'what':<46} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'cpu p95':>8} {'queries':>8} {'gzip B':>8}"
        f" {'db p50':>8} {'db p95':>8}"
    )
    for row in results:
        flag = "" if row["p95"] <= TARGET_P95_MS else f"  (p95 over {TARGET_P95_MS} ms)"
        print(
            f"{row['label']:<46} {row['median']:>8.1f} {row['p95']:>8.1f} {row['cpu_median']:>8.1f}"
            f" {row['cpu_p95']:>8.1f} {row['queries']:>8} {row.get('gzip', 0):>8}"
            + (f" {row['server'][0]:>8.1f} {row['server'][1]:>8.1f}" if row["server"] else f" {'-':>8} {'-':>8}")
            + flag
        )
    print("load average (1, 5, 15 min) at the end: " + ", ".join(f"{value:.2f}" for value in os.getloadavg()))
    print(f"machine speed after: {_speed()} for the same workload")
    found = results[0]["extra"]  # rank_services: the number of services each call ranked
    print(f"\nmatches per call: median {statistics.median(found):.0f}, fewest {min(found)}")
    if arguments.explain:
        _explain(membership, order[0])


if __name__ == "__main__":
    main()
