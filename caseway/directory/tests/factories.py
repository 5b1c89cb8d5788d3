"""factory_boy factories for the directory: fictional places and services only."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from caseway.directory import models
from caseway.directory.taxonomy import term_id
from caseway.orgs.models import Organization, OrganizationType


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Fictional Organization {n}")
    acronym = factory.Sequence(lambda n: f"FO{n}")
    type = OrganizationType.NATIONAL_NGO
    country = "XA"
    description = "A fictional organization for tests."


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AdminArea
        django_get_or_create = ("pcode",)

    pcode = "XA"
    name = "Aldoria"
    level = models.AdminArea.Level.COUNTRY


class Admin1Factory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AdminArea
        django_get_or_create = ("pcode",)

    parent = factory.SubFactory(CountryFactory)
    pcode = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.pcode}{n + 1:02d}")
    name = factory.Sequence(lambda n: f"Region {n}")
    level = models.AdminArea.Level.ADMIN1


class Admin2Factory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AdminArea
        django_get_or_create = ("pcode",)

    parent = factory.SubFactory(Admin1Factory)
    pcode = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.pcode}{n + 1:02d}")
    name = factory.Sequence(lambda n: f"District {n}")
    level = models.AdminArea.Level.ADMIN2


def term(code: str) -> models.TaxonomyTerm:
    """A term of the shipped Caseway taxonomy (loaded by migration 0002)."""
    return models.TaxonomyTerm.objects.get(id=term_id(code))


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Service
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Fictional service {n}")
    description = "A fictional service for tests."
    status = models.Service.Status.ACTIVE
    is_public = True

    @factory.post_generation
    def categories(self, create, codes, **kwargs):
        for code in codes or ():
            models.ServiceTerm.objects.create(service=self, taxonomy_term=term(code))


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Location

    location_type = models.Location.LocationType.PHYSICAL
    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Fictional centre {n}")
    description = "A fictional place."
    transportation = "Bus 1 to the market stop."
    latitude = Decimal("1.5000000")
    longitude = Decimal("2.5000000")
    admin_area = factory.SubFactory(Admin2Factory)
    is_confidential = False


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Address

    location = factory.SubFactory(LocationFactory)
    address_1 = factory.Sequence(lambda n: f"{n} Fictional Street")
    city = "Fictown"
    state_province = "Region"
    postal_code = "00000"
    country = "XA"


class ServiceAtLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ServiceAtLocation

    service = factory.SubFactory(ServiceFactory)
    location = factory.SubFactory(LocationFactory, organization=factory.SelfAttribute("..service.organization"))


class PhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Phone

    number = factory.Sequence(lambda n: f"+999 555 {n:04d}")


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Language

    code = "ar"
    name = "Arabic"


class ScheduleFactory(factory.django.DjangoModelFactory):
    """Weekdays 09:00–17:00 by default."""

    class Meta:
        model = models.Schedule

    freq = "WEEKLY"
    byday = "MO,TU,WE,TH,FR"
    opens_at = datetime.time(9, 0)
    closes_at = datetime.time(17, 0)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Unit
        django_get_or_create = ("name",)

    name = "places"


class ServiceCapacityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ServiceCapacity

    service = factory.SubFactory(ServiceFactory)
    unit = factory.SubFactory(UnitFactory)
    available = Decimal("5")
    maximum = Decimal("10")
    updated = factory.LazyFunction(timezone.now)


def confidential_shelter(organization=None, **kwargs):
    """A safe shelter service at a confidential location with a full address and phone."""
    service = ServiceFactory(
        organization=organization or OrganizationFactory(),
        name=kwargs.pop("name", "Safe shelter"),
        categories=["protection.safe_shelter"],
        **kwargs,
    )
    location = LocationFactory(
        organization=service.organization,
        is_confidential=True,
        name="Shelter house on Hidden Lane",
        transportation="Behind the blue gate",
        latitude=Decimal("9.8765432"),
        longitude=Decimal("8.7654321"),
    )
    AddressFactory(location=location, address_1="7 Hidden Lane", city="Secretville")
    PhoneFactory(location=location, number="+999 555 7777")
    # Free text beside coded facts can describe the place as well as an address can.
    models.Accessibility.objects.create(location=location, feature=models.Accessibility.Feature.WHEELCHAIR)
    models.Accessibility.objects.create(
        location=location, feature=models.Accessibility.Feature.OTHER, description="Ramp by the yellow door"
    )
    models.Language.objects.create(location=location, code="ar", name="Arabic, ask at Room Nine", note="Room Nine")
    models.ServiceAtLocation.objects.create(service=service, location=location)
    return service, location
