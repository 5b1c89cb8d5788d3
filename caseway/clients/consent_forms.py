"""Consent forms: what the caseworker records after reading the wording aloud; consent.py decides."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from caseway.clients import consent
from caseway.clients.models import Consent, ConsentPurpose, DataCategory
from caseway.directory.forms import FastCheckboxes, FastSelect
from caseway.orgs.models import Organization

YES, NO = "yes", "no"
ANSWER_CHOICES = [(YES, _("Yes, agrees")), (NO, _("No, refuses"))]
WORDING_LANGUAGE_CHOICES = [
    ("en", "English"),
    ("fr", "Français"),
    ("ar", "العربية"),
    ("es", "Español"),
]
# Purposes a caseworker records here; the portal has its own enrolment.
RECORDABLE_PURPOSES = [(value, label) for value, label in ConsentPurpose.choices if value != ConsentPurpose.PORTAL]


def network_organizations(membership):
    """Organizations a client can be referred to or share with: active members of the network."""
    return (
        Organization.objects.filter(is_active=True, memberships__is_active=True)
        .exclude(pk=membership.organization_id)
        .distinct()
        .order_by("name")
    )


def witnesses(membership):
    from caseway.accounts.models import User

    return User.objects.filter(
        memberships__organization_id=membership.organization_id, memberships__is_active=True, is_active=True
    ).order_by("display_name", "email")


class WitnessChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name or obj.email


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The moment ``day`` ends, in the site's time zone (a consent "valid until" that date)."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def default_wording_language() -> str:
    return consent.wording_language(get_language())


class ConsentPurposeForm(forms.Form):
    """First step (GET): which question, in which language, so the right wording is shown."""

    purpose = forms.ChoiceField(
        label=_("What is the consent for?"),
        choices=[("", "—"), *RECORDABLE_PURPOSES],
        error_messages={"required": _("Choose what the consent is for."), "invalid_choice": _("Choose from the list.")},
    )
    language = forms.ChoiceField(
        label=_("Language of the wording read to the client"),
        choices=WORDING_LANGUAGE_CHOICES,
        error_messages={"invalid_choice": _("Choose from the list.")},
    )


class AnswerFieldsMixin:
    """Who answered and how: shared by the consent page and the intake's consent step."""

    def add_answer_fields(self, membership, *, prefix_label=""):
        self.fields["given_by"] = forms.ChoiceField(
            label=_("Who gives the answer?"),
            choices=Consent.GivenBy.choices,
            initial=Consent.GivenBy.CLIENT,
            widget=forms.RadioSelect,
        )
        self.fields["caregiver_relationship"] = forms.CharField(
            label=_("If a caregiver: how are they related to the child?"),
            required=False,
            max_length=100,
        )
        self.fields["method"] = forms.ChoiceField(
            label=_("How was the answer given?"),
            choices=Consent.Method.choices,
            initial=Consent.Method.VERBAL,
            widget=forms.RadioSelect,
        )
        self.fields["witness"] = WitnessChoiceField(
            label=_("Witness (optional)"),
            queryset=witnesses(membership),
            required=False,
            widget=FastSelect,
            empty_label="—",
        )
        self.fields["interpreter_language"] = forms.CharField(
            label=_("Interpreter's language (if an interpreter helped)"),
            help_text=_("A language code, for example ar, fr or ku."),
            required=False,
            max_length=10,
        )

    def clean_interpreter_language(self):
        value = self.cleaned_data["interpreter_language"].strip().lower()
        if value and not consent.LANGUAGE_CODE.fullmatch(value):
            raise forms.ValidationError(_("Use a language code such as ar or fr."))
        return value

    def answer_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "given_by": data["given_by"],
            "caregiver_relationship": data["caregiver_relationship"],
            "method": data["method"],
            "witness": data["witness"],
            "interpreter_language": data["interpreter_language"],
        }


class ConsentForm(AnswerFieldsMixin, forms.Form):
    """One answer to one purpose. Only the fields that purpose needs are on the form."""

    wording_sha256 = forms.CharField(widget=forms.HiddenInput)
    granted = forms.ChoiceField(
        label=_("Does the client agree?"),
        choices=ANSWER_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the client agrees.")},
    )
    recipient = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.none(),
        widget=FastSelect,
        empty_label="—",
        error_messages={"required": _("Name the organization that will receive the referral or the information.")},
    )
    categories = forms.MultipleChoiceField(
        label=_("Information that may be shared"),
        choices=DataCategory.choices,
        required=False,
        widget=FastCheckboxes,
    )
    contact_methods = forms.MultipleChoiceField(
        label=_("Safe ways to contact the client"),
        choices=Consent.ContactMethod.choices,
        required=False,
        widget=FastCheckboxes,
    )
    safe_times = forms.CharField(
        label=_("Safe times to contact"),
        help_text=_("For example: weekdays 10:00–12:00, never in the evening."),
        required=False,
        max_length=200,
    )
    valid_until = forms.DateField(
        label=_("Valid until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, data=None, *, membership, purpose, text):
        super().__init__(data)
        self.purpose = purpose
        self.text = text
        self.fields["wording_sha256"].initial = consent.text_digest(text)
        self.add_answer_fields(membership)
        if purpose in consent.RECIPIENT_NAMED:
            self.fields["recipient"].queryset = network_organizations(membership)
        else:
            del self.fields["recipient"]
        if purpose != ConsentPurpose.SHARING:
            del self.fields["categories"]
        if purpose != ConsentPurpose.CONTACT:
            del self.fields["contact_methods"]
            del self.fields["safe_times"]

    def clean(self):
        cleaned = super().clean()
        # A hidden field: its error goes on the form, where the page shows it.
        if cleaned.get("wording_sha256") != consent.text_digest(self.text):
            self.add_error(None, _("The wording has changed since this page was opened: read the new one."))
        return cleaned

    def clean_valid_until(self):
        day = self.cleaned_data["valid_until"]
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("The end date must be in the future."))
        return day

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "purpose": self.purpose,
            "granted": data["granted"] == YES,
            "recipient": data.get("recipient"),
            "categories": data.get("categories") or (),
            "contact_methods": data.get("contact_methods") or (),
            "safe_times": data.get("safe_times") or "",
            "expires_at": end_of_day(data["valid_until"]) if data["valid_until"] else None,
            **self.answer_arguments(),
        }


class RevokeForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        help_text=_("Do not write names or details here."),
        required=False,
        max_length=200,
    )
