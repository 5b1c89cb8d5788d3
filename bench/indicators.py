"""Indicators bench: the full network dashboard (every indicator, one disaggregation) over 100,000
clients, read from snapshots and recomputed live.

Runs in-process against a fresh database, as bench/clients.py (whose builder it imports: the same
fictional clients and cases, the same seed, real encryption through the vault): SQLite in a
temporary directory, or, when CASEWAY_DATABASE_URL is set, a new PostgreSQL database created beside
the one it names and dropped afterwards (``--keep-database`` keeps the named one). On every case of
every organization it then bulk-creates, with real encryption under each client's data key, what
the indicators count: statistics consent for most clients (some refused, some revoked), closures
and last contacts, appointments with and without childcare, referrals answered (in time or late)
with their first service, case plans and goals, WHO-5, PHQ-9 and risk assessments (baseline and
follow-up), milestones (training, employment after closure), and legal matters with their stage
changes, deadlines and remedies.

It measures, for the last complete quarter, as a coordinator:

- ``queries.indicator_values(indicators=None, dimensions=("sex",), from_snapshot=True)`` after the
  snapshots were computed once (``services.snapshots_compute``), and the same by region (admin1);
- the same with ``from_snapshot=False`` (every measure recomputed in the database);
- the network dashboard page through the test client, when the dashboards' URLs exist
  (``indicators:network``).

Prints p50 and p95 and the build time. Never run it against real data; docs/PERFORMANCE.md
records the results.

    .venv/bin/python bench/indicators.py [--clients 100000] [--repeat 20] [--repeat-live 5] [--explain]
    CASEWAY_DATABASE_URL=postgres://postgres@127.0.0.1:5432/caseway_bench_indicators \
      .venv/bin/python bench/indicators.py
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import clients as clients_bench
from bench import referrals as referrals_bench

SEED = 20261130
TARGET_SNAPSHOT_P95_S = 1.0
TARGET_LIVE_P95_S = 10.0
BATCH = 2_000
STATISTICS_SHARE = 0.85  # clients who agreed to be counted (a few more refused or revoked later)
WHO5_BANDS = ()  # WHO-5 is read by score
PHQ9_BANDS = ("none_minimal", "mild", "moderate", "moderately_severe", "severe")
RISK_BANDS = ("low", "medium", "high", "imminent")


def _uuid(rng) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _keys(key_ids):
    """The clients' data keys, each unwrapped once (the encrypted fields then reuse the raw key)."""
    from caseway.vault.models import DataKey

    keys = DataKey.objects.in_bulk(list(key_ids))
    for key in keys.values():
        raw = key.unwrap()
        key.unwrap = lambda raw=raw: raw
    return keys


def _noon(day: datetime.date, rng) -> datetime.datetime:
    from django.utils import timezone

    time_of_day = datetime.time(rng.randint(8, 16), rng.choice([0, 30]))
    return timezone.make_aware(datetime.datetime.combine(day, time_of_day))


