"""The service directory, aligned with HSDS 3.0 (Open Referral).

Every HSDS table has a model with the same fields and UUID ids, so a package imports and exports
without loss. Caseway's own facts (sex eligibility, accessibility features, confidential
locations, administrative areas, referral intake) are extra fields here; the HSDS export carries
them as attributes linked to terms of the Caseway facet taxonomy (see hsds.py).

Organizations are `orgs.Organization` (HSDS fields live there, `hsds_id` is the HSDS id).
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from caseway.orgs.models import Organization


class HsdsModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self._meta.verbose_name} {self.id}"


class TranslatedNameMixin:
    """Shipped data (taxonomy terms, areas) carries its own translations: {"fr": "...", ...}."""

    def localized_name(self, language=None):
        language = (language or get_language() or "en").split("-")[0]
        return (self.name_translations or {}).get(language) or self.name


# ---------------------------------------------------------------------------------------------
# Administrative areas


class AdminArea(TranslatedNameMixin, models.Model):
    """Country → admin1 → admin2, identified by P-codes (OCHA's place codes)."""

    class Level(models.IntegerChoices):
        COUNTRY = 0, _("Country")
        ADMIN1 = 1, _("Region (admin 1)")
        ADMIN2 = 2, _("District (admin 2)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pcode = models.CharField(
        _("P-code"), max_length=20, unique=True, validators=[RegexValidator(r"^[A-Z]{2}[0-9A-Z]*$")]
    )
    name = models.CharField(_("name"), max_length=200)
    name_translations = models.JSONField(default=dict, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("administrative area")
        verbose_name_plural = _("administrative areas")
        ordering = ["pcode"]
        indexes = [models.Index(fields=["level", "pcode"])]

    def __str__(self):
        return self.localized_name()

    @property
    def country_code(self) -> str:
        return self.pcode[:2]

    def clean(self):
        if self.level == self.Level.COUNTRY and self.parent_id is not None:
            raise ValidationError(_("A country has no parent area."))
        if self.level != self.Level.COUNTRY and (self.parent is None or self.parent.level != self.level - 1):
            raise ValidationError(_("The parent must be one level up."))
        if self.parent is not None and not self.pcode.startswith(self.parent.pcode):
            raise ValidationError(_("The P-code must start with the parent's P-code."))

    def ancestors_and_self(self):
        area, chain = self, []
        while area is not None:
            chain.append(area)
            area = area.parent
        return list(reversed(chain))


# ---------------------------------------------------------------------------------------------
# Taxonomies


class Taxonomy(HsdsModel):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    uri = models.URLField(blank=True, max_length=500)
    version = models.CharField(max_length=50, blank=True)

    class Meta:
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")
        ordering = ["name"]

    def __str__(self):
        return self.name


class TaxonomyTerm(TranslatedNameMixin, HsdsModel):
    taxonomy_ref = models.ForeignKey(
        Taxonomy, null=True, blank=True, on_delete=models.PROTECT, related_name="terms", db_column="taxonomy_id"
    )
    code = models.CharField(_("code"), max_length=100, blank=True)
    name = models.CharField(_("name"), max_length=200)
    name_translations = models.JSONField(default=dict, blank=True)
    description = models.TextField(_("description"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    taxonomy = models.CharField(max_length=200, blank=True, help_text="HSDS free-text taxonomy name")
    language = models.CharField(max_length=10, blank=True)
    term_uri = models.URLField(blank=True, max_length=500)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")
        ordering = ["code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["taxonomy_ref", "code"], condition=~models.Q(code=""), name="unique_term_code_per_taxonomy"
            )
        ]

    def __str__(self):
        return self.localized_name()


# ---------------------------------------------------------------------------------------------
# Programs, services, locations


class Program(HsdsModel):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="programs")
    name = models.CharField(_("name"), max_length=300)
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(_("description"))

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Sex(models.TextChoices):
    ANY = "any", _("Anyone")
    FEMALE = "female", _("Women and girls")
    MALE = "male", _("Men and boys")


class Service(HsdsModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DEFUNCT = "defunct", _("Defunct")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="services")
    program = models.ForeignKey(Program, null=True, blank=True, on_delete=models.SET_NULL, related_name="services")
    name = models.CharField(_("name"), max_length=300)
    alternate_name = models.CharField(_("other name"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("website"), blank=True, max_length=500)
    email = models.EmailField(_("email address"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    interpretation_services = models.TextField(_("interpretation"), blank=True)
    application_process = models.TextField(_("how to apply"), blank=True)
    fees_description = models.TextField(_("fees"), blank=True)
    wait_time = models.CharField(max_length=200, blank=True)
    fees = models.CharField(max_length=200, blank=True)
    accreditations = models.TextField(blank=True)
    eligibility_description = models.TextField(_("who can use it"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    assured_date = models.DateField(_("verified on"), null=True, blank=True)
    assurer_email = models.EmailField(blank=True)
    licenses = models.TextField(blank=True)
    alert = models.TextField(_("alert"), blank=True)
    last_modified = models.DateTimeField(default=timezone.now, db_index=True)
    # Caseway
    sex_eligibility = models.CharField(_("for"), max_length=10, choices=Sex.choices, default=Sex.ANY)
    is_public = models.BooleanField(
        _("listed in the public directory"), default=False, help_text=_("Shown to people who are not signed in.")
    )
    accepting_referrals = models.BooleanField(_("accepting referrals"), default=True)
    provides_childcare = models.BooleanField(_("childcare while attending"), default=False)
    provides_transport = models.BooleanField(_("transport support"), default=False)
    taxonomy_terms = models.ManyToManyField(TaxonomyTerm, through="ServiceTerm", related_name="services", blank=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]
        indexes = [
            # Lists are ordered by name (then id, for a stable order): the first page is read in order.
            # No index on status or is_public: nearly every service is listed, and SQLite, without
            # statistics, took such an index for a selective one and scanned every service through it.
            models.Index(fields=["name", "id"], name="directory_service_by_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True)
                | models.Q(maximum_age__isnull=True)
                | models.Q(minimum_age__lte=models.F("maximum_age")),
                name="service_age_range_ordered",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.minimum_age is not None and self.maximum_age is not None and self.minimum_age > self.maximum_age:
            raise ValidationError({"maximum_age": _("The maximum age must not be below the minimum age.")})


class ServiceTerm(HsdsModel):
    """A service's category (an HSDS attribute with link_entity "service" and a taxonomy term)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_terms")
    # Indexed with the service (Meta): a search or a ranking reads the services of some terms.
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.PROTECT, related_name="service_terms", db_index=False
    )
    link_type = models.CharField(max_length=100, blank=True)
    value = models.TextField(blank=True)
    label = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "taxonomy_term"], name="one_link_per_service_and_term")
        ]
        indexes = [
            # Covering: the services of a need's terms come from the index alone (matching read
            # each of its 4,500 candidates' rows from the table for the service id: 5 of its 15 ms).
            models.Index(fields=["taxonomy_term", "service"], name="directory_serviceterm_term"),
        ]


class Location(HsdsModel):
    class LocationType(models.TextChoices):
        PHYSICAL = "physical", _("Physical place")
        POSTAL = "postal", _("Postal address")
        VIRTUAL = "virtual", _("Online or by phone")

    location_type = models.CharField(_("type"), max_length=10, choices=LocationType.choices)
    url = models.URLField(blank=True, max_length=500)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(_("name"), max_length=300, blank=True)
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    transportation = models.TextField(_("how to get there"), blank=True)
    latitude = models.DecimalField(max_digits=10, decimal_places=7, null=True, blank=True)
    longitude = models.DecimalField(max_digits=10, decimal_places=7, null=True, blank=True)
    external_identifier = models.CharField(max_length=200, blank=True)
    external_identifier_type = models.CharField(max_length=200, blank=True)
    # Caseway
    admin_area = models.ForeignKey(
        AdminArea, null=True, blank=True, on_delete=models.PROTECT, related_name="locations", verbose_name=_("area")
    )
    is_confidential = models.BooleanField(
        _("confidential location"),
        default=False,
        help_text=_("A safe shelter: only your organization sees the address; others see the district at most."),
    )

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]

    def __str__(self):
        return self.name or str(self.id)


class ServiceAtLocation(HsdsModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")
    description = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "location"], name="one_link_per_service_location")]


class Address(HsdsModel):
    class AddressType(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        POSTAL = "postal", _("Postal")
        VIRTUAL = "virtual", _("Virtual")

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=300, blank=True)
    address_1 = models.CharField(_("address"), max_length=300)
    address_2 = models.CharField(max_length=300, blank=True)
    city = models.CharField(_("town or city"), max_length=200)
    region = models.CharField(max_length=200, blank=True)
    state_province = models.CharField(max_length=200)
    postal_code = models.CharField(max_length=50)
    country = models.CharField(max_length=2)
    address_type = models.CharField(max_length=10, choices=AddressType.choices, default=AddressType.PHYSICAL)


class Accessibility(HsdsModel):
    """Access features of a location: a Caseway feature code, or free text from an HSDS import."""

    class Feature(models.TextChoices):
        WHEELCHAIR = "wheelchair", _("Wheelchair access")
        SIGN_LANGUAGE = "sign_language", _("Sign language")
        EASY_READ = "easy_read", _("Easy-read material")
        FEMALE_STAFF = "female_staff", _("Female staff available")
        CHILD_FRIENDLY = "child_friendly", _("Child-friendly space")
        ACCESSIBLE_TOILET = "accessible_toilet", _("Accessible toilet")
        HEARING_LOOP = "hearing_loop", _("Hearing loop")
        PRIVATE_ROOM = "private_room", _("Private room for confidential talks")
        OTHER = "other", _("Other")

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    feature = models.CharField(_("feature"), max_length=30, choices=Feature.choices, default=Feature.OTHER)
    description = models.TextField(blank=True)
    details = models.TextField(blank=True)
    url = models.URLField(blank=True, max_length=500)

    class Meta:
        verbose_name_plural = "accessibility"


class Language(HsdsModel):
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="languages")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="languages")
    phone = models.ForeignKey("Phone", null=True, blank=True, on_delete=models.CASCADE, related_name="languages")
    name = models.CharField(max_length=100, blank=True)
    code = models.CharField(
        _("language code"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", _("Use an ISO 639 code such as ar or fr."))],
    )
    note = models.TextField(blank=True)

    class Meta:
        # Covering: the language filter reads the services and locations speaking a language from
        # the index alone.
        indexes = [models.Index(fields=["code", "service", "location"], name="directory_language_code")]


class Contact(HsdsModel):
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)


class Phone(HsdsModel):
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(_("number"), max_length=50)
    extension = models.PositiveIntegerField(null=True, blank=True)
    type = models.CharField(max_length=20, blank=True)
    description = models.TextField(blank=True)


class Schedule(HsdsModel):
    """Opening hours as HSDS does: RFC 5545 recurrence parts plus opening and closing times.

    Whoever writes schedules (or the service-at-location links that location hours reach a service
    through) calls ``schedules.refresh_openings`` for the services concerned; a single row saved with
    ``save()`` does it by itself (see ``_keep_openings`` below).
    """

    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules")
    # Nearly every schedule belongs to a service: these two are indexed only where set (see Meta).
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules", db_index=False
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules", db_index=False
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    timezone = models.DecimalField(
        max_digits=4, decimal_places=2, null=True, blank=True, help_text="UTC offset in hours, as HSDS has it"
    )
    until = models.DateField(null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    wkst = models.CharField(max_length=2, blank=True)
    freq = models.CharField(max_length=10, blank=True)
    interval = models.PositiveIntegerField(null=True, blank=True)
    byday = models.CharField(max_length=100, blank=True)
    byweekno = models.CharField(max_length=100, blank=True)
    bymonthday = models.CharField(max_length=100, blank=True)
    byyearday = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    schedule_link = models.URLField(blank=True, max_length=500)
    attending_type = models.TextField(blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        indexes = [
            # Partial: with a full index on a column that is NULL in almost every row, SQLite's
            # statistics rate the index useless and a correlated lookup scans every schedule.
            models.Index(
                fields=["location"], condition=models.Q(location__isnull=False), name="directory_schedule_location"
            ),
            models.Index(
                fields=["service_at_location"],
                condition=models.Q(service_at_location__isnull=False),
                name="directory_schedule_link",
            ),
        ]


class ScheduleOpening(models.Model):
    """One weekly opening of a schedule, as the service it applies to has it: the open-now filter.

    Derived from ``Schedule`` by ``schedules.refresh_openings``, never edited by hand. Times are
    seconds of the week (Monday 00:00 is 0) on one of two clocks: UTC for schedules with a UTC
    offset, or the site's wall clock (``settings.TIME_ZONE``, daylight saving time included) for
    schedules without one. An opening lasts a day at most; one that runs over the end of the week is
    two rows. An opening counts in the weeks ``first_week``..``last_week`` (weeks since 0001-01-01 on its clock), which
    is how ``valid_from``/``valid_to``/``dtstart``/``until`` bound the day it starts on.
    """

    class Clock(models.IntegerChoices):
        UTC = 0, "UTC"
        SITE = 1, "settings.TIME_ZONE"

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="openings")
    # The service whose hours these are: the schedule's own service, or, for a location's hours, each
    # service at the location without hours of its own (through ``service_at_location``).
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="openings", db_index=False)
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    clock = models.PositiveSmallIntegerField(choices=Clock.choices)
    start_second = models.IntegerField()
    end_second = models.IntegerField()
    first_week = models.IntegerField()
    last_week = models.IntegerField()

    class Meta:
        indexes = [
            # "Is this service open": its few rows, read from the index alone.
            models.Index(
                fields=["service", "start_second", "end_second", "clock", "first_week", "last_week"],
                name="directory_opening_service",
            ),
            # "Which services are open": one range over the whole table (covering: no table reads).
            models.Index(
                fields=["start_second", "end_second", "clock", "first_week", "last_week", "service"],
                name="directory_opening_now",
            ),
        ]

    def __str__(self):
        return f"{self.get_clock_display()} {self.start_second}–{self.end_second}"


class ServiceFacts(models.Model):
    """What matching (``referrals.matching``) reads of a service: one short row instead of five tables.

    Derived by ``facts.refresh_facts`` from the service, its locations (through its
    service-at-location links) with their areas, languages and accessibility, the areas it serves
    (its own or its links') and its capacity reports; never edited by hand. Bulk writers call
    ``refresh_facts`` for the services concerned, as they call ``refresh_openings``; a single row
    saved or deleted through the ORM refreshes the facts it concerns by itself (``_keep_facts``
    below). Ranking 10,000 services read each candidate's locations, their languages and features,
    its service areas and its capacity from five tables: 90–180 ms on SQLite, more on PostgreSQL.

    Sets are text, each member between bars (``|ar|fr-CA|``), so "is x a member" is one substring
    test both databases run on the row itself. Areas are UUIDs in hex.
    """

    service = models.OneToOneField(Service, primary_key=True, on_delete=models.CASCADE, related_name="facts")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    # Copies of the service's columns (name: equal scores are ordered by it).
    name = models.CharField(max_length=300)
    status = models.CharField(max_length=20)
    sex_eligibility = models.CharField(max_length=10)
    minimum_age = models.PositiveSmallIntegerField(null=True)
    maximum_age = models.PositiveSmallIntegerField(null=True)
    accepting_referrals = models.BooleanField()
    provides_childcare = models.BooleanField()
    provides_transport = models.BooleanField()
    interpretation = models.BooleanField()  # interpretation_services is not empty
    # Where: the areas of its locations and the areas it serves, their parents and countries.
    areas = models.TextField()
    parent_areas = models.TextField()
    countries = models.TextField()  # the first two letters of their P-codes
    remote = models.BooleanField()  # a location online or by phone
    # Places with coordinates (not online), and the coordinates when there is exactly one: the
    # distance to several places is worked out from the locations themselves.
    located = models.PositiveIntegerField()
    latitude = models.DecimalField(max_digits=10, decimal_places=7, null=True)
    longitude = models.DecimalField(max_digits=10, decimal_places=7, null=True)
    languages = models.TextField()  # codes spoken by the service or at one of its locations
    features = models.TextField()  # accessibility features of its locations
    places = models.DecimalField(max_digits=12, decimal_places=2, null=True)  # the largest "places" report
    waiting = models.DecimalField(max_digits=12, decimal_places=2, null=True)  # the shortest "waiting days"

    class Meta:
        verbose_name_plural = "service facts"

    def __str__(self):
        return f"facts of {self.service_id}"


class RequiredDocument(HsdsModel):
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="required_documents"
    )
    document = models.TextField(_("document"), blank=True)
    uri = models.URLField(blank=True, max_length=500)


class Funding(HsdsModel):
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="funding")
    source = models.TextField(_("funding source"), blank=True)


class CostOption(HsdsModel):
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.TextField(blank=True)
    currency = models.CharField(max_length=3, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    amount_description = models.TextField(blank=True)


class ServiceArea(HsdsModel):
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="service_areas")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="service_areas"
    )
    name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=20, blank=True)
    uri = models.URLField(blank=True, max_length=500)
    # Caseway: the administrative area the service covers, when it is one.
    admin_area = models.ForeignKey(
        AdminArea, null=True, blank=True, on_delete=models.PROTECT, related_name="service_areas"
    )


class Unit(HsdsModel):
    name = models.CharField(max_length=100)
    scheme = models.CharField(max_length=100, blank=True)
    identifier = models.CharField(max_length=100, blank=True)
    uri = models.URLField(blank=True, max_length=500)

    def __str__(self):
        return self.name


class ServiceCapacity(HsdsModel):
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="capacities")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="capacities")
    available = models.DecimalField(_("available"), max_digits=12, decimal_places=2)
    maximum = models.DecimalField(_("maximum"), max_digits=12, decimal_places=2, null=True, blank=True)
    description = models.TextField(blank=True)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "service capacities"


class Url(HsdsModel):
    label = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500)
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="additional_urls"
    )


class OrganizationIdentifier(HsdsModel):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="identifiers")
    identifier_scheme = models.CharField(max_length=100, blank=True)
    identifier_type = models.CharField(max_length=100)
    identifier = models.CharField(max_length=200)


class Attribute(HsdsModel):
    """An HSDS attribute that is not a service category: kept as imported, exported unchanged."""

    link_id = models.UUIDField(db_index=True)
    taxonomy_term = models.ForeignKey(TaxonomyTerm, on_delete=models.PROTECT, related_name="attributes")
    link_type = models.CharField(max_length=100, blank=True)
    link_entity = models.CharField(max_length=50)
    value = models.TextField(blank=True)
    label = models.CharField(max_length=300, blank=True)


class Metadata(HsdsModel):
    """HSDS change metadata, as imported (Caseway's own history is the audit log)."""

    resource_id = models.UUIDField(db_index=True)
    resource_type = models.CharField(max_length=50)
    last_action_date = models.DateField()
    last_action_type = models.CharField(max_length=50)
    field_name = models.CharField(max_length=100)
    previous_value = models.TextField(blank=True)
    replacement_value = models.TextField(blank=True)
    updated_by = models.CharField(max_length=200)


class MetaTableDescription(HsdsModel):
    name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=10, blank=True)
    character_set = models.CharField(max_length=50, blank=True)


def _keep_openings(sender, instance, raw=False, **_signal_arguments):
    """A schedule or service-at-location link saved one at a time refreshes the openings it concerns.

    Bulk writes send no signal: their callers refresh (``schedules.refresh_openings``). Deleting
    needs nothing here: the openings of a deleted schedule or link go with it (CASCADE).
    """
    if raw:  # loaddata: the fixture carries its own rows
        return
    from caseway.directory.schedules import refresh_openings, services_touched  # a cycle at import time

    if sender is Schedule:
        touched = services_touched(schedule_ids=[instance.pk])
    else:
        touched = services_touched(link_ids=[instance.pk])
    refresh_openings(touched)


models.signals.post_save.connect(_keep_openings, sender=Schedule, dispatch_uid="directory_schedule_openings")
models.signals.post_save.connect(_keep_openings, sender=ServiceAtLocation, dispatch_uid="directory_link_openings")


# The matching facts (ServiceFacts): who concerns which services, by model. A row that moves (its
# service or location changed) concerns the services before and after the save.
_FACTS_SOURCES = {
    Service: "service_ids",
    ServiceAtLocation: "link_ids",
    Location: "location_ids",
    Language: "language_ids",
    Accessibility: "accessibility_ids",
    ServiceArea: "service_area_ids",
    ServiceCapacity: "capacity_ids",
    Unit: "unit_ids",
    AdminArea: "area_ids",
}
_MOVABLE = (ServiceAtLocation, Language, Accessibility, ServiceArea, ServiceCapacity)


def _facts_before_save(sender, instance, raw=False, **_signal_arguments):
    if raw or instance._state.adding:
        return
    from caseway.directory.facts import services_concerned  # a cycle at import time

    instance._facts_before = services_concerned(**{_FACTS_SOURCES[sender]: [instance.pk]})


def _keep_facts(sender, instance, created=False, raw=False, **_signal_arguments):
    """A row saved one at a time refreshes the matching facts of the services it concerns.

    Bulk writes send no signal: their callers refresh (``facts.refresh_facts``).
    """
    if raw:  # loaddata: the fixture carries its own rows
        return
    if created and sender in (Location, AdminArea, Unit):
        return  # nothing is placed there or counted in it yet
    from caseway.directory.facts import refresh_facts, services_concerned  # a cycle at import time

    touched = services_concerned(**{_FACTS_SOURCES[sender]: [instance.pk]})
    refresh_facts(touched | getattr(instance, "_facts_before", set()))


def _keep_facts_after_delete(sender, instance, **_signal_arguments):
    """A row deleted (by itself or with its service, location...) refreshes the facts it concerned.

    Its service or location is read from the deleted row. Services without facts are left alone:
    a service being deleted may have lost its facts already, and must not get them back.
    """
    from caseway.directory.facts import refresh_facts, services_of_deleted  # a cycle at import time

    refresh_facts(services_of_deleted(instance), only_existing=True)


for _model, _kind in _FACTS_SOURCES.items():
    _label = _model._meta.model_name
    models.signals.post_save.connect(_keep_facts, sender=_model, dispatch_uid=f"directory_facts_{_label}")
    if _model in _MOVABLE:
        models.signals.pre_save.connect(_facts_before_save, sender=_model, dispatch_uid=f"directory_facts_pre_{_label}")
        models.signals.post_delete.connect(
            _keep_facts_after_delete, sender=_model, dispatch_uid=f"directory_facts_deleted_{_label}"
        )
