"""Intake forms: one per step. Each validates and turns what was typed into JSON for the draft."""

import datetime
import re
import unicodedata

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from caseway.clients import consent, intake
from caseway.clients.consent_forms import WORDING_LANGUAGE_CHOICES, AnswerFieldsMixin
from caseway.clients.models import AgeBand, Consent, ConsentPurpose, DisplacementStatus, Sex
from caseway.directory.forms import FastCheckboxes, FastSelect, clean_language_codes
from caseway.directory.queries import area_rows

YES, NO = "yes", "no"
MAX_AGE = 120
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 6, 15  # E.164 allows 15 digits
PHONE_CHARACTERS = re.compile(r"^\+?[0-9][0-9 ().\-]*$")
INDENT = "\u00a0\u00a0\u00a0"
DOCUMENTS = [
    ("national_id", _("National identity card")),
    ("passport", _("Passport")),
    ("birth_certificate", _("Birth certificate")),
    ("refugee_card", _("Refugee or asylum-seeker card")),
    ("marriage_certificate", _("Marriage certificate")),
    ("other", _("Another document")),
]


def language_code(value: str) -> str:
    value = (value or "").strip().lower()
    if value and not consent.LANGUAGE_CODE.fullmatch(value):
        raise forms.ValidationError(_("Use a language code such as ar or fr."))
    return value


def western_digits(text: str) -> str:
    """Arabic-Indic and other digits as 0-9, so ٠٩١٢ and 0912 are the same number."""
    return "".join(str(unicodedata.digit(char)) if char.isdigit() else char for char in text)


def area_choices() -> list:
    """Every administrative area, a group per country, regions and districts indented."""
    language = (get_language() or "en").split("-")[0]
    rows = [
        (pcode, (translations or {}).get(language) or name, level) for pcode, name, translations, level in area_rows()
    ]
    choices = [("", "—")]
    for country, country_name, _level in (row for row in rows if row[2] == 0):
        options = [(country, country_name)]
        options += [
            (pcode, INDENT * level + name) for pcode, name, level in rows if level > 0 and pcode.startswith(country)
        ]
        choices.append((country_name, options))
    return choices


