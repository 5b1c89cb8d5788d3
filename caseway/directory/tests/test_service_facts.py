"""The matching facts (ServiceFacts) follow every write to the directory: each path keeps them current.

"Current" means what ``refresh_facts`` would write now: after each write, a refresh of every
service has nothing left to do (``assert_current``). What the facts hold is checked column by
column once; matching's own tests check that ranking from them ranks as the tables say.
"""

import csv
import io
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from caseway.directory import facts, hsds_import, services
from caseway.directory import models as m
from caseway.directory.admin_areas import import_admin_areas
from caseway.directory.facts import member, members, refresh_facts
from caseway.directory.taxonomy import term_id
from caseway.directory.tests.factories import (
    Admin1Factory,
    Admin2Factory,
    LocationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)
from caseway.directory.tests.test_hsds_tables import EXAMPLES_CSV

pytestmark = pytest.mark.django_db


def facts_of(service) -> m.ServiceFacts:
    return m.ServiceFacts.objects.get(pk=service.pk)


def assert_current():
    """Every service has facts, and they are what a refresh would write now."""
    assert refresh_facts(None) == (0, 0)
    assert m.ServiceFacts.objects.count() == m.Service.objects.count()


def admin_membership(personas):
    return personas.admin_a.memberships.get()


@pytest.fixture
def district():
    return Admin2Factory(name="Riverbend District", pcode="XA0101", parent=Admin1Factory(pcode="XA01"))


# ---------------------------------------------------------------------------------------------
# What they hold


def test_it_holds_what_matching_reads_of_a_service(district):
    abroad = Admin2Factory(pcode="XB0101", parent=Admin1Factory(pcode="XB01", parent__pcode="XB", parent__name="B"))
    service = ServiceFactory(
        name="Legal aid",
        status=m.Service.Status.TEMPORARILY_CLOSED,
        sex_eligibility=m.Sex.FEMALE,
        minimum_age=16,
        accepting_referrals=False,
        provides_childcare=True,
        interpretation_services="On request.",
    )
    office = LocationFactory(admin_area=district, latitude=Decimal("10.5"), longitude=Decimal("20.25"))
    hotline = LocationFactory(location_type=m.Location.LocationType.VIRTUAL, admin_area=None, latitude=None)
    for location in (office, hotline):
        m.ServiceAtLocation.objects.create(service=service, location=location)
    m.ServiceArea.objects.create(service=service, admin_area=abroad)
    m.Language.objects.create(service=service, code="fr-CA", name="French")
    m.Language.objects.create(location=office, code="ar", name="Arabic")
    m.Accessibility.objects.create(location=office, feature="wheelchair")
    places = m.Unit.objects.create(name="Places")  # unit names count in any case
    waiting = m.Unit.objects.create(name="waiting days")
    for unit, available in ((places, 3), (places, 5), (waiting, 20), (waiting, 9)):
        m.ServiceCapacity.objects.create(service=service, unit=unit, available=Decimal(available))

    row = facts_of(service)

    assert (row.organization_id, row.name, row.status) == (service.organization_id, "Legal aid", "temporarily closed")
    assert (row.sex_eligibility, row.minimum_age, row.maximum_age) == ("female", 16, None)
    assert (row.accepting_referrals, row.provides_childcare, row.provides_transport) == (False, True, False)
    assert row.interpretation
    assert row.areas == members([district.pk, abroad.pk])
    assert row.parent_areas == members([district.parent_id, abroad.parent_id])
    assert row.countries == "|XA|XB|"
    assert row.remote
    assert (row.located, row.latitude, row.longitude) == (1, Decimal("10.5"), Decimal("20.25"))
    assert row.languages == "|ar|fr-CA|"
    assert row.features == "|wheelchair|"
    assert (row.places, row.waiting) == (Decimal(5), Decimal(9))  # the most places, the shortest wait
    assert_current()


def test_it_leaves_the_coordinates_to_the_locations_when_there_are_several(district):
    service = ServiceFactory()
    for latitude in ("1.5", "2.5"):
        m.ServiceAtLocation.objects.create(
            service=service, location=LocationFactory(admin_area=district, latitude=Decimal(latitude))
        )
    m.ServiceAtLocation.objects.create(service=service, location=LocationFactory(admin_area=district, latitude=None))

    row = facts_of(service)

    assert (row.located, row.latitude, row.longitude) == (2, None, None)


def test_a_set_column_writes_each_member_between_bars():
    assert members(["fr", "ar", "fr"]) == "|ar|fr|"
    assert members([]) == ""
    assert members(["a|b", "en"]) == "|en|"  # never a bar inside: a substring test would find "a"
    assert member("ar") in members(["ar", "en"])
    assert member("a") not in members(["ar"])


# ---------------------------------------------------------------------------------------------
# Kept current by the directory's services


