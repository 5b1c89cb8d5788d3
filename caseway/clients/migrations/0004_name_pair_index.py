"""Word-pair blind indexes (``ClientIndex.Purpose.NAME_PAIR``): a search for several name words
looks up rare pairs instead of intersecting each common word's thousands of clients.

The backfill decrypts each client's names in memory to compute the pairs (nothing else is
written), so it uses the application's models: the vault opens only its own ``DataKey`` rows.
It reads just the columns it needs, so later fields do not break it.
"""

from django.db import migrations, models

BATCH = 500


def add_name_pairs(apps, schema_editor):
    from caseway.clients import indexing
    from caseway.clients.models import Client, ClientIndex

    clients = (
        Client.objects.using(schema_editor.connection.alias)
        .filter(erased_at__isnull=True)
        .select_related("data_key")
        .only("id", "data_key", "given_name", "family_name", "aliases")
        .order_by("pk")
    )
    rows = []
    for client in clients.iterator(chunk_size=BATCH):
        if client.data_key.is_destroyed:
            continue
        names = [client.given_name or "", client.family_name or ""]
        variants = [indexing.name_words(*names), *(indexing.name_words(alias) for alias in client.aliases or ())]
        for key in indexing.name_pair_keys([words for words in variants if words]):
            digest = indexing.digest(ClientIndex.Purpose.NAME_PAIR, key)
            rows.append(ClientIndex(client_id=client.pk, purpose=ClientIndex.Purpose.NAME_PAIR, digest=digest))
        if len(rows) >= BATCH:
            ClientIndex.objects.using(schema_editor.connection.alias).bulk_create(rows, ignore_conflicts=True)
            rows = []
    ClientIndex.objects.using(schema_editor.connection.alias).bulk_create(rows, ignore_conflicts=True)


def remove_name_pairs(apps, schema_editor):
    apps.get_model("clients", "ClientIndex").objects.filter(purpose="name_pair").delete()


class Migration(migrations.Migration):
    dependencies = [("clients", "0003_declare_records_indexes"), ("vault", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="clientindex",
            name="purpose",
            field=models.CharField(
                choices=[
                    ("name_token", "Name Token"),
                    ("name_pair", "Name Pair"),
                    ("full_name", "Full Name"),
                    ("name_birth_date", "Name Birth Date"),
                    ("phone", "Phone"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(add_name_pairs, remove_name_pairs),
    ]