class SafetyForm(forms.Form):
    safe_now = forms.ChoiceField(
        label=_("Is it safe to talk now?"),
        help_text=_("Ask privately. Can anyone hear or see? Is there time to talk for about half an hour?"),
        choices=[(YES, _("Yes, it is safe to talk now")), (NO, _("No, not now"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Ask the client whether it is safe to talk now.")},
    )
    client_language = forms.CharField(
        label=_("The client's language"),
        help_text=_("A language code, for example ar, fr, ku or so."),
        required=False,
        max_length=10,
    )
    interpreter_language = forms.CharField(
        label=_("Interpreter's language (if an interpreter helps)"),
        required=False,
        max_length=10,
    )

    def clean_client_language(self):
        return language_code(self.cleaned_data["client_language"])

    def clean_interpreter_language(self):
        return language_code(self.cleaned_data["interpreter_language"])


class ConsentStepForm(AnswerFieldsMixin, forms.Form):
    """The three questions asked at intake; receiving services is required to go on."""

    wording_language = forms.ChoiceField(choices=WORDING_LANGUAGE_CHOICES, widget=forms.HiddenInput)
    services_sha256 = forms.CharField(widget=forms.HiddenInput)
    statistics_sha256 = forms.CharField(widget=forms.HiddenInput)
    contact_sha256 = forms.CharField(widget=forms.HiddenInput)
    services = forms.ChoiceField(
        label=_("Does the client agree to receive services?"),
        choices=[(YES, _("Yes, agrees")), (NO, _("No, refuses"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the client agrees to receive services.")},
    )
    statistics = forms.ChoiceField(
        label=_("Does the client agree to be counted in anonymous statistics?"),
        choices=[(YES, _("Yes, agrees")), (NO, _("No, refuses")), (intake.NOT_ASKED, _("Not asked"))],
        widget=forms.RadioSelect,
        initial=intake.NOT_ASKED,
    )
    contact = forms.ChoiceField(
        label=_("Does the client agree to be contacted?"),
        choices=[(YES, _("Yes, agrees")), (NO, _("No, do not contact")), (intake.NOT_ASKED, _("Not asked"))],
        widget=forms.RadioSelect,
        initial=intake.NOT_ASKED,
    )
    contact_methods = forms.MultipleChoiceField(
        label=_("Safe ways to contact the client"),
        choices=[choice for choice in Consent.ContactMethod.choices if choice[0] != Consent.ContactMethod.NONE],
        required=False,
        widget=FastCheckboxes,
    )
    safe_times = forms.CharField(
        label=_("Safe times to contact"),
        help_text=_("For example: weekdays 10:00–12:00, never in the evening."),
        required=False,
        max_length=200,
    )

    def __init__(self, data=None, *, membership, language, age_band="", initial=None):
        super().__init__(data, initial=initial)
        self.language = language
        self.age_band = age_band
        self.texts = {purpose: consent.shipped_text(purpose, language) for purpose in intake.INTAKE_PURPOSES}
        self.fields["wording_language"].initial = language
        for purpose, text in self.texts.items():
            self.fields[f"{purpose}_sha256"].initial = consent.text_digest(text)
        self.add_answer_fields(membership)
        del self.fields["interpreter_language"]  # asked once, at the safety check
        for name in ("given_by", "caregiver_relationship", "method", "witness"):
            self.fields[name] = self.fields.pop(name)  # after the three questions

    def clean_services(self):
        value = self.cleaned_data["services"]
        if value != YES:
            raise forms.ValidationError(
                _(
                    "Without this agreement no case can be opened and nothing is kept. "
                    "You can still tell the client where to find help, then end the intake."
                )
            )
        return value

    def clean(self):
        cleaned = super().clean()
        for purpose, text in self.texts.items():
            if cleaned.get(f"{purpose}_sha256") != consent.text_digest(text):
                self.add_error(None, _("The wording has changed since this page was opened: read the new one."))
                break
        if cleaned.get("contact") == YES and not cleaned.get("contact_methods"):
            self.add_error("contact_methods", _("Choose at least one safe way to contact the client."))
        given_by = cleaned.get("given_by")
        if given_by == Consent.GivenBy.CAREGIVER and not (cleaned.get("caregiver_relationship") or "").strip():
            self.add_error("caregiver_relationship", _("Say how the caregiver is related to the child."))
        if given_by == Consent.GivenBy.CLIENT and self.age_band in consent.CAREGIVER_REQUIRED_BANDS:
            self.add_error(
                "given_by", _("A child under 12 cannot consent alone: a parent or caregiver must give the answer.")
            )
        return cleaned

    def draft_answers(self) -> dict:
        data = self.cleaned_data
        answers = {
            "language": self.language,
            "given_by": data["given_by"],
            "caregiver_relationship": data["caregiver_relationship"].strip()
            if data["given_by"] == Consent.GivenBy.CAREGIVER
            else "",
            "method": data["method"],
            "witness": data["witness"].pk if data["witness"] else None,
        }
        for purpose in intake.INTAKE_PURPOSES:
            answers[purpose] = {
                "answer": data[purpose],
                "sha256": consent.wording_for(purpose, self.language).sha256,
            }
        if data["contact"] == YES:
            answers[ConsentPurpose.CONTACT] |= {"methods": data["contact_methods"], "safe_times": data["safe_times"]}
        return answers

    @classmethod
    def initial_from(cls, stored: dict) -> dict:
        if not stored:
            return {}
        initial = {name: stored.get(name) for name in ("given_by", "caregiver_relationship", "method", "witness")}
        for purpose in intake.INTAKE_PURPOSES:
            initial[purpose] = stored[purpose]["answer"]
        contact = stored[ConsentPurpose.CONTACT]
        initial["contact_methods"] = contact.get("methods", [])
        initial["safe_times"] = contact.get("safe_times", "")
        return initial


class RegistrationForm(forms.Form):
    """Only sex, age group and area are required: services come before data."""

    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    age_band = forms.ChoiceField(
        label=_("Age group"),
        help_text=_("Needed unless you give a date of birth or an estimated age."),
        choices=[("", "—"), *AgeBand.choices],
        required=False,
    )
    admin_area = forms.ChoiceField(
        label=_("Area where the client lives now"),
        widget=FastSelect,
        error_messages={"required": _("Choose an area."), "invalid_choice": _("Choose an area from the list.")},
    )
    sensitive = forms.BooleanField(
        label=_("Sexual or gender-based violence case (names are hidden in every list)"),
        required=False,
    )
    given_name = forms.CharField(label=_("Given name (optional)"), required=False, max_length=100)
    family_name = forms.CharField(label=_("Family name (optional)"), required=False, max_length=100)
    aliases = forms.CharField(
        label=_("Other names used (optional)"),
        help_text=_("One per line."),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    birth_date = forms.DateField(
        label=_("Date of birth (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date, for example 1990-05-31.")},
    )
    estimated_age = forms.IntegerField(
        label=_("Or estimated age in years (optional)"),
        required=False,
        min_value=0,
        error_messages={"invalid": _("Enter the age as a number of years.")},
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        help_text=_("Only if it is safe to call or text this number."),
        required=False,
        max_length=30,
    )
    address = forms.CharField(
        label=_("Address (optional)"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    nationality = forms.CharField(label=_("Nationality (optional)"), required=False, max_length=100)
    documents_held = forms.MultipleChoiceField(
        label=_("Documents the client has"), choices=DOCUMENTS, required=False, widget=FastCheckboxes
    )
    displacement_status = forms.ChoiceField(
        label=_("Displacement"), choices=DisplacementStatus.choices, initial=DisplacementStatus.UNKNOWN
    )
    languages = forms.CharField(
        label=_("Languages the client speaks"),
        help_text=_("Language codes separated by commas, for example ar, fr."),
        required=False,
        max_length=100,
    )
    children_count = forms.IntegerField(label=_("Number of children"), required=False, min_value=0, max_value=30)
    children_ages = forms.CharField(
        label=_("Ages of the children"),
        help_text=_("Separated by commas, for example 2, 7."),
        required=False,
        max_length=100,
    )
    cares_for_children = forms.BooleanField(label=_("Cares for children"), required=False)
    cares_for_others = forms.BooleanField(label=_("Cares for an older, ill or disabled person"), required=False)

    def __init__(self, data=None, *, consent_given_by="", initial=None):
        super().__init__(data, initial=initial)
        self.consent_given_by = consent_given_by
        self.fields["admin_area"].choices = area_choices()

    def clean_birth_date(self):
        born = self.cleaned_data["birth_date"]
        if born is None:
            return None
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if today.year - born.year > MAX_AGE:
            raise forms.ValidationError(_("The date of birth is more than 120 years ago."))
        return born

    def clean_estimated_age(self):
        age = self.cleaned_data["estimated_age"]
        if age is not None and age > MAX_AGE:
            raise forms.ValidationError(_("An age over 120 years is not possible: check the number."))
        return age

    def clean_phone(self):
        phone = western_digits(self.cleaned_data["phone"].strip())
        if not phone:
            return ""
        digits = sum(char.isdigit() for char in phone)
        if not PHONE_CHARACTERS.fullmatch(phone) or not MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS:
            raise forms.ValidationError(_("Enter a phone number of 6 to 15 digits, for example +249 912 345 678."))
        return phone

    def clean_aliases(self):
        return [line.strip() for line in self.cleaned_data["aliases"].splitlines() if line.strip()]

    def clean_languages(self):
        return clean_language_codes(self.cleaned_data["languages"].lower())

    def clean_children_ages(self):
        text = western_digits(self.cleaned_data["children_ages"])
        ages = []
        for part in text.replace(";", ",").replace("،", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or int(part) > 17:
                raise forms.ValidationError(_("Give each child's age in years (0 to 17), separated by commas."))
            ages.append(int(part))
        return ages

    def clean(self):
        cleaned = super().clean()
        born, age, band = cleaned.get("birth_date"), cleaned.get("estimated_age"), cleaned.get("age_band")
        if born and age is not None:
            self.add_error("estimated_age", _("Give a date of birth or an estimated age, not both."))
        actual = self._age(born, age)
        if actual is not None and band and AgeBand.for_age(actual) != band:
            self.add_error("age_band", _("The age group does not match the age or date of birth."))
        if actual is None and not band and "birth_date" not in self.errors and "estimated_age" not in self.errors:
            self.add_error("age_band", _("Choose an age group, or give a date of birth or an estimated age."))
        resulting_band = AgeBand.for_age(actual) if actual is not None else band
        if resulting_band in consent.CAREGIVER_REQUIRED_BANDS and self.consent_given_by == Consent.GivenBy.CLIENT:
            self.add_error(
                "age_band",
                _(
                    "A child under 12 cannot consent alone. Go back to the consent step and record "
                    "the answer of a parent or caregiver."
                ),
            )
        ages, count = cleaned.get("children_ages") or [], cleaned.get("children_count")
        if ages and count is not None and len(ages) != count:
            self.add_error("children_ages", _("Give one age for each child."))
        return cleaned

    @staticmethod
    def _age(born, age):
        if born:
            today = timezone.localdate()
            return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        return age

    def draft_answers(self) -> dict:
        data = dict(self.cleaned_data)
        actual = self._age(data["birth_date"], data["estimated_age"])
        if actual is not None:
            data["age_band"] = str(AgeBand.for_age(actual))
        if data["birth_date"]:
            data["birth_date"] = data["birth_date"].isoformat()
        if not data["children_count"] and data["children_ages"]:
            data["children_count"] = len(data["children_ages"])
        return data

    @classmethod
    def initial_from(cls, stored: dict) -> dict:
        if not stored:
            return {}
        initial = dict(stored)
        initial["aliases"] = "\n".join(stored.get("aliases") or [])
        initial["languages"] = ", ".join(stored.get("languages") or [])
        initial["children_ages"] = ", ".join(str(age) for age in stored.get("children_ages") or [])
        if stored.get("birth_date"):
            initial["birth_date"] = datetime.date.fromisoformat(stored["birth_date"])
        return initial


class DuplicatesForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("What does the client want?"),
        choices=[
            (intake.LINK, _("The client agrees that we ask the other organization to link the records")),
            ("new", _("Do not ask: continue with a new record")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one.")},
    )


class InstrumentForm(forms.Form):
    """The items of one instrument definition, as radio buttons, labelled in the page's language."""

    def __init__(self, data=None, *, definition, initial=None, default=None):
        super().__init__(data, initial=initial)
        self.definition = definition
        for item in definition.items:
            self.fields[item.code] = forms.TypedChoiceField(
                label=str(item.label),
                help_text=str(item.help) if item.help else "",
                choices=[(str(option.value), str(option.label)) for option in item.options],
                coerce=int,
                required=item.required,
                widget=forms.RadioSelect,
                initial=default,
                error_messages={"required": _("Choose an answer.")},
            )

    def draft_answers(self) -> dict:
        return {code: value for code, value in self.cleaned_data.items() if value not in (None, "")}
