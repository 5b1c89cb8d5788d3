"""The coverage table (caseway.directory.coverage), counted by hand on test_coverage_scenario."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caseway.directory import coverage
from caseway.directory.models import AdminArea, ServiceTerm
from caseway.directory.tests.factories import (
    Admin2Factory,
    LocationFactory,
    OrganizationFactory,
    ServiceAtLocationFactory,
    ServiceCapacityFactory,
    ServiceFactory,
    UnitFactory,
    term,
)
from caseway.directory.tests.test_coverage_scenario import build_scenario, membership_of

pytestmark = pytest.mark.django_db

DISTRICTS = AdminArea.Level.ADMIN2
REGIONS = AdminArea.Level.ADMIN1


def table_for(personas, country, level=DISTRICTS, category=None, user=None):
    options = coverage.filter_options()
    membership = membership_of(user or personas.coordinator)
    scope = coverage.build_scope(
        membership, options, country=country, level=level, category=options.category(category or "")
    )
    return coverage.coverage_table(scope)


def non_gap_cells(table):
    """{(area P-code, category code): (services, organizations, places available)} of every non-gap cell."""
    return {
        (cell.row.pcode, cell.column.code): (
            cell.values["services"],
            cell.values["organizations"],
            cell.values["places_available"],
        )
        for cell in table.long_cells()
        if not cell.gap
    }


def test_it_counts_services_organizations_and_places_per_district(personas):
    scenario = build_scenario()

    table = table_for(personas, scenario.aldoria)

    assert [row.pcode for row in table.rows] == ["XA0101", "XA0102", "XA0201", "XA0202"]
    assert non_gap_cells(table) == {
        # cmr_clinic (5 places, its latest report) and primary_and_counselling (3)
        ("XA0101", "health"): (2, 2, Decimal(8)),
        # primary_and_counselling at two locations (once), pfa_north by its service area North
        ("XA0101", "mhpss"): (2, 1, Decimal(3)),
        # jobs: a service area North linked to its service-at-location in Southhill
        ("XA0101", "livelihoods"): (1, 1, None),
        # interpreters: a service area for the whole country
        ("XA0101", "interpretation"): (1, 1, None),
        ("XA0102", "mhpss"): (1, 1, None),
        ("XA0102", "livelihoods"): (1, 1, None),
        ("XA0102", "interpretation"): (1, 1, None),
        ("XA0201", "legal"): (1, 1, None),
        # the confidential shelter, in its district; its 10 waiting days are not places
        ("XA0201", "protection"): (1, 1, Decimal(4)),
        ("XA0201", "education"): (1, 1, None),
        ("XA0201", "interpretation"): (1, 1, None),
        ("XA0202", "legal"): (1, 1, None),
        ("XA0202", "livelihoods"): (1, 1, None),
        ("XA0202", "interpretation"): (1, 1, None),
    }


def test_it_counts_a_region_from_its_districts_and_its_own_service_areas(personas):
    scenario = build_scenario()

    table = table_for(personas, scenario.aldoria, level=REGIONS)

    assert [row.pcode for row in table.rows] == ["XA01", "XA02"]
    assert non_gap_cells(table) == {
        ("XA01", "health"): (2, 2, Decimal(8)),
        ("XA01", "mhpss"): (2, 1, Decimal(3)),
        ("XA01", "livelihoods"): (1, 1, None),
        ("XA01", "interpretation"): (1, 1, None),
        ("XA02", "legal"): (1, 1, None),
        ("XA02", "protection"): (1, 1, Decimal(4)),
        # literacy_southport covers one district only: it is present in the region
        ("XA02", "education"): (1, 1, None),
        ("XA02", "livelihoods"): (1, 1, None),
        ("XA02", "interpretation"): (1, 1, None),
    }


def test_it_leaves_out_inactive_services_and_services_of_inactive_organizations(personas):
    scenario = build_scenario()

    table = table_for(personas, scenario.aldoria)

    # closed_health (inactive, Northwest) and defunct_org_health (inactive organization, Southhill)
    northwest = next(row for row in table.rows if row.pcode == "XA0102")
    southhill = next(row for row in table.rows if row.pcode == "XA0202")
    health = next(column for column in table.columns if column.code == "health")
    assert table.cell(northwest, health).gap
    assert table.cell(southhill, health).gap
    assert table.cell(northwest, health).values == {"services": 0, "organizations": 0, "places_available": None}


def test_it_totals_rows_columns_and_the_table_counting_each_service_once(personas):
    scenario = build_scenario()

    table = table_for(personas, scenario.aldoria)

    row_totals = {row.pcode: tuple(table.row_totals[row.key].values()) for row in table.rows}
    assert row_totals == {
        # cmr_clinic, primary_and_counselling (in two columns: once), pfa_north, jobs, interpreters
        "XA0101": (5, 3, Decimal(8)),
        "XA0102": (3, 3, None),
        "XA0201": (4, 3, Decimal(4)),
        "XA0202": (3, 2, None),
    }
    column_totals = {code: tuple(values.values()) for code, values in table.column_totals.items()}
    assert column_totals["health"] == (2, 2, Decimal(8))
    assert column_totals["mhpss"] == (2, 1, Decimal(3))
    # interpreters covers all four districts: one service
    assert column_totals["interpretation"] == (1, 1, None)
    assert column_totals["childcare"] == (0, 0, None)
    assert table.total == {"services": 8, "organizations": 3, "places_available": Decimal(12)}


def test_it_marks_every_cell_without_an_active_service_as_a_gap(personas):
    scenario = build_scenario()

    table = table_for(personas, scenario.aldoria)

    assert len(table.columns) == 9
    assert table.gap_count == 4 * 9 - 14
    gaps = {(cell.row.pcode, cell.column.code) for cell in table.gaps}
    assert ("XA0101", "legal") in gaps
    assert ("XA0202", "protection") in gaps
    assert ("XA0101", "health") not in gaps
    assert all(cell.values["services"] == 0 for cell in table.gaps)


def test_it_drills_into_the_narrower_categories_of_one_category(personas):
    scenario = build_scenario()

    table = table_for(personas, scenario.aldoria, category="health")

    assert [column.code for column in table.columns] == ["health.cmr", "health.primary", "health.srh"]
    assert {column.sector_code for column in table.columns} == {"health"}
    # closed_health is tagged "health" only (and is inactive anyway): it is in no narrower column
    assert non_gap_cells(table) == {
        ("XA0101", "health.cmr"): (1, 1, Decimal(5)),
        ("XA0101", "health.primary"): (1, 1, Decimal(3)),
    }
    assert table.total["services"] == 2


def test_it_counts_services_tagged_with_a_retired_narrower_term(personas):
    scenario = build_scenario()
    pfa = term("mhpss.pfa")
    pfa.is_active = False
    pfa.save()

    table = table_for(personas, scenario.aldoria)

    assert non_gap_cells(table)[("XA0102", "mhpss")] == (1, 1, None)
    assert "mhpss.pfa" not in [
        column.code for column in table_for(personas, scenario.aldoria, category="mhpss").columns
    ]


def test_it_keeps_countries_apart(personas):
    scenario = build_scenario()

    table = table_for(personas, scenario.borduria)

    assert [row.pcode for row in table.rows] == ["XB0101"]
    assert non_gap_cells(table) == {("XB0101", "health"): (1, 1, Decimal(6))}


def test_it_shows_nothing_without_an_active_membership(personas):
    scenario = build_scenario()
    options = coverage.filter_options()
    scope = coverage.build_scope(None, options, country=scenario.aldoria)

    table = coverage.coverage_table(scope)

    assert table.gap_count == len(table.rows) * len(table.columns)
    assert table.total == {"services": 0, "organizations": 0, "places_available": None}


def test_it_defaults_to_the_country_of_the_viewers_organization(personas):
    scenario = build_scenario()
    options = coverage.filter_options()

    assert options.default_country(membership_of(personas.coordinator)) == scenario.aldoria  # Gamma: XA
    assert options.default_country(membership_of(personas.donor)) == scenario.borduria  # Delta Fund: XB
    assert options.default_country(None) == scenario.aldoria


def _network(size):
    """``size`` services spread over districts, locations, service areas, categories and capacity."""
    region_area = Admin2Factory(parent__parent__pcode="XA", parent__pcode="XA09", pcode="XA0901").parent
    places = UnitFactory(name="places")
    codes = ["health.cmr", "mhpss.pfa", "legal.counselling", "protection.safe_shelter", "livelihoods.cash_grant"]
    for number in range(size):
        organization = OrganizationFactory()
        service = ServiceFactory(organization=organization, categories=[codes[number % len(codes)]])
        district = Admin2Factory(parent=region_area, pcode=f"XA09{number + 2:02d}")
        ServiceAtLocationFactory(
            service=service, location=LocationFactory(organization=organization, admin_area=district)
        )
        ServiceCapacityFactory(service=service, unit=places)
        if number % 3 == 0:
            service.service_areas.create(admin_area=region_area)
            ServiceTerm.objects.create(service=service, taxonomy_term=term("education.literacy"))


def _queries_for_table(personas, level):
    country = AdminArea.objects.get(pcode="XA")
    membership = membership_of(personas.coordinator)
    with CaptureQueriesContext(connection) as queries:
        options = coverage.filter_options()
        table = coverage.coverage_table(coverage.build_scope(membership, options, country=country, level=level))
        coverage.coverage_long_form(table)
        coverage.who_does_what_where(table.scope)
    return len(queries), table


@pytest.mark.parametrize("level", [REGIONS, DISTRICTS])
def test_it_runs_the_same_number_of_queries_for_2_or_20_services(personas, level):
    _network(2)
    few, small = _queries_for_table(personas, level)
    _network(20)
    many, large = _queries_for_table(personas, level)

    assert large.total["services"] == 22
    assert small.total["services"] == 2
    # options (countries, terms), rows, one aggregate, the 3W aggregate and its organizations
    assert few == many == 6


def test_it_lets_a_higher_app_add_a_measure_to_every_cell(personas):
    scenario = build_scenario()

    def needs(scope):
        # What the clients app will do with its own aggregate query: here, one need per row.
        cells = {(row.key, scope.columns[0].key): 1 for row in scope.rows}
        return {
            "needs": coverage.Figures(
                cells=cells,
                row_totals={row.key: 1 for row in scope.rows},
                column_totals={scope.columns[0].key: len(scope.rows)},
                total=len(scope.rows),
            )
        }

    provider = coverage.MeasureProvider(
        key="clients.needs", measures=(coverage.Measure("needs", "Needs", "#need+num"),), compute=needs
    )
    coverage.register_provider(provider)
    try:
        table = table_for(personas, scenario.aldoria)
        header, hashtags, _rows = coverage.coverage_long_form(table)
    finally:
        coverage.unregister_provider("clients.needs")

    assert [measure.key for measure in table.measures] == ["services", "organizations", "places_available", "needs"]
    first_row, first_column = table.rows[0], table.columns[0]
    assert table.cell(first_row, first_column).values["needs"] == 1
    assert table.cell(first_row, table.columns[1]).values["needs"] == 0  # left out: the measure's empty value
    assert table.total["needs"] == 4
    assert header[-2:] == ["needs", "gap"]
    assert hashtags[-2] == "#need+num"
    assert [measure.key for measure in coverage.measures()] == ["services", "organizations", "places_available"]


def test_it_refuses_a_second_provider_for_the_same_measure():
    clash = coverage.MeasureProvider(
        key="other", measures=(coverage.Measure("services", "Services", "#service+num"),), compute=dict
    )

    with pytest.raises(ValueError, match="already registered"):
        coverage.register_provider(clash)
    with pytest.raises(ValueError, match="cannot be removed"):
        coverage.unregister_provider(coverage.DIRECTORY_PROVIDER)
    assert "other" not in [provider.key for provider in coverage.providers()]


def test_it_lists_who_does_what_where_by_organization_area_category_and_status(personas):
    scenario = build_scenario()
    options = coverage.filter_options()
    scope = coverage.build_scope(membership_of(personas.donor), options, country=scenario.aldoria, level=REGIONS)

    header, _hashtags, rows = coverage.who_does_what_where(scope)

    as_dicts = [dict(zip(header, row, strict=True)) for row in rows]
    summary = {
        (
            line["organization_acronym"],
            line["adm1_pcode"],
            line["sector_code"],
            line["service_status"],
            line["services"],
        )
        for line in as_dicts
    }
    assert summary == {
        ("ORA", "XA01", "health", "active", 1),
        ("ORB", "XA01", "health", "active", 1),
        ("ORB", "XA01", "mhpss", "active", 2),
        ("ORA", "XA01", "livelihoods", "active", 1),
        ("ORC", "XA01", "interpretation", "active", 1),
        # the 3W shows an inactive service as such, where the map does not count it
        ("ORC", "XA01", "health", "inactive", 1),
        ("ORA", "XA02", "legal", "active", 1),
        ("ORC", "XA02", "protection", "active", 1),
        ("ORB", "XA02", "education", "active", 1),
        ("ORA", "XA02", "livelihoods", "active", 1),
        ("ORC", "XA02", "interpretation", "active", 1),
    }
    assert all(line["adm2_pcode"] == "" for line in as_dicts)
    assert as_dicts[0]["organization_name"] == "Oasis Bridges"  # sorted by place, category, then name
    assert "OLD" not in {line["organization_acronym"] for line in as_dicts}