def _cases_and_consent(rng, now) -> dict:
    """Statistics consent for most clients; closures and last contacts on the cases (a few UPDATEs)."""
    from django.db import transaction
    from django.db.models import F

    from caseway.clients.models import Case, CaseStatus, Client, Consent, ConsentPurpose, ConsentWording, RiskLevel

    wording, _ = ConsentWording.objects.get_or_create(
        sha256="1" * 64,
        defaults={"purpose": ConsentPurpose.STATISTICS, "version": 98, "language": "en", "text": "Bench statistics."},
    )
    clients = list(Client.objects.values_list("pk", "registered_by_id", "created_at"))
    consents = []
    for client_id, organization_id, created_at in clients:
        roll = rng.random()
        if roll > STATISTICS_SHARE + 0.05:
            continue  # never asked
        granted = roll <= STATISTICS_SHARE
        revoked = granted and rng.random() < 0.02
        consents.append(
            Consent(
                client_id=client_id,
                purpose=ConsentPurpose.STATISTICS,
                granted=granted,
                recorded_by_organization_id=organization_id,
                method=Consent.Method.VERBAL,
                wording=wording,
                wording_sha256=wording.sha256,
                recorded_at=created_at,
                revoked_at=now - datetime.timedelta(days=rng.randint(1, 300)) if revoked else None,
            )
        )
    with transaction.atomic():
        Consent.objects.bulk_create(consents, batch_size=2000)
        # Closed cases closed some months after opening; open ones last seen some weeks after it:
        # the offset depends on the risk level and sensitivity, so cohorts spread over time.
        for number, risk in enumerate(RiskLevel.values):
            for sensitive, sensitivity in enumerate(Case.Sensitivity.values):
                closed_after = datetime.timedelta(days=60 + 70 * number + 45 * sensitive)
                seen_after = datetime.timedelta(days=[20, 95, 130, 60, 200][number] + 10 * sensitive)
                cases = Case.objects.filter(risk_level=risk, sensitivity=sensitivity)
                cases.filter(status=CaseStatus.CLOSED, opened_at__lt=now - closed_after).update(
                    closed_at=F("opened_at") + closed_after, last_contact_at=F("opened_at") + closed_after
                )
                cases.exclude(status=CaseStatus.CLOSED).filter(opened_at__lt=now - seen_after).update(
                    last_contact_at=F("opened_at") + seen_after
                )
    return {"statistics consents": len(consents)}


