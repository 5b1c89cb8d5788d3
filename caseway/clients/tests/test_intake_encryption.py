"""After an intake, no name, phone, birth date or address is anywhere in the database in clear.

On SQLite the whole database file is read as bytes: the test database lives in memory, so it is
first copied, page by page, into a file with SQLite's online backup API (free pages included).
On every database, each text column of each table is also read raw through the cursor.
"""

import sqlite3

import pytest
from django.db import connection
from django.urls import reverse

from caseway.clients import intake
from caseway.clients.models import Client, IntakeDraft
from caseway.clients.tests.intake_helpers import (
    consent_data,
    needs_data,
    registration_data,
    risk_data,
    safety_data,
    step_url,
    wg_data,
)

pytestmark = pytest.mark.django_db(transaction=True)

IDENTITY = {
    "given_name": "Zubaida",
    "family_name": "Qaraqosh",
    "aliases": "Umm Fadi",
    "birth_date": "1987-09-23",
    "phone": "+964 770 555 0199",
    "address": "Tal Hamdiya road, house 7",
    "nationality": "Yazidi-Iraqi",
}
ARABIC_IDENTITY = {"given_name": "زبيدة", "family_name": "قرقوش"}


def needles(identity):
    values = [value for value in identity.values() if value]
    values += ["+9647705550199", "7705550199", "1987-09-23", "19870923"]
    return values


def run_intake(client, identity):
    client.post(reverse("clients:intake_start"))
    draft = IntakeDraft.objects.get(completed_at__isnull=True)
    for step, data in (
        (intake.SAFETY, safety_data()),
        (intake.CONSENT, consent_data()),
        (intake.REGISTRATION, registration_data(**identity)),
        (intake.NEEDS, needs_data(housing="3")),
        (intake.DISABILITY, wg_data()),
        (intake.RISK, risk_data()),
    ):
        response = client.post(step_url(draft, step), data)
        assert response.status_code == 302, (step, response.content.decode()[-2000:])
    assert client.post(step_url(draft, intake.SUMMARY)).status_code == 302


def raw_text_values():
    """Every value of every text-like column of every table, as the database returns it."""
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            description = connection.introspection.get_table_description(cursor, table)
            columns = [column.name for column in description]
            quoted = ", ".join(connection.ops.quote_name(name) for name in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")  # noqa: S608 (names from introspection)
            for row in cursor.fetchall():
                values.extend(str(value) for value in row if isinstance(value, (str, bytes, memoryview)))
    return "\n".join(values)


def test_no_identity_in_clear_in_any_column(client, personas, login_as):
    login_as(personas.caseworker_a)

    run_intake(client, IDENTITY)
    run_intake(client, {**IDENTITY, **ARABIC_IDENTITY, "phone": "", "birth_date": "1990-02-01"})

    decrypted = {client.given_name for client in Client.objects.all()}
    assert decrypted == {"Zubaida", "زبيدة"}
    text = raw_text_values()
    for needle in [*needles(IDENTITY), *ARABIC_IDENTITY.values()]:
        assert needle not in text, needle


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads the SQLite database file")
def test_no_identity_in_clear_in_the_database_file(client, personas, login_as, tmp_path):
    login_as(personas.caseworker_a)
    run_intake(client, IDENTITY)
    run_intake(client, {**IDENTITY, **ARABIC_IDENTITY, "birth_date": "1990-02-01"})
    copy = tmp_path / "copy.sqlite3"

    connection.ensure_connection()
    target = sqlite3.connect(copy)
    with target:
        connection.connection.backup(target)
    target.close()
    data = copy.read_bytes()

    assert len(data) > 100_000  # the whole database, not an empty file
    for needle in [*needles(IDENTITY), *ARABIC_IDENTITY.values()]:
        assert needle.encode() not in data, needle
        assert needle.encode("utf-16-le") not in data, needle
    for code in Client.objects.values_list("code", flat=True):
        assert code.encode() in data  # what is meant to be in clear is found: the copy is complete
