"""On PostgreSQL, refuse UPDATE and DELETE of audit events in the database itself.

The ORM already refuses (models.py); the trigger also stops raw SQL, a psql session and any
other client using the application's role. TRUNCATE is left alone: Django's test flush needs it,
so production should REVOKE TRUNCATE on these tables from the application's role instead.
A superuser can still disable the trigger; that is what audit_verify and the anchors are for.

The chain head may only move forward one event at a time and may never be deleted, so resetting
it to an earlier position (to hide a cut-off end) needs the trigger disabled as well.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION caseway_audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER caseway_audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION caseway_audit_event_append_only();

CREATE OR REPLACE FUNCTION caseway_audit_head_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the audit chain head cannot be deleted'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1 THEN
        RAISE EXCEPTION 'the audit chain head only moves forward by one event'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER caseway_audit_head_forward_only
    BEFORE UPDATE OR DELETE ON audit_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION caseway_audit_head_forward_only();
"""

DROP = """
DROP TRIGGER IF EXISTS caseway_audit_head_forward_only ON audit_auditchainhead;
DROP FUNCTION IF EXISTS caseway_audit_head_forward_only();
DROP TRIGGER IF EXISTS caseway_audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS caseway_audit_event_append_only();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
