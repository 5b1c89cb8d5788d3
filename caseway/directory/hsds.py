"""The directory as HSDS 3.0 (Open Referral): tables, Caseway facets, what is published, and JSON.

One module decides what of the directory leaves Caseway in HSDS form, for the API (api.py) and
both export formats (hsds_export.py); the importer (hsds_import.py) reads the same table specs.

What is published
    Services: ``access.public_services()`` (exports by staff may include the others). Everything
    else is published only through them: their organizations, programs, service-at-locations
    and locations, and the detail rows (phones, contacts, schedules, ...) whose every link
    points at something published. A detail row that also links to something unpublished is
    left out (fail closed); an optional link (a location's organization, an organization's
    parent) to something unpublished is emptied instead. The viewer is always the public
    (membership None): the API and exports show the same thing to everyone.

Confidential locations
    Every location goes through ``access.present_location``. A redacted location keeps its id,
    type, access features and languages (without their free text), and says it is confidential
    and in which district (admin 2 at most) through facet attributes. Its name, address,
    coordinates, directions, URL, phones, contacts, schedules, metadata and non-facet
    attributes are not published, and neither are the description, phones, contacts, schedules
    and service areas of a service-at-location there.

Caseway facets
    Caseway's own fields (sex eligibility, referral intake, childcare and transport support,
    public listing, confidential locations, administrative areas, accessibility feature codes)
    travel as HSDS attributes linked to terms of the "Caseway facets" taxonomy. That taxonomy is
    defined here, in code, with fixed UUIDv5 ids: it is never stored, so the API and exports
    list it beside the stored taxonomies. Facet attribute ids are UUIDv5 of the linked row's id
    and the facet code, so export → import → export gives the same ids.

JSON values
    Empty text and missing values are left out of objects (HSDS types are strict: ``null`` is
    not a string), except fields a schema requires. Numbers are JSON numbers, datetimes UTC
    ISO 8601 with ``Z``.
"""

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from caseway.directory import access
from caseway.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    Metadata,
    MetaTableDescription,
    OrganizationIdentifier,
    Phone,
    Program,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    ServiceTerm,
    Sex,
    Taxonomy,
    TaxonomyTerm,
    Unit,
    Url,
)
from caseway.orgs.models import Organization

HSDS_VERSION = "3.0"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
PROFILE_URL = "https://docs.openreferral.org/en/v3.0/"

# ---------------------------------------------------------------------------------------------
# Tables
#
# Columns in the official order (schema/<table>.json, scalar properties only). ``!`` marks a
# required column (``required`` and ``tabular_required`` of the official schema); the kind after
# ``:`` is the JSON type and format (uuid, email, uri) or Frictionless type (date, time, datetime).
# tests/test_hsds_tables.py proves that this matches the official schemas.

_TABLE_SPECS = (
    (
        "organization",
        "organizations.csv",
        "id:uuid! name! alternate_name description! email:email website:uri tax_status tax_id "
        "year_incorporated:number legal_status logo uri:uri parent_organization_id:uuid",
    ),
    ("program", "programs.csv", "id:uuid! organization_id:uuid! name! alternate_name description!"),
    (
        "service",
        "services.csv",
        "id:uuid! organization_id:uuid! program_id:uuid name! alternate_name description url:uri email:email "
        "status! interpretation_services application_process fees_description wait_time fees accreditations "
        "eligibility_description minimum_age:number maximum_age:number assured_date:date assurer_email:email "
        "licenses alert last_modified:datetime",
    ),
    (
        "attribute",
        "attributes.csv",
        "id:uuid! link_id:uuid! taxonomy_term_id:uuid! link_type link_entity! value label",
    ),
    ("service_at_location", "service_at_location.csv", "id:uuid! service_id:uuid! location_id:uuid! description"),
    (
        "location",
        "locations.csv",
        "id:uuid! location_type! url:uri organization_id:uuid name alternate_name description transportation "
        "latitude:number longitude:number external_identifier external_identifier_type",
    ),
    (
        "phone",
        "phones.csv",
        "id:uuid! location_id:uuid service_id:uuid organization_id:uuid contact_id:uuid "
        "service_at_location_id:uuid number! extension:number type description",
    ),
    (
        "contact",
        "contacts.csv",
        "id:uuid! organization_id:uuid service_id:uuid service_at_location_id:uuid location_id:uuid "
        "name title department email:email",
    ),
    (
        "address",
        "addresses.csv",
        "id:uuid! location_id:uuid attention address_1! address_2 city! region state_province! postal_code! "
        "country! address_type!",
    ),
    (
        "schedule",
        "schedules.csv",
        "id:uuid! service_id:uuid location_id:uuid service_at_location_id:uuid valid_from:date valid_to:date "
        "dtstart:date timezone:number until:date count:number wkst freq interval:number byday byweekno "
        "bymonthday byyearday description opens_at:time closes_at:time schedule_link:uri attending_type notes",
    ),
    ("funding", "funding.csv", "id:uuid! organization_id:uuid service_id:uuid source"),
    (
        "service_area",
        "service_areas.csv",
        "id:uuid! service_id:uuid service_at_location_id:uuid name description extent extent_type uri",
    ),
    ("required_document", "required_documents.csv", "id:uuid! service_id:uuid document uri:uri"),
    ("language", "languages.csv", "id:uuid! service_id:uuid location_id:uuid phone_id:uuid name code note"),
    ("accessibility", "accessibility.csv", "id:uuid! location_id:uuid description details url:uri"),
    (
        "taxonomy_term",
        "taxonomy_terms.csv",
        "id:uuid! code name! description! parent_id:uuid taxonomy language taxonomy_id:uuid term_uri:uri",
    ),
    (
        "metadata",
        "metadata.csv",
        "id:uuid! resource_id:uuid! resource_type! last_action_date:date! last_action_type! field_name! "
        "previous_value! replacement_value! updated_by!",
    ),
    ("meta_table_description", "meta_table_descriptions.csv", "id:uuid! name language character_set"),
    (
        "cost_option",
        "cost_options.csv",
        "id:uuid! service_id:uuid! valid_from:date valid_to:date option currency amount:number amount_description",
    ),
    (
        "organization_identifier",
        "organization_identifiers.csv",
        "id:uuid! organization_id:uuid! identifier_scheme identifier_type! identifier!",
    ),
    ("taxonomy", "taxonomies.csv", "id:uuid! name! description! uri:uri version"),
    (
        "service_capacity",
        "service_capacity.csv",
        "id:uuid! service_id:uuid! unit_id:uuid! available:number! maximum:number description updated:datetime!",
    ),
    ("unit", "units.csv", "id:uuid! name! scheme identifier uri:uri"),
    ("url", "url.csv", "id:uuid! label url:uri! organization_id:uuid service_id:uuid"),
)

