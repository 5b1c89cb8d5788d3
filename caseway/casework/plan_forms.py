"""Forms of the plan pages: validate and convert, then the view calls ``plan_services``."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseway.accounts.models import User
from caseway.casework import plan_services
from caseway.casework.models import Domain, Goal, Milestone
from caseway.orgs.models import Membership

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SECTORS = [
    ("", _("Not applicable")),
    ("A", _("A · Agriculture, forestry and fishing")),
    ("B", _("B · Mining and quarrying")),
    ("C", _("C · Manufacturing")),
    ("D", _("D · Electricity and gas")),
    ("E", _("E · Water supply and waste")),
    ("F", _("F · Construction")),
    ("G", _("G · Trade and repair of vehicles")),
    ("H", _("H · Transport and storage")),
    ("I", _("I · Accommodation and food")),
    ("J", _("J · Information and communication")),
    ("K", _("K · Finance and insurance")),
    ("L", _("L · Real estate")),
    ("M", _("M · Professional and technical work")),
    ("N", _("N · Administrative and support services")),
    ("O", _("O · Public administration")),
    ("P", _("P · Education")),
    ("Q", _("Q · Health and social work")),
    ("R", _("R · Arts and recreation")),
    ("S", _("S · Other services")),
    ("T", _("T · Work in households")),
    ("U", _("U · International organizations")),
]


class PlanForm(forms.Form):
    follow_up_days = forms.IntegerField(
        label=_("Follow up every (days)"),
        min_value=1,
        max_value=plan_services.FOLLOW_UP_MAX_DAYS,
        help_text=_("How often you contact the client while the plan runs."),
    )


class GoalForm(forms.Form):
    domain = forms.ChoiceField(label=_("Domain"), choices=Domain.choices)
    description = forms.CharField(
        label=_("Goal"),
        max_length=plan_services.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Specific: what, by when, how you will know it is reached."),
    )
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DATE_INPUT)
    status = forms.ChoiceField(label=_("Status"), choices=Goal.Status.choices, initial=Goal.Status.NOT_STARTED)


class ProgressForm(forms.Form):
    text = forms.CharField(
        label=_("Progress"), max_length=plan_services.TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    status = forms.ChoiceField(
        label=_("New status of the goal"),
        choices=[("", _("Unchanged")), *Goal.Status.choices],
        required=False,
    )


def staff_choices(organization_id):
    """Who may be given a task: active staff of the organization who work on cases."""
    members = Membership.objects.filter(
        organization_id=organization_id, is_active=True, role__in=plan_services.ASSIGNABLE_ROLES
    ).values("user_id")
    return User.objects.filter(pk__in=members, is_active=True).order_by("display_name", "email")


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=plan_services.TITLE_MAX_LENGTH)
    assignee = forms.ModelChoiceField(label=_("Assigned to"), queryset=User.objects.none(), required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE_INPUT)
    goal = forms.ModelChoiceField(label=_("Goal"), queryset=Goal.objects.none(), required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_choices(case.organization_id)
        self.fields["assignee"].empty_label = _("Nobody yet")
        self.fields["goal"].queryset = Goal.objects.filter(plan__case=case).select_related("data_key")
        self.fields["goal"].label_from_instance = lambda goal: goal.get_domain_display()
        self.fields["goal"].empty_label = _("No goal")


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label=_("Milestone"), choices=Milestone.Kind.choices)
    reached_on = forms.DateField(label=_("Reached on"), widget=DATE_INPUT, initial=timezone.localdate)
    sector = forms.ChoiceField(
        label=_("Sector"),
        choices=SECTORS,
        required=False,
        help_text=_("Employment and business started only."),
    )
    formality = forms.ChoiceField(
        label=_("Formal or informal"),
        choices=Milestone.Formality.choices,
        required=False,
        help_text=_("Employment and business started only: formal work has a contract or a registration."),
    )
