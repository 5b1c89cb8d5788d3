"""analytics.legal_analytics: counted in the database, suppressed, consent respected, scoped by role.

Matters, their outcome and their stage history are written straight to the tables (the services
that record events and stages are tested elsewhere); clients are registered through the real
service and give (or not) their consent to be counted in anonymous statistics. The helpers here
serve the page, CSV and API tests too.
"""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from caseway.casework.tests.appointment_helpers import member
from caseway.clients.models import AgeBand, ConsentPurpose, Sex
from caseway.clients.tests.factories import a_case, give_consent
from caseway.directory.tests.factories import Admin1Factory, Admin2Factory
from caseway.legal import analytics
from caseway.legal.analytics import Filters
from caseway.legal.models import CoCounsel, Jurisdiction, LegalMatter, Outcome, Stage, StageChange

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
# Every role without legal analytics, and the member whose membership ended.
EVERY_OTHER_ROLE = ("caseworker_a", "admin_a", "monitor_a", "caseworker_b", "donor", "outsider", "unaffiliated")


def a_client(personas, *, lawyer=None, counted=True, **values):
    """A client with a case at the lawyer's organization (A by default), counted in statistics or not."""
    membership = member(lawyer or personas.legal_officer_a)
    case = a_case(membership, **values)
    if counted:
        give_consent(case.client, ConsentPurpose.STATISTICS, recorded_by=membership)
    return case


def matters_of(case, count=1, *, stage=Stage.INTAKE, outcome="", opened_ago=30 * DAY, history=(), **values):
    """``count`` matters led from ``case``, at ``stage`` with ``outcome``; ``history``: (stage, days
    ago) stage changes written for each (none: no stage history at all)."""
    values.setdefault("type", "human_rights_body")
    values.setdefault("jurisdiction", Jurisdiction.objects.get(code="echr"))
    opened = timezone.now() - opened_ago
    matters = LegalMatter.objects.bulk_create(
        [
            LegalMatter(
                client=case.client,
                lead_case=case,
                lead_organization_id=case.organization_id,
                data_key_id=case.client.data_key_id,
                stage=stage,
                outcome=outcome,
                opened_at=opened,
                **values,
            )
            for _ in range(count)
        ]
    )
    today = timezone.localdate()
    StageChange.objects.bulk_create(
        [
            StageChange(matter=matter, stage=entered, entered_on=today - datetime.timedelta(days=days))
            for matter in matters
            for entered, days in history
        ]
    )
    return matters


def network(personas, **filters):
    return analytics.legal_analytics(membership=member(personas.coordinator), filters=Filters(**filters))


def of_organization(user, **filters):
    return analytics.legal_analytics(membership=member(user), filters=Filters(**filters))


def values(table) -> dict:
    return {line.key: line.value for line in table.lines}


def cross(result, key):
    return next(table for table in result.outcome_tables if table.key == key)


def cells(table) -> dict:
    """(row key, column key) → value, with "total" for the margins."""
    found = {}
    for row_key, _label, row, total in table.lines():
        for (column, _name), value in zip(table.columns, row, strict=True):
            found[(row_key, column)] = value
        found[(row_key, "total")] = total
    for (column, _name), value in zip(table.columns, table.column_totals, strict=True):
        found[("total", column)] = value
    found[("total", "total")] = table.total
    return found


def stage_time(result, stage):
    return next(entry for entry in result.time_in_stage if entry.stage == stage)


def test_it_counts_the_networks_matters_by_stage_and_outcome_and_hides_small_cells(personas):
    matters_of(a_client(personas), 7, stage=Stage.FILING)
    matters_of(a_client(personas, lawyer=personas.legal_officer_b), 6, stage=Stage.HEARING, outcome=Outcome.SETTLED)
    matters_of(a_client(personas), 2, stage=Stage.JUDGMENT, outcome=Outcome.FAVOURABLE)

    result = network(personas)

    assert result.scope == analytics.NETWORK
    assert result.matters == 15
    assert values(result.by_stage) == {
        "intake": 0,
        "investigation": 0,
        "filing": 7,
        "admissibility": 0,
        "hearing": None,  # the complement of the 2 in judgment
        "judgment": None,
        "appeal": 0,
        "enforcement": 0,
        "closed": 0,
    }
    outcomes = values(result.by_outcome)
    assert outcomes["none"] == 7
    assert outcomes["favourable"] is None and outcomes["settled"] is None
    assert result.by_outcome.total == 15
    assert result.delayed_matters == ()


def test_it_shows_an_organization_only_the_matters_it_leads_or_works_as_co_counsel(personas):
    matters_of(a_client(personas), 6)
    theirs = matters_of(a_client(personas, lawyer=personas.legal_officer_b), 5, stage=Stage.FILING)
    shared = matters_of(a_client(personas), 5, stage=Stage.HEARING)
    CoCounsel.objects.bulk_create(
        [CoCounsel(matter=matter, organization=personas.org_b, role=CoCounsel.Role.CO_COUNSEL) for matter in shared]
    )

    for_b = of_organization(personas.legal_officer_b)
    for_a = of_organization(personas.supervisor_a)

    assert for_b.scope == analytics.ORGANIZATION
    assert (for_b.matters, values(for_b.by_stage)["filing"], values(for_b.by_stage)["hearing"]) == (10, 5, 5)
    assert (for_a.matters, values(for_a.by_stage)["intake"], values(for_a.by_stage)["filing"]) == (11, 6, 0)
    assert len(theirs) == 5


