"""Case management bench: the caseworker's home page, the supervisors' caseload and the case work
page, for a caseworker with 200 cases in a database of 100,000 cases.

Runs in-process against a fresh database, as bench/clients.py (whose builders it imports: the
same fictional clients and cases, the same seed): SQLite in a temporary directory, or, when
CASEWAY_DATABASE_URL is set, a new PostgreSQL database created beside the one it names and
dropped afterwards (``--keep-database`` keeps the named one). Then the work on the measured
organization's cases (HWN, about 30,000), bulk-created with real encryption under each client's
data key: plans (some returned, some waiting), tasks (some overdue, some due today), appointments
over two months (this week's and today's for the bench caseworker, with childcare and transport),
notes, alerts of the suicide-risk protocol, imminent risk and urgent health, and referrals received
from the other organizations (bench/referrals.py's ``build_inbox``: some new, some overdue). The
bench caseworker (caseworker@hwn) is given exactly 200 cases. Prints p50 and p95 server times of
requests through the whole middleware stack. Never run it against real data; docs/PERFORMANCE.md
records the results.

    .venv/bin/python bench/cases.py [--clients 100000] [--repeat 50] [--explain] [--var-dir DIR] [--pause-others]
    CASEWAY_DATABASE_URL=postgres://postgres@127.0.0.1:5432/caseway_bench_cases .venv/bin/python bench/cases.py
"""

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import clients as clients_bench
from bench import referrals as referrals_bench

SEED = 20261129
TARGET_P95_MS = 100
CASELOAD = 200  # cases of the bench caseworker
INBOX = 3_000  # referrals received by HWN over a year
BATCH = 2_000
# Other sessions on this machine pause their tests while this file exists (--pause-others).
PAUSE_FILE = Path("/tmp/bench-running")  # noqa: S108  (a fixed name the sessions agreed on)


# ---------------------------------------------------------------------------------------------
# The work on the cases


def _caseload(user, others, organization):
    """Exactly ``CASELOAD`` of the organization's cases for ``user`` (moved from or to ``others``)."""
    from caseway.clients.models import Case

    mine = list(Case.objects.filter(caseworker=user).order_by("pk").values_list("pk", flat=True))
    if len(mine) > CASELOAD:
        extra = mine[CASELOAD:]
        Case.objects.filter(pk__in=extra).update(caseworker_id=others[0])
    elif len(mine) < CASELOAD:
        more = list(
            Case.objects.filter(organization=organization)
            .exclude(caseworker=user)
            .order_by("pk")
            .values_list("pk", flat=True)[: CASELOAD - len(mine)]
        )
        Case.objects.filter(pk__in=more).update(caseworker=user)
    return list(Case.objects.filter(caseworker=user).select_related("client__data_key"))


def _keyed(case, keys):
    """The client's data key with its raw key cached (the encrypted fields unwrap it once per client)."""
    key = keys.get(case.client.data_key_id)
    if key is None:
        key = case.client.data_key
        raw = key.unwrap()
        key.unwrap = lambda raw=raw: raw
        keys[key.pk] = key
    return key


