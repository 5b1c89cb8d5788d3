"""Directory forms: validate and convert what people type, then views hand it to services.py."""

import datetime
import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from caseway.directory.models import Accessibility, AdminArea, Location, Service, Sex
from caseway.directory.queries import area_rows, caseway_terms, languages_in_use, terms_in_use
from caseway.directory.schedules import DAY_CODES
from caseway.directory.services import (
    ACCESS_FEATURES,
    ADDRESS_FIELDS,
    LANGUAGE_CODE,
    LOCATION_FIELDS,
    SERVICE_FIELDS,
)
from caseway.directory.taxonomy import TRANSLATED_LANGUAGES

INDENT = "\u00a0\u00a0\u00a0"  # options cannot be styled: non-breaking spaces show the area levels
MAX_AGE = 120


def _flat_choices(choices):
    """(group label or None, [(value, label), ...]) for flat and <optgroup>ed choices alike."""
    loose = []
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            if loose:
                yield None, loose
                loose = []
            yield value, label
        else:
            loose.append((value, label))
    if loose:
        yield None, loose


class FastSelect(forms.Select):
    """A <select> built in Python. Django renders each option through a template, about 0.1 ms
    an option: the area and need lists have hundreds, on a page that must answer in 50 ms."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(item) for item in self.format_value(value)}
        parts = [format_html("<select{}>", flatatt({**self.build_attrs(self.attrs, attrs), "name": name}))]
        for group, options in _flat_choices(self.choices):
            if group is not None:
                parts.append(f'<optgroup label="{escape(group)}">')
            for option_value, label in options:
                option_value = "" if option_value is None else str(option_value)
                selected = " selected" if option_value in chosen else ""
                parts.append(f'<option value="{escape(option_value)}"{selected}>{escape(label)}</option>')
            if group is not None:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every value above passed through escape)


class FastCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes built in Python (see FastSelect), a <fieldset> per <optgroup>."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(item) for item in self.format_value(value)}
        base_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        parts, index = [], 0
        for group, options in _flat_choices(self.choices):
            if group is not None:
                parts.append(format_html("<fieldset><legend>{}</legend>", group))
            for option_value, label in options:
                option_value = str(option_value)
                checked = " checked" if option_value in chosen else ""
                parts.append(
                    format_html(
                        '<label><input type="checkbox" name="{}" value="{}" id="{}_{}"{}> {}</label> ',
                        name,
                        option_value,
                        base_id,
                        index,
                        checked,
                        label,
                    )
                )
                index += 1
            if group is not None:
                parts.append("</fieldset>")
        return mark_safe("".join(parts))  # noqa: S308 (every part above is escaped by format_html)


def access_feature_choices():
    return [(code, label) for code, label in Accessibility.Feature.choices if code in ACCESS_FEATURES]


def _localized(name: str, translations: dict | None, language: str) -> str:
    return (translations or {}).get(language) or name


def category_choices(rows, *, value, all_of_parent: bool):
    """Choices grouped by top-level category, one <optgroup> each, the top-level term first.

    ``rows`` are (id, code, name, translations, parent id); ``value`` picks the submitted value
    from a row (the code for search, the id for editing); ``all_of_parent`` labels the top-level
    option "All of Health" (search includes descendants).
    """
    language = (get_language() or "en").split("-")[0]
    children = {}
    for row in rows:
        children.setdefault(row[4], []).append(row)
    groups = []
    for parent in sorted(children.get(None, []), key=lambda row: row[1]):
        label = _localized(parent[2], parent[3], language)
        first = (value(parent), _("All of %(category)s") % {"category": label} if all_of_parent else label)
        options = [
            (value(row), _localized(row[2], row[3], language))
            for row in sorted(children.get(parent[0], []), key=lambda row: row[1])
        ]
        groups.append((label, [first, *options]))
    return groups


def _code(row):
    return row[1]


def _id(row):
    return str(row[0])


class AreaChoices:
    """Every administrative area as nested choices (country, then its regions and districts)."""

    def __init__(self):
        language = (get_language() or "en").split("-")[0]
        areas = [
            (pcode, _localized(name, translations, language), level) for pcode, name, translations, level in area_rows()
        ]
        self.choices = [("", _("Anywhere"))]
        for country, country_name, _level in (area for area in areas if area[2] == AdminArea.Level.COUNTRY):
            options = [(country, _("All of %(area)s") % {"area": country_name})]
            options += [
                (pcode, INDENT * level + name)
                for pcode, name, level in areas
                if level > AdminArea.Level.COUNTRY and pcode.startswith(country)
            ]
            self.choices.append((country_name, options))

    @staticmethod
    def area(pcode):
        """The chosen area with its ancestors (so searching by it costs no further query)."""
        if not pcode:
            return None
        return AdminArea.objects.select_related("parent__parent").filter(pcode=pcode).first()


def language_choices() -> list:
    return [(code, language_label(code, name)) for code, name in languages_in_use()]


def language_label(code: str, name: str) -> str:
    try:
        return f"{get_language_info(code)['name_translated']} ({code})"
    except KeyError:  # a language Django does not know (many local ones): the directory's own name
        return f"{name} ({code})" if name and name != code else code


# ---------------------------------------------------------------------------------------------
# Search


class DirectorySearchForm(forms.Form):
    """The directory filters. Staff get referral and capacity filters the public pages do not have."""

    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    category = forms.ChoiceField(
        label=_("Need"),
        required=False,
        widget=FastSelect,
        error_messages={"invalid_choice": _("Choose a need from the list.")},
    )
    area = forms.ChoiceField(
        label=_("Area"),
        required=False,
        widget=FastSelect,
        error_messages={"invalid_choice": _("Choose an area from the list.")},
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        widget=FastSelect,
        error_messages={"invalid_choice": _("Choose a language from the list.")},
    )
    age = forms.IntegerField(
        label=_("Age"),
        required=False,
        min_value=0,
        max_value=MAX_AGE,
        error_messages={"invalid": _("Give the age in whole years.")},
    )
    sex = forms.ChoiceField(
        label=_("For"),
        required=False,
        choices=[("", _("Anyone")), (Sex.FEMALE, _("A woman or girl")), (Sex.MALE, _("A man or boy"))],
        error_messages={"invalid_choice": _("Choose from the list.")},
    )
    accessibility = forms.MultipleChoiceField(
        label=_("Access needs"),
        required=False,
        widget=FastCheckboxes,
        error_messages={"invalid_choice": _("Choose access needs from the list.")},
    )
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    accepting_referrals = forms.BooleanField(label=_("Accepting referrals"), required=False)
    capacity_available = forms.BooleanField(label=_("Places available now"), required=False)

    STAFF_ONLY = ("accepting_referrals", "capacity_available")

    def __init__(self, data=None, *, public: bool = False):
        super().__init__(data)
        if public:
            for name in self.STAFF_ONLY:
                del self.fields[name]
        by_code = category_choices(terms_in_use(), value=_code, all_of_parent=True)
        self.fields["category"].choices = [("", _("Any need")), *by_code]
        self.areas = AreaChoices()
        self.fields["area"].choices = self.areas.choices
        self.fields["language"].choices = [("", _("Any language")), *language_choices()]
        self.fields["accessibility"].choices = access_feature_choices()

    def search_arguments(self, *, now: datetime.datetime | None = None) -> dict:
        """Keyword arguments for queries.search_services, from a valid form."""
        data = self.cleaned_data
        return {
            "text": data.get("q", ""),
            "category_codes": [data["category"]] if data.get("category") else [],
            "area": self.areas.area(data.get("area")),
            "language": data.get("language", ""),
            "accessibility": data.get("accessibility", []),
            "age": data.get("age"),
            "sex": data.get("sex", ""),
            "open_now": (now or timezone.now()) if data.get("open_now") else None,
            "accepting_referrals": bool(data.get("accepting_referrals")),
            "capacity_available": bool(data.get("capacity_available")),
        }


# ---------------------------------------------------------------------------------------------
# Editing services and locations


def _split_codes(text: str) -> list[str]:
    return [code.strip() for code in text.replace(";", ",").split(",") if code.strip()]


def clean_language_codes(text: str) -> list[str]:
    codes = _split_codes(text)
    for code in codes:
        if not LANGUAGE_CODE.fullmatch(code):
            raise ValidationError(
                _("“%(code)s” is not a language code. Use ISO 639 codes such as ar or fr."), params={"code": code}
            )
    return codes


class ServiceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    alternate_name = forms.CharField(label=_("Other name"), max_length=300, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Service.Status.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    categories = forms.TypedMultipleChoiceField(
        label=_("Categories"),
        coerce=uuid.UUID,
        required=False,
        widget=FastCheckboxes,
        error_messages={"invalid_choice": _("Choose categories from the list.")},
    )
    eligibility_description = forms.CharField(
        label=_("Who can use it"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    minimum_age = forms.IntegerField(label=_("Minimum age"), min_value=0, max_value=MAX_AGE, required=False)
    maximum_age = forms.IntegerField(label=_("Maximum age"), min_value=0, max_value=MAX_AGE, required=False)
    sex_eligibility = forms.ChoiceField(label=_("For"), choices=Sex.choices)
    application_process = forms.CharField(
        label=_("How to apply"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    required_documents = forms.CharField(
        label=_("Documents to bring"),
        help_text=_("One per line."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    fees_description = forms.CharField(label=_("Fees"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    languages = forms.CharField(
        label=_("Languages spoken"),
        help_text=_("ISO 639 codes separated by commas, for example: ar, fr, en."),
        max_length=200,
        required=False,
    )
    interpretation_services = forms.CharField(
        label=_("Interpretation"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    url = forms.URLField(label=_("Website"), max_length=500, required=False, assume_scheme="https")
    email = forms.EmailField(label=_("Email address"), required=False)
    alert = forms.CharField(
        label=_("Alert"),
        help_text=_("A short notice shown at the top, for example a temporary change."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    locations = forms.TypedMultipleChoiceField(
        label=_("Where"),
        coerce=uuid.UUID,
        required=False,
        widget=FastCheckboxes,
        error_messages={"invalid_choice": _("Choose locations of your own organization.")},
    )
    is_public = forms.BooleanField(
        label=_("Listed in the public directory"),
        help_text=_("Shown to people who are not signed in."),
        required=False,
    )
    accepting_referrals = forms.BooleanField(label=_("Accepting referrals"), required=False)
    provides_childcare = forms.BooleanField(label=_("Childcare while attending"), required=False)
    provides_transport = forms.BooleanField(label=_("Transport support"), required=False)
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *, locations, service: Service | None = None):
        initial = None
        if service is not None:
            initial = {name: getattr(service, name) for name in SERVICE_FIELDS}
            initial["categories"] = [str(pk) for pk in service.service_terms.values_list("taxonomy_term_id", flat=True)]
            initial["locations"] = [
                str(pk) for pk in service.service_at_locations.values_list("location_id", flat=True)
            ]
            initial["languages"] = ", ".join(service.languages.order_by("code").values_list("code", flat=True))
            initial["required_documents"] = "\n".join(service.required_documents.values_list("document", flat=True))
            initial["version"] = service.last_modified.isoformat()
        super().__init__(data, initial=initial)
        offered = Q(is_active=True)
        if service is not None:  # a retired category stays on the services that have it until unticked
            offered |= Q(service_terms__service=service) | Q(children__service_terms__service=service)
        rows = (
            caseway_terms()
            .filter(offered)
            .distinct()
            .values_list("id", "code", "name", "name_translations", "parent_id")
        )
        self.fields["categories"].choices = category_choices(rows, value=_id, all_of_parent=False)
        self.fields["locations"].choices = [(str(location.pk), _location_label(location)) for location in locations]

    def clean(self):
        cleaned = super().clean()
        minimum, maximum = cleaned.get("minimum_age"), cleaned.get("maximum_age")
        if minimum is not None and maximum is not None and minimum > maximum:
            self.add_error("maximum_age", _("The maximum age must not be below the minimum age."))
        return cleaned

    def clean_languages(self):
        return clean_language_codes(self.cleaned_data["languages"])

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in SERVICE_FIELDS}

    def relations(self) -> dict:
        return {
            "category_ids": set(self.cleaned_data["categories"]),
            "location_ids": set(self.cleaned_data["locations"]),
            "language_codes": self.cleaned_data["languages"],
            "required_documents": self.cleaned_data["required_documents"].splitlines(),
        }


def _location_label(location: Location) -> str:
    label = location.name or location.get_location_type_display()
    if location.is_confidential:
        label = _("%(name)s (confidential)") % {"name": label}
    return label


class LocationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300, required=False)
    location_type = forms.ChoiceField(label=_("Type"), choices=Location.LocationType.choices)
    is_confidential = forms.BooleanField(
        label=_("Confidential location"),
        help_text=_("A safe shelter: only your organization sees the address; others see the district at most."),
        required=False,
    )
    admin_area = forms.ChoiceField(
        label=_("Area"),
        required=False,
        widget=FastSelect,
        error_messages={"invalid_choice": _("Choose an area from the list.")},
    )
    address_1 = forms.CharField(label=_("Address"), max_length=300, required=False)
    address_2 = forms.CharField(label=_("Address, second line"), max_length=300, required=False)
    city = forms.CharField(label=_("Town or city"), max_length=200, required=False)
    state_province = forms.CharField(label=_("Region or province"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=50, required=False)
    country = forms.RegexField(
        label=_("Country code"),
        regex=r"^[A-Z]{2}$",
        max_length=2,
        required=False,
        error_messages={"invalid": _("Use the two-letter ISO country code, for example KE.")},
    )
    transportation = forms.CharField(
        label=_("How to get there"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    phone = forms.CharField(label=_("Phone number"), max_length=50, required=False)
    accessibility = forms.MultipleChoiceField(
        label=_("Access features"),
        required=False,
        widget=FastCheckboxes,
        error_messages={"invalid_choice": _("Choose access features from the list.")},
    )
    languages = forms.CharField(
        label=_("Languages spoken"),
        help_text=_("ISO 639 codes separated by commas, for example: ar, fr, en."),
        max_length=200,
        required=False,
    )
    latitude = forms.DecimalField(
        label=_("Latitude"), max_digits=10, decimal_places=7, min_value=-90, max_value=90, required=False
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), max_digits=10, decimal_places=7, min_value=-180, max_value=180, required=False
    )

    def __init__(self, data=None, *, location: Location | None = None, default_country: str = ""):
        initial = {"country": default_country}
        if location is not None:
            initial = {name: getattr(location, name) for name in LOCATION_FIELDS}
            initial["admin_area"] = location.admin_area.pcode if location.admin_area_id else ""
            address = location.addresses.order_by("address_type", "pk").first()
            initial.update({name: getattr(address, name) for name in ADDRESS_FIELDS} if address else {})
            phone = location.phones.order_by("pk").first()
            initial["phone"] = phone.number if phone else ""
            initial["accessibility"] = list(
                location.accessibility.filter(feature__in=ACCESS_FEATURES).values_list("feature", flat=True)
            )
            initial["languages"] = ", ".join(
                location.languages.filter(phone__isnull=True).order_by("code").values_list("code", flat=True)
            )
        super().__init__(data, initial=initial)
        self.areas = AreaChoices()
        self.fields["admin_area"].choices = [("", _("Not given")), *self.areas.choices[1:]]
        self.fields["accessibility"].choices = access_feature_choices()

    def clean_languages(self):
        return clean_language_codes(self.cleaned_data["languages"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("address_1") and not cleaned.get("city"):
            self.add_error("city", _("Give the town or city of the address."))
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        return cleaned

    def values(self) -> dict:
        values = {name: self.cleaned_data[name] for name in LOCATION_FIELDS if name != "admin_area"}
        values["admin_area"] = self.areas.area(self.cleaned_data["admin_area"])
        return values

    def address(self) -> dict:
        return {name: self.cleaned_data[name] for name in ADDRESS_FIELDS}


class WeeklyHoursForm(forms.Form):
    """One opening per day, Monday first; a closing time before the opening time runs past midnight."""

    utc_offset = forms.DecimalField(
        label=_("UTC offset (hours)"),
        help_text=_("Leave empty to use the site's time zone. For example 3 for UTC+3."),
        max_digits=4,
        decimal_places=2,
        min_value=Decimal(-12),
        max_value=Decimal(14),
        required=False,
    )

    def __init__(self, data=None, *, schedules=()):
        super().__init__(data, initial=self._initial_from(schedules))
        for index, day in enumerate(DAY_CODES):
            self.fields[f"{day}_opens"] = forms.TimeField(
                label=_("%(day)s opens") % {"day": WEEKDAYS[index]},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
            self.fields[f"{day}_closes"] = forms.TimeField(
                label=_("%(day)s closes") % {"day": WEEKDAYS[index]},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
        self.order_fields([name for day in DAY_CODES for name in (f"{day}_opens", f"{day}_closes")] + ["utc_offset"])

    @staticmethod
    def _initial_from(schedules) -> dict:
        initial = {}
        for schedule in schedules:
            for day in DAY_CODES:
                if f",{day}," in f",{schedule.byday.upper().replace(' ', '')},":
                    initial[f"{day}_opens"] = schedule.opens_at
                    initial[f"{day}_closes"] = schedule.closes_at
            if schedule.timezone is not None:
                initial["utc_offset"] = schedule.timezone
        return initial

    def clean(self):
        cleaned = super().clean()
        for day in DAY_CODES:
            opens, closes = cleaned.get(f"{day}_opens"), cleaned.get(f"{day}_closes")
            if (opens is None) != (closes is None) and not self.has_error(f"{day}_opens"):
                self.add_error(f"{day}_closes", _("Give both the opening and the closing time, or neither."))
        return cleaned

    def weekly_hours(self) -> dict:
        hours = {}
        for day in DAY_CODES:
            opens, closes = self.cleaned_data.get(f"{day}_opens"), self.cleaned_data.get(f"{day}_closes")
            hours[day] = (opens, closes) if opens is not None and closes is not None else None
        return hours


class CapacityForm(forms.Form):
    available = forms.IntegerField(label=_("Places available now"), min_value=0, max_value=1_000_000)
    maximum = forms.IntegerField(label=_("Places in all"), min_value=0, max_value=1_000_000, required=False)

    def clean(self):
        cleaned = super().clean()
        available, maximum = cleaned.get("available"), cleaned.get("maximum")
        if available is not None and maximum is not None and maximum < available:
            self.add_error("maximum", _("The total number of places cannot be below the places available."))
        return cleaned


# ---------------------------------------------------------------------------------------------
# Taxonomy curation


class _TermTranslationsMixin:
    def _add_translation_fields(self):
        for language in TRANSLATED_LANGUAGES:
            self.fields[f"name_{language}"] = forms.CharField(
                label=_("Name in %(language)s") % {"language": get_language_info(language)["name_translated"]},
                max_length=200,
                required=False,
            )

    def translations(self) -> dict:
        return {language: self.cleaned_data.get(f"name_{language}", "") for language in TRANSLATED_LANGUAGES}


class TaxonomyTermForm(_TermTranslationsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    is_active = forms.BooleanField(
        label=_("In use"), help_text=_("Categories not in use are not offered for new services."), required=False
    )

    def __init__(self, data=None, *, term):
        initial = {"name": term.name, "description": term.description, "is_active": term.is_active}
        initial.update({f"name_{language}": text for language, text in (term.name_translations or {}).items()})
        super().__init__(data, initial=initial)
        self._add_translation_fields()


class TaxonomyTermCreateForm(_TermTranslationsMixin, forms.Form):
    parent = forms.ChoiceField(
        label=_("Under"), required=False, error_messages={"invalid_choice": _("Choose a category from the list.")}
    )
    code = forms.CharField(
        label=_("Code"),
        max_length=100,
        help_text=_("Never changes once created. Lower-case, dots between levels, for example health.dental."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, data=None):
        super().__init__(data)
        self.parents = {str(term.pk): term for term in caseway_terms().filter(parent__isnull=True).order_by("code")}
        self.fields["parent"].choices = [("", _("Top level"))] + [
            (pk, term.localized_name()) for pk, term in self.parents.items()
        ]
        self._add_translation_fields()

    def clean_parent(self):
        return self.parents.get(self.cleaned_data["parent"])
