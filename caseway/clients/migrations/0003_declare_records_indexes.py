"""Moves the indexes that 0002 created with SQL into the migration state (Case and Client Meta).

The database already has them (0002, ``CREATE INDEX IF NOT EXISTS``): only the state changes, so
``makemigrations`` and the models agree and later changes to these indexes migrate normally.
"""

from django.db import migrations, models

STATE = [
    migrations.AddIndex(
        model_name="case",
        index=models.Index(fields=["organization", "opened_at", "id", "client"], name="clients_case_org_opened"),
    ),
    migrations.AddIndex(
        model_name="case",
        index=models.Index(fields=["caseworker", "organization", "opened_at", "id"], name="clients_case_worker_org"),
    ),
    migrations.AddIndex(
        model_name="case",
        index=models.Index(fields=["organization", "risk_level", "status"], name="clients_case_org_risk"),
    ),
    migrations.AddIndex(
        model_name="client",
        index=models.Index(
            condition=models.Q(("erased_at__isnull", False)), fields=["erased_at"], name="clients_client_erased"
        ),
    ),
]


class Migration(migrations.Migration):
    dependencies = [("clients", "0002_records_indexes")]

    operations = [migrations.SeparateDatabaseAndState(state_operations=STATE, database_operations=[])]