def test_it_measures_the_median_time_in_each_stage_up_to_the_next_change_or_today(personas):
    case = a_client(personas)
    # Five matters went from intake (100 days ago) to filing on days 90, 80, 70, 60 and 50 ago:
    # intake lasted 10, 20, 30, 40 and 50 days; filing has lasted 90, 80, 70, 60 and 50 days so far.
    for entered_filing in (90, 80, 70, 60, 50):
        matters_of(case, stage=Stage.FILING, history=[(Stage.INTAKE, 100), (Stage.FILING, entered_filing)])
    # A sixth, still at intake after 12 days: six intake periods, median (20 + 30) / 2.
    matters_of(case, history=[(Stage.INTAKE, 12)])
    # Three hearings only (after 10 days at intake): too few for a median.
    matters_of(case, 3, stage=Stage.HEARING, history=[(Stage.INTAKE, 40), (Stage.HEARING, 30)])

    result = network(personas)

    intake = stage_time(result, Stage.INTAKE)
    assert (intake.periods, intake.median_days) == (9, 12)  # 10, 10, 10, 10, 12, 20, 30, 40, 50
    filing = stage_time(result, Stage.FILING)
    assert (filing.periods, filing.median_days) == (5, 70)
    hearing = stage_time(result, Stage.HEARING)
    assert (hearing.periods, hearing.median_days) == (None, None)
    appeal = stage_time(result, Stage.APPEAL)
    assert (appeal.periods, appeal.median_days) == (0, None)


def test_it_takes_the_middle_two_periods_for_an_even_count(personas):
    case = a_client(personas)
    for days in (10, 20, 30, 40, 50, 60):
        matters_of(case, stage=Stage.FILING, history=[(Stage.INTAKE, 100), (Stage.FILING, 100 - days)])

    intake = stage_time(network(personas), Stage.INTAKE)

    assert (intake.periods, intake.median_days) == (6, 35)


def test_it_leaves_days_still_to_come_out_of_the_history(personas):
    case = a_client(personas)
    matters_of(case, 5, history=[(Stage.INTAKE, 20), (Stage.HEARING, -10)])

    result = network(personas)

    assert stage_time(result, Stage.INTAKE).median_days == 20
    assert stage_time(result, Stage.HEARING).periods == 0


def test_it_counts_delayed_matters_for_the_network_and_lists_them_for_the_organization(personas, settings):
    settings.LEGAL_DELAY_DAYS = 100
    case = a_client(personas)
    matters_of(case, 5, stage=Stage.FILING, history=[(Stage.INTAKE, 300), (Stage.FILING, 150)])
    matters_of(case, 2, stage=Stage.HEARING, history=[(Stage.HEARING, 101)])
    matters_of(case, 3, stage=Stage.HEARING, history=[(Stage.HEARING, 100)])  # exactly 100: not yet
    matters_of(case, 4, stage=Stage.CLOSED, history=[(Stage.CLOSED, 400)])  # closed: never delayed
    # No history: its stage started when it was opened.
    matters_of(case, 1, stage=Stage.INTAKE, opened_ago=200 * DAY)
    matters_of(a_client(personas, lawyer=personas.legal_officer_b), 6, stage=Stage.APPEAL, history=[("appeal", 500)])

    coordinator = network(personas)
    lawyer = of_organization(personas.legal_officer_a)

    assert coordinator.delay_days == 100
    assert values(coordinator.delayed) == {
        "intake": None,
        "investigation": 0,
        "filing": 5,
        "admissibility": 0,
        "hearing": None,
        "judgment": 0,
        "appeal": 6,
        "enforcement": 0,
    }
    assert coordinator.delayed.total == 14
    assert coordinator.delayed_matters == ()
    assert lawyer.delayed_listed == 8
    listed = [(row.client_code, row.stage, row.days) for row in lawyer.delayed_matters]
    code = case.client.code
    assert listed == [(code, "intake", 200)] + [(code, "filing", 150)] * 5 + [(code, "hearing", 101)] * 2


