"""Forms of the support payment pages: they validate and convert; ``payment_services`` decides."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseway.casework import payment_services
from caseway.casework.appointment_forms import DateInput
from caseway.casework.models import SupportPayment


class PaymentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SupportPayment.Kind.choices)
    amount = forms.DecimalField(label=_("Amount"), max_digits=12, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3, help_text=_("Three letters, for example USD."))
    method = forms.ChoiceField(label=_("How it was given"), choices=SupportPayment.Method.choices)
    paid_on = forms.DateField(label=_("Date"), widget=DateInput())
    approved_by = forms.ModelChoiceField(
        label=_("Approved by"),
        queryset=None,
        required=False,
        empty_label=_("Not approved yet"),
        help_text=_("A supervisor of your organization; someone other than you."),
    )
    budget_line = forms.CharField(
        label=_("Budget line"),
        required=False,
        max_length=64,
        help_text=_("The code of the budget line that funds it, if known."),
    )

    def __init__(self, *args, organization_id, **kwargs):
        super().__init__(*args, **kwargs)
        users = [m.user_id for m in payment_services.approvers(organization_id)]
        self.fields["approved_by"].queryset = get_user_model().objects.filter(pk__in=users)
        self.fields["approved_by"].label_from_instance = lambda user: user.display_name or user.email
        self.fields["paid_on"].initial = timezone.localdate()


class TotalsForm(forms.Form):
    """A date range, sent with GET; the current month by default."""

    start = forms.DateField(label=_("From"), widget=DateInput(), required=False)
    end = forms.DateField(label=_("To"), widget=DateInput(), required=False)

    MAX_DAYS = 3660

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["start"] = data.get("start") or today.replace(day=1)
        data["end"] = data.get("end") or today
        if data["end"] < data["start"]:
            raise forms.ValidationError(_("The end of the period comes before its start."))
        if (data["end"] - data["start"]) > datetime.timedelta(days=self.MAX_DAYS):
            raise forms.ValidationError(_("Choose a period of at most ten years."))
        return data
