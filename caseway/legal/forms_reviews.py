"""Forms of the case reviews and assistance requests pages: they validate and convert, the
services (``reviews.py``, ``assistance.py``) decide."""

from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from caseway.accounts.models import User
from caseway.legal.assistance import Reply
from caseway.legal.models import AssistanceRequest
from caseway.orgs.models import Membership, Organization

DATE = {"type": "date"}


def _network(first_ids):
    """The network's active organizations, ``first_ids`` (the matter's parties) first."""
    first = Case(
        *(When(pk=pk, then=Value(rank)) for rank, pk in enumerate(first_ids)),
        default=Value(len(first_ids)),
        output_field=IntegerField(),
    )
    return Organization.objects.filter(is_active=True).annotate(rank=first).order_by("rank", "name")


def _people_choices(organization_ids):
    """Active members of the organizations, grouped by organization (one query)."""
    members = (
        Membership.objects.filter(organization_id__in=organization_ids, is_active=True, user__is_active=True)
        .select_related("user", "organization")
        .order_by("organization__name", "user__display_name", "user__email")
    )
    groups = {}
    for membership in members:
        label = membership.user.display_name or membership.user.email
        groups.setdefault(str(membership.organization), []).append((str(membership.user_id), label))
    return [("", _("Nobody in particular")), *groups.items()]


class _PersonField(forms.ChoiceField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        return User.objects.filter(pk=value).first()


class ReviewForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs=DATE))
    agenda = forms.CharField(
        label=_("Agenda (kept encrypted)"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )
    decisions = forms.CharField(
        label=_("Decisions (kept encrypted)"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    minutes = forms.CharField(
        label=_("Minutes (kept encrypted)"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )


class ReviewHoldForm(ReviewForm):
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organizations taking part"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Yours takes part in any case. The matter's lead and co-counsel are listed first."),
    )

    field_order = ["held_on", "organizations", "agenda", "decisions", "minutes"]

    def __init__(self, *args, party_ids, own_organization_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = _network(party_ids).exclude(pk=own_organization_id)


class ParticipantForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    user = _PersonField(
        label=_("Person"),
        required=False,
        help_text=_("People of the matter's parties and of the organizations taking part: add an organization first."),
    )
    role = forms.CharField(
        label=_("Role in the meeting"),
        required=False,
        max_length=120,
        help_text=_(
            "Someone from outside the network: choose your organization, which invited them, and describe "
            "them here (for example: prosecutor's office, observer)."
        ),
    )

    def __init__(self, *args, party_ids, participant_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _network(party_ids)
        self.fields["user"].choices = _people_choices(set(participant_ids) | set(party_ids))


class ActionItemForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("For"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("What must be done (kept encrypted)"), max_length=240)
    assignee = _PersonField(label=_("Person"), required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, participant_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=participant_ids).order_by("name")
        self.fields["assignee"].choices = _people_choices(participant_ids)


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AssistanceRequest.Kind.choices)
    addressed_organization = forms.ModelChoiceField(
        label=_("Organization of the network asked"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("It sees this request only: the question, the forum, the kind of matter and the client's code."),
    )
    addressed_authority = forms.CharField(
        label=_("Or an authority outside the network"), required=False, max_length=200
    )
    addressed_country = forms.CharField(
        label=_("Its country (two letters)"), required=False, max_length=2, widget=forms.TextInput(attrs={"dir": "ltr"})
    )
    question = forms.CharField(
        label=_("What is asked (kept encrypted)"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    sent_on = forms.DateField(label=_("Sent on"), widget=forms.DateInput(attrs=DATE))
    due_on = forms.DateField(label=_("Answer due on"), required=False, widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, party_ids, own_organization_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressed_organization"].queryset = _network(party_ids).exclude(pk=own_organization_id)


class ReplyForm(forms.Form):
    reply = forms.ChoiceField(
        label=_("Reply"),
        choices=[
            (Reply.ACKNOWLEDGE, _("Acknowledge receipt")),
            (Reply.ANSWER, _("Answer")),
            (Reply.REFUSE, _("Refuse")),
        ],
        widget=forms.RadioSelect,
    )
    response = forms.CharField(
        label=_("Response (kept encrypted)"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Needed for an answer; for a refusal, the reasons."),
    )
    answered_on = forms.DateField(
        label=_("Replied on"), required=False, widget=forms.DateInput(attrs=DATE), help_text=_("Today if left empty.")
    )
