import pytest
from django.db import DatabaseError, connection, transaction

from caseway import audit
from caseway.audit.services import verify_chain
from caseway.audit.tests.helpers import record_many

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only triggers exist on PostgreSQL only"),
]


def run_sql(sql, params=()):
    # A savepoint, so the refused statement does not abort the test's transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_it_refuses_raw_sql_updates_of_events():
    record_many(2)

    with pytest.raises(DatabaseError, match="append-only"):
        run_sql("UPDATE audit_auditevent SET action = 'system.nothing' WHERE seq = 1")
    assert verify_chain().ok


def test_it_refuses_raw_sql_deletes_of_events():
    record_many(2)

    with pytest.raises(DatabaseError, match="append-only"):
        run_sql("DELETE FROM audit_auditevent WHERE seq = 2")
    assert verify_chain().ok


def test_it_refuses_to_rewind_or_delete_the_chain_head():
    record_many(3)

    with pytest.raises(DatabaseError, match="only moves forward"):
        run_sql("UPDATE audit_auditchainhead SET seq = 2")
    with pytest.raises(DatabaseError, match="cannot be deleted"):
        run_sql("DELETE FROM audit_auditchainhead")
    assert audit.record(None, "system.started").seq == 4


def test_it_leaves_truncate_to_the_database_role_so_test_flushes_work():
    record_many(1)

    run_sql("TRUNCATE audit_auditevent, audit_auditchainhead")

    assert audit.record(None, "system.started").seq == 1
