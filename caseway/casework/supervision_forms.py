"""Forms of the supervision pages: validate and convert, then the view calls ``supervision_services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from caseway.accounts.models import User
from caseway.casework import supervision_services

APPROVE = "approve"
RETURN = "return"


class DecisionForm(forms.Form):
    """Approve, or return with comments (a plan or a closure)."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (RETURN, _("Return with comments"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comments"),
        required=False,
        max_length=supervision_services.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required to return it: say what needs to change."),
    )


class ReassignForm(forms.Form):
    """Who takes the cases over (and, for a whole caseload, whose cases)."""

    from_user = forms.ModelChoiceField(label=_("Cases of"), queryset=User.objects.none())
    to_user = forms.ModelChoiceField(label=_("Give them to"), queryset=User.objects.none())

    def __init__(self, *args, membership, caseworkers=None, **kwargs):
        super().__init__(*args, **kwargs)
        targets = supervision_services.reassignment_targets(membership).values("user_id")
        self.fields["to_user"].queryset = User.objects.filter(pk__in=targets).order_by("display_name", "email")
        if caseworkers is None:
            del self.fields["from_user"]
        else:
            self.fields["from_user"].queryset = caseworkers
