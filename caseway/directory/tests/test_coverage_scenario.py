"""The hand-built network the coverage tests count by hand (no tests here, only the builder).

Aldoria (XA): North (XA01) with Northeast (XA0101) and Northwest (XA0102); South (XA02) with
Southport (XA0201) and Southhill (XA0202). Borduria (XB) has one district, to prove countries do
not mix.

Services (organization; categories; how they reach areas; places available):

- cmr_clinic (ORA; health.cmr; location in XA0101; 5 in its latest report, 9 before)
- primary_and_counselling (ORB; health.primary, mhpss.counselling; two locations in XA0101; 3)
- legal_south (ORA; legal.counselling; service area South)
- shelter (ORC; protection.safe_shelter; confidential location in XA0201; 4, plus 10 waiting days)
- pfa_north (ORB; mhpss.pfa; service area North and a location in XA0102)
- literacy_southport (ORB; education.literacy; service area Southport)
- jobs (ORA; livelihoods.job_placement; location in XA0202 whose service-at-location has
  service area North)
- interpreters (ORC; interpretation; service area Aldoria)
- closed_health (ORC; health; location in XA0102; 7) — inactive
- defunct_org_health (OLD, an inactive organization; health; location in XA0202; 2)
- borduria_health (ORA; health.primary; location in XB0101; 6)
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from caseway.directory import models
from caseway.directory.tests.factories import (
    Admin1Factory,
    Admin2Factory,
    CountryFactory,
    LocationFactory,
    OrganizationFactory,
    ServiceCapacityFactory,
    ServiceFactory,
    UnitFactory,
    confidential_shelter,
)


@dataclass
class Scenario:
    aldoria: models.AdminArea
    north: models.AdminArea
    south: models.AdminArea
    northeast: models.AdminArea
    northwest: models.AdminArea
    southport: models.AdminArea
    southhill: models.AdminArea
    borduria: models.AdminArea
    org_a: object
    org_b: object
    org_c: object
    services: dict


def located(service, area, **kwargs):
    location = LocationFactory(organization=service.organization, admin_area=area, **kwargs)
    return models.ServiceAtLocation.objects.create(service=service, location=location)


def build_scenario() -> Scenario:
    aldoria = CountryFactory(pcode="XA", name="Aldoria", name_translations={"ar": "ألدوريا"})
    north = Admin1Factory(parent=aldoria, pcode="XA01", name="North", name_translations={"ar": "الشمال"})
    south = Admin1Factory(parent=aldoria, pcode="XA02", name="South")
    northeast = Admin2Factory(parent=north, pcode="XA0101", name="Northeast")
    northwest = Admin2Factory(parent=north, pcode="XA0102", name="Northwest")
    southport = Admin2Factory(parent=south, pcode="XA0201", name="Southport")
    southhill = Admin2Factory(parent=south, pcode="XA0202", name="Southhill")
    borduria = CountryFactory(pcode="XB", name="Borduria")
    borduria_district = Admin2Factory(parent=Admin1Factory(parent=borduria, pcode="XB01"), pcode="XB0101")

    org_a = OrganizationFactory(name="Orchard Aid", acronym="ORA")
    org_b = OrganizationFactory(name="Oasis Bridges", acronym="ORB")
    org_c = OrganizationFactory(name="Olive Care", acronym="ORC")
    old_org = OrganizationFactory(name="Old Mission", acronym="OLD", is_active=False)
    places = UnitFactory(name="places")
    waiting_days = UnitFactory(name="waiting days")
    now = timezone.now()
    services = {}

    services["cmr_clinic"] = service = ServiceFactory(organization=org_a, categories=["health.cmr"])
    located(service, northeast)
    ServiceCapacityFactory(service=service, unit=places, available=Decimal(9), updated=now - datetime.timedelta(days=3))
    ServiceCapacityFactory(service=service, unit=places, available=Decimal(5), updated=now)

    services["primary_and_counselling"] = service = ServiceFactory(
        organization=org_b, categories=["health.primary", "mhpss.counselling"]
    )
    located(service, northeast)
    located(service, northeast)
    ServiceCapacityFactory(service=service, unit=places, available=Decimal(3))

    services["legal_south"] = service = ServiceFactory(organization=org_a, categories=["legal.counselling"])
    models.ServiceArea.objects.create(service=service, admin_area=south, name="All of the South")

    shelter, shelter_location = confidential_shelter(organization=org_c)
    stray_district = shelter_location.admin_area  # the factory's own made-up district
    shelter_location.admin_area = southport
    shelter_location.save()
    stray_district.delete()
    stray_district.parent.delete()
    services["shelter"] = shelter
    ServiceCapacityFactory(service=shelter, unit=places, available=Decimal(4))
    ServiceCapacityFactory(service=shelter, unit=waiting_days, available=Decimal(10), updated=now)

    services["pfa_north"] = service = ServiceFactory(organization=org_b, categories=["mhpss.pfa"])
    models.ServiceArea.objects.create(service=service, admin_area=north)
    located(service, northwest)

    services["literacy_southport"] = service = ServiceFactory(organization=org_b, categories=["education.literacy"])
    models.ServiceArea.objects.create(service=service, admin_area=southport)

    services["jobs"] = service = ServiceFactory(organization=org_a, categories=["livelihoods.job_placement"])
    service_at_location = located(service, southhill)
    models.ServiceArea.objects.create(service_at_location=service_at_location, admin_area=north)

    services["interpreters"] = service = ServiceFactory(organization=org_c, categories=["interpretation"])
    models.ServiceArea.objects.create(service=service, admin_area=aldoria)

    services["closed_health"] = service = ServiceFactory(
        organization=org_c, categories=["health"], status=models.Service.Status.INACTIVE
    )
    located(service, northwest)
    ServiceCapacityFactory(service=service, unit=places, available=Decimal(7))

    services["defunct_org_health"] = service = ServiceFactory(organization=old_org, categories=["health"])
    located(service, southhill)
    ServiceCapacityFactory(service=service, unit=places, available=Decimal(2))

    services["borduria_health"] = service = ServiceFactory(organization=org_a, categories=["health.primary"])
    located(service, borduria_district)
    ServiceCapacityFactory(service=service, unit=places, available=Decimal(6))

    return Scenario(
        aldoria=aldoria,
        north=north,
        south=south,
        northeast=northeast,
        northwest=northwest,
        southport=southport,
        southhill=southhill,
        borduria=borduria,
        org_a=org_a,
        org_b=org_b,
        org_c=org_c,
        services=services,
    )


def membership_of(user):
    return user.memberships.select_related("organization").get(is_active=True)