def test_editing_a_service_keeps_its_facts(personas, district):
    admin, membership = personas.admin_a, admin_membership(personas)
    office = LocationFactory(organization=personas.org_a, admin_area=district)
    service = services.service_create(
        actor=admin,
        membership=membership,
        values={"name": "Counselling", "status": "active"},
        category_ids=[term_id("mhpss.counselling")],
        location_ids=[office.pk],
        language_codes=["ar", "fr"],
    )
    assert (facts_of(service).areas, facts_of(service).languages) == (member(district.pk), "|ar|fr|")

    services.service_update(
        actor=admin,
        membership=membership,
        service=service,
        values={"accepting_referrals": False, "name": "Peer counselling"},
        category_ids=[term_id("mhpss.counselling")],
        location_ids=[],
        language_codes=["en"],
    )

    row = facts_of(service)
    assert (row.accepting_referrals, row.name, row.areas, row.languages) == (False, "Peer counselling", "", "|en|")
    assert_current()


def test_editing_a_location_keeps_the_facts_of_every_service_there(personas, district):
    admin, membership = personas.admin_a, admin_membership(personas)
    office = LocationFactory(organization=personas.org_a, admin_area=district)
    first, second = ServiceFactory(organization=personas.org_a), ServiceFactory(organization=personas.org_a)
    for service in (first, second):
        m.ServiceAtLocation.objects.create(service=service, location=office)
    elsewhere = Admin2Factory(pcode="XA0201", parent=Admin1Factory(pcode="XA02"))

    services.location_update(
        actor=admin,
        membership=membership,
        location=office,
        values={"admin_area": elsewhere, "latitude": Decimal("3.25"), "longitude": Decimal("4.5")},
        accessibility_features=["hearing_loop"],
        language_codes=["so"],
    )

    for service in (first, second):
        row = facts_of(service)
        assert (row.areas, row.parent_areas) == (member(elsewhere.pk), member(elsewhere.parent_id))
        assert (row.latitude, row.features, row.languages) == (Decimal("3.25"), "|hearing_loop|", "|so|")
    assert_current()


def test_updating_capacity_keeps_the_facts(personas):
    service = ServiceFactory(organization=personas.org_a)

    services.service_capacity_set(
        actor=personas.admin_a, membership=admin_membership(personas), service=service, available=4
    )
    assert facts_of(service).places == Decimal(4)

    services.service_capacity_set(
        actor=personas.admin_a, membership=admin_membership(personas), service=service, available=0
    )
    assert facts_of(service).places == Decimal(0)
    assert_current()


# ---------------------------------------------------------------------------------------------
# Kept current by rows saved, moved and deleted one at a time


def test_rows_saved_and_deleted_one_at_a_time_keep_the_facts(district):
    link = ServiceAtLocationFactory(location__admin_area=district)
    service, office = link.service, link.location
    language = m.Language.objects.create(location=office, code="ha", name="Hausa")
    feature = m.Accessibility.objects.create(location=office, feature="easy_read")
    served = m.ServiceArea.objects.create(service_at_location=link, admin_area=district.parent)
    report = m.ServiceCapacity.objects.create(service=service, unit=m.Unit.objects.create(name="places"), available=2)
    row = facts_of(service)
    assert (row.languages, row.features, row.places) == ("|ha|", "|easy_read|", Decimal(2))
    assert row.areas == members([district.pk, district.parent_id])

    for deleted in (language, feature, served, report):
        deleted.delete()
    row = facts_of(service)
    assert (row.languages, row.features, row.places, row.areas) == ("", "", None, member(district.pk))

    service.status = m.Service.Status.INACTIVE
    service.save()
    assert facts_of(service).status == "inactive"
    office.location_type = m.Location.LocationType.VIRTUAL
    office.save()
    assert facts_of(service).remote
    link.delete()
    assert (facts_of(service).areas, facts_of(service).remote) == ("", False)
    assert_current()


def test_a_row_moved_to_another_service_or_place_changes_both(district):
    first, second = ServiceFactory(), ServiceFactory()
    spoken = m.Language.objects.create(service=first, code="ti", name="Tigrinya")
    link = m.ServiceAtLocation.objects.create(service=first, location=LocationFactory(admin_area=district))
    report = m.ServiceCapacity.objects.create(service=first, unit=m.Unit.objects.create(name="places"), available=1)

    spoken.service = second
    spoken.save()
    link.service = second
    link.save()
    report.service = second
    report.save()

    assert (facts_of(first).languages, facts_of(first).areas, facts_of(first).places) == ("", "", None)
    assert (facts_of(second).languages, facts_of(second).areas) == ("|ti|", member(district.pk))
    assert facts_of(second).places == Decimal(1)
    assert_current()


def test_a_renamed_unit_changes_what_its_reports_count_as():
    service = ServiceFactory()
    unit = m.Unit.objects.create(name="beds")
    m.ServiceCapacity.objects.create(service=service, unit=unit, available=6)
    assert facts_of(service).places is None

    unit.name = "places"
    unit.save()

    assert facts_of(service).places == Decimal(6)
    assert_current()


