"""Forms of the client list, the case page and its supervisor actions: validate, then a service writes."""

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseway.clients.models import Case, CaseStatus, DataCategory, RiskLevel
from caseway.clients.records_services import (
    BREAK_GLASS_REASON_MAX_LENGTH,
    BREAK_GLASS_REASON_MIN_LENGTH,
    CASEWORKER_ROLES,
)
from caseway.directory.forms import FastSelect
from caseway.orgs.permissions import Role

NOT_ASSESSED = "none"
PHONE_CHARACTERS = re.compile(r"^\+?[\d\s().\-/]+$")
PHONE_DIGITS = (6, 15)  # E.164 allows 15 digits; shorter than 6 is no phone number anywhere
MAX_AGE = 120


class ClientListForm(forms.Form):
    """The list's search box and filters (GET)."""

    q = forms.CharField(
        label=_("Code, phone or name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), ("active", _("Not closed")), *CaseStatus.choices],
        widget=FastSelect,
    )
    risk = forms.ChoiceField(
        label=_("Risk level"),
        required=False,
        choices=[
            ("", _("Any risk level")),
            (NOT_ASSESSED, _("Not assessed")),
            *[(value, label) for value, label in RiskLevel.choices if value],
        ],
        widget=FastSelect,
    )
    sensitivity = forms.ChoiceField(
        label=_("Sensitivity"),
        required=False,
        choices=[
            ("", _("Any")),
            (Case.Sensitivity.SENSITIVE, _("Sensitive only")),
            (Case.Sensitivity.STANDARD, _("Standard only")),
        ],
        widget=FastSelect,
    )
    mine = forms.BooleanField(label=_("Only my cases"), required=False)

    def filters(self) -> dict:
        data = self.cleaned_data
        risk = data.get("risk") or ""
        return {
            "status": data.get("status") or "",
            "mine": bool(data.get("mine")),
            "risk_level": "" if risk == NOT_ASSESSED else (risk or None),
            "sensitivity": data.get("sensitivity") or "",
        }

    @property
    def text(self) -> str:
        return (self.cleaned_data.get("q") or "").strip() if self.is_bound and self.is_valid() else ""


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to see this person's identity now?"),
        help_text=_("Your supervisors are told, and the reason is kept. Access ends after a short time."),
        min_length=BREAK_GLASS_REASON_MIN_LENGTH,
        max_length=BREAK_GLASS_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _lines(value) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class LinesField(forms.CharField):
    """A list of short texts, one a line (aliases, documents held)."""

    widget = forms.Textarea(attrs={"rows": 2})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        return _lines(super().to_python(value))


# (form field, category) of every identity and contact field the edit page may show.
IDENTITY_FIELD_CATEGORIES = {
    "given_name": DataCategory.IDENTITY,
    "family_name": DataCategory.IDENTITY,
    "aliases": DataCategory.IDENTITY,
    "birth_date": DataCategory.IDENTITY,
    "birth_date_is_estimated": DataCategory.IDENTITY,
    "nationality": DataCategory.IDENTITY,
    "documents_held": DataCategory.IDENTITY,
    "phone": DataCategory.CONTACT,
    "address": DataCategory.CONTACT,
}


class IdentityForm(forms.Form):
    """Identity and contact fields, only those of the categories the member may see."""

    given_name = forms.CharField(label=_("Given name"), required=False, max_length=150)
    family_name = forms.CharField(label=_("Family name"), required=False, max_length=150)
    aliases = LinesField(
        label=_("Other names"), required=False, max_length=1000, help_text=_("One a line: nicknames, other spellings.")
    )
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    birth_date_is_estimated = forms.BooleanField(label=_("The date of birth is an estimate"), required=False)
    nationality = forms.CharField(label=_("Nationality"), required=False, max_length=100)
    documents_held = LinesField(
        label=_("Documents held"), required=False, max_length=1000, help_text=_("One a line, without their numbers.")
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "dir": "ltr"}),
    )
    address = forms.CharField(
        label=_("Address"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, client, categories, **kwargs):
        initial = {
            name: getattr(client, name)
            for name, category in IDENTITY_FIELD_CATEGORIES.items()
            if category in categories
        }
        if initial.get("birth_date"):
            initial["birth_date"] = datetime.date.fromisoformat(initial["birth_date"])
        super().__init__(*args, initial=initial, **kwargs)
        for name, category in IDENTITY_FIELD_CATEGORIES.items():
            if category not in categories:
                del self.fields[name]

    def clean_birth_date(self):
        born = self.cleaned_data.get("birth_date")
        if born is None:
            return None
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if today.year - born.year > MAX_AGE:
            raise forms.ValidationError(_("The date of birth is more than 120 years ago."))
        return born

    def clean_phone(self):
        phone = (self.cleaned_data.get("phone") or "").strip()
        if not phone:
            return ""
        digits = sum(char.isdigit() for char in phone)
        if not PHONE_CHARACTERS.match(phone) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
            raise forms.ValidationError(
                _("Enter a phone number of 6 to 15 digits; spaces, dashes and a leading + are fine.")
            )
        return phone

    def values(self) -> dict:
        """What the service stores: empty texts become None (nothing stored, nothing indexed)."""
        values = {}
        for name, value in self.cleaned_data.items():
            if name == "birth_date_is_estimated":
                values[name] = bool(value)
            elif name == "birth_date":
                values[name] = value.isoformat() if value else None
            elif isinstance(value, list):
                values[name] = value or None
            else:
                values[name] = value.strip() if value and value.strip() else None
        return values

    def shown_fields(self) -> list[str]:
        return list(self.fields)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class AssignmentForm(forms.Form):
    caseworker = UserChoiceField(label=_("Caseworker"), required=False, queryset=None, empty_label=_("Nobody"))
    supervisor = UserChoiceField(label=_("Supervisor"), required=False, queryset=None, empty_label=_("Nobody"))

    def __init__(self, *args, organization_id, **kwargs):
        super().__init__(*args, **kwargs)
        from caseway.accounts.models import User

        def members(roles):
            # One filter() call: the organization, activity and role must hold for the same membership.
            return (
                User.objects.filter(
                    is_active=True,
                    memberships__organization_id=organization_id,
                    memberships__is_active=True,
                    memberships__role__in=roles,
                )
                .distinct()
                .order_by("display_name", "email")
            )

        self.fields["caseworker"].queryset = members(CASEWORKER_ROLES)
        self.fields["supervisor"].queryset = members([Role.SUPERVISOR])


class SensitivityForm(forms.Form):
    sensitivity = forms.ChoiceField(
        label=_("Sensitivity"),
        choices=Case.Sensitivity.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Sensitive cases (sexual or gender-based violence) show no name in lists, and their identity only "
            "to the assigned caseworker and supervisors."
        ),
    )


class LinkDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Link")), ("decline", _("Decline"))])
