"""Needs on the coverage map (clients.coverage_needs): who is counted where, consent, suppression,
one query."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caseway.clients import coverage_needs
from caseway.clients.models import CaseStatus, Client, ConsentPurpose, Need
from caseway.clients.tests.factories import a_case, give_consent
from caseway.directory import coverage
from caseway.directory.models import AdminArea
from caseway.directory.tests.test_coverage_scenario import build_scenario
from caseway.lib import disclosure

pytestmark = pytest.mark.django_db

REGIONS, DISTRICTS = AdminArea.Level.ADMIN1, AdminArea.Level.ADMIN2


def membership_of(user):
    return user.memberships.select_related("organization").get()


def person(personas, area, *domains, counted=True, status=Need.Status.OPEN, case_status=None):
    """A client in ``area`` with one need per domain, counted in statistics or not."""
    membership = membership_of(personas.caseworker_a)
    case = a_case(membership, admin_area=area)
    if counted:
        give_consent(case.client, ConsentPurpose.STATISTICS, recorded_by=membership)
    for domain in domains:
        Need.objects.create(case=case, domain=domain, priority=Need.Priority.HIGH, status=status)
    if case_status:
        type(case).objects.filter(pk=case.pk).update(status=case_status)
    return case


def crafted(personas):
    """The people of the known answers below (see ``EXPECTED_*``)."""
    scenario = build_scenario()
    first = person(personas, scenario.northeast, "legal", "legal", "safety")  # two legal needs: one person
    person(personas, scenario.northeast, "legal")
    person(personas, scenario.northeast, "legal", status=Need.Status.REFERRED)  # referred: still open
    person(personas, scenario.north, "legal")  # recorded at region level: the region only
    person(personas, scenario.northwest, "mental_health")
    person(personas, scenario.southhill, "housing")  # housing: basic needs and safe shelter
    person(personas, scenario.southhill, "housing", "basic_needs")  # once in basic needs
    # Not counted: met or dropped needs, a closed case, no consent to statistics.
    person(personas, scenario.northeast, "legal", status=Need.Status.MET)
    person(personas, scenario.northeast, "legal", status=Need.Status.CLOSED)
    person(personas, scenario.northeast, "legal", case_status=CaseStatus.CLOSED)
    person(personas, scenario.northeast, "legal", counted=False)
    return scenario, first


EXPECTED_REGIONS = {("XA01", "legal"): 4, ("XA01", "mhpss"): 1, ("XA01", "protection"): 1}
EXPECTED_REGIONS |= {("XA02", "basic_needs"): 2, ("XA02", "protection"): 2}
EXPECTED_DISTRICTS = {("XA0101", "legal"): 3, ("XA0101", "protection"): 1, ("XA0102", "mhpss"): 1}
EXPECTED_DISTRICTS |= {("XA0202", "basic_needs"): 2, ("XA0202", "protection"): 2}


def scope_of(personas, scenario, level=REGIONS, category=None):
    options = coverage.filter_options()
    return coverage.build_scope(
        membership_of(personas.coordinator),
        options,
        country=scenario.aldoria,
        level=level,
        category=options.category(category) if category else None,
    )


def non_zero(scope, matrix):
    return {
        (row.pcode, column.code): matrix[r][c]
        for r, row in enumerate(scope.rows)
        for c, column in enumerate(scope.columns)
        if matrix[r][c]
    }


@pytest.mark.parametrize(("level", "expected"), [(REGIONS, EXPECTED_REGIONS), (DISTRICTS, EXPECTED_DISTRICTS)])
def test_it_counts_people_with_open_needs_per_area_and_category(personas, level, expected):
    scenario, _first = crafted(personas)
    scope = scope_of(personas, scenario, level)

    assert non_zero(scope, coverage_needs.needs_counts(scope)) == expected


def test_it_counts_a_broad_need_in_its_category_but_not_in_narrower_columns(personas):
    scenario, _first = crafted(personas)
    scope = scope_of(personas, scenario, category="protection")

    # Housing calls for safe shelter; safety calls for protection in general, no narrower term.
    assert non_zero(scope, coverage_needs.needs_counts(scope)) == {("XA02", "protection.safe_shelter"): 2}


def test_it_counts_only_clients_whose_consent_to_statistics_is_in_force(personas):
    scenario = build_scenario()
    membership = membership_of(personas.caseworker_a)
    now = timezone.now()
    counted = person(personas, scenario.northeast, "legal")
    never_asked = person(personas, scenario.northeast, "legal", counted=False)
    refused = person(personas, scenario.northeast, "legal", counted=False)
    give_consent(refused.client, ConsentPurpose.STATISTICS, recorded_by=membership, granted=False)
    revoked = person(personas, scenario.northeast, "legal", counted=False)
    give_consent(
        revoked.client, ConsentPurpose.STATISTICS, recorded_by=membership, revoked_at=now - datetime.timedelta(hours=1)
    )
    expired = person(personas, scenario.northeast, "legal", counted=False)
    give_consent(
        expired.client, ConsentPurpose.STATISTICS, recorded_by=membership, expires_at=now - datetime.timedelta(days=1)
    )
    changed_mind = person(personas, scenario.northeast, "legal")  # a newer refusal decides
    give_consent(
        changed_mind.client,
        ConsentPurpose.STATISTICS,
        recorded_by=membership,
        granted=False,
        recorded_at=now + datetime.timedelta(seconds=1),
    )
    erased = person(personas, scenario.northeast, "legal")
    Client.objects.filter(pk=erased.client_id).update(erased_at=now)
    # Consent to other purposes does not count.
    give_consent(never_asked.client, ConsentPurpose.CONTACT, recorded_by=membership)
    scope = scope_of(personas, scenario, DISTRICTS)

    counts = non_zero(scope, coverage_needs.needs_counts(scope, at=now + datetime.timedelta(seconds=2)))

    assert counts == {("XA0101", "legal"): 1}
    assert counted.client_id not in {erased.client_id, changed_mind.client_id}


def test_it_hides_small_cells_and_the_complements_that_would_give_them_away(personas, settings):
    settings.SMALL_CELL_THRESHOLD = 3
    scenario, _first = crafted(personas)
    scope = scope_of(personas, scenario)
    column = {column.code: column.key for column in scope.columns}
    north, south = (row.key for row in scope.rows)

    figures = coverage_needs.needs_figures(scope)["needs"]

    assert figures.cells[(north, column["legal"])] == 4
    assert figures.cells[(north, column["mhpss"])] is None  # one person
    assert figures.cells[(south, column["basic_needs"])] is None  # two people
    # Each region is protected with its districts (and its people with no district recorded);
    # row, column and grand totals are sums of published figures, hidden when any part is.
    published = [
        *figures.cells.values(),
        *figures.row_totals.values(),
        *figures.column_totals.values(),
        figures.total,
    ]
    assert all(value is None or value == 0 or value >= 3 for value in published)
    for row in scope.rows:
        hidden = [c for c in scope.columns if figures.cells[(row.key, c.key)] is None]
        assert len(hidden) != 1 or figures.row_totals[row.key] is None
    assert figures.row_totals[north] is None
    assert figures.column_totals[column["legal"]] == 4
    assert figures.total is None  # the sum of the column totals, one of which (mhpss) is hidden


def test_it_hides_every_count_below_the_default_threshold(personas):
    scenario, _first = crafted(personas)
    scope = scope_of(personas, scenario, DISTRICTS)

    figures = coverage_needs.needs_figures(scope)["needs"]

    values = [*figures.cells.values(), *figures.row_totals.values(), *figures.column_totals.values(), figures.total]
    assert all(value in (None, 0) or value >= disclosure.threshold() for value in values)
    assert any(value is None for value in figures.cells.values())


def test_it_is_on_the_coverage_table_as_a_demand_beside_services(personas, settings):
    settings.SMALL_CELL_THRESHOLD = 3
    scenario, _first = crafted(personas)
    scope = scope_of(personas, scenario)

    table = coverage.coverage_table(scope)

    assert [measure.key for measure in table.measures][-1] == "needs"
    north = next(row for row in table.rows if row.pcode == "XA01")
    legal = next(column for column in table.columns if column.code == "legal")
    cell = table.cell(north, legal)
    assert cell.gap  # legal aid only in the south
    assert cell.values["needs"] == 4
    assert cell.unmet
    assert table.unmet_count == 1
    mhpss = next(column for column in table.columns if column.code == "mhpss")
    assert not table.cell(north, mhpss).unmet  # services there


def test_it_runs_one_query_whatever_the_number_of_clients_and_needs(personas):
    scenario = build_scenario()
    person(personas, scenario.northeast, "legal")
    scope = scope_of(personas, scenario, DISTRICTS)
    with CaptureQueriesContext(connection) as few:
        coverage_needs.needs_figures(scope)
    for area in (scenario.northwest, scenario.southport, scenario.north, scenario.southhill):
        for _number in range(3):
            person(personas, area, "legal", "health", "housing", "livelihoods")

    with CaptureQueriesContext(connection) as many:
        figures = coverage_needs.needs_figures(scope)["needs"]

    assert len(few) == len(many) == 1
    # 3 people × 5 columns (housing: two) in four areas (the region-level ones are in no district
    # but in the country's totals), + the first one.
    assert figures.total == 3 * 5 * 4 + 1


def test_it_is_registered_once_by_the_clients_app():
    assert [provider.key for provider in coverage.providers()][-1] == coverage_needs.PROVIDER_KEY
    coverage_needs.register()  # again, as a second ready() would: nothing changes

    assert [measure.key for measure in coverage.measures()].count("needs") == 1
