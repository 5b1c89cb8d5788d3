"""The demo clients (manage.py seed_demo): 300 fictional people, realistic, private, idempotent.

Seeding the demo takes tens of seconds: the demo modules share one seeding per test worker, inside a
transaction rolled back when the last of them ends (caseway/tests/shared_demo.py); each test runs in
its own savepoint within it.
"""

import datetime
import json
import re
import statistics
import unicodedata
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.clients import consent, demo
from caseway.clients.models import (
    AgeBand,
    Assessment,
    Case,
    CaseAlert,
    CaseStatus,
    Client,
    ClientIndex,
    Consent,
    ConsentPurpose,
    Incident,
    Need,
    RiskLevel,
    SafetyPlan,
    Sex,
)
from caseway.orgs.models import Membership
from caseway.orgs.permissions import Role

CASEWORK_ORGANIZATIONS = {"HWN", "SPI", "RHC", "MSA", "BLC", "HCC", "UFR", "GVC"}
CLIENT_TABLES = [Client, ClientIndex, Case, Consent, Assessment, Need, CaseAlert, Incident, SafetyPlan]
PHONE = re.compile(r"^(\+999 |0)[12]7\d \d{3} \d{3}$")


@pytest.fixture(scope="module")
def seeded(demo_clients):
    """The demo seeded once per worker and shared with the other demo modules (caseway/tests/shared_demo.py)."""
    return demo_clients


@pytest.fixture
def cases(seeded, db):
    return list(Case.objects.select_related("client", "organization", "client__admin_area", "caseworker"))


def _counts():
    return {model.__name__: model.objects.count() for model in CLIENT_TABLES}


def _granted(purpose, **filters):
    return Consent.objects.filter(purpose=purpose, granted=True, **filters)


# --- who the clients are ----------------------------------------------------------------------


def test_it_seeds_at_least_300_clients_in_every_casework_organization_and_none_elsewhere(cases):
    assert len(cases) >= 300
    assert Client.objects.count() == len(cases)
    per_organization = Counter(case.organization.acronym for case in cases)
    assert set(per_organization) == CASEWORK_ORGANIZATIONS  # not the coordination mission, not the donor
    assert min(per_organization.values()) >= 10


def test_it_spreads_them_over_both_countries_and_several_districts(cases):
    districts = Counter(case.client.admin_area.pcode for case in cases)

    assert {pcode[:2] for pcode in districts} == {"XA", "XB"}
    assert all(len(pcode) == 6 for pcode in districts)  # admin 2
    assert len(districts) >= 10
    assert max(districts.values()) < len(cases) / 3


def test_it_has_mostly_women_and_girls_and_also_men_and_boys(cases):
    sexes = Counter(case.client.sex for case in cases)

    assert 0.65 <= sexes[Sex.FEMALE] / len(cases) <= 0.9
    assert sexes[Sex.MALE] >= 30
    assert {case.client.sex for case in cases if case.organization.acronym == "HWN"} == {Sex.FEMALE}


def test_it_skews_ages_to_18_59_with_some_minors_and_older_people(cases):
    bands = Counter(case.client.age_band for case in cases)
    minors = sum(bands[band] for band in (AgeBand.AGE_5_11, AgeBand.AGE_12_17))

    assert (bands[AgeBand.AGE_18_24] + bands[AgeBand.AGE_25_59]) / len(cases) >= 0.75
    assert 10 <= minors <= len(cases) * 0.15
    assert bands[AgeBand.AGE_60_PLUS] >= 5


def test_it_records_consent_for_minors_through_a_caregiver(seeded, db):
    services = Consent.objects.filter(purpose=ConsentPurpose.SERVICES).select_related("client")
    children = [answer for answer in services if answer.client.age_band == AgeBand.AGE_5_11]
    teenagers = [answer for answer in services if answer.client.age_band == AgeBand.AGE_12_17]

    assert children and all(answer.given_by == Consent.GivenBy.CAREGIVER for answer in children)
    assert all(answer.caregiver_relationship for answer in children)
    assert {answer.given_by for answer in teenagers} == {Consent.GivenBy.CAREGIVER, Consent.GivenBy.CLIENT}


