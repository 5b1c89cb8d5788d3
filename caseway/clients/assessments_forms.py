"""Forms of the assessment, safety-plan and incident pages: validate and convert, then a service writes.

Every form works without JavaScript: choices are radio buttons and checkboxes (each inside its
label, so the whole line is the tap target), dates are native date inputs that also accept
YYYY-MM-DD typed by hand, and labels come from the instrument definitions in the page's language.
"""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from caseway.clients import gbvims, incidents, safety
from caseway.clients.consent import LANGUAGE_CODE
from caseway.clients.models import Assessment, Incident
from caseway.directory.forms import INDENT, FastSelect
from caseway.directory.models import AdminArea
from caseway.directory.queries import area_rows

CHOOSE_AN_ANSWER = _("Choose an answer.")
YES, NO = "yes", "no"
YES_NO = ((YES, _("Yes")), (NO, _("No")))


def language_code(value: str) -> str:
    value = (value or "").strip().lower()
    if value and not LANGUAGE_CODE.fullmatch(value):
        raise forms.ValidationError(_("Use a language code such as ar or fr."))
    return value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


# ---------------------------------------------------------------------------------------------
# Assessments


class AssessmentForm(forms.Form):
    """One instrument's items as radio buttons (labels in the page's language), stage, interpreter."""

    stage = forms.ChoiceField(
        label=_("Stage"),
        choices=Assessment.Stage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose baseline or follow-up."), "invalid_choice": CHOOSE_AN_ANSWER},
    )
    interpreter_language = forms.CharField(
        label=_("Interpreter's language"),
        required=False,
        max_length=10,
        help_text=_("Only if an interpreter helped: a language code such as ar or fr."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr", "size": 6}),
    )

    def __init__(self, data=None, *, definition, initial=None):
        super().__init__(data, initial=initial)
        self.definition = definition
        self.item_codes = []
        for item in definition.items:
            self.fields[f"item_{item.code}"] = forms.TypedChoiceField(
                label=str(item.label),
                help_text=str(item.help) if item.help else "",
                choices=[(str(option.value), str(option.label)) for option in item.options],
                coerce=int,
                required=item.required,
                widget=forms.RadioSelect,
                error_messages={"required": CHOOSE_AN_ANSWER, "invalid_choice": CHOOSE_AN_ANSWER},
            )
            self.item_codes.append(item.code)

    def clean_interpreter_language(self):
        return language_code(self.cleaned_data.get("interpreter_language"))

    def item_fields(self):
        return [self[f"item_{code}"] for code in self.item_codes]

    def answers(self) -> dict:
        return {
            code: self.cleaned_data[f"item_{code}"]
            for code in self.item_codes
            if self.cleaned_data.get(f"item_{code}") not in (None, "")
        }

    def field_name_of(self, item_code: str) -> str | None:
        """The form field of a service error's key (an item code, stage or interpreter language)."""
        if item_code in self.item_codes:
            return f"item_{item_code}"
        return item_code if item_code in self.fields else None


class CompareForm(forms.Form):
    """Which two results to compare (GET): the choices are the case's results of one instrument."""

    baseline = forms.ChoiceField(label=_("Baseline"), error_messages={"invalid_choice": CHOOSE_AN_ANSWER})
    followup = forms.ChoiceField(label=_("Follow-up"), error_messages={"invalid_choice": CHOOSE_AN_ANSWER})

    def __init__(self, data=None, *, choices, initial=None):
        super().__init__(data, initial=initial)
        self.fields["baseline"].choices = choices
        self.fields["followup"].choices = choices


# ---------------------------------------------------------------------------------------------
# Safety plan


class SafetyPlanForm(forms.Form):
    """The plan; trusted-contact rows only for someone who may see them (``with_contacts``)."""

    safe_places = forms.CharField(
        label=_("Safe places"),
        required=False,
        max_length=safety.MAX_TEXT_LENGTH,
        help_text=_("Where the client can go quickly if in danger, and how to get there."),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    warning_signs = forms.CharField(
        label=_("Warning signs"),
        required=False,
        max_length=safety.MAX_TEXT_LENGTH,
        help_text=_("What tells the client that danger is coming."),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    code_word = forms.CharField(
        label=_("Code word"),
        required=False,
        max_length=safety.MAX_CODE_WORD_LENGTH,
        help_text=_("A word or sentence that tells trusted people the client needs help now."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "auto"}),
    )
    digital_safety = forms.MultipleChoiceField(
        label=_("Digital safety: gone through with the client"),
        required=False,
        choices=list(safety.DIGITAL_SAFETY_ITEMS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose items from the checklist.")},
    )
    review_date = forms.DateField(
        label=_("Review the plan on"),
        help_text=_("After today and within a year. The caseworker gets a task on that day."),
        widget=DateInput,
        error_messages={"required": _("Choose the date to review the plan with the client.")},
    )

    def __init__(self, data=None, *, plan=None, with_contacts: bool, initial=None):
        initial = {**self.initial_from(plan, with_contacts=with_contacts), **(initial or {})}
        super().__init__(data, initial=initial)
        self.with_contacts = with_contacts
        self.contact_rows = []
        if with_contacts:
            stored = len((plan.trusted_contacts or []) if plan is not None else [])
            rows = min(safety.MAX_TRUSTED_CONTACTS, max(3, stored + 1))
            for index in range(rows):
                self.fields[f"contact_{index}_name"] = forms.CharField(
                    label=_("Name"),
                    required=False,
                    max_length=safety.MAX_NAME_LENGTH,
                    widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "auto"}),
                )
                self.fields[f"contact_{index}_phone"] = forms.CharField(
                    label=_("Phone"),
                    required=False,
                    max_length=40,
                    widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr", "inputmode": "tel"}),
                )
                self.fields[f"contact_{index}_relationship"] = forms.CharField(
                    label=_("Relationship to the client"),
                    required=False,
                    max_length=safety.MAX_RELATIONSHIP_LENGTH,
                    widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "auto"}),
                )
                self.contact_rows.append(index)

    @staticmethod
    def initial_from(plan, *, with_contacts: bool) -> dict:
        if plan is None:
            return {"review_date": timezone.localdate() + datetime.timedelta(days=14)}
        initial = {
            "safe_places": plan.safe_places or "",
            "warning_signs": plan.warning_signs or "",
            "code_word": plan.code_word or "",
            "digital_safety": [code for code, done in (plan.digital_safety or {}).items() if done],
            "review_date": plan.review_date,
        }
        if with_contacts:
            for index, contact in enumerate(plan.trusted_contacts or []):
                for name in safety.CONTACT_FIELDS:
                    initial[f"contact_{index}_{name}"] = contact.get(name, "")
        return initial

    def contact_groups(self):
        """[(number, [name, phone, relationship bound fields])] for the template."""
        return [
            (index + 1, [self[f"contact_{index}_{name}"] for name in safety.CONTACT_FIELDS])
            for index in self.contact_rows
        ]

    def field_name_of(self, key: str) -> str | None:
        """The form field of a service error's key (``contact_0_phone``...; else the whole form)."""
        return key if key in self.fields else None

    def values(self) -> dict:
        data = self.cleaned_data
        values = {
            "safe_places": data["safe_places"],
            "warning_signs": data["warning_signs"],
            "code_word": data["code_word"],
            "digital_safety": list(data["digital_safety"]),
            "review_date": data["review_date"],
        }
        if self.with_contacts:
            values["trusted_contacts"] = [
                {name: data.get(f"contact_{index}_{name}", "") for name in safety.CONTACT_FIELDS}
                for index in self.contact_rows
            ]
        return values


