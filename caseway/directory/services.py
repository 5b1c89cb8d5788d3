"""Every change to the directory's services, locations and taxonomy made by people goes through here.

Pages, the API and the CLI call these functions, so each rule (who may change what, ages in
order, a location of one's own organization...) holds everywhere. Each function checks the
actor's permission and object scope again, locks the rows two people may edit at once, writes
an audit event naming the fields changed (never their values) and bumps ``last_modified`` of the
services whose published data changed, so HSDS consumers asking ``modified_after`` see them.
The matching facts (``facts.py``) follow every change: single rows saved through the ORM refresh
them by themselves, bulk-created rows are refreshed here.
"""

import re
from decimal import Decimal

from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway import audit
from caseway.directory.facts import refresh_facts, services_concerned
from caseway.directory.models import (
    Accessibility,
    Address,
    Language,
    Location,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    ServiceTerm,
    TaxonomyTerm,
    Unit,
)
from caseway.directory.queries import caseway_taxonomy_id, caseway_terms, forget_choice_lists
from caseway.directory.schedules import DAY_CODES, WEEKLY, refresh_openings
from caseway.directory.taxonomy import TRANSLATED_LANGUAGES, shipped_taxonomy, term_id
from caseway.orgs.permissions import Action

SERVICE_FIELDS = (
    "name",
    "alternate_name",
    "status",
    "description",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "sex_eligibility",
    "application_process",
    "fees_description",
    "interpretation_services",
    "url",
    "email",
    "alert",
    "is_public",
    "accepting_referrals",
    "provides_childcare",
    "provides_transport",
)
LOCATION_FIELDS = (
    "name",
    "location_type",
    "description",
    "transportation",
    "admin_area",
    "is_confidential",
    "latitude",
    "longitude",
)
ADDRESS_FIELDS = ("address_1", "address_2", "city", "state_province", "postal_code", "country")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
TERM_CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
CAPACITY_UNIT = "places"
ACCESS_FEATURES = [code for code in Accessibility.Feature.values if code != Accessibility.Feature.OTHER]


# ---------------------------------------------------------------------------------------------
# Checks shared by every write


def _require(membership, action):
    if membership is None or not membership.allows(action):
        raise ValidationError(_("You may not change the directory."))


def _require_own(membership, row):
    # The access helpers already answer 404 for other organizations; this is for API and CLI callers.
    if row.organization_id != membership.organization_id:
        raise ValidationError(_("This belongs to another organization."))


def _unknown_keys(values, allowed):
    unknown = set(values) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")


def _check_ages(minimum, maximum):
    if minimum is not None and maximum is not None and minimum > maximum:
        raise ValidationError({"maximum_age": _("The maximum age must not be below the minimum age.")})


def _clean_language_codes(codes) -> list[str]:
    cleaned = []
    for code in codes:
        code = code.strip()
        if not LANGUAGE_CODE.fullmatch(code):
            raise ValidationError(
                {
                    "languages": _("“%(code)s” is not a language code. Use ISO 639 codes such as ar or fr.")
                    % {"code": code}
                }
            )
        if code not in cleaned:
            cleaned.append(code)
    return cleaned


def _language_name(code: str) -> str:
    return LANG_INFO.get(code, {}).get("name", "")


def _changed(row, values) -> list[str]:
    return [name for name, value in values.items() if getattr(row, name) != value]


def _touch_services(service_ids, now):
    Service.objects.filter(pk__in=service_ids).update(last_modified=now)


# ---------------------------------------------------------------------------------------------
# Services


def _allowed_category_ids(service, category_ids) -> set:
    """Caseway terms in use, plus those the service already has (retiring a term keeps old links)."""
    wanted = set(category_ids)
    allowed = set(caseway_terms().filter(pk__in=wanted, is_active=True).values_list("pk", flat=True))
    if service is not None:
        already_linked = service.service_terms.filter(
            taxonomy_term_id__in=wanted, taxonomy_term__taxonomy_ref_id=caseway_taxonomy_id()
        )
        allowed |= set(already_linked.values_list("taxonomy_term_id", flat=True))
    if wanted - allowed:
        raise ValidationError({"categories": _("Choose categories from the list.")})
    return wanted


def _check_locations(membership, location_ids) -> set:
    wanted = set(location_ids)
    own = set(
        Location.objects.filter(pk__in=wanted, organization_id=membership.organization_id).values_list("pk", flat=True)
    )
    if wanted - own:
        raise ValidationError({"locations": _("Choose locations of your own organization.")})
    return wanted