def test_it_mixes_displacement_and_languages_of_the_area(cases):
    displacement = Counter(case.client.displacement_status for case in cases)
    assert len(displacement) >= 5
    assert displacement["resident"] < len(cases) / 2

    local = {"XA": {"ar", "fr", "ha", "ff"}, "XB": {"ar", "en", "so", "ti"}}
    for case in cases:
        client = case.client
        assert client.languages, client.code
        if client.displacement_status not in {"refugee", "asylum_seeker"}:
            assert set(client.languages) <= local[client.admin_area.pcode[:2]], client.code


def test_it_finds_disability_in_about_one_client_in_seven_through_the_washington_group_set(cases):
    disabled = [case.client for case in cases if case.client.has_disability]
    assessed = set(Assessment.objects.filter(instrument__code="wg_ss").values_list("client_id", flat=True))

    assert 0.1 <= len(disabled) / len(cases) <= 0.2
    assert all(client.disability_domains for client in disabled)
    assert {case.client_id for case in cases if case.client.has_disability is not None} == assessed


def test_it_gives_many_clients_children_and_caring_duties(cases):
    parents = [case.client for case in cases if case.client.children_count]

    assert len(parents) >= len(cases) * 0.4
    assert all(len(client.children_ages) == client.children_count for client in parents)
    assert all(0 <= age <= 17 for client in parents for age in client.children_ages)
    assert sum(case.client.cares_for_others for case in cases) >= 10


def test_it_writes_names_in_several_scripts_with_aliases_birth_dates_and_phones(cases):
    clients = [case.client for case in cases]
    scripts = Counter()
    for client in clients:
        name = f"{client.given_name} {client.family_name}"
        scripts.update({unicodedata.name(char).split()[0] for char in name if char.isalpha()})

    assert {"ARABIC", "LATIN", "ETHIOPIC"} <= set(scripts)
    assert any(unicodedata.decomposition(char) for client in clients for char in client.family_name or "")
    assert sum(bool(client.aliases) for client in clients) >= 30
    assert sum(client.birth_date_is_estimated for client in clients) >= 20
    assert sum(client.birth_date is None for client in clients) >= 10
    phones = [client.phone for client in clients if client.phone]
    assert len(phones) >= len(clients) / 2
    assert all(PHONE.match(phone) for phone in phones), phones[:5]


def test_it_never_uses_a_name_twice(seeded, db):
    people = demo.plan()
    names = [person.identifiers[0] for person in people]

    assert len(set(names)) == len(names)
    full_names = ClientIndex.objects.filter(purpose=ClientIndex.Purpose.FULL_NAME)
    assert full_names.values("digest").distinct().count() == full_names.count()


# --- consents ---------------------------------------------------------------------------------


def test_it_asks_everyone_for_services_and_most_for_statistics(cases):
    now = timezone.now()
    for case in cases[:60]:
        assert consent.allows(case.client, ConsentPurpose.SERVICES, case.organization, at=now)
    statistics_answers = Counter(
        Consent.objects.filter(purpose=ConsentPurpose.STATISTICS).values_list("granted", flat=True)
    )

    assert statistics_answers[True] >= len(cases) * 0.8
    assert statistics_answers[False] >= 10


def test_it_records_contact_methods_and_safe_times_and_some_refusals(seeded, db):
    contact = Consent.objects.filter(purpose=ConsentPurpose.CONTACT)

    agreed = contact.filter(granted=True)
    assert agreed.count() >= 50
    assert all(answer.contact_methods and answer.safe_times for answer in agreed)
    assert contact.filter(granted=False, contact_methods=["none"]).count() >= 10