def test_it_counts_outcomes_by_sex_age_disability_and_region_only_for_clients_counted(personas):
    north, south = Admin1Factory(pcode="XA01"), Admin1Factory(pcode="XA02")
    district = Admin2Factory(parent=north, pcode="XA0101")
    women = a_client(personas, sex=Sex.FEMALE, age_band=AgeBand.AGE_25_59, has_disability=True, admin_area=district)
    men = a_client(personas, sex=Sex.MALE, age_band=AgeBand.AGE_18_24, has_disability=False, admin_area=south)
    refused = a_client(personas, counted=False, sex=Sex.MALE, admin_area=south)
    matters_of(women, 6, outcome=Outcome.UNFAVOURABLE)
    matters_of(women, 5)
    matters_of(men, 8, outcome=Outcome.FAVOURABLE)
    matters_of(men, 7, outcome=Outcome.UNFAVOURABLE)
    matters_of(men, 2)
    matters_of(refused, 9, outcome=Outcome.FAVOURABLE)

    result = network(personas)

    assert result.matters == 37
    assert result.counted_matters == 28
    by_sex = cells(cross(result, "sex"))
    assert by_sex[("male", "favourable")] == 8
    # The 2 men without an outcome yet, hidden with a rectangle of three complements.
    hidden = [("male", "none"), ("male", "unfavourable"), ("female", "unfavourable"), ("female", "none")]
    assert [by_sex[cell] for cell in hidden] == [None] * 4
    assert (by_sex[("female", "total")], by_sex[("male", "total")], by_sex[("total", "total")]) == (11, 17, 28)
    assert by_sex[("total", "unfavourable")] == 13
    by_age = cells(cross(result, "age"))
    assert (by_age[("25-59", "total")], by_age[("18-24", "total")], by_age[("60+", "total")]) == (11, 17, 0)
    by_disability = cells(cross(result, "disability"))
    assert (by_disability[("yes", "total")], by_disability[("no", "total")]) == (11, 17)
    assert by_disability[("unknown", "total")] == 0
    by_region = cells(cross(result, "region"))
    assert by_region[("XA01", "total")] == 11  # from a district of the region
    assert by_region[("XA02", "total")] == 17
    assert by_region[("unknown", "total")] == 0


def test_it_stops_counting_a_client_whose_consent_was_revoked(personas):
    case = a_client(personas)
    matters_of(case, 6, outcome=Outcome.SETTLED)
    case.client.consents.filter(purpose=ConsentPurpose.STATISTICS).update(revoked_at=timezone.now() - DAY)

    result = network(personas)

    assert result.matters == 6
    assert result.counted_matters == 0


def test_it_filters_by_opening_day_type_and_forum(personas):
    case = a_client(personas)
    old = matters_of(case, 5, opened_ago=400 * DAY)
    matters_of(case, 6, type="civil_claim", jurisdiction=Jurisdiction.objects.get(code="iachr"))
    today = timezone.localdate()

    recent = network(personas, opened_from=today - 100 * DAY)
    early = network(personas, opened_to=today - 300 * DAY)
    claims = network(personas, type="civil_claim")
    echr = network(personas, jurisdiction=Jurisdiction.objects.get(code="echr"))

    assert (recent.matters, early.matters, claims.matters, echr.matters) == (6, 5, 6, 5)
    assert network(personas, opened_from=old[0].opened_at.date() + DAY, opened_to=today - 300 * DAY).matters == 0


def test_it_leaves_erased_clients_out(personas):
    case = a_client(personas)
    matters_of(case, 6)
    type(case.client).objects.filter(pk=case.client_id).update(erased_at=timezone.now())

    assert network(personas).matters == 0


def test_it_counts_with_a_fixed_number_of_queries(personas, django_assert_max_num_queries):
    def count_queries(user):
        with django_assert_max_num_queries(50) as captured:
            analytics.legal_analytics(membership=member(user), filters=Filters())
        return len(captured)

    case = a_client(personas)
    matters_of(case, 2, stage=Stage.FILING, history=[(Stage.INTAKE, 200), (Stage.FILING, 190)])
    few = (count_queries(personas.coordinator), count_queries(personas.legal_officer_a))
    other = a_client(personas, sex=Sex.MALE, admin_area=Admin1Factory())
    matters_of(other, 40, stage=Stage.HEARING, outcome=Outcome.SETTLED, history=[(Stage.HEARING, 300)])
    matters_of(case, 30, stage=Stage.APPEAL, history=[(Stage.INTAKE, 400), (Stage.APPEAL, 380)])

    assert (count_queries(personas.coordinator), count_queries(personas.legal_officer_a)) == few


def test_it_answers_404_to_every_role_without_legal_analytics(personas):
    for name in EVERY_OTHER_ROLE:
        membership = getattr(personas, name).memberships.select_related("organization").get()
        with pytest.raises(Http404):
            analytics.legal_analytics(membership=membership, filters=Filters())
    with pytest.raises(Http404):
        analytics.legal_analytics(membership=None, filters=Filters())


def test_it_reads_the_delay_from_the_environment_and_refuses_junk(tmp_path):
    from caseway.tests.production import production_env, run_python

    read = "import caseway.wsgi; from django.conf import settings; print(settings.LEGAL_DELAY_DAYS)"
    default = run_python(read, production_env(tmp_path))
    assert default.returncode == 0, default.stderr
    assert default.stdout.strip().splitlines()[-1] == "180"
    chosen = run_python(read, production_env(tmp_path, CASEWAY_LEGAL_DELAY_DAYS="90"))
    assert chosen.stdout.strip().splitlines()[-1] == "90"
    junk = run_python(read, production_env(tmp_path, CASEWAY_LEGAL_DELAY_DAYS="0"))
    assert junk.returncode != 0 and "CASEWAY_LEGAL_DELAY_DAYS" in junk.stderr
