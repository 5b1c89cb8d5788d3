import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def anchor_file(settings, tmp_path):
    """Every audit test anchors to its own file, never to a real instance's var/ directory."""
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors" / "audit-anchors.jsonl"
    return settings.AUDIT_ANCHOR_FILE


@pytest.fixture
def tamper(db):
    """``tamper(sql, params)`` runs raw SQL as an attacker with database access would.

    On PostgreSQL the append-only triggers would refuse it, so they are disabled first (as a
    superuser could); the test's transaction rolls that back afterwards.
    """

    def run(sql, params=()):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
                cursor.execute("ALTER TABLE audit_auditchainhead DISABLE TRIGGER USER")
            cursor.execute(sql, params)

    return run