def _local(day, hour, minute=0):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def build_work(organization, user, rng, now) -> dict:
    """Plans, tasks, appointments, notes and alerts on ``organization``'s cases; ``user`` gets a full day."""
    from django.db import transaction

    from caseway.casework.models import Appointment, CaseNote, CasePlan, Domain, Goal, Task
    from caseway.clients.models import Case, CaseAlert, CaseStatus
    from caseway.orgs.models import Membership

    today = now.date()
    monday = today - datetime.timedelta(days=today.weekday())
    others = list(
        Membership.objects.filter(organization=organization, role="caseworker")
        .exclude(user=user)
        .values_list("user_id", flat=True)
    )
    mine = _caseload(user, others, organization)
    mine_ids = {case.pk for case in mine}
    rest = list(
        Case.objects.filter(organization=organization).exclude(pk__in=mine_ids).select_related("client__data_key")
    )
    planned = set(CasePlan.objects.values_list("case_id", flat=True))  # the demo's own plans
    rows = {"plans": 0, "goals": 0, "tasks": 0, "appointments": 0, "notes": 0, "alerts": 0}
    keys = {}
    started = time.perf_counter()
    cases = mine + rest
    for start in range(0, len(cases), BATCH):
        plans, goals, tasks, appointments, notes, alerts, contacts = [], [], [], [], [], [], []
        for case in cases[start : start + BATCH]:
            is_mine = case.pk in mine_ids
            worker = case.caseworker_id or user.pk
            key = _keyed(case, keys)
            open_case = case.status != CaseStatus.CLOSED
            if is_mine or rng.random() < 0.3:
                case.last_contact_at = now - datetime.timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23))
                contacts.append(case)
            plan = None
            if case.pk not in planned and rng.random() < (0.9 if is_mine else 0.6):
                status = rng.choices(CasePlan.Status.values, [30, 15, 45, 10])[0]
                plan = CasePlan(
                    id=uuid.UUID(int=rng.getrandbits(128), version=4),
                    case=case,
                    data_key=key,
                    status=status,
                    follow_up_days=rng.choice([7, 14, 14, 30]),
                    created_by_id=worker,
                    created_at=case.opened_at,
                    submitted_by_id=worker if status != CasePlan.Status.DRAFT else None,
                    submitted_at=now - datetime.timedelta(days=rng.randint(1, 90)) if status != "draft" else None,
                    decided_at=now - datetime.timedelta(days=rng.randint(0, 30))
                    if status in ("approved", "returned")
                    else None,
                )
                plans.append(plan)
                case.follow_up_days = plan.follow_up_days  # as plan_services keeps it
                for domain in rng.sample(Domain.values, rng.randint(1, 3)):
                    goals.append(
                        Goal(
                            id=uuid.UUID(int=rng.getrandbits(128), version=4),
                            plan=plan,
                            data_key=key,
                            domain=domain,
                            description="Bench goal: a specific step with a target date.",
                            target_date=today + datetime.timedelta(days=rng.randint(-30, 180)),
                            created_by_id=worker,
                        )
                    )
            for _number in range(rng.randint(2, 5) if is_mine else rng.choice([0, 0, 1, 2])):
                due = today + datetime.timedelta(days=rng.randint(-30, 30) if is_mine else rng.randint(-60, 60))
                done = rng.random() < 0.4
                tasks.append(
                    Task(
                        id=uuid.UUID(int=rng.getrandbits(128), version=4),
                        case=case,
                        data_key=key,
                        kind=rng.choices(Task.Kind.values, [80, 15, 5])[0],
                        title="Bench task: call the training centre.",
                        assignee_id=worker,
                        due_on=due,
                        done_at=now - datetime.timedelta(days=rng.randint(0, 30)) if done else None,
                        done_by_id=worker if done else None,
                        created_by_id=worker,
                    )
                )
            appointment_count = rng.randint(1, 3) if is_mine else rng.choice([0, 0, 1])
            for _number in range(appointment_count if open_case or not is_mine else 0):
                if is_mine and rng.random() < 0.5:  # this week, a few of them today
                    day = today if rng.random() < 0.15 else monday + datetime.timedelta(days=rng.randint(0, 6))
                else:
                    day = today + datetime.timedelta(days=rng.randint(-45, 45))
                starts = _local(day, rng.randint(8, 16), rng.choice([0, 30]))
                past = starts < now
                appointments.append(
                    Appointment(
                        id=uuid.UUID(int=rng.getrandbits(128), version=4),
                        case=case,
                        data_key=key,
                        kind=rng.choice(Appointment.Kind.values),
                        starts_at=starts,
                        ends_at=starts + datetime.timedelta(minutes=rng.choice([30, 60, 90])),
                        mode=rng.choices(Appointment.Mode.values, [70, 20, 10])[0],
                        place="Bench place: the office, room 2." if rng.random() < 0.5 else None,
                        staff_id=worker,
                        status=(
                            rng.choices(["attended", "no_show", "cancelled"], [80, 10, 10])[0]
                            if past
                            else rng.choices(["scheduled", "cancelled"], [92, 8])[0]
                        ),
                        childcare_needed=rng.random() < 0.3,
                        transport_needed=rng.random() < 0.4,
                        created_by_id=worker,
                    )
                )
            for _number in range(rng.randint(3, 8) if is_mine else rng.choice([0, 1, 2])):
                kind = rng.choice(CaseNote.Kind.values)
                notes.append(
                    CaseNote(
                        id=uuid.UUID(int=rng.getrandbits(128), version=4),
                        case=case,
                        data_key=key,
                        kind=kind,
                        confidentiality="supervisors"
                        if kind == "supervision"
                        else rng.choice(["case_team", "assigned"]),
                        text="Bench note: met at the office, talked about the next steps.",
                        author_id=worker,
                        written_at=now - datetime.timedelta(days=rng.randint(0, 365)),
                    )
                )
            if open_case and rng.random() < (0.05 if is_mine else 0.01):
                kind = rng.choice(
                    [CaseAlert.Kind.SUICIDE_RISK, CaseAlert.Kind.IMMINENT_RISK, CaseAlert.Kind.URGENT_HEALTH]
                )
                alerts.append(
                    CaseAlert(
                        case=case,
                        kind=kind,
                        audience=CaseAlert.Audience.CASEWORKER,
                        assigned_to_id=worker,
                        is_task=True,
                        due_at=now + datetime.timedelta(hours=rng.randint(-24, 24)),
                        created_at=now - datetime.timedelta(hours=rng.randint(1, 48)),
                    )
                )
        with transaction.atomic():
            CasePlan.objects.bulk_create(plans, batch_size=1000)
            Goal.objects.bulk_create(goals, batch_size=1000)
            Task.objects.bulk_create(tasks, batch_size=1000)
            Appointment.objects.bulk_create(appointments, batch_size=1000)
            CaseNote.objects.bulk_create(notes, batch_size=1000)
            CaseAlert.objects.bulk_create(alerts, batch_size=1000)
            Case.objects.bulk_update(contacts, ["last_contact_at"], batch_size=1000)
            Case.objects.bulk_update([plan.case for plan in plans], ["follow_up_days"], batch_size=1000)
        for name, batch in zip(rows, (plans, goals, tasks, appointments, notes, alerts), strict=True):
            rows[name] += len(batch)
        print(f"  work on {start + BATCH} cases, {time.perf_counter() - started:.0f} s", flush=True)
    return {"rows": rows, "mine": mine}


