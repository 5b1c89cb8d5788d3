"""Forms of the referral pages: they validate and convert; the services decide."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from caseway.clients.models import DataCategory
from caseway.directory.forms import FastSelect
from caseway.directory.models import Service, ServiceTerm
from caseway.referrals.models import DeclineReason, Outcome, Status, UnsuccessfulReason, Urgency
from caseway.referrals.queries import AWAITING, NOT_FINISHED, OUTBOX, BoxFilters
from caseway.referrals.services import NOTE_MAX_LENGTH, OVERRIDE_REASON_MAX_LENGTH, REASON_MAX_LENGTH

ALTERNATIVES_SHOWN = 100


def referrable_services(organization):
    """Services of ``organization`` that take referrals now."""
    if organization is None:
        return Service.objects.none()
    return Service.objects.filter(
        organization=organization, status=Service.Status.ACTIVE, accepting_referrals=True
    ).order_by("name", "pk")


def alternative_services(referral):
    """What a decline may suggest: services sharing a need category with the one referred to, and
    the receiver's other services; active and taking referrals, at most ``ALTERNATIVES_SHOWN``."""
    same_kind = Q(organization_id=referral.to_organization_id)
    if referral.to_service_id:
        terms = ServiceTerm.objects.filter(service_id=referral.to_service_id).values("taxonomy_term_id")
        same_kind |= Q(pk__in=ServiceTerm.objects.filter(taxonomy_term_id__in=terms).values("service_id"))
    candidates = (
        Service.objects.filter(same_kind, status=Service.Status.ACTIVE, accepting_referrals=True)
        .exclude(pk=referral.to_service_id)
        .select_related("organization")
        .order_by("name", "pk")
    )
    return Service.objects.filter(pk__in=candidates[:ALTERNATIVES_SHOWN].values("pk")).order_by("name", "pk")


class ReceiverForm(forms.Form):
    """Step one, sent with GET: the organization to refer to (then its services and what may be shared)."""

    organization = forms.ModelChoiceField(label=_("Refer to"), queryset=None, empty_label=_("Choose an organization"))

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].label_from_instance = lambda organization: organization.name


class ReferralCreateForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=None,
        required=False,
        empty_label=_("Any service of this organization"),
    )
    urgency = forms.ChoiceField(
        label=_("How urgent"), choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("What the client needs from them"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only what the service needs to know. The receiver reads it."),
    )
    categories = forms.MultipleChoiceField(
        label=_("Information to share"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Code, sex, age group and area are always shared: a service comes before data."),
    )

    def __init__(self, *args, organizations, organization, shareable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["service"].queryset = referrable_services(organization)
        self.fields["categories"].choices = [
            (value, label) for value, label in DataCategory.choices if value in shareable
        ]


class SendForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Send without the client's consent: why?"),
        required=False,
        max_length=OVERRIDE_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Supervisors only, when consent is missing and cannot be asked in time. The reason is kept and audited. "
            "A missing agreement or a client's “no” cannot be overridden."
        ),
    )


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why"), choices=DeclineReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required with “Other reason”. No names or details of the client: the sender reads it."),
    )
    alternative_service = forms.ModelChoiceField(
        label=_("Suggest another service"),
        queryset=None,
        required=False,
        empty_label=_("No suggestion"),
        help_text=_("Services of the same kind, and your organization's other services."),
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alternative_service"].queryset = alternative_services(referral)


class CompleteForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    outcome_note = forms.CharField(
        label=_("Note on the outcome"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseUnsuccessfulForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why"), choices=UnsuccessfulReason.choices, widget=forms.RadioSelect)


class BoxFilterForm(forms.Form):
    """The inbox's and outbox's filters (GET): status, urgency, overdue only."""

    status = forms.ChoiceField(label=_("Status"), required=False, widget=FastSelect)
    urgency = forms.ChoiceField(
        label=_("Urgency"), required=False, choices=[("", _("Any urgency")), *Urgency.choices], widget=FastSelect
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args, box, **kwargs):
        super().__init__(*args, **kwargs)
        statuses = [(value, label) for value, label in Status.choices if box == OUTBOX or value != Status.DRAFT]
        self.fields["status"].choices = [
            ("", _("Any status")),
            (AWAITING, _("Awaiting an answer")),
            (NOT_FINISHED, _("Not finished")),
            *statuses,
        ]

    def filters(self) -> BoxFilters:
        if not self.is_bound:
            return BoxFilters()
        data = self.cleaned_data
        return BoxFilters(
            status=data.get("status") or "", urgency=data.get("urgency") or "", overdue=bool(data.get("overdue"))
        )
