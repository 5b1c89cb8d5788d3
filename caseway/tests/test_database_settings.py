"""Database settings: SQLite is durable and queues writers; PostgreSQL comes from a URL."""

import importlib.util
import json
import os

import pytest
from django.conf import settings

from caseway.tests.production import run_python

PROBE = """
import json, os, sqlite3
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseway.settings")
django.setup()
from django.conf import settings
from django.db import connection, transaction

facts = {"options": settings.DATABASES["default"]["OPTIONS"]}
with connection.cursor() as cursor:
    for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout"):
        cursor.execute(f"PRAGMA {name}")
        facts[name] = cursor.fetchone()[0]

# IMMEDIATE: the write lock is taken at BEGIN, before anything is written.
other = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=0, isolation_level=None)
with transaction.atomic():
    connection.cursor().execute("SELECT 1")
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        facts["second_writer_locked_out"] = False
    except sqlite3.OperationalError:
        facts["second_writer_locked_out"] = True
print(json.dumps(facts))
"""


def _load_settings_module(monkeypatch, database_url):
    """Executes settings.py afresh with another CASEWAY_DATABASE_URL (Django's own settings stay untouched)."""
    monkeypatch.setenv("CASEWAY_DATABASE_URL", database_url)
    monkeypatch.delenv("CASEWAY_SQLITE_BUSY_TIMEOUT", raising=False)
    spec = importlib.util.spec_from_file_location("caseway_settings_probe", settings.BASE_DIR / "caseway/settings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.DATABASES["default"]


@pytest.fixture(scope="module")
def sqlite_facts(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("sqlite-var")
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith("CASEWAY_")},
        "CASEWAY_MODE": "test",
        "CASEWAY_VAR_DIR": str(var_dir),
        "CASEWAY_DATABASE_URL": f"sqlite:///{var_dir}/x.sqlite3",
        "CASEWAY_SQLITE_BUSY_TIMEOUT": "7",
    }
    result = run_python(PROBE, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_opens_sqlite_in_wal_mode(sqlite_facts):
    assert sqlite_facts["journal_mode"] == "wal"


def test_it_syncs_sqlite_fully(sqlite_facts):
    assert sqlite_facts["synchronous"] == 2  # FULL


def test_it_enforces_foreign_keys_on_sqlite(sqlite_facts):
    assert sqlite_facts["foreign_keys"] == 1


def test_it_takes_the_sqlite_write_lock_at_begin(sqlite_facts):
    assert sqlite_facts["options"]["transaction_mode"] == "IMMEDIATE"
    assert sqlite_facts["second_writer_locked_out"] is True


def test_it_waits_the_configured_busy_timeout(sqlite_facts):
    assert sqlite_facts["options"]["timeout"] == 7
    assert sqlite_facts["busy_timeout"] == 7000


def test_it_configures_sqlite_by_default(monkeypatch, tmp_path):
    database = _load_settings_module(monkeypatch, f"sqlite:///{tmp_path}/y.sqlite3")

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == f"{tmp_path}/y.sqlite3"
    options = database["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]
    assert "synchronous=FULL" in options["init_command"]
    assert f"busy_timeout={options['timeout'] * 1000}" in options["init_command"]


def test_it_reads_a_postgresql_url(monkeypatch):
    database = _load_settings_module(monkeypatch, "postgres://caseway:pw@db.internal:5433/caseway")

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["NAME"] == "caseway"
    assert database["HOST"] == "db.internal"
    assert database["PORT"] == 5433
    assert database["USER"] == "caseway"
    assert database["CONN_HEALTH_CHECKS"] is True
    assert "init_command" not in database.get("OPTIONS", {})