# ---------------------------------------------------------------------------------------------
# Incidents


def area_choices() -> list:
    """Every administrative area, a group per country, regions and districts indented."""
    language = (get_language() or "en").split("-")[0]
    rows = [
        (pcode, (translations or {}).get(language) or name, level) for pcode, name, translations, level in area_rows()
    ]
    choices = [("", _("Not known"))]
    for country, country_name, _level in (row for row in rows if row[2] == 0):
        options = [(country, country_name)]
        options += [
            (pcode, INDENT * level + name) for pcode, name, level in rows if level > 0 and pcode.startswith(country)
        ]
        choices.append((country_name, options))
    return choices


class IncidentForm(forms.Form):
    """The GBVIMS questions in the tool's order, then context, when, where and who (a type only)."""

    contexts = forms.MultipleChoiceField(
        label=_("Context"),
        required=False,
        choices=gbvims.CONTEXT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Recorded apart from the type of incident. Choose all that apply, or none."),
        error_messages={"invalid_choice": _("Choose contexts from the list.")},
    )
    incident_date = forms.DateField(
        label=_("Date of the incident"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty if the client does not know or prefers not to say."),
    )
    incident_time = forms.TimeField(
        label=_("Time of the incident"),
        required=False,
        widget=TimeInput,
        help_text=_("If known: it decides whether medical care that must start within 72 hours is still possible."),
    )
    recent = forms.ChoiceField(
        label=_("If the date is not known: may it have happened in the last 72 hours (3 days)?"),
        required=False,
        choices=incidents.RECENT_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": CHOOSE_AN_ANSWER},
    )
    admin_area = forms.ChoiceField(label=_("Area where it happened"), required=False, widget=FastSelect)
    perpetrator_type = forms.ChoiceField(
        label=_("Perpetrator"),
        choices=Incident.PerpetratorType.choices,
        widget=forms.RadioSelect,
        help_text=_("The type of person only. Never write anyone's name or description."),
        error_messages={"required": _("Choose the type of perpetrator."), "invalid_choice": CHOOSE_AN_ANSWER},
    )
    reported_at = forms.DateTimeField(
        label=_("Reported on"),
        widget=DateTimeInput,
        help_text=_("When the client told us."),
        error_messages={"required": _("Say when the incident was reported.")},
    )

    def __init__(self, data=None, *, initial=None):
        super().__init__(data, initial=initial)
        self.fields["admin_area"].choices = area_choices()
        questions = {}
        for question in gbvims.QUESTIONS:
            questions[f"q_{question.key}"] = forms.ChoiceField(
                label=str(question.text),
                help_text=str(question.help),
                required=False,
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": CHOOSE_AN_ANSWER},
            )
        # The questions come first, in the tool's order.
        self.fields = {**questions, **self.fields}

    def question_fields(self):
        return [self[f"q_{question.key}"] for question in gbvims.QUESTIONS]

    def other_fields(self):
        return [self[name] for name in self.fields if not name.startswith("q_")]

    def clean_admin_area(self):
        pcode = self.cleaned_data.get("admin_area")
        if not pcode:
            return None
        area = AdminArea.objects.filter(pcode=pcode).first()
        if area is None:
            raise forms.ValidationError(_("Choose an area from the list."))
        return area

    def clean(self):
        data = super().clean()
        for question in gbvims.QUESTIONS:
            answer = data.get(f"q_{question.key}")
            if answer == YES:
                break
            if answer != NO:
                self.add_error(
                    f"q_{question.key}",
                    _("Answer this question: the questions stop only at the first “Yes”."),
                )
                break
        return data

    def answers(self) -> dict:
        answers = {}
        for question in gbvims.QUESTIONS:
            answer = self.cleaned_data.get(f"q_{question.key}")
            if answer not in (YES, NO):
                break
            answers[question.key] = answer == YES
            if answer == YES:
                break
        return answers

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "answers": self.answers(),
            "contexts": list(data["contexts"]),
            "incident_date": data["incident_date"],
            "incident_time": data["incident_time"],
            "recent": data["recent"] if data["incident_date"] is None else "",
            "admin_area": data["admin_area"],
            "perpetrator_type": data["perpetrator_type"],
            "reported_at": data["reported_at"],
        }

    def field_name_of(self, key: str) -> str | None:
        if key == "answers":
            return None
        return key if key in self.fields else None
