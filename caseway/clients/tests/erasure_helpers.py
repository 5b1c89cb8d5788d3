"""Shared by the erasure, retention, subject access and clients API tests."""

import datetime

from django.db import connection
from django.utils import timezone

from caseway.clients.assessment_services import assessment_record
from caseway.clients.models import Case, CaseStatus, ConsentPurpose, DataCategory, Incident, SafetyPlan
from caseway.clients.tests.factories import a_case, give_consent
from caseway.clients.tests.object_urls_erasure import second_admin

NAME = "Zahraa Qutaybiyya"
GIVEN, FAMILY = NAME.split()
PHONE = "+964 770 918 2736"
BIRTH_DATE = "1991-03-14"
ADDRESS = "Bayt al-Warda, Hay al-Nasr"
PHQ9 = {f"q{number}": 1 for number in range(1, 10)}


def member(user):
    return user.memberships.select_related("organization").get()


def identified_case(personas, *, sensitive=False, statistics=True, **values) -> Case:
    """A client of org A with a full identity, a PHQ-9, a safety plan and an incident, all under its key."""
    values = {
        "given_name": GIVEN,
        "family_name": FAMILY,
        "phone": PHONE,
        "birth_date": BIRTH_DATE,
        "address": ADDRESS,
        "aliases": ["Umm Ali"],
        "nationality": "Iraqi",
        "languages": ["ar", "ku"],
        "children_count": 2,
        "children_ages": [3, 7],
        "cares_for_children": True,
        **values,
    }
    caseworker = member(personas.caseworker_a)
    case = a_case(caseworker, sensitive=sensitive, **values)
    Case.objects.filter(pk=case.pk).update(supervisor=personas.supervisor_a, risk_level="high")
    if statistics is not None:
        give_consent(case.client, ConsentPurpose.STATISTICS, recorded_by=caseworker, granted=statistics)
    give_consent(
        case.client,
        ConsentPurpose.CONTACT,
        recorded_by=caseworker,
        contact_methods=["sms"],
        safe_times="after six, when he is at the market",
    )
    assessment_record(
        actor=personas.caseworker_a, membership=caseworker, case=case, instrument_code="phq9", answers=PHQ9
    )
    SafetyPlan.objects.create(
        case=case,
        data_key=case.client.data_key,
        trusted_contacts=[{"name": "Layla", "phone": "+964 770 000 1111"}],
        safe_places="my sister's house",
        code_word="pomegranate",
        digital_safety={"shared_phone": True},
    )
    Incident.objects.create(
        case=case,
        data_key=case.client.data_key,
        classification_answers={"penetration": True},
        incident_type="rape",
        perpetrator_type=Incident.PerpetratorType.ARMED_GROUP,
    )
    case.refresh_from_db()
    return case


def referred_to_b(personas, case, categories=(DataCategory.IDENTITY,)) -> Case:
    """Org B's own case for ``case``'s client (a referral), with sharing consent for ``categories``."""
    if categories:
        give_consent(
            case.client,
            ConsentPurpose.SHARING,
            recorded_by=member(personas.caseworker_a),
            recipient=personas.org_b,
            categories=categories,
        )
    return Case.objects.create(
        organization=personas.org_b, client=case.client, origin=Case.Origin.REFERRAL, caseworker=personas.caseworker_b
    )


def close(case, *, days_ago, now=None) -> Case:
    now = now or timezone.now()
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_at=now - datetime.timedelta(days=days_ago))
    case.refresh_from_db()
    return case


def raw_database_text() -> str:
    """Every value of every table, as the database holds it (no model, no decryption)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names from introspection
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "replace")
                    chunks.append(str(value))
    return "\n".join(chunks)


def raw_column(table: str, column: str, pk) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {connection.ops.quote_name(table)} WHERE id = %s",  # noqa: S608
            [pk.hex if connection.vendor == "sqlite" else pk],
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


__all__ = ["second_admin"]