def _set_categories(service, category_ids) -> bool:
    """Replaces the service's Caseway categories; categories of imported taxonomies stay as they are."""
    current = set(
        service.service_terms.filter(taxonomy_term__taxonomy_ref_id=caseway_taxonomy_id()).values_list(
            "taxonomy_term_id", flat=True
        )
    )
    if current == category_ids:
        return False
    service.service_terms.filter(taxonomy_term_id__in=current - category_ids).delete()
    ServiceTerm.objects.bulk_create(
        ServiceTerm(service=service, taxonomy_term_id=term) for term in sorted(category_ids - current, key=str)
    )
    return True


def _set_locations(service, location_ids) -> bool:
    current = set(service.service_at_locations.values_list("location_id", flat=True))
    if current == location_ids:
        return False
    service.service_at_locations.filter(location_id__in=current - location_ids).delete()
    ServiceAtLocation.objects.bulk_create(
        ServiceAtLocation(service=service, location_id=location) for location in sorted(location_ids - current, key=str)
    )
    refresh_openings([service.pk])  # its locations' hours may be its hours now, or no longer
    return True


def _set_languages(*, service=None, location=None, codes) -> bool:
    rows = (
        Language.objects.filter(service=service) if service is not None else Language.objects.filter(location=location)
    )
    rows = rows.filter(phone__isnull=True)
    if list(rows.order_by("code").values_list("code", flat=True)) == sorted(codes):
        return False
    rows.delete()
    Language.objects.bulk_create(
        Language(service=service, location=location, code=code, name=_language_name(code)) for code in codes
    )
    transaction.on_commit(forget_choice_lists)  # bulk_create sends no signal
    return True


def _set_required_documents(service, documents) -> bool:
    documents = [document.strip() for document in documents if document.strip()]
    current = list(service.required_documents.order_by("document").values_list("document", flat=True))
    if current == sorted(documents):
        return False
    service.required_documents.all().delete()
    RequiredDocument.objects.bulk_create(RequiredDocument(service=service, document=document) for document in documents)
    return True


def _set_service_relations(service, *, category_ids, location_ids, language_codes, required_documents):
    changed = []
    if _set_categories(service, category_ids):
        changed.append("categories")
    if _set_locations(service, location_ids):
        changed.append("locations")
    if _set_languages(service=service, codes=language_codes):
        changed.append("languages")
    if _set_required_documents(service, required_documents):
        changed.append("required_documents")
    if {"locations", "languages"} & set(changed):
        refresh_facts([service.pk])  # bulk-created links and languages send no signal
    return changed


@transaction.atomic
def service_create(
    *,
    actor,
    membership,
    values: dict,
    category_ids=(),
    location_ids=(),
    language_codes=(),
    required_documents=(),
    request=None,
) -> Service:
    _require(membership, Action.MANAGE_SERVICES)
    _unknown_keys(values, SERVICE_FIELDS)
    _check_ages(values.get("minimum_age"), values.get("maximum_age"))
    category_ids = _allowed_category_ids(None, category_ids)
    location_ids = _check_locations(membership, location_ids)
    language_codes = _clean_language_codes(language_codes)
    service = Service(organization_id=membership.organization_id, last_modified=timezone.now(), **values)
    service.full_clean(exclude=["organization"])
    service.save()
    relations = _set_service_relations(
        service,
        category_ids=category_ids,
        location_ids=location_ids,
        language_codes=language_codes,
        required_documents=required_documents,
    )
    audit.record(
        actor,
        "directory.service_created",
        service,
        fields=sorted(name for name, value in values.items() if value not in ("", None)) + relations,
        organization=membership.organization_id,
        request=request,
    )
    return service