def test_it_shares_named_categories_with_partners_of_the_same_country_only(seeded, db):
    sharing = Consent.objects.filter(purpose=ConsentPurpose.SHARING).select_related(
        "recipient", "recorded_by_organization", "client__admin_area"
    )

    assert sharing.filter(granted=True).count() >= 40
    assert sharing.filter(granted=False).count() >= 5
    for answer in sharing:
        assert answer.recipient.acronym in CASEWORK_ORGANIZATIONS - {answer.recorded_by_organization.acronym}
        country = answer.client.admin_area.pcode[:2]
        assert answer.recipient.country == country or answer.recipient.acronym == "SPI"
        assert bool(answer.categories) == answer.granted
    assert _granted(ConsentPurpose.REFERRAL).count() >= 10
    assert _granted(ConsentPurpose.LEGAL_REPRESENTATION).count() >= 10


def test_it_has_revoked_and_expired_consents_that_no_longer_allow(seeded, db):
    revoked = list(_granted(ConsentPurpose.SHARING, revoked_at__isnull=False))
    expired = list(_granted(ConsentPurpose.CONTACT, expires_at__lt=timezone.now()))

    assert 1 <= len(revoked) <= 3
    assert len(expired) >= 2
    for answer in revoked:
        assert answer.revoked_at > answer.recorded_at
        assert not consent.allows(answer.client, ConsentPurpose.SHARING, answer.recipient, answer.categories[0])
    for answer in expired:
        assert not consent.allows(answer.client, ConsentPurpose.CONTACT)
        assert consent.allows(answer.client, ConsentPurpose.CONTACT, at=answer.recorded_at)


# --- assessments, risk, incidents -------------------------------------------------------------


def test_it_assesses_needs_disability_and_risk_for_most(cases):
    assessed = Counter(
        Assessment.objects.filter(stage=Assessment.Stage.BASELINE).values_list("instrument__code", flat=True)
    )

    for code in ("needs", "wg_ss", "risk"):
        assert assessed[code] >= len(cases) * 0.8, code
    assert Need.objects.filter(case__status=CaseStatus.CLOSED).exclude(status=Need.Status.MET).count() == 0
    assert len(set(Case.objects.values_list("risk_level", flat=True))) == len(RiskLevel.values)


def test_it_follows_a_subset_up_with_psychological_scales_mostly_improving(seeded, db):
    series = {}
    for assessment in Assessment.objects.filter(instrument__code="phq9").order_by("assessed_at"):
        series.setdefault(assessment.client_id, []).append(assessment)
    followed = {client: rows for client, rows in series.items() if len(rows) == 2}

    assert len(series) >= 50
    assert len(followed) >= 30
    gaps, changes = [], []
    for baseline, follow_up in followed.values():
        assert (baseline.stage, follow_up.stage) == (Assessment.Stage.BASELINE, Assessment.Stage.FOLLOW_UP)
        gaps.append((follow_up.assessed_at - baseline.assessed_at).days)
        changes.append(follow_up.score - baseline.score)
    assert min(gaps) >= 28 and max(gaps) <= 95
    improved = sum(change < 0 for change in changes)
    assert 0.6 <= improved / len(changes) < 1
    after_closing = Assessment.objects.filter(
        case__status=CaseStatus.CLOSED, assessed_at__gt=F("case__closed_at"), stage=Assessment.Stage.FOLLOW_UP
    )
    assert not after_closing.exists()
    assert Assessment.objects.filter(instrument__code="gad7", stage=Assessment.Stage.FOLLOW_UP).count() >= 20
    assert Assessment.objects.filter(instrument__code="who5", stage=Assessment.Stage.FOLLOW_UP).count() >= 30


