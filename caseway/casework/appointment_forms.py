"""Forms of the appointment pages: they validate and convert; ``appointment_services`` decides.

A time is a date and two clock times, read on the current time zone (small inputs a phone shows
natively, no JavaScript).
"""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseway.casework import appointment_services
from caseway.casework.models import Appointment


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def _staff_label(user):
    return user.display_name or user.email


class WhenForm(forms.Form):
    """The day, start and end of an appointment, and who it is with."""

    day = forms.DateField(label=_("Date"), widget=DateInput())
    starts = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    ends = forms.TimeField(label=_("Ends at"), widget=TimeInput())
    staff = forms.ModelChoiceField(label=_("With"), queryset=None, empty_label=None)

    def __init__(self, *args, organization_id, **kwargs):
        super().__init__(*args, **kwargs)
        choices = appointment_services.staff_choices(organization_id)
        self.fields["staff"].queryset = get_user_model().objects.filter(pk__in=[user.pk for user in choices])
        self.fields["staff"].label_from_instance = _staff_label

    def times(self) -> tuple[datetime.datetime, datetime.datetime]:
        data = self.cleaned_data
        starts = timezone.make_aware(datetime.datetime.combine(data["day"], data["starts"]))
        ends = timezone.make_aware(datetime.datetime.combine(data["day"], data["ends"]))
        return starts, ends

    @staticmethod
    def initial_for(appointment=None, *, staff=None) -> dict:
        if appointment is None:
            return {"staff": staff}
        starts, ends = timezone.localtime(appointment.starts_at), timezone.localtime(appointment.ends_at)
        return {"day": starts.date(), "starts": starts.time(), "ends": ends.time(), "staff": appointment.staff_id}


class AppointmentForm(WhenForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Appointment.Kind.choices)
    mode = forms.ChoiceField(label=_("How"), choices=Appointment.Mode.choices, initial=Appointment.Mode.IN_PERSON)
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=appointment_services.PLACE_MAX_LENGTH,
        help_text=_("Kept encrypted; never shown in the calendar feed."),
    )
    interpreter_language = forms.CharField(
        label=_("Interpreter language"),
        required=False,
        max_length=appointment_services.LANGUAGE_MAX_LENGTH,
        help_text=_("Leave empty if no interpreter is needed."),
    )
    childcare_needed = forms.BooleanField(label=_("Childcare needed"), required=False)
    childcare_provided = forms.BooleanField(label=_("Childcare provided"), required=False)
    childcare_where = forms.CharField(
        label=_("Where childcare is given"), required=False, max_length=appointment_services.PLACE_MAX_LENGTH
    )
    transport_needed = forms.BooleanField(label=_("Transport needed"), required=False)
    transport_support = forms.ChoiceField(
        label=_("Transport support"), choices=Appointment.TransportSupport.choices, required=False
    )
    transport_amount = forms.DecimalField(
        label=_("Amount"), required=False, max_digits=12, decimal_places=2, min_value=0
    )
    transport_currency = forms.CharField(
        label=_("Currency"), required=False, max_length=3, help_text=_("Three letters, for example USD.")
    )

    field_order = ["kind", "day", "starts", "ends", "staff", "mode", "place", "interpreter_language"]

    def details(self) -> dict:
        return {name: self.cleaned_data[name] for name in appointment_services.DETAIL_FIELDS}


class RescheduleForm(WhenForm):
    pass


class CancelForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why is it cancelled?"), choices=list(appointment_services.CANCEL_REASONS.items())
    )


class AttendedForm(forms.Form):
    childcare_provided = forms.BooleanField(label=_("Childcare was provided"), required=False)
    transport_given = forms.BooleanField(label=_("The transport support was given"), required=False)