@transaction.atomic
def service_update(
    *,
    actor,
    membership,
    service: Service,
    values: dict,
    category_ids=(),
    location_ids=(),
    language_codes=(),
    required_documents=(),
    version: str | None = None,
    request=None,
) -> list[str]:
    """Saves the changes and returns the names of the fields that changed (empty: nothing written).

    ``version`` is the ``last_modified`` the editor started from: if someone saved in between,
    the change is refused instead of silently overwriting theirs.
    """
    _require(membership, Action.MANAGE_SERVICES)
    _unknown_keys(values, SERVICE_FIELDS)
    service = Service.objects.select_for_update().get(pk=service.pk)
    _require_own(membership, service)
    if version is not None and version != service.last_modified.isoformat():
        raise ValidationError(
            _("Someone else saved this service while you were editing it. Reload the page to see their changes.")
        )
    _check_ages(values.get("minimum_age", service.minimum_age), values.get("maximum_age", service.maximum_age))
    category_ids = _allowed_category_ids(service, category_ids)
    location_ids = _check_locations(membership, location_ids)
    language_codes = _clean_language_codes(language_codes)
    changed = _changed(service, values)
    for name in changed:
        setattr(service, name, values[name])
    service.full_clean(exclude=["organization"])
    changed += _set_service_relations(
        service,
        category_ids=category_ids,
        location_ids=location_ids,
        language_codes=language_codes,
        required_documents=required_documents,
    )
    if not changed:
        return []
    service.last_modified = timezone.now()
    service.save()
    audit.record(
        actor,
        "directory.service_updated",
        service,
        fields=changed,
        organization=membership.organization_id,
        request=request,
    )
    return changed


def _clean_weekly_hours(weekly_hours: dict) -> dict:
    unknown = set(weekly_hours) - set(DAY_CODES)
    if unknown:
        raise ValidationError(_("Unknown day."))
    for hours in weekly_hours.values():
        if hours is not None and (hours[0] is None or hours[1] is None):
            raise ValidationError(_("Give both the opening and the closing time, or neither."))
    return {day: hours for day, hours in weekly_hours.items() if hours is not None}


@transaction.atomic
def service_hours_set(
    *, actor, membership, service: Service, weekly_hours: dict, utc_offset: Decimal | None = None, request=None
) -> None:
    """Replaces the service's own weekly opening hours: {"MO": (opens, closes) or None, ...}.

    Days with the same hours share one schedule row (BYDAY=MO,TU,...), as HSDS publishers do.
    Schedules of other kinds (monthly, imported descriptions) and location hours stay.
    """
    _require(membership, Action.MANAGE_SERVICES)
    service = Service.objects.select_for_update().get(pk=service.pk)
    _require_own(membership, service)
    weekly_hours = _clean_weekly_hours(weekly_hours)
    if utc_offset is not None and not Decimal(-12) <= utc_offset <= Decimal(14):
        raise ValidationError({"utc_offset": _("A UTC offset is between -12 and +14 hours.")})
    days_by_hours = {}
    for day in DAY_CODES:
        if day in weekly_hours:
            days_by_hours.setdefault(weekly_hours[day], []).append(day)
    Schedule.objects.filter(service=service, freq__iexact=WEEKLY).delete()
    Schedule.objects.bulk_create(
        Schedule(
            service=service,
            freq=WEEKLY,
            byday=",".join(days),
            opens_at=opens,
            closes_at=closes,
            timezone=utc_offset,
        )
        for (opens, closes), days in days_by_hours.items()
    )
    refresh_openings([service.pk])
    service.last_modified = timezone.now()
    service.save(update_fields=["last_modified"])
    audit.record(
        actor,
        "directory.service_hours_updated",
        service,
        fields=["schedules"],
        organization=membership.organization_id,
        request=request,
    )


@transaction.atomic
def service_capacity_set(
    *, actor, membership, service: Service, available: int, maximum: int | None = None, request=None
) -> ServiceCapacity:
    """Records how many places the service has free now (and, optionally, in all)."""
    _require(membership, Action.MANAGE_SERVICES)
    service = Service.objects.select_for_update().get(pk=service.pk)
    _require_own(membership, service)
    if available is None or available < 0:
        raise ValidationError({"available": _("Places available cannot be below zero.")})
    if maximum is not None and maximum < available:
        raise ValidationError({"maximum": _("The total number of places cannot be below the places available.")})
    unit, _created = Unit.objects.get_or_create(name=CAPACITY_UNIT)
    now = timezone.now()
    capacity = ServiceCapacity.objects.select_for_update().filter(service=service, unit=unit).first()
    if capacity is None:
        capacity = ServiceCapacity(service=service, unit=unit)
    capacity.available = Decimal(available)
    capacity.maximum = None if maximum is None else Decimal(maximum)
    capacity.updated = now
    capacity.save()
    service.last_modified = now
    service.save(update_fields=["last_modified"])
    audit.record(
        actor,
        "directory.service_capacity_updated",
        service,
        fields=["available", "maximum"],
        organization=membership.organization_id,
        request=request,
    )
    return capacity


