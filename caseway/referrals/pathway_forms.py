"""Forms of the pathway pages: they validate and convert; ``pathways.py`` decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from caseway.clients.models import DataCategory, Need
from caseway.directory import queries as directory_queries
from caseway.referrals.models import PathwayStep, Urgency
from caseway.referrals.pathways import (
    CODE_PATTERN,
    DESCRIPTION_MAX_LENGTH,
    MAX_ORDER,
    MAX_WITHIN_HOURS,
    NAME_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    StepChoice,
)

HOURS, DAYS = "hours", "days"
UNIT_CHOICES = [(HOURS, _("hours")), (DAYS, _("days"))]


class PathwayForm(forms.Form):
    """A pathway's name and need profile; the code only when it is created (codes never change)."""

    code = forms.RegexField(
        label=_("Code"),
        regex=CODE_PATTERN,
        max_length=50,
        help_text=_("Lower-case letters, digits and hyphens, for example crsv-72h. It never changes."),
        error_messages={"invalid": _("Use lower-case letters, digits and hyphens.")},
    )
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH)
    description = forms.CharField(
        label=_("What it is for"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who it is for and what it achieves. Caseworkers read it before starting it."),
    )
    needs = forms.MultipleChoiceField(
        label=_("Suits clients with these needs"),
        choices=Need.Domain.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The pathway is suggested first on the cases of clients with one of these open needs."),
    )
    urgent_health_need = forms.BooleanField(
        label=_("Suits clients with an urgent health need (violence in the last 72 hours)"), required=False
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, pathway=None, **kwargs):
        if pathway is not None:
            profile = pathway.need_profile or {}
            kwargs.setdefault(
                "initial",
                {
                    "name": pathway.name,
                    "description": pathway.description,
                    "needs": profile.get("needs", []),
                    "urgent_health_need": bool(profile.get("urgent_health_need")),
                    "is_active": pathway.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        if pathway is not None:
            del self.fields["code"]
        else:
            del self.fields["is_active"]


class CopyForm(forms.Form):
    code = PathwayForm.base_fields["code"]
    name = forms.CharField(label=_("Name of the copy"), max_length=NAME_MAX_LENGTH)


def category_choices():
    """Need categories in use, each under its parent, as (code, "Parent › Name") pairs."""
    terms = list(directory_queries.caseway_terms().filter(is_active=True).exclude(code="").order_by("code"))
    names = {term.pk: term.localized_name() for term in terms}
    rows = []
    for term in terms:
        name = term.localized_name()
        if term.parent_id in names:
            name = f"{names[term.parent_id]} › {name}"
        rows.append((term.code, name))
    return rows


class StepForm(forms.Form):
    order = forms.IntegerField(
        label=_("Step number"),
        min_value=1,
        max_value=MAX_ORDER,
        required=False,
        help_text=_("Steps follow their numbers. Empty: after the last step."),
    )
    category = forms.ChoiceField(label=_("Need category"), choices=())
    urgency = forms.ChoiceField(
        label=_("Urgency of the referral"), choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )
    within = forms.IntegerField(label=_("Due within"), min_value=1, max_value=MAX_WITHIN_HOURS)
    unit = forms.ChoiceField(label=_("Unit"), choices=UNIT_CHOICES, initial=DAYS, widget=forms.RadioSelect)
    due_from = forms.ChoiceField(
        label=_("Counted from"),
        choices=PathwayStep.DueFrom.choices,
        initial=PathwayStep.DueFrom.START,
        widget=forms.RadioSelect,
        help_text=_("The previous step: once its referral was accepted (steps one after the other)."),
    )

    def __init__(self, *args, step=None, **kwargs):
        if step is not None:
            in_days = step.within_hours % 24 == 0
            kwargs.setdefault(
                "initial",
                {
                    "order": step.order,
                    "category": step.category,
                    "urgency": step.urgency,
                    "within": step.within_hours // 24 if in_days else step.within_hours,
                    "unit": DAYS if in_days else HOURS,
                    "due_from": step.due_from,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—"), *category_choices()]
        if step is not None:
            self.fields["order"].required = True

    def within_hours(self) -> int:
        data = self.cleaned_data
        return data["within"] * 24 if data["unit"] == DAYS else data["within"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("within") and cleaned.get("unit") and self.within_hours() > MAX_WITHIN_HOURS:
            self.add_error("within", _("At most a year."))
        return cleaned


# ---------------------------------------------------------------------------------------------
# Starting a pathway (and referring one step later)


def _service_label(service) -> str:
    return f"{service.name} — {service.organization.name}"


class StartForm(forms.Form):
    """Per step: whether to refer it now, to which service, with which information; one note for all.

    Field names are ``step_<order>_include``, ``_service`` and ``_categories``. ``shareable`` is every
    category the caseworker may share from the case: the page offers those the client agreed to
    share with the chosen service's organization; the service refuses anything else.
    """

    note = forms.CharField(
        label=_("A note for every service (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only what the services need to know. No names or details of the client."),
    )

    def __init__(self, data=None, *, plans, shareable, **kwargs):
        super().__init__(data, **kwargs)
        self.plans = plans
        self.step_errors = {}
        category_choices_ = [(value, label) for value, label in DataCategory.choices if value in shareable]
        self._services = {}
        for plan in plans:
            key = f"step_{plan.step.order}"
            self._services[plan.step.order] = {str(service.pk): service for service in plan.services}
            self.fields[f"{key}_include"] = forms.BooleanField(
                label=_("Refer now"), required=False, initial=plan.include
            )
            self.fields[f"{key}_service"] = forms.ChoiceField(
                label=_("Service"),
                choices=[(str(service.pk), _service_label(service)) for service in plan.services],
                required=False,
                initial=str(plan.service.pk) if plan.service else None,
            )
            self.fields[f"{key}_categories"] = forms.MultipleChoiceField(
                label=_("Information to share"),
                choices=category_choices_,
                required=False,
                initial=list(plan.categories),
                widget=forms.CheckboxSelectMultiple,
            )

    def add_service_errors(self, error) -> None:
        """A service's refusal: a step's messages beside the step, the others on the form."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)
            return
        for name, errors in error.error_dict.items():
            messages = [message for item in errors for message in item.messages]
            if name == "step" and len(self.plans) == 1:
                name = f"step_{self.plans[0].step.order}"
            if name.startswith("step_"):
                self.step_errors[name] = messages
            else:
                self.add_error(name if name in self.fields else None, messages)
        if self.step_errors:
            self.add_error(None, _("Nothing was sent: see what stops each step below."))

    def rows(self, plans=None) -> list[dict]:
        """Each step's plan (``plans``: as planned again after a refusal) with its bound fields."""
        rows = []
        for plan in plans or self.plans:
            key = f"step_{plan.step.order}"
            categories = self[f"{key}_categories"]
            rows.append(
                {
                    "plan": plan,
                    "key": key,
                    "include": self[f"{key}_include"],
                    "service": self[f"{key}_service"],
                    "categories": categories,
                    "chosen": [str(value) for value in (categories.value() or [])],
                    "errors": self.step_errors.get(key, []),
                }
            )
        return rows

    def choices(self, *, keep_categories=True) -> dict[int, StepChoice]:
        """The posted choices, per step order. ``keep_categories=False``: a step whose service changed
        gets its information and whether to refer it proposed again for the new service."""
        chosen = {}
        for plan in self.plans:
            key = f"step_{plan.step.order}"
            service = self._services[plan.step.order].get(self.cleaned_data.get(f"{key}_service") or "")
            categories = list(self.cleaned_data.get(f"{key}_categories") or [])
            changed = service is not None and plan.service is not None and service.pk != plan.service.pk
            again = changed and not keep_categories
            chosen[plan.step.order] = StepChoice(
                service=service,
                categories=None if again else categories,
                include=None if again else bool(self.cleaned_data.get(f"{key}_include")),
            )
        return chosen
