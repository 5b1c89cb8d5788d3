"""Indexes for the case list and search at 100,000 clients (bench/clients.py, docs/PERFORMANCE.md).

Written as SQL because models.py is not this change's to edit: Django's migration state does not
know these indexes, so ``makemigrations`` stays quiet. Their model equivalents, to declare in
``Client.Meta.indexes`` and ``Case.Meta.indexes`` (and then move into the state with
``SeparateDatabaseAndState``), are::

    models.Index(fields=["erased_at"], name="clients_client_erased", condition=Q(erased_at__isnull=False))
    models.Index(fields=["organization", "opened_at", "id", "client"], name="clients_case_org_opened")
    models.Index(fields=["caseworker", "organization", "opened_at", "id"], name="clients_case_worker_org")
    models.Index(fields=["organization", "risk_level", "status"], name="clients_case_org_risk")

- ``clients_client_erased``: the few erased clients, so "leave erased clients out" is a tiny
  uncorrelated NOT IN instead of a join to every client row of the organization's cases.
- ``clients_case_org_opened``: the organization's cases newest first, so a page of the list
  (however far down) is read in order from the index alone, erased clients checked on the way.
- ``clients_case_worker_org``: "my cases" (caseworker and organization both equal), in the list's
  full order (date, then id); without it, or with only part of that order, SQLite, which has no
  statistics, prefers walking the whole organization by date to sorting a caseload.
- ``clients_case_org_risk``: the risk filter (with or without status) counted from the index.

Both databases accept partial indexes with this syntax (SQLite ≥ 3.8, PostgreSQL).
"""

from django.db import migrations

INDEXES = [
    (
        "clients_client_erased",
        'CREATE INDEX IF NOT EXISTS "clients_client_erased" ON "clients_client" ("erased_at") '
        'WHERE "erased_at" IS NOT NULL',
    ),
    (
        "clients_case_org_opened",
        'CREATE INDEX IF NOT EXISTS "clients_case_org_opened" '
        'ON "clients_case" ("organization_id", "opened_at", "id", "client_id")',
    ),
    (
        "clients_case_worker_org",
        'CREATE INDEX IF NOT EXISTS "clients_case_worker_org" '
        'ON "clients_case" ("caseworker_id", "organization_id", "opened_at", "id")',
    ),
    (
        "clients_case_org_risk",
        'CREATE INDEX IF NOT EXISTS "clients_case_org_risk" '
        'ON "clients_case" ("organization_id", "risk_level", "status")',
    ),
]


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]

    operations = [
        migrations.RunSQL(sql=create, reverse_sql=f'DROP INDEX IF EXISTS "{name}"') for name, create in INDEXES
    ]