@transaction.atomic
def service_verify(*, actor, membership, service: Service, request=None) -> Service:
    """A coordinator confirms the service's details are right as of today (HSDS ``assured_date``)."""
    _require(membership, Action.CURATE_DIRECTORY)
    service = Service.objects.select_for_update().get(pk=service.pk)
    service.assured_date = timezone.localdate()
    service.assurer_email = actor.email
    service.last_modified = timezone.now()
    service.save(update_fields=["assured_date", "assurer_email", "last_modified"])
    audit.record(
        actor,
        "directory.service_verified",
        service,
        fields=["assured_date", "assurer_email"],
        organization=membership.organization_id,
        request=request,
    )
    return service


# ---------------------------------------------------------------------------------------------
# Locations


def _check_location_values(values, address):
    if values.get("latitude") is None and values.get("longitude") is not None:
        raise ValidationError({"latitude": _("Give both latitude and longitude, or neither.")})
    if values.get("latitude") is not None and values.get("longitude") is None:
        raise ValidationError({"longitude": _("Give both latitude and longitude, or neither.")})
    if address and address.get("address_1") and not address.get("city"):
        raise ValidationError({"city": _("Give the town or city of the address.")})


def _set_address(location, address) -> bool:
    address = {name: (address or {}).get(name) or "" for name in ADDRESS_FIELDS}
    current = location.addresses.order_by("address_type", "pk").first()  # "physical" sorts before "postal"
    if not address["address_1"]:
        if current is None:
            return False
        current.delete()
        return True
    if current is None:
        Address.objects.create(location=location, **address)
        return True
    changed = _changed(current, address)
    for name in changed:
        setattr(current, name, address[name])
    if changed:
        current.save()
    return bool(changed)


def _set_phone(location, number: str) -> bool:
    number = (number or "").strip()
    current = location.phones.order_by("pk").first()
    if current is not None and current.number == number:
        return False
    if current is None and not number:
        return False
    if current is not None and not number:
        current.delete()
    elif current is not None:
        current.number = number
        current.save(update_fields=["number"])
    else:
        Phone.objects.create(location=location, number=number)
    return True


def _set_accessibility(location, features) -> bool:
    features = set(features)
    if features - set(ACCESS_FEATURES):
        raise ValidationError({"accessibility": _("Choose access features from the list.")})
    # Free-text features from imports ("other") are kept: this form only knows the listed ones.
    current = set(location.accessibility.filter(feature__in=ACCESS_FEATURES).values_list("feature", flat=True))
    if current == features:
        return False
    location.accessibility.filter(feature__in=current - features).delete()
    Accessibility.objects.bulk_create(
        Accessibility(location=location, feature=feature) for feature in sorted(features - current)
    )
    return True


def _set_location_relations(location, *, address, phone, accessibility_features, language_codes) -> list[str]:
    changed = []
    if _set_address(location, address):
        changed.append("address")
    if _set_phone(location, phone):
        changed.append("phone")
    if _set_accessibility(location, accessibility_features):
        changed.append("accessibility")
    if _set_languages(location=location, codes=language_codes):
        changed.append("languages")
    if {"accessibility", "languages"} & set(changed):
        # Bulk-created features and languages send no signal: the services there match by them.
        refresh_facts(services_concerned(location_ids=[location.pk]))
    return changed


@transaction.atomic
def location_create(
    *,
    actor,
    membership,
    values: dict,
    address: dict | None = None,
    phone: str = "",
    accessibility_features=(),
    language_codes=(),
    request=None,
) -> Location:
    _require(membership, Action.MANAGE_SERVICES)
    _unknown_keys(values, LOCATION_FIELDS)
    _check_location_values(values, address)
    language_codes = _clean_language_codes(language_codes)
    location = Location(organization_id=membership.organization_id, **values)
    location.full_clean(exclude=["organization"])
    location.save()
    relations = _set_location_relations(
        location,
        address=address,
        phone=phone,
        accessibility_features=accessibility_features,
        language_codes=language_codes,
    )
    audit.record(
        actor,
        "directory.location_created",
        location,
        fields=sorted(name for name, value in values.items() if value not in ("", None, False)) + relations,
        organization=membership.organization_id,
        request=request,
    )
    return location


