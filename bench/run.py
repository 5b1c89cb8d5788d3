"""Timing bench: server-side response times and the audit chain's verify speed.

Runs in-process against a fresh SQLite database in a temporary directory (or PostgreSQL when
CASEWAY_DATABASE_URL is set), loaded with the demo network and N audit events. Prints medians
and 95th percentiles; docs/PERFORMANCE.md records the results. Never run it against real data.

    .venv/bin/python bench/run.py [--events 10000] [--repeat 50]
"""

import argparse
import gzip
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


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
        call_command("seed_demo", up_to="directory", stdout=quiet)


def _timed(function, repeat):
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=50)
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory() as var_dir:
        _setup(var_dir)
        from django.db import connection
        from django.test import Client
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from caseway import audit
        from caseway.accounts.models import User
        from caseway.audit.services import verify_chain

        admin = User.objects.get(email="admin@hwn.demo.example.org")
        monitor = User.objects.get(email="monitor@hwn.demo.example.org")
        organization = monitor.memberships.get().organization
        started = time.perf_counter()
        for _ in range(arguments.events):
            audit.record(admin, "bench.event_recorded", admin, fields=["field"], organization=organization)
        append_ms = (time.perf_counter() - started) * 1000 / arguments.events

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(monitor)
        session = client.session
        session["otp_device_id"] = TOTPDevice.objects.get(user=monitor).persistent_id
        session.save()
        anonymous = Client(HTTP_HOST="127.0.0.1")

        sizes = {}

        def get(c, path):
            def request():
                response = c.get(path)
                assert response.status_code == 200, (path, response.status_code)
                sizes[path] = len(gzip.compress(response.content, compresslevel=9))

            return request

        rows = [
            ("GET /healthz", get(anonymous, "/healthz")),
            ("GET /accounts/login/", get(anonymous, "/accounts/login/")),
            ("GET / (signed in)", get(client, "/")),
            (f"GET /audit/ ({arguments.events} events)", get(client, "/audit/")),
            ("GET /audit/?page=last", get(client, "/audit/?page=last")),
        ]
        print(f"database: {connection.vendor}; repeat {arguments.repeat}")
        print(f"{'what':<40} {'median ms':>10} {'p95 ms':>10} {'gzip B':>8}")
        for label, request in rows:
            median, p95 = _timed(request, arguments.repeat)
            path = label.split()[1]
            print(f"{label:<40} {median:>10.1f} {p95:>10.1f} {sizes.get(path, 0):>8}")
        print(f"{'audit.record (one event, own txn)':<40} {append_ms:>10.2f}")
        started = time.perf_counter()
        result = verify_chain()
        verify_s = time.perf_counter() - started
        print(f"{'audit_verify':<40} {verify_s * 1000:>10.0f} ms for {arguments.events} events ({result})")


if __name__ == "__main__":
    main()