def test_it_has_imminent_risks_with_and_still_without_a_safety_plan(seeded, db):
    imminent = Case.objects.filter(risk_level=RiskLevel.IMMINENT)
    planned = imminent.filter(safety_plan__isnull=False)
    waiting = imminent.filter(safety_plan__isnull=True)

    assert imminent.count() >= 5
    assert planned.count() >= 2 and not planned.filter(safety_plan_required=True).exists()
    assert waiting.count() >= 2 and not waiting.filter(safety_plan_required=False).exists()
    assert not imminent.filter(status__in=[CaseStatus.CLOSED, CaseStatus.ON_HOLD]).exists()
    alerts = CaseAlert.objects.filter(kind=CaseAlert.Kind.IMMINENT_RISK, audience=CaseAlert.Audience.SUPERVISOR)
    assert set(alerts.values_list("case_id", flat=True)) == set(imminent.values_list("id", flat=True))
    assert alerts.filter(resolved_at__isnull=True).count() == waiting.count()
    for plan in SafetyPlan.objects.all():
        assert plan.trusted_contacts and all(contact["phone"] for contact in plan.trusted_contacts)
        assert plan.review_date > demo.TODAY


def test_it_starts_the_suicide_risk_protocol_for_a_few(seeded, db):
    alerts = CaseAlert.objects.filter(kind=CaseAlert.Kind.SUICIDE_RISK)

    assert 2 <= alerts.filter(audience=CaseAlert.Audience.SUPERVISOR).count() <= 6
    assert alerts.filter(audience=CaseAlert.Audience.CASEWORKER, is_task=True).count() >= 2


def test_it_records_gbv_incidents_on_sensitive_cases_only(seeded, db):
    incidents = Incident.objects.select_related("case")
    types = Counter(incidents.values_list("incident_type", flat=True))

    assert incidents.count() >= 15
    assert len(types) >= 3
    assert all(incident.case.is_sensitive for incident in incidents)
    assert sum("crsv" in incident.contexts for incident in incidents) >= 5
    assert not incidents.exclude(perpetrator_type__in=Incident.PerpetratorType.values).exists()


def test_it_dates_three_incidents_within_72_hours_of_the_demo_moment(seeded, db):
    recent = Incident.objects.filter(within_72_hours=True).select_related("case")

    assert recent.count() == 3
    for incident in recent:
        assert incident.incident_date == demo.TODAY - datetime.timedelta(days=1)
        assert incident.reported_at <= demo.DEMO_NOW
        assert incident.case.urgent_health_need
        task = incident.case.alerts.get(kind=CaseAlert.Kind.URGENT_HEALTH, audience=CaseAlert.Audience.CASEWORKER)
        assert task.is_task and task.created_at > incident.reported_at
        assert task.due_at == task.created_at + datetime.timedelta(hours=24)
    assert Case.objects.filter(urgent_health_need=True).count() == 3


# --- cases ------------------------------------------------------------------------------------


def test_it_mixes_case_statuses_and_tells_a_story_before_the_demo_moment(cases):
    statuses = Counter(case.status for case in cases)

    assert set(statuses) == set(CaseStatus.values)
    assert statuses[CaseStatus.ACTIVE] > len(cases) / 3
    assert all((case.closed_at is not None) == (case.status == CaseStatus.CLOSED) for case in cases)
    assert all(case.opened_at <= demo.DEMO_NOW for case in cases)
    assert max(demo.DEMO_NOW - case.opened_at for case in cases) > datetime.timedelta(days=300)
    assert not Consent.objects.filter(recorded_at__gt=demo.DEMO_NOW).exists()
    assert not Assessment.objects.filter(assessed_at__gt=demo.DEMO_NOW).exists()
    opened = statistics.median((demo.DEMO_NOW - case.opened_at).days for case in cases)
    assert 30 <= opened <= 200