@transaction.atomic
def location_update(
    *,
    actor,
    membership,
    location: Location,
    values: dict,
    address: dict | None = None,
    phone: str = "",
    accessibility_features=(),
    language_codes=(),
    request=None,
) -> list[str]:
    _require(membership, Action.MANAGE_SERVICES)
    _unknown_keys(values, LOCATION_FIELDS)
    location = Location.objects.select_for_update().get(pk=location.pk)
    _require_own(membership, location)
    _check_location_values(values, address)
    language_codes = _clean_language_codes(language_codes)
    changed = _changed(location, values)
    for name in changed:
        setattr(location, name, values[name])
    location.full_clean(exclude=["organization"])
    if changed:
        location.save()
    changed += _set_location_relations(
        location,
        address=address,
        phone=phone,
        accessibility_features=accessibility_features,
        language_codes=language_codes,
    )
    if not changed:
        return []
    _touch_services(location.service_at_locations.values("service_id"), timezone.now())
    audit.record(
        actor,
        "directory.location_updated",
        location,
        fields=changed,
        organization=membership.organization_id,
        request=request,
    )
    return changed


# ---------------------------------------------------------------------------------------------
# Taxonomy


def _clean_translations(translations: dict) -> dict:
    unknown = set(translations) - set(TRANSLATED_LANGUAGES)
    if unknown:
        raise TypeError(f"Unknown languages: {sorted(unknown)}")
    return {language: text.strip() for language, text in translations.items() if text and text.strip()}


@transaction.atomic
def taxonomy_term_create(
    *,
    actor,
    membership,
    parent: TaxonomyTerm | None,
    code: str,
    name: str,
    description: str = "",
    translations: dict | None = None,
    request=None,
) -> TaxonomyTerm:
    """Adds a local term to the Caseway taxonomy. Its id derives from its code, like shipped terms,
    so the same code means the same HSDS term id in every installation that exchanges packages."""
    _require(membership, Action.CURATE_DIRECTORY)
    code = code.strip()
    if not TERM_CODE.fullmatch(code) or len(code) > 100:
        raise ValidationError(
            {"code": _("Use lower-case letters, digits and underscores, with dots between levels: health.dental.")}
        )
    if parent is not None and parent.taxonomy_ref_id != caseway_taxonomy_id():
        raise ValidationError({"parent": _("Choose a category of the Caseway taxonomy.")})
    if parent is not None and not code.startswith(f"{parent.code}."):
        raise ValidationError(
            {"code": _("The code must start with the parent's code: %(prefix)s") % {"prefix": f"{parent.code}."}}
        )
    if TaxonomyTerm.objects.filter(pk=term_id(code)).exists() or caseway_terms().filter(code=code).exists():
        raise ValidationError({"code": _("This code is already in use.")})
    if not name.strip():
        raise ValidationError({"name": _("Give the category a name.")})
    term = TaxonomyTerm.objects.create(
        id=term_id(code),
        taxonomy_ref_id=caseway_taxonomy_id(),
        taxonomy=shipped_taxonomy()["name"],
        code=code,
        name=name.strip(),
        description=description.strip(),
        name_translations=_clean_translations(translations or {}),
        parent=parent,
        language="en",
    )
    audit.record(
        actor,
        "directory.taxonomy_term_created",
        term,
        fields=["code", "name", "description", "name_translations", "parent"],
        organization=membership.organization_id,
        request=request,
    )
    return term


@transaction.atomic
def taxonomy_term_update(
    *,
    actor,
    membership,
    term: TaxonomyTerm,
    name: str,
    description: str = "",
    translations: dict | None = None,
    is_active: bool = True,
    request=None,
) -> list[str]:
    """Renames, translates, or retires (not in use) a Caseway term. Codes and ids never change."""
    _require(membership, Action.CURATE_DIRECTORY)
    term = TaxonomyTerm.objects.select_for_update().get(pk=term.pk)
    if term.taxonomy_ref_id != caseway_taxonomy_id():
        raise ValidationError(_("Only terms of the Caseway taxonomy are curated here."))
    if not name.strip():
        raise ValidationError({"name": _("Give the category a name.")})
    values = {
        "name": name.strip(),
        "description": description.strip(),
        "name_translations": _clean_translations(translations or {}),
        "is_active": is_active,
    }
    changed = _changed(term, values)
    if not changed:
        return []
    for field_name in changed:
        setattr(term, field_name, values[field_name])
    term.save(update_fields=changed)
    audit.record(
        actor,
        "directory.taxonomy_term_updated",
        term,
        fields=changed,
        organization=membership.organization_id,
        request=request,
    )
    return changed