def build_referrals(organization, rng, now) -> int:
    """``INBOX`` referrals received by ``organization`` from the other organizations' cases."""
    from caseway.clients.models import Case

    senders = list(
        Case.objects.exclude(organization=organization).select_related("client").order_by("pk")[: INBOX // 4]
    )
    return referrals_bench.build_inbox(INBOX, senders, organization, rng, now)


# ---------------------------------------------------------------------------------------------
# Measuring


@contextmanager
def _pausing_others(enabled: bool):
    """While timing, ``PAUSE_FILE`` tells the other sessions to wait (after waiting for theirs)."""
    if not enabled:
        yield
        return
    while PAUSE_FILE.exists():
        print(f"waiting: {PAUSE_FILE} exists (another bench is timing)", flush=True)
        time.sleep(15)
    PAUSE_FILE.write_text(f"bench/cases.py pid {os.getpid()}\n")
    try:
        yield
    finally:
        PAUSE_FILE.unlink(missing_ok=True)


def _measured(arguments, data):
    from django.db import connection
    from django.urls import NoReverseMatch, reverse

    from caseway.casework.models import Appointment, CaseNote, Task
    from caseway.clients.models import Case

    rng = random.Random(SEED + 1)
    repeat = arguments.repeat
    count = repeat + 3
    caseworker, user = clients_bench._signed_in_client(clients_bench.BENCH_EMAIL)
    supervisor, _ = clients_bench._signed_in_client(clients_bench.SUPERVISOR_EMAIL)
    mine = data["mine"]
    print(
        f"database: {connection.vendor}; {Case.objects.count()} cases ({Case.objects.filter(caseworker=user).count()} "
        f"of {clients_bench.BENCH_EMAIL}); {Task.objects.count()} tasks, {Appointment.objects.count()} appointments, "
        f"{CaseNote.objects.count()} notes; repeat {repeat}"
    )
    print("load average (1, 5, 15 min) before timing: " + ", ".join(f"{value:.2f}" for value in os.getloadavg()))
    print(f"machine speed before: {referrals_bench._speed()} for a fixed Python workload (lower is faster)")
    measures = [
        ("GET / home, caseworker with 200 cases", ["/"] * count, caseworker),
        ("GET / home, supervisor", ["/"] * count, supervisor),
    ]
    try:
        caseload = reverse("casework:caseload")
        measures.append(("GET caseload, supervisor", [caseload] * count, supervisor))
        mine_url = reverse("casework:caseload_mine")
        measures.append(("GET my caseload, caseworker with 200 cases", [mine_url] * count, caseworker))
        worker_url = reverse("casework:caseload_worker", kwargs={"user_pk": user.pk})
        measures.append(("GET caseload of that caseworker, supervisor", [worker_url] * count, supervisor))
    except NoReverseMatch:
        print("the caseload page is not wired (casework:caseload): not measured")
    cases = [rng.choice(mine) for _ in range(count)]
    measures.append(
        (
            "GET case work page, caseworker",
            [reverse("casework:case", kwargs={"case_pk": case.pk}) for case in cases],
            caseworker,
        )
    )
    results = [clients_bench._measure(label, paths, client, repeat) for label, paths, client in measures]
    print(f"\n{'what':<44} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'gzip B':>8}  status")
    for row in results:
        flag = "" if row["p95"] <= TARGET_P95_MS else f"  (p95 over {TARGET_P95_MS} ms)"
        print(
            f"{row['label']:<44} {row['median']:>8.1f} {row['p95']:>8.1f} {row['queries']:>8} {row['gzip']:>8}"
            f"  {','.join(map(str, row['statuses']))}{flag}"
        )
    print("load average (1, 5, 15 min) at the end: " + ", ".join(f"{value:.2f}" for value in os.getloadavg()))
    print(f"machine speed after: {referrals_bench._speed()} for the same workload")
    if arguments.explain:
        clients = {id(caseworker): caseworker, id(supervisor): supervisor}
        for (label, paths, client), _row in zip(measures, results, strict=True):
            browser = clients[id(client)]
            clients_bench._explain(label, lambda path=paths[0], browser=browser: browser.get(path), connection.vendor)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000, help="clients (cases: about 4 % more)")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--explain", action="store_true", help="print the slowest queries and their plans")
    parser.add_argument("--var-dir", help="keep the demo keys (and the SQLite database) here and reuse them")
    parser.add_argument(
        "--keep-database",
        action="store_true",
        help="PostgreSQL: use the database CASEWAY_DATABASE_URL names and keep it (needs --var-dir for its keys)",
    )
    parser.add_argument(
        "--pause-others", action="store_true", help=f"create {PAUSE_FILE} while timing (other sessions wait)"
    )
    arguments = parser.parse_args()
    if arguments.keep_database and not arguments.var_dir:
        parser.error("--keep-database needs --var-dir: the kept clients are encrypted under the keys kept there")

    with tempfile.TemporaryDirectory() as scratch, clients_bench._fresh_database(keep=arguments.keep_database):
        var_dir = arguments.var_dir or scratch
        Path(var_dir).mkdir(parents=True, exist_ok=True)
        clients_bench._setup(var_dir)
        _run(arguments)


def _run(arguments):
    from django.utils import timezone

    from caseway.accounts.models import User

    started = time.perf_counter()
    data = clients_bench.build(arguments.clients)
    clients_seconds = time.perf_counter() - started
    hwn = data["hwn"]
    user = User.objects.get(email=clients_bench.BENCH_EMAIL)
    rng = random.Random(SEED)
    now = timezone.now()
    started = time.perf_counter()
    if not data["rows"]["clients"]:  # a kept database (--var-dir): its work is there already
        from caseway.clients.models import Case

        work = {"rows": {}, "mine": list(Case.objects.filter(caseworker=user))}
        received = 0
    else:
        work = build_work(hwn, user, rng, now)
        received = build_referrals(hwn, rng, now)
    clients_bench._analyze()
    print(
        f"built: clients and cases in {clients_seconds:.1f} s ("
        + ", ".join(f"{name} {value}" for name, value in data["rows"].items())
        + f"); work in {time.perf_counter() - started:.1f} s ("
        + ", ".join(f"{name} {value}" for name, value in work["rows"].items())
        + f", referrals received {received})"
    )
    with _pausing_others(arguments.pause_others):
        _measured(arguments, work)


if __name__ == "__main__":
    main()