def test_it_assigns_cases_to_the_demo_caseworkers_and_supervisors_of_their_organization(cases):
    staff = {}
    for membership in Membership.objects.select_related("organization"):
        staff.setdefault((membership.organization.acronym, membership.role), set()).add(membership.user_id)
    workers = Counter()
    for case in cases:
        acronym = case.organization.acronym
        if case.caseworker_id is not None:
            roles = (Role.CASEWORKER, Role.LEGAL_OFFICER, Role.SUPERVISOR)
            assert any(case.caseworker_id in staff.get((acronym, role), ()) for role in roles), case.pk
            workers[acronym] += 1
        if case.supervisor_id is not None:
            assert case.supervisor_id in staff[(acronym, Role.SUPERVISOR)]
        else:
            assert (acronym, Role.SUPERVISOR) not in staff
    assert set(workers) == CASEWORK_ORGANIZATIONS
    unassigned = [case for case in cases if case.caseworker_id is None]
    assert unassigned and all(case.status == CaseStatus.OPEN for case in unassigned)


def test_it_marks_some_cases_sensitive(cases):
    sensitive = sum(case.is_sensitive for case in cases)

    assert 15 <= sensitive <= len(cases) * 0.25


# --- integrity, privacy, determinism ----------------------------------------------------------


def test_every_client_and_case_passes_model_validation(cases):
    for case in cases:
        case.client.full_clean(exclude=["data_key", "registered_by"])
        case.full_clean(exclude=["client", "organization"], validate_unique=False, validate_constraints=False)


def _identifiers() -> set[str]:
    """Every demo name, alias, phone (as typed and as digits) and birth date, plus each one as a
    JSON column would hold it (``\\u`` escapes for letters outside ASCII)."""
    values = set()
    for person in demo.plan():
        values.update(person.identifiers)
        if person.values.get("birth_date"):
            values.add(person.values["birth_date"])
        if person.values.get("phone"):
            values.add(re.sub(r"\D", "", person.values["phone"]))
    return values | {json.dumps(value)[1:-1] for value in values if not value.isascii()}


def _raw_tables() -> dict[str, str]:
    """The text of every table, row by row, as the database returns it: not through the models."""
    quote = connection.ops.quote_name
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608  (a table name from introspection)
            tables[table] = "\n".join(" ".join(_text(value) for value in row) for row in cursor.fetchall())
    return tables


def _text(value) -> str:
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).decode("utf-8", "replace")
    return "" if value is None else str(value)


def test_the_raw_database_holds_no_name_phone_address_or_birth_date_in_clear(seeded, db):
    identifiers = _identifiers()
    assert len(identifiers) > 500
    assert any("\u0600" <= char <= "\u06ff" for value in identifiers for char in value)  # Arabic script covered

    if connection.vendor == "sqlite":
        # The database file's bytes. The test database lives in memory: serialize() gives the bytes
        # it would write to a file, this connection's uncommitted pages and free pages included.
        connection.ensure_connection()
        image = connection.connection.serialize()
        assert b"Riverbend" in image  # what is stored in clear is seen
        leaked = [value for value in identifiers if value.encode() in image]
    else:
        tables = _raw_tables()
        assert "Riverbend" in tables["directory_adminarea"]
        leaked = [(table, value) for table, text in tables.items() for value in identifiers if value in text]
    assert not leaked, leaked[:5]


def test_it_plans_the_same_people_on_every_run():
    first = demo._Planner().plan()
    second = demo._Planner().plan()

    assert [(person.key, person.identifiers, person.values) for person in first] == [
        (person.key, person.identifiers, person.values) for person in second
    ]
    assert [person.key for person in demo.plan()] == [person.key for person in first]


def test_it_seeds_nothing_again_and_writes_nothing_when_run_again(seeded, db):
    before = _counts()
    events = AuditEvent.objects.filter(action__startswith="clients.").count()

    with CaptureQueriesContext(connection) as queries:
        call_command("seed_demo", up_to="clients", stdout=StringIO())

    assert _counts() == before
    assert AuditEvent.objects.filter(action__startswith="clients.").count() == events
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if re.match(r'\s*(INSERT|UPDATE|DELETE)\b.*"(clients|vault)_', query["sql"], re.S)
    ]
    assert writes == []
    assert len([query for query in queries.captured_queries if '"clients_clientindex"' in query["sql"]]) <= 8