def build_work(rng, now) -> dict:
    """Appointments, referrals, plans and goals, assessments, milestones and legal matters on every case."""
    from django.db import transaction
    from django.utils import timezone

    from caseway.casework.models import Appointment, CasePlan, Domain, Goal, Milestone
    from caseway.clients import instruments
    from caseway.clients.assessment_services import instrument_row
    from caseway.clients.models import Assessment, Case, CaseStatus
    from caseway.legal.models import (
        Deadline,
        DeadlineRule,
        Jurisdiction,
        LegalMatter,
        MatterEvent,
        Remedy,
        Stage,
        StageChange,
    )
    from caseway.referrals.models import Outcome, Referral, ReferralEvent, Status

    today = timezone.localdate(now)
    rows = _cases_and_consent(rng, now)
    instrument = {code: instrument_row(instruments.load(code)) for code in ("who5", "phq9", "risk")}
    jurisdiction = Jurisdiction.objects.get(code="echr")
    rules = list(DeadlineRule.objects.filter(jurisdiction=jurisdiction))
    cases = list(
        Case.objects.order_by("pk").values_list(
            "pk", "organization_id", "client_id", "client__data_key_id", "status", "opened_at", "closed_at"
        )
    )
    organizations = sorted({row[1] for row in cases})
    planned = set(CasePlan.objects.values_list("case_id", flat=True))  # the demo's own plans
    # The cases opened at another organization by referral (bench/clients.py makes ~4 %): the referral
    # that led there, served or not, is the "received a service" path of clients_served.
    first_case = {}
    for pk, organization_id, client_id, *_rest in cases:
        first_case.setdefault(client_id, (pk, organization_id))
    names = ("appointments", "referrals", "referral events", "plans", "goals", "assessments", "milestones")
    names += ("matters", "stage changes", "deadlines", "remedies")
    rows |= dict.fromkeys(names, 0)
    started = time.perf_counter()

    def day_between(first: datetime.date, last: datetime.date) -> datetime.date:
        return first + datetime.timedelta(days=rng.randint(0, max((last - first).days, 0)))

    year_ago = today - datetime.timedelta(days=365)
    for start in range(0, len(cases), BATCH):
        batch = cases[start : start + BATCH]
        keys = _keys({row[3] for row in batch})
        made = {name: [] for name in names}
        for pk, organization_id, client_id, key_id, status, opened_at, closed_at in batch:
            key = keys[key_id]
            opened = timezone.localdate(opened_at)
            until = timezone.localdate(closed_at) if closed_at else today
            if until <= opened:
                until = opened + datetime.timedelta(days=1)
            active_from = max(opened, year_ago)
            # Appointments over the year: attended or missed, childcare asked for and provided or not.
            for _number in range(rng.choice([0, 1, 1, 2, 3])):
                if active_from >= until:
                    break
                starts = _noon(day_between(active_from, min(until, today)), rng)
                needed = rng.random() < 0.3
                made["appointments"].append(
                    Appointment(
                        id=_uuid(rng),
                        case_id=pk,
                        data_key=key,
                        kind=rng.choice(Appointment.Kind.values),
                        starts_at=starts,
                        ends_at=starts + datetime.timedelta(hours=1),
                        status=rng.choices(["attended", "no_show", "cancelled"], [75, 15, 10])[0]
                        if starts < now
                        else "scheduled",
                        childcare_needed=needed,
                        childcare_provided=needed and rng.random() < 0.6,
                    )
                )
            # Referrals sent from the client's first case: answered, in time or late; some served.
            first_pk, first_organization = first_case[client_id]
            if pk != first_pk:
                kinds = [("received", organization_id, pk)]
            else:
                kinds = [("sent", rng.choice(organizations), None)] if rng.random() < 0.25 else []
            for _kind, receiver, to_case in kinds:
                if receiver == first_organization:
                    continue
                sent = max(opened_at, now - datetime.timedelta(days=rng.randint(1, 540)))
                due = sent + datetime.timedelta(hours=72)
                answered = sent + datetime.timedelta(hours=rng.expovariate(1 / 40))
                roll = rng.random()
                if answered > now or roll < 0.05:
                    referral_status, answered = Status.SENT, None
                elif roll < 0.25:
                    referral_status = Status.DECLINED
                else:
                    referral_status = rng.choice([Status.ACCEPTED, Status.IN_SERVICE, Status.COMPLETED])
                served = None
                if referral_status in (Status.IN_SERVICE, Status.COMPLETED):
                    served = answered + datetime.timedelta(days=rng.randint(0, 30), hours=rng.randint(0, 23))
                    served = served if served < now else None
                closed = None
                if referral_status == Status.COMPLETED and served is not None:
                    closed = min(served + datetime.timedelta(days=rng.randint(1, 60)), now)
                referral = Referral(
                    id=_uuid(rng),
                    client_id=client_id,
                    from_case_id=first_pk,
                    from_organization_id=first_organization,
                    to_organization_id=receiver,
                    to_case_id=to_case,
                    status=referral_status,
                    data_key_id=key_id,
                    created_at=sent,
                    sent_at=sent,
                    due_at=due,
                    answered_at=answered,
                    closed_at=closed,
                    outcome=rng.choice([Outcome.SERVICE_PROVIDED, Outcome.PARTLY_PROVIDED]) if closed else "",
                )
                made["referrals"].append(referral)
                if served is not None:
                    made["referral events"].append(
                        ReferralEvent(
                            referral=referral,
                            from_status=Status.ACCEPTED,
                            to_status=Status.IN_SERVICE,
                            organization_id=receiver,
                            at=served,
                        )
                    )
            # A case plan with goals due over the year, half of them achieved.
            if pk not in planned and rng.random() < 0.5:
                plan = CasePlan(id=_uuid(rng), case_id=pk, data_key=key, created_at=opened_at)
                made["plans"].append(plan)
                for domain in rng.sample(Domain.values, rng.randint(1, 3)):
                    made["goals"].append(
                        Goal(
                            id=_uuid(rng),
                            plan=plan,
                            data_key=key,
                            domain=domain,
                            description="Bench goal: a specific step with a target date.",
                            target_date=day_between(max(opened, year_ago), today + datetime.timedelta(days=120)),
                            status=rng.choices(Goal.Status.values, [15, 30, 45, 10])[0],
                        )
                    )
            # Assessments: a baseline at intake, a follow-up or two later.
            if rng.random() < 0.35:
                for code in rng.sample(["who5", "phq9", "risk"], rng.randint(1, 3)):
                    when = opened_at + datetime.timedelta(hours=2)
                    for stage in ["baseline"] + ["follow_up"] * rng.randint(1, 2):
                        if stage == "follow_up":
                            when = when + datetime.timedelta(days=rng.randint(30, 200))
                            if when >= now:
                                break
                        score, band = None, ""
                        if code == "who5":
                            score = Decimal(rng.randrange(0, 101, 4))
                        elif code == "phq9":
                            band = rng.choice(PHQ9_BANDS)
                        else:
                            band = rng.choice(RISK_BANDS)
                        made["assessments"].append(
                            Assessment(
                                id=_uuid(rng),
                                client_id=client_id,
                                case_id=pk,
                                instrument=instrument[code],
                                stage=stage,
                                data_key=key,
                                answers={},
                                score=score,
                                band=band,
                                assessed_at=when,
                            )
                        )
            # Milestones: training (enrolled, often completed), employment after closure.
            if rng.random() < 0.15:
                enrolled = day_between(opened, until)
                made["milestones"].append(
                    Milestone(id=_uuid(rng), case_id=pk, kind=Milestone.Kind.TRAINING_ENROLLED, reached_on=enrolled)
                )
                if rng.random() < 0.6:
                    completed = min(enrolled + datetime.timedelta(days=rng.randint(20, 120)), today)
                    made["milestones"].append(
                        Milestone(
                            id=_uuid(rng), case_id=pk, kind=Milestone.Kind.TRAINING_COMPLETED, reached_on=completed
                        )
                    )
            if status == CaseStatus.CLOSED and closed_at and rng.random() < 0.35:
                made["milestones"].append(
                    Milestone(
                        id=_uuid(rng),
                        case_id=pk,
                        kind=rng.choice([Milestone.Kind.EMPLOYED, Milestone.Kind.BUSINESS_STARTED]),
                        reached_on=min(until + datetime.timedelta(days=rng.randint(0, 200)), today),
                    )
                )
            # Legal matters: a few per hundred cases, with their stages, deadlines and remedies.
            if rng.random() < 0.05:
                matter_opened = opened_at + datetime.timedelta(days=rng.randint(0, 60))
                if matter_opened >= now:
                    continue
                closes = matter_opened + datetime.timedelta(days=rng.randint(30, 400))
                is_closed = closes < now and rng.random() < 0.6
                matter = LegalMatter(
                    id=_uuid(rng),
                    client_id=client_id,
                    lead_case_id=pk,
                    lead_organization_id=organization_id,
                    jurisdiction=jurisdiction,
                    type=rng.choice(LegalMatter._meta.get_field("type").choices)[0],
                    data_key=key,
                    stage=Stage.CLOSED if is_closed else rng.choice([Stage.INTAKE, Stage.FILING, Stage.HEARING]),
                    opened_at=matter_opened,
                )
                made["matters"].append(matter)
                if is_closed:
                    made["stage changes"].append(
                        StageChange(matter=matter, stage=Stage.CLOSED, entered_on=timezone.localdate(closes))
                    )
                for _number in range(rng.randint(1, 3)):
                    rule = rng.choice(rules)
                    occurred = day_between(timezone.localdate(matter_opened), min(today, timezone.localdate(closes)))
                    event = MatterEvent(
                        id=_uuid(rng), matter=matter, trigger=rule.trigger, occurred_on=occurred, data_key=key
                    )
                    made["deadlines"].append(event)
                    due_on = occurred + datetime.timedelta(days=rng.randint(10, 90))
                    met = (due_on < today and rng.random() < 0.8) or rng.random() < 0.2
                    met_on = due_on + datetime.timedelta(days=rng.choice([-5, -2, 0, 0, 3])) if met else None
                    made["deadlines"].append(
                        Deadline(
                            id=_uuid(rng),
                            matter=matter,
                            event=event,
                            rule=rule,
                            due_on=due_on,
                            status=Deadline.Status.MET if met else Deadline.Status.OPEN,
                            met_on=min(met_on, today) if met_on else None,
                        )
                    )
                if rng.random() < 0.5:
                    sought = timezone.localdate(matter_opened)
                    decided = day_between(sought, today) if rng.random() < 0.6 else None
                    made["remedies"].append(
                        Remedy(
                            id=_uuid(rng),
                            matter=matter,
                            form=rng.choice(Remedy.Form.values),
                            data_key=key,
                            sought_on=sought,
                            status=rng.choice([Remedy.Status.OBTAINED, Remedy.Status.DENIED])
                            if decided
                            else Remedy.Status.SOUGHT,
                            decided_on=decided,
                        )
                    )
        events = [row for row in made["deadlines"] if isinstance(row, MatterEvent)]
        deadlines = [row for row in made["deadlines"] if isinstance(row, Deadline)]
        with transaction.atomic():
            Appointment.objects.bulk_create(made["appointments"], batch_size=1000)
            Referral.objects.bulk_create(made["referrals"], batch_size=1000)
            ReferralEvent.objects.bulk_create(made["referral events"], batch_size=1000)
            CasePlan.objects.bulk_create(made["plans"], batch_size=1000)
            Goal.objects.bulk_create(made["goals"], batch_size=1000)
            Assessment.objects.bulk_create(made["assessments"], batch_size=1000)
            Milestone.objects.bulk_create(made["milestones"], batch_size=1000)
            LegalMatter.objects.bulk_create(made["matters"], batch_size=1000)
            StageChange.objects.bulk_create(made["stage changes"], batch_size=1000)
            MatterEvent.objects.bulk_create(events, batch_size=1000)
            Deadline.objects.bulk_create(deadlines, batch_size=1000)
            Remedy.objects.bulk_create(made["remedies"], batch_size=1000)
        for name in names:
            rows[name] += len(deadlines if name == "deadlines" else made[name])
        done = start + len(batch)
        if done % 20_000 < BATCH:
            print(f"  work on {done} cases, {time.perf_counter() - started:.0f} s", flush=True)
    return rows