ENUMS = {
    ("service", "status"): ("active", "inactive", "defunct", "temporarily closed"),
    ("location", "location_type"): ("physical", "postal", "virtual"),
    ("address", "address_type"): ("physical", "postal", "virtual"),
    ("schedule", "wkst"): ("MO", "TU", "WE", "TH", "FR", "SA", "SU"),
    ("schedule", "freq"): ("WEEKLY", "MONTHLY"),
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # string, uuid, email, uri, number, date, time, datetime
    required: bool
    enum: tuple | None = None

    @property
    def is_text(self) -> bool:
        """Free text (not an id, number, date, code list, e-mail address or URI)."""
        return self.kind == "string" and self.enum is None

    @property
    def guarded(self) -> bool:
        """Cells that could start like a spreadsheet formula ("+44 ..." phone numbers, "-" notes, an
        e-mail address may start with "+" or "="): exports guard them, imports undo the guard."""
        return self.kind in ("string", "email", "uri")


@dataclass(frozen=True)
class Table:
    name: str
    path: str
    columns: tuple

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def column(self, name) -> Column:
        return next(column for column in self.columns if column.name == name)


def _parse_columns(table, spec) -> tuple:
    columns = []
    for token in spec.split():
        required = token.endswith("!")
        name, _, kind = token.rstrip("!").partition(":")
        columns.append(Column(name, kind or "string", required, ENUMS.get((table, name))))
    return tuple(columns)


TABLES = {name: Table(name, path, _parse_columns(name, spec)) for name, path, spec in _TABLE_SPECS}

# ---------------------------------------------------------------------------------------------
# Links between tables
#
# REQUIRED: the row means nothing without it (a service without its organization).
# OWNER: the row is a detail of what it links to (an address of a location); a detail may have
#   several owners (a phone of a service and of a location).
# OPTIONAL: a cross-reference the row stands without (an organization's parent).
# ``None`` as the target: polymorphic (attribute.link_id, metadata.resource_id).

REQUIRED, OWNER, OPTIONAL = "required", "owner", "optional"

LINKS = {
    "organization": {"parent_organization_id": ("organization", OPTIONAL)},
    "program": {"organization_id": ("organization", REQUIRED)},
    "service": {"organization_id": ("organization", REQUIRED), "program_id": ("program", OPTIONAL)},
    "attribute": {"taxonomy_term_id": ("taxonomy_term", REQUIRED), "link_id": (None, OWNER)},
    "service_at_location": {"service_id": ("service", REQUIRED), "location_id": ("location", REQUIRED)},
    "location": {"organization_id": ("organization", OPTIONAL)},
    "phone": {
        "location_id": ("location", OWNER),
        "service_id": ("service", OWNER),
        "organization_id": ("organization", OWNER),
        "contact_id": ("contact", OWNER),
        "service_at_location_id": ("service_at_location", OWNER),
    },
    "contact": {
        "organization_id": ("organization", OWNER),
        "service_id": ("service", OWNER),
        "service_at_location_id": ("service_at_location", OWNER),
        "location_id": ("location", OWNER),
    },
    "address": {"location_id": ("location", OWNER)},
    "schedule": {
        "service_id": ("service", OWNER),
        "location_id": ("location", OWNER),
        "service_at_location_id": ("service_at_location", OWNER),
    },
    "funding": {"organization_id": ("organization", OWNER), "service_id": ("service", OWNER)},
    "service_area": {"service_id": ("service", OWNER), "service_at_location_id": ("service_at_location", OWNER)},
    "required_document": {"service_id": ("service", OWNER)},
    "language": {
        "service_id": ("service", OWNER),
        "location_id": ("location", OWNER),
        "phone_id": ("phone", OWNER),
    },
    "accessibility": {"location_id": ("location", OWNER)},
    "taxonomy_term": {"parent_id": ("taxonomy_term", OPTIONAL), "taxonomy_id": ("taxonomy", OPTIONAL)},
    "metadata": {"resource_id": (None, OWNER)},
    "cost_option": {"service_id": ("service", OWNER)},
    "organization_identifier": {"organization_id": ("organization", OWNER)},
    "service_capacity": {"service_id": ("service", OWNER), "unit_id": ("unit", REQUIRED)},
    "url": {"organization_id": ("organization", OWNER), "service_id": ("service", OWNER)},
}

# Details that present_location keeps for a confidential location: they say how to use a place,
# not where it is.
KEPT_AT_CONFIDENTIAL_LOCATIONS = frozenset({"accessibility", "language"})
# ...without their free text ("ramp at the blue gate on ... Lane").
REDACTED_DETAIL_TEXT = {"accessibility": ("description", "details", "url"), "language": ("note",)}

# Models holding each table (``attribute`` is two: service categories and other attributes).
MODELS = {
    "organization": Organization,
    "program": Program,
    "service": Service,
    "service_at_location": ServiceAtLocation,
    "location": Location,
    "phone": Phone,
    "contact": Contact,
    "address": Address,
    "schedule": Schedule,
    "funding": Funding,
    "service_area": ServiceArea,
    "required_document": RequiredDocument,
    "language": Language,
    "accessibility": Accessibility,
    "taxonomy_term": TaxonomyTerm,
    "metadata": Metadata,
    "meta_table_description": MetaTableDescription,
    "cost_option": CostOption,
    "organization_identifier": OrganizationIdentifier,
    "taxonomy": Taxonomy,
    "service_capacity": ServiceCapacity,
    "unit": Unit,
    "url": Url,
}

# Columns that hold an organization's HSDS id while the model holds its integer key.
ORGANIZATION_COLUMNS = {
    ("program", "organization_id"),
    ("service", "organization_id"),
    ("location", "organization_id"),
    ("phone", "organization_id"),
    ("contact", "organization_id"),
    ("funding", "organization_id"),
    ("organization_identifier", "organization_id"),
    ("url", "organization_id"),
    ("organization", "parent_organization_id"),
}


def model_attribute(table: str, column: str) -> str:
    """The model attribute that holds ``column`` of ``table``."""
    if table == "organization" and column == "id":
        return "hsds_id"
    if table == "taxonomy_term" and column == "taxonomy_id":
        return "taxonomy_ref_id"
    return column


# ---------------------------------------------------------------------------------------------
# Caseway facets

FACET_NAMESPACE = uuid.UUID("5b0f6f0e-3c2a-5d7e-9a41-6c2f1d8e4b37")
FACETS_TAXONOMY_ID = uuid.uuid5(FACET_NAMESPACE, "caseway-facets")
FACETS_TAXONOMY_NAME = "Caseway facets"

TRUE, FALSE = "true", "false"
SEX_LABELS = {Sex.ANY: "Anyone", Sex.FEMALE: "Women and girls", Sex.MALE: "Men and boys"}
FEATURE_LABELS = {
    Accessibility.Feature.WHEELCHAIR: "Wheelchair access",
    Accessibility.Feature.SIGN_LANGUAGE: "Sign language",
    Accessibility.Feature.EASY_READ: "Easy-read material",
    Accessibility.Feature.FEMALE_STAFF: "Female staff available",
    Accessibility.Feature.CHILD_FRIENDLY: "Child-friendly space",
    Accessibility.Feature.ACCESSIBLE_TOILET: "Accessible toilet",
    Accessibility.Feature.HEARING_LOOP: "Hearing loop",
    Accessibility.Feature.PRIVATE_ROOM: "Private room for confidential talks",
    Accessibility.Feature.OTHER: "Other",
}


@dataclass(frozen=True)
class Facet:
    code: str
    entities: tuple  # the tables it may be linked to
    field: str  # the model field it carries
    values: tuple | None  # allowed values; None: an administrative area P-code
    name: str
    description: str

    @property
    def term_id(self) -> uuid.UUID:
        return uuid.uuid5(FACET_NAMESPACE, f"term:{self.code}")


BOOLEAN_VALUES = (TRUE, FALSE)
FACETS = (
    Facet(
        "sex_eligibility",
        ("service",),
        "sex_eligibility",
        tuple(Sex.values),
        "Sex eligibility",
        "Who may use the service: any (anyone), female (women and girls) or male (men and boys).",
    ),
    Facet(
        "accepting_referrals",
        ("service",),
        "accepting_referrals",
        BOOLEAN_VALUES,
        "Accepting referrals",
        "Whether the service takes new referrals now (true or false).",
    ),
    Facet(
        "provides_childcare",
        ("service",),
        "provides_childcare",
        BOOLEAN_VALUES,
        "Childcare while attending",
        "Whether children are looked after while the person uses the service (true or false).",
    ),
    Facet(
        "provides_transport",
        ("service",),
        "provides_transport",
        BOOLEAN_VALUES,
        "Transport support",
        "Whether the service helps with transport to reach it (true or false).",
    ),
    Facet(
        "listed_publicly",
        ("service",),
        "is_public",
        BOOLEAN_VALUES,
        "Listed publicly",
        "Whether the service is listed in the public directory (true or false).",
    ),
    Facet(
        "confidential_location",
        ("location",),
        "is_confidential",
        BOOLEAN_VALUES,
        "Confidential location",
        "A safe place whose address is not published: only its district is given (true or false).",
    ),
    Facet(
        "admin_area",
        ("location", "service_area"),
        "admin_area",
        None,
        "Administrative area",
        "The OCHA P-code of the administrative area (country, admin 1 or admin 2) of a location or "
        "service area. For a confidential location, the district (admin 2) at most.",
    ),
    Facet(
        "accessibility_feature",
        ("accessibility",),
        "feature",
        tuple(Accessibility.Feature.values),
        "Accessibility feature",
        "The kind of access feature: " + ", ".join(Accessibility.Feature.values) + ".",
    ),
)
FACETS_BY_CODE = {facet.code: facet for facet in FACETS}
FACETS_BY_TERM_ID = {facet.term_id: facet for facet in FACETS}


def facet_attribute_id(link_id, code: str) -> uuid.UUID:
    return uuid.uuid5(FACET_NAMESPACE, f"attribute:{link_id}:{code}")


def facet_taxonomy_row() -> dict:
    return {
        "id": FACETS_TAXONOMY_ID,
        "name": FACETS_TAXONOMY_NAME,
        "description": "Caseway's own facts about services, locations and access features, carried as "
        "HSDS attributes. Codes are stable.",
        "uri": "",
        "version": "1.0",
    }


def facet_term_row(facet: Facet) -> dict:
    return {
        "id": facet.term_id,
        "code": facet.code,
        "name": facet.name,
        "description": facet.description,
        "parent_id": None,
        "taxonomy": FACETS_TAXONOMY_NAME,
        "language": "en",
        "taxonomy_id": FACETS_TAXONOMY_ID,
        "term_uri": "",
    }


# ---------------------------------------------------------------------------------------------
# Values


def _number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def json_value(value):
    """A row value as JSON: ids and dates as text, decimals as numbers."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return _number(value)


def text_value(value) -> str:
    """A row value as CSV text (before the formula guard)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        # Without exponent or trailing zeros, so that equal numbers read the same: 35.00 → "35",
        # 1.5000000 → "1.5".
        return format(value.normalize(), "f")
    return str(json_value(value))


# ---------------------------------------------------------------------------------------------
# The published graph


class Graph:
    """The published directory around some services (and organizations), as HSDS rows.

    ``complete=True`` (exports): every published service is loaded, so a link to anything not
    in the graph points at something unpublished. Otherwise (API pages) such links are checked
    against the database with a fixed number of queries, so a page costs the same number of
    queries whatever its size.
    """

    def __init__(self, *, services_queryset=None, complete=False):
        self.published_services = access.public_services() if services_queryset is None else services_queryset
        self.complete = complete
        self.membership = None  # the public: confidential locations are always redacted
        self.objects = {name: {} for name in TABLES}
        self.location_views = {}
        self.redacted_locations = set()
        self.organization_ids = {}  # organization pk -> HSDS id
        self._organization_pks = set()
        self._rows = {}
        self._children = {}
        self._outside = {"service": set(), "organization": set(), "location": set(), "service_at_location": set()}
        self._sal_location = {}  # service-at-location id -> location id, inside and outside the graph
        self.service_terms = defaultdict(list)
        self.attributes = defaultdict(list)
        self.metadata = defaultdict(list)
        self.terms = {}

    # -- loading

    def load(self, services, organizations=(), *, details="all"):
        """Loads ``services`` (published) and ``organizations`` (published), and with
        ``details``: "none" nothing else (list pages), "locations" their locations too, "all"
        every published row around them."""
        for organization in organizations:
            self._add("organization", organization)
        for service in services:
            self._add("service", service)
            self._add("organization", service.organization)
            if service.program is not None:
                self._add("program", service.program)
        if details in ("locations", "all"):
            self._load_locations()
        candidates = self._load_details() if details == "all" else {}
        self._resolve_outside(candidates)
        # A program shows only with its organization (services then lose the link, it is optional).
        for program_id, program in list(self.objects["program"].items()):
            if not self._organization_visible(program.organization_id):
                del self.objects["program"][program_id]
        # Parents before children: a phone's contact is decided before the phone, a language's phone
        # before the language.
        for table in DETAIL_TABLES:
            self._add_visible(table, candidates.get(table, ()))
        for capacity in self.objects["service_capacity"].values():
            self._add("unit", capacity.unit)
        self.organization_ids = {pk: hsds_id for hsds_id, pk in self._organization_keys()}
        if details == "all":
            self._load_attributes_and_metadata()
        return self

    def _organization_keys(self):
        for organization in self.objects["organization"].values():
            yield organization.hsds_id, organization.pk
        missing = self._outside["organization"] - self._organization_pks
        if missing:
            yield from Organization.objects.filter(pk__in=missing).values_list("hsds_id", "pk")

    def _load_locations(self):
        sals = (
            ServiceAtLocation.objects.filter(service_id__in=list(self.objects["service"]))
            .select_related("location__admin_area")
            .prefetch_related(
                "location__addresses", "location__phones", "location__accessibility", "location__languages"
            )
        )
        for sal in sals:
            self._add("service_at_location", sal)
            self._sal_location[sal.id] = sal.location_id
            if sal.location_id not in self.objects["location"]:
                self._add_location(sal.location)

    def _load_details(self) -> dict:
        service_ids = list(self.objects["service"])
        organization_pks = list(self._organization_pks)
        location_ids = list(self.objects["location"])
        sal_ids = list(self.objects["service_at_location"])

        def linked(model, **links):
            condition = Q()
            for field, values in links.items():
                condition |= Q(**{f"{field}__in": values})
            return list(model.objects.filter(condition))

        contacts = linked(
            Contact,
            service_id=service_ids,
            organization_id=organization_pks,
            service_at_location_id=sal_ids,
            location_id=location_ids,
        )
        phones = linked(
            Phone,
            service_id=service_ids,
            organization_id=organization_pks,
            service_at_location_id=sal_ids,
            location_id=location_ids,
            contact_id=[contact.id for contact in contacts],
        )
        return {
            "contact": contacts,
            "phone": phones,
            "language": linked(
                Language, service_id=service_ids, location_id=location_ids, phone_id=[phone.id for phone in phones]
            ),
            "schedule": linked(
                Schedule, service_id=service_ids, location_id=location_ids, service_at_location_id=sal_ids
            ),
            "service_area": list(
                ServiceArea.objects.filter(
                    Q(service_id__in=service_ids) | Q(service_at_location_id__in=sal_ids)
                ).select_related("admin_area")
            ),
            "funding": linked(Funding, service_id=service_ids, organization_id=organization_pks),
            "cost_option": linked(CostOption, service_id=service_ids),
            "required_document": linked(RequiredDocument, service_id=service_ids),
            "service_capacity": list(ServiceCapacity.objects.filter(service_id__in=service_ids).select_related("unit")),
            "url": linked(Url, service_id=service_ids, organization_id=organization_pks),
            "organization_identifier": linked(OrganizationIdentifier, organization_id=organization_pks),
        }

    def _add(self, table, obj):
        self.objects[table][self.id_of(table, obj)] = obj
        if table == "organization":
            self._organization_pks.add(obj.pk)

    @staticmethod
    def id_of(table, obj):
        return obj.hsds_id if table == "organization" else obj.id

    def _add_location(self, location):
        view = access.present_location(location, self.membership)
        self.location_views[location.id] = view
        if view.redacted:
            self.redacted_locations.add(location.id)
        self._add("location", location)
        # The view decides which addresses and access details of the place are shown.
        for address in view.addresses:
            self._add("address", address)
        for accessibility in view.accessibility:
            self._add("accessibility", accessibility)

    @staticmethod
    def links_of(table, obj):
        """(column, target table, kind, value) for each link ``obj`` has (organizations by pk)."""
        for column, (target, kind) in LINKS.get(table, {}).items():
            value = getattr(obj, model_attribute(table, column))
            if value is not None:
                yield column, target, kind, value

    def _in_graph(self, table, value) -> bool:
        if table == "organization":
            return value in self._organization_pks
        return value in self.objects[table]

    def _resolve_outside(self, candidates):
        """Which links that point outside the graph point at published rows (API pages only)."""
        if self.complete:
            return  # everything published is in the graph: the rest is not published
        wanted = {name: set() for name in self._outside}
        for table, rows in candidates.items():
            for obj in rows:
                for _column, target, _kind, value in self.links_of(table, obj):
                    if target in wanted and not self._in_graph(target, value):
                        wanted[target].add(value)
        # Optional links of the graph's own rows: a location's organization, an organization's parent,
        # a program's organization.
        for table in ("location", "organization", "program"):
            for obj in self.objects[table].values():
                for _column, target, _kind, value in self.links_of(table, obj):
                    if target == "organization" and not self._in_graph(target, value):
                        wanted["organization"].add(value)
        published = self.published_services
        if wanted["service_at_location"]:
            for sal_id, location_id in ServiceAtLocation.objects.filter(
                id__in=wanted["service_at_location"], service__in=published
            ).values_list("id", "location_id"):
                self._outside["service_at_location"].add(sal_id)
                self._sal_location[sal_id] = location_id
                if not self._in_graph("location", location_id):
                    wanted["location"].add(location_id)
        if wanted["service"]:
            self._outside["service"] |= set(published.filter(id__in=wanted["service"]).values_list("id", flat=True))
        if wanted["organization"]:
            self._outside["organization"] |= set(
                published.filter(organization_id__in=wanted["organization"]).values_list("organization_id", flat=True)
            )
        if wanted["location"]:
            locations = (
                Location.objects.filter(id__in=wanted["location"], service_at_locations__service__in=published)
                .only("id", "is_confidential", "organization_id")
                .distinct()
            )
            for location in locations:
                self._outside["location"].add(location.id)
                if location.is_confidential and not access.can_see_confidential_location(self.membership, location):
                    self.redacted_locations.add(location.id)

    def _organization_visible(self, pk) -> bool:
        return pk in self._organization_pks or pk in self._outside["organization"]

    def _visible_target(self, table, value) -> bool:
        if table == "organization":
            return self._organization_visible(value)
        if table == "unit":
            return True  # a unit of measure is vocabulary, published with the capacities using it
        return self._in_graph(table, value) or value in self._outside.get(table, ())

    def _at_redacted_location(self, table, obj) -> bool:
        if table in KEPT_AT_CONFIDENTIAL_LOCATIONS:
            return False
        if getattr(obj, "location_id", None) in self.redacted_locations:
            return True
        sal_id = getattr(obj, "service_at_location_id", None)
        return sal_id is not None and self._sal_location.get(sal_id) in self.redacted_locations

    def _add_visible(self, table, rows):
        for obj in rows:
            if obj.id in self.objects[table]:
                continue
            if self._at_redacted_location(table, obj):
                continue
            if all(self._visible_target(target, value) for _c, target, _k, value in self.links_of(table, obj)):
                self._add(table, obj)

    def hidden_ids(self) -> set:
        """Published rows whose own metadata and stored attributes are not: confidential places."""
        return set(self.redacted_locations) | {
            sal_id for sal_id, location_id in self._sal_location.items() if location_id in self.redacted_locations
        }

    def _load_attributes_and_metadata(self):
        shown = set()
        for objects in self.objects.values():
            shown |= set(objects)
        shown -= self.hidden_ids()
        service_terms = ServiceTerm.objects.filter(service_id__in=list(self.objects["service"]))
        attributes = Attribute.objects.all()
        metadata = Metadata.objects.all()
        if not self.complete:
            attributes = attributes.filter(link_id__in=shown)
            metadata = metadata.filter(resource_id__in=shown)
        for link in service_terms.select_related("taxonomy_term"):
            self.service_terms[link.service_id].append(link)
            self.terms[link.taxonomy_term_id] = link.taxonomy_term
        for attribute in attributes.select_related("taxonomy_term"):
            if attribute.link_id in shown:
                self.attributes[attribute.link_id].append(attribute)
                self.terms[attribute.taxonomy_term_id] = attribute.taxonomy_term
        for entry in metadata:
            if entry.resource_id in shown:
                self.metadata[entry.resource_id].append(entry)
        for entries in self.metadata.values():
            entries.sort(key=lambda entry: str(entry.id))

    # -- rows

    def row(self, table, obj) -> dict:
        """The HSDS row of ``obj``: column → Python value (UUID, Decimal, date, str or None)."""
        key = (table, self.id_of(table, obj))
        if key not in self._rows:
            self._rows[key] = self._make_row(table, obj)
        return self._rows[key]

    def _make_row(self, table, obj) -> dict:
        spec = TABLES[table]
        row = {}
        for column in spec.columns:
            value = getattr(obj, model_attribute(table, column.name))
            if (table, column.name) in ORGANIZATION_COLUMNS and value is not None:
                # Optional links to an unpublished organization are emptied; other links only
                # exist here when the organization is published.
                value = self.organization_ids.get(value) if self._organization_visible(value) else None
            row[column.name] = value
        if table == "service" and row["program_id"] not in self.objects["program"]:
            row["program_id"] = None
        if table == "location" and obj.id in self.redacted_locations:
            row = dict.fromkeys(row) | {
                "id": obj.id,
                "location_type": obj.location_type,
                "organization_id": row["organization_id"],
            }
        if table == "service_at_location" and self._sal_location.get(obj.id) in self.redacted_locations:
            row["description"] = ""
        if table in KEPT_AT_CONFIDENTIAL_LOCATIONS and getattr(obj, "location_id", None) in self.redacted_locations:
            # What kind of access and which languages, yes; free text that could describe the place, no.
            for column in REDACTED_DETAIL_TEXT[table]:
                row[column] = ""
        for column in spec.columns:
            if row[column.name] is None and column.is_text:
                row[column.name] = ""
        return row

    def facet_rows(self, table, obj) -> list[dict]:
        """The Caseway facet attributes of one published row."""
        values = []
        if table == "service":
            values = [
                ("sex_eligibility", obj.sex_eligibility, SEX_LABELS.get(obj.sex_eligibility, "")),
                ("accepting_referrals", _boolean(obj.accepting_referrals), ""),
                ("provides_childcare", _boolean(obj.provides_childcare), ""),
                ("provides_transport", _boolean(obj.provides_transport), ""),
                ("listed_publicly", _boolean(obj.is_public), ""),
            ]
        elif table == "location":
            view = self.location_views[obj.id]
            confidential = view.is_confidential
            label = "Confidential location" if confidential else ""
            values = [("confidential_location", _boolean(confidential), label)]
            if view.area is not None:
                values.append(("admin_area", view.area.pcode, view.area.name))
        elif table == "accessibility":
            values = [("accessibility_feature", obj.feature, FEATURE_LABELS.get(obj.feature, ""))]
        elif table == "service_area" and obj.admin_area is not None:
            values = [("admin_area", obj.admin_area.pcode, obj.admin_area.name)]
        link_id = self.id_of(table, obj)
        return [
            {
                "id": facet_attribute_id(link_id, code),
                "link_id": link_id,
                "taxonomy_term_id": FACETS_BY_CODE[code].term_id,
                "link_type": "",
                "link_entity": table,
                "value": value,
                "label": label,
            }
            for code, value, label in values
        ]

    def attribute_rows(self, table, obj) -> list[dict]:
        """Every attribute of one row (categories, stored attributes, facets), by id."""
        link_id = self.id_of(table, obj)
        rows = [self.service_term_row(link) for link in self.service_terms.get(link_id, ())]
        rows += [self.row("attribute", attribute) for attribute in self.attributes.get(link_id, ())]
        rows += self.facet_rows(table, obj)
        return sorted(rows, key=lambda row: str(row["id"]))

    @staticmethod
    def service_term_row(link) -> dict:
        return {
            "id": link.id,
            "link_id": link.service_id,
            "taxonomy_term_id": link.taxonomy_term_id,
            "link_type": link.link_type,
            "link_entity": "service",
            "value": link.value,
            "label": link.label,
        }

    def term_row(self, term_id) -> dict | None:
        facet = FACETS_BY_TERM_ID.get(term_id)
        if facet is not None:
            return facet_term_row(facet)
        term = self.terms.get(term_id)
        return None if term is None else stored_term_row(term)

    # -- children

    def children(self, table, column, parent_id) -> list:
        """Published rows of ``table`` whose ``column`` links to ``parent_id``, by id."""
        key = (table, column)
        if key not in self._children:
            index = defaultdict(list)
            for obj in self.sorted_objects(table):
                value = self.row(table, obj)[column]
                if value is not None:
                    index[value].append(obj)
            self._children[key] = index
        return self._children[key].get(parent_id, [])

    def sorted_objects(self, table) -> list:
        return sorted(self.objects[table].values(), key=lambda obj: str(self.id_of(table, obj)))


# Detail tables in the order their visibility is decided (a row's linked details come first).
DETAIL_TABLES = (
    "contact",
    "phone",
    "language",
    "schedule",
    "service_area",
    "funding",
    "cost_option",
    "required_document",
    "service_capacity",
    "url",
    "organization_identifier",
)


def _boolean(value) -> str:
    return TRUE if value else FALSE


# ---------------------------------------------------------------------------------------------
# JSON objects

# (key, child table, link column on the child) for each nested array, as the compiled schemas have them.
NESTED = {
    "service": (
        ("additional_urls", "url", "service_id"),
        ("phones", "phone", "service_id"),
        ("schedules", "schedule", "service_id"),
        ("service_areas", "service_area", "service_id"),
        ("service_at_locations", "service_at_location", "service_id"),
        ("languages", "language", "service_id"),
        ("funding", "funding", "service_id"),
        ("cost_options", "cost_option", "service_id"),
        ("required_documents", "required_document", "service_id"),
        ("contacts", "contact", "service_id"),
        ("capacities", "service_capacity", "service_id"),
    ),
    "service_at_location": (
        ("service_areas", "service_area", "service_at_location_id"),
        ("contacts", "contact", "service_at_location_id"),
        ("phones", "phone", "service_at_location_id"),
        ("schedules", "schedule", "service_at_location_id"),
    ),
    "location": (
        ("languages", "language", "location_id"),
        ("addresses", "address", "location_id"),
        ("contacts", "contact", "location_id"),
        ("accessibility", "accessibility", "location_id"),
        ("phones", "phone", "location_id"),
        ("schedules", "schedule", "location_id"),
    ),
    "organization": (
        ("additional_websites", "url", "organization_id"),
        ("funding", "funding", "organization_id"),
        ("contacts", "contact", "organization_id"),
        ("phones", "phone", "organization_id"),
        ("locations", "location", "organization_id"),
        ("programs", "program", "organization_id"),
        ("organization_identifiers", "organization_identifier", "organization_id"),
    ),
    "contact": (("phones", "phone", "contact_id"),),
    "phone": (("languages", "language", "phone_id"),),
}
# Nested single objects: (key, table, link column on the parent).
NESTED_OBJECTS = {
    "service": (("organization", "organization", "organization_id"), ("program", "program", "program_id")),
    "service_at_location": (("location", "location", "location_id"),),
    "service_capacity": (("unit", "unit", "unit_id"),),
}
WITHOUT_ATTRIBUTES = frozenset({"attribute", "metadata", "taxonomy", "taxonomy_term"})


def compact(table: str, row: dict) -> dict:
    """A row as a JSON object: required columns always, others only when they have a value."""
    result = {}
    for column in TABLES[table].columns:
        value = row.get(column.name)
        if value is None or (value == "" and not column.required):
            if column.required and column.kind == "string":
                result[column.name] = ""
            continue
        result[column.name] = json_value(value)
    return result


class Serializer:
    """HSDS JSON objects built from a loaded ``Graph``."""

    def __init__(self, graph: Graph):
        self.graph = graph

    def scalars(self, table, obj) -> dict:
        return compact(table, self.graph.row(table, obj))

    def _extras(self, table, obj, result):
        if table not in WITHOUT_ATTRIBUTES:
            attributes = [self.attribute(row) for row in self.graph.attribute_rows(table, obj)]
            if attributes:
                result["attributes"] = attributes
        metadata = [
            self.scalars("metadata", entry) for entry in self.graph.metadata.get(self.graph.id_of(table, obj), ())
        ]
        if metadata:
            result["metadata"] = metadata
        return result

    def attribute(self, row) -> dict:
        result = compact("attribute", row)
        term = self.graph.term_row(row["taxonomy_term_id"])
        if term is not None:
            result["taxonomy_term"] = compact("taxonomy_term", term)
        return result

    def full(self, table, obj, skip=()) -> dict:
        """``obj`` with everything nested under it that the compiled schemas nest."""
        graph = self.graph
        result = self.scalars(table, obj)
        parent_id = graph.id_of(table, obj)
        for key, child_table, column in NESTED.get(table, ()):
            if key in skip:
                continue
            children = [self.full(child_table, child) for child in graph.children(child_table, column, parent_id)]
            if children:
                result[key] = children
        for key, child_table, column in NESTED_OBJECTS.get(table, ()):
            target = graph.row(table, obj)[column]
            child = graph.objects[child_table].get(target) if target is not None else None
            if child is not None:
                nested = self.scalars(child_table, child) if table == "service" else self.full(child_table, child)
                result[key] = nested
        return self._extras(table, obj, result)

    # -- the API's objects

    def service_full(self, service) -> dict:
        return self.full("service", service)

    def service_list_item(self, service) -> dict:
        result = self.scalars("service", service)
        organization = self.graph.objects["organization"].get(self.graph.row("service", service)["organization_id"])
        if organization is not None:
            result["organization"] = self.scalars("organization", organization)
        program_id = self.graph.row("service", service)["program_id"]
        if program_id is not None and program_id in self.graph.objects["program"]:
            result["program"] = self.scalars("program", self.graph.objects["program"][program_id])
        return result

    @staticmethod
    def service_minimal(service) -> dict:
        result = {"id": str(service.id), "name": service.name, "status": service.status}
        result["last_modified"] = json_value(service.last_modified)
        return result

    def organization_list_item(self, organization) -> dict:
        return self.scalars("organization", organization)

    def organization_full(self, organization, full_services=False) -> dict:
        result = self.full("organization", organization)
        services = [
            service for service in self.graph.sorted_objects("service") if service.organization_id == organization.pk
        ]
        if services:
            make = self.service_full if full_services else self.service_list_item
            result["services"] = [make(service) for service in services]
        return result

    def service_at_location_list_item(self, sal) -> dict:
        result = self.scalars("service_at_location", sal)
        location = self.graph.objects["location"].get(sal.location_id)
        if location is not None:
            result["location"] = self.scalars("location", location)
        service = self.graph.objects["service"].get(sal.service_id)
        if service is not None:
            result["service"] = self.scalars("service", service)
        return result

    def service_at_location_full(self, sal) -> dict:
        result = self.full("service_at_location", sal)
        service = self.graph.objects["service"].get(sal.service_id)
        if service is not None:
            result["service"] = self.full("service", service, skip=("service_at_locations",))
        return result


def taxonomy_object(row: dict) -> dict:
    return compact("taxonomy", row)


def taxonomy_term_object(row: dict, taxonomy_row: dict | None) -> dict:
    result = compact("taxonomy_term", row)
    if taxonomy_row is not None:
        result["taxonomy_detail"] = compact("taxonomy", taxonomy_row)
    return result


def stored_taxonomy_row(taxonomy: Taxonomy) -> dict:
    return {
        column: getattr(taxonomy, model_attribute("taxonomy", column)) for column in TABLES["taxonomy"].column_names
    }


def stored_term_row(term: TaxonomyTerm) -> dict:
    return {
        column: getattr(term, model_attribute("taxonomy_term", column))
        for column in TABLES["taxonomy_term"].column_names
    }