def test_deleting_a_service_or_a_location_takes_or_changes_the_facts(district):
    shared = LocationFactory(admin_area=district)
    gone, staying = ServiceFactory(), ServiceFactory()
    for service in (gone, staying):
        m.ServiceAtLocation.objects.create(service=service, location=shared)
        m.Language.objects.create(service=service, code="en", name="English")
    m.Language.objects.create(location=shared, code="ff", name="Fula")
    m.ServiceCapacity.objects.create(service=gone, unit=m.Unit.objects.create(name="places"), available=1)

    gone.delete()  # its links, languages and reports go with it: their refreshes must not bring it back

    assert not m.ServiceFacts.objects.filter(pk=gone.pk).exists()
    assert facts_of(staying).languages == "|en|ff|"
    shared.delete()
    assert (facts_of(staying).areas, facts_of(staying).languages) == ("", "|en|")
    assert_current()


def test_an_area_given_another_parent_changes_the_facts_of_the_services_there(district):
    service = ServiceFactory()
    m.ServiceAtLocation.objects.create(service=service, location=LocationFactory(admin_area=district))
    other_region = Admin1Factory(pcode="XA09")

    district.parent = other_region
    district.save()

    assert facts_of(service).parent_areas == member(other_region.pk)
    assert_current()


def test_an_admin_area_import_that_moves_a_district_changes_the_facts():
    def areas_file(region):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["adm0_pcode", "adm0_name", "adm1_pcode", "adm1_name", "adm2_pcode", "adm2_name"])
        writer.writerow(["XA", "Aldoria", region, f"Region {region}", "XA0111", "Nested District"])
        return buffer.getvalue().encode()

    import_admin_areas(areas_file("XA01"))
    district = m.AdminArea.objects.get(pcode="XA0111")
    service = ServiceFactory()
    m.ServiceAtLocation.objects.create(service=service, location=LocationFactory(admin_area=district))
    assert facts_of(service).parent_areas == member(m.AdminArea.objects.get(pcode="XA01").pk)

    import_admin_areas(areas_file("XA011"))  # a P-code that starts both: now under the deeper region

    assert facts_of(service).parent_areas == member(m.AdminArea.objects.get(pcode="XA011").pk)
    assert_current()


# ---------------------------------------------------------------------------------------------
# Kept current by bulk writers: the HSDS import, the demo, the migration


def test_an_hsds_import_writes_the_facts_of_what_it_brings():
    report = hsds_import.package_import(actor=None, source=EXAMPLES_CSV)
    assert report.ok

    example = m.Service.objects.get(id="ac148810-d857-441c-9679-408f346de14b")
    assert facts_of(example).name == "Community Counselling"
    assert facts_of(example).minimum_age == 12
    assert facts_of(example).languages  # the example's service speaks its languages
    assert_current()


def test_the_demo_directory_comes_with_current_facts():
    call_command("seed_demo", up_to="directory", stdout=StringIO())

    assert m.ServiceFacts.objects.count() >= 60
    assert_current()


def test_the_migration_fills_the_facts_of_the_services_already_there(district):
    link = ServiceAtLocationFactory(location__admin_area=district)
    m.Language.objects.create(service=link.service, code="so", name="Somali")
    m.ServiceFacts.objects.all().delete()
    migration = MigrationExecutor(connection).loader.get_migration("directory", "0004_service_facts")
    state = MigrationExecutor(connection).loader.project_state(("directory", "0004_service_facts"))
    fill = next(operation for operation in migration.operations if hasattr(operation, "code")).code

    fill(state.apps, None)

    assert facts_of(link.service).languages == "|so|"
    assert facts_of(link.service).areas == member(district.pk)
    assert_current()


def test_a_refresh_that_changes_nothing_writes_nothing(district):
    ServiceAtLocationFactory(location__admin_area=district)

    with CaptureQueriesContext(connection) as queries:
        assert refresh_facts(None) == (0, 0)

    written = [
        query["sql"] for query in queries.captured_queries if query["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert written == []


def test_services_concerned_finds_the_services_a_row_feeds(district):
    link = ServiceAtLocationFactory(location__admin_area=district)
    neighbour = m.ServiceAtLocation.objects.create(service=ServiceFactory(), location=link.location)
    language = m.Language.objects.create(location=link.location, code="ar", name="Arabic")
    served = m.ServiceArea.objects.create(service=ServiceFactory(), admin_area=district)

    both = {link.service_id, neighbour.service_id}
    assert facts.services_concerned(language_ids=[language.pk]) == both
    assert facts.services_concerned(location_ids=[link.location_id]) == both
    assert facts.services_concerned(area_ids=[district.pk]) == both | {served.service_id}
    assert facts.services_concerned(link_ids=[neighbour.pk]) == {neighbour.service_id}