# ---------------------------------------------------------------------------------------------
# Measuring


def _percentiles(samples):
    samples = sorted(samples)
    return statistics.median(samples), samples[max(int(len(samples) * 0.95 + 0.5) - 1, 0)]


def _timed(label, call, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm-up: caches, statements, the connection
    samples = []
    for _number in range(repeat):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        result = call()
    median, p95 = _percentiles(samples)
    return {"label": label, "median": median, "p95": p95, "queries": len(queries.captured_queries), "result": result}


def _explain(call, vendor):
    """The slowest queries of one recomputation, with the database's plan for each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        call()
    ranked = sorted(queries.captured_queries, key=lambda query: float(query["time"]), reverse=True)
    print(f"\nSlowest queries of one recomputation ({len(ranked)} queries):")
    for query in ranked[:4]:
        print(f"\n--- {float(query['time']) * 1000:.1f} ms\n{query['sql'][:1500]}")
        if not query["sql"].lstrip().upper().startswith("SELECT"):
            continue
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        with connection.cursor() as cursor:
            cursor.execute(prefix + query["sql"], query.get("params") or None)
            for row in cursor.fetchall():
                print("   ", " | ".join(str(cell) for cell in row))


def _dashboard_url(period, dimension):
    from django.urls import NoReverseMatch, reverse

    for name in ("indicators:network", "indicators:dashboard_network", "indicators:network_dashboard"):
        try:
            return reverse(name) + f"?period={period.key}&by={dimension}"
        except NoReverseMatch:
            continue
    return None


def _measured(arguments, built_seconds, rows):
    from django.db import connection
    from django.utils import timezone

    from caseway.clients.models import Client, Consent, ConsentPurpose
    from caseway.indicators import queries, services
    from caseway.indicators.periods import Period, PeriodKind, Scope
    from caseway.orgs.models import Membership
    from caseway.orgs.permissions import Role

    now = timezone.now()
    period = Period.containing(PeriodKind.QUARTER, timezone.localdate(now)).previous()
    coordinator = Membership.objects.select_related("user", "organization").filter(role=Role.COORDINATOR).first()
    indicators = queries.current_indicators(on=period.end)
    counted = Consent.objects.filter(purpose=ConsentPurpose.STATISTICS, granted=True, revoked_at__isnull=True).count()
    print(
        f"database: {connection.vendor}; {Client.objects.count()} clients ({counted} counted in statistics), "
        f"period {period.key}, {len(indicators)} indicators, coordinator {coordinator.user.email}"
    )
    print(f"built in {built_seconds:.1f} s: " + ", ".join(f"{name} {value}" for name, value in rows.items()))
    print("load average (1, 5, 15 min) before timing: " + ", ".join(f"{value:.2f}" for value in os.getloadavg()))
    print(f"machine speed before: {referrals_bench._speed()} for a fixed Python workload (lower is faster)")

    started = time.perf_counter()
    written = services.snapshots_compute(
        periods=[period], scopes=[Scope.network()], dimension_sets=[(), ("sex",), ("admin1",)], now=now
    )
    snapshot_seconds = time.perf_counter() - started
    print(f"snapshots_compute ({period.key}, network, none/sex/admin1): {written} in {snapshot_seconds:.1f} s")

    def values(dimension, from_snapshot):
        def call():
            return queries.indicator_values(
                membership=coordinator,
                indicators=None,
                period=period,
                dimensions=(dimension,),
                from_snapshot=from_snapshot,
            )

        return call

    results = [
        _timed("indicator_values by sex, from snapshots", values("sex", True), arguments.repeat),
        _timed("indicator_values by admin1, from snapshots", values("admin1", True), arguments.repeat),
        _timed("indicator_values by sex, recomputed", values("sex", False), arguments.repeat_live),
        _timed("indicator_values by admin1, recomputed", values("admin1", False), arguments.repeat_live),
    ]
    url = _dashboard_url(period, "sex")
    if url:
        browser, _user = clients_bench._signed_in_client(coordinator.user.email)

        def page():
            response = browser.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        results.append(_timed(f"GET {url} (coordinator)", page, arguments.repeat))
    else:
        print("the network dashboard page is not wired (indicators:network): not measured")
    print(f"\n{'what':<48} {'p50 s':>8} {'p95 s':>8} {'queries':>8}  tables")
    for row in results:
        target = TARGET_LIVE_P95_S if "recomputed" in row["label"] else TARGET_SNAPSHOT_P95_S
        flag = "" if row["p95"] <= target else f"  (p95 over {target:g} s)"
        result = row["result"]
        tables = len(result) if isinstance(result, tuple) else "-"
        print(f"{row['label']:<48} {row['median']:>8.3f} {row['p95']:>8.3f} {row['queries']:>8}  {tables}{flag}")
    sample = results[0]["result"]
    suppressed = sum(1 for table in sample if table.any_suppressed)
    sources = {table.source for table in sample}
    print(f"\nby sex: {len(sample)} tables, {suppressed} with a hidden cell; sources {sorted(map(str, sources))}")
    for table in sample:
        print(f"  {table.code:<40} total {table.total.value!s:>10} ({table.total.numerator}/{table.total.denominator})")
    print("load average (1, 5, 15 min) at the end: " + ", ".join(f"{value:.2f}" for value in os.getloadavg()))
    print(f"machine speed after: {referrals_bench._speed()} for the same workload")
    if arguments.explain:
        _explain(values("sex", False), connection.vendor)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20, help="timed calls from snapshots (and of the page)")
    parser.add_argument("--repeat-live", type=int, default=5, help="timed recomputations")
    parser.add_argument("--explain", action="store_true", help="print the slowest queries of a recomputation")
    parser.add_argument("--var-dir", help="keep the demo keys (and the SQLite database) here and reuse them")
    parser.add_argument(
        "--keep-database",
        action="store_true",
        help="PostgreSQL: use the database CASEWAY_DATABASE_URL names and keep it (needs --var-dir for its keys)",
    )
    arguments = parser.parse_args()
    if arguments.keep_database and not arguments.var_dir:
        parser.error("--keep-database needs --var-dir: the kept clients are encrypted under the keys kept there")

    with tempfile.TemporaryDirectory() as scratch, clients_bench._fresh_database(keep=arguments.keep_database):
        var_dir = arguments.var_dir or scratch
        Path(var_dir).mkdir(parents=True, exist_ok=True)
        clients_bench._setup(var_dir)
        from django.utils import timezone

        started = time.perf_counter()
        data = clients_bench.build(arguments.clients)
        rows = dict(data["rows"])
        if rows["clients"]:  # a kept database (--var-dir) has its work already
            rows |= build_work(random.Random(SEED), timezone.now())
        clients_bench._analyze()
        _measured(arguments, time.perf_counter() - started, rows)


if __name__ == "__main__":
    main()
