"""Appointment pages of a case: the list (with missed appointments), book, reschedule, cancel,
and record attended or no-show.

Thin: the case through ``casework.access``, an appointment through ``appointment_access`` (another
organization's: 404); every change through ``appointment_services``. The client appears by code;
the place only to whoever may see the client's contact details on the case.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseway.casework import access, appointment_access, appointment_services
from caseway.casework.appointment_forms import AppointmentForm, AttendedForm, CancelForm, RescheduleForm, WhenForm
from caseway.casework.models import Appointment
from caseway.clients import access as client_access
from caseway.lib.access import object_scoped
from caseway.orgs.permissions import Action

CASE_LIST_LIMIT = 200


def add_errors(form, error: ValidationError) -> None:
    """A service's ``ValidationError`` onto ``form``: under the field it names, else on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        for message in error.messages:
            form.add_error(None, message)


def flash(request, error) -> None:
    for message in getattr(error, "messages", None) or [str(error)]:
        messages.error(request, message)


@object_scoped(Action.VIEW_PERSONAL_DATA)
def appointment_list(request, case_pk):
    membership = request.membership
    case = access.get_case(membership, case_pk)
    now = timezone.now()
    rows = list(
        case.appointments.select_related("staff", "rescheduled_from").order_by("-starts_at", "pk")[:CASE_LIST_LIMIT]
    )
    context = {
        "case": case,
        "appointments": [
            {
                "appointment": appointment,
                "scheduled": appointment.status == Appointment.Status.SCHEDULED,
                "started": appointment.starts_at <= now,
                "cancel_reason": appointment_services.CANCEL_REASONS.get(appointment.cancel_reason, ""),
            }
            for appointment in rows
        ],
        "show_place": client_access.can_see_contact(membership, case),
        "no_shows": appointment_services.no_show_counts([case.pk]).get(case.pk, 0),
        "attended_form": AttendedForm(initial={"transport_given": True}),
    }
    return render(request, "casework/appointments/list.html", context)


@object_scoped(Action.VIEW_PERSONAL_DATA)
def appointment_book(request, case_pk):
    membership = request.membership
    case = access.get_case(membership, case_pk)
    form = AppointmentForm(
        request.POST if request.method == "POST" else None,
        organization_id=case.organization_id,
        initial=WhenForm.initial_for(staff=request.user.pk),
    )
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        try:
            appointment_services.appointment_book(
                actor=request.user,
                membership=membership,
                case=case,
                starts_at=starts_at,
                ends_at=ends_at,
                staff=form.cleaned_data["staff"],
                request=request,
                **form.details(),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Appointment booked."))
            return redirect("casework:appointments", case_pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "casework/appointments/book.html", {"case": case, "form": form}, status=status)


def _scheduled_or_back(request, appointment):
    if appointment.status == Appointment.Status.SCHEDULED:
        return None
    messages.error(request, _("This appointment can no longer be changed."))
    return redirect("casework:appointments", case_pk=appointment.case_id)


@object_scoped(Action.VIEW_PERSONAL_DATA)
def appointment_reschedule(request, pk):
    membership = request.membership
    appointment = appointment_access.get_appointment(membership, pk)
    back = _scheduled_or_back(request, appointment)
    if back:
        return back
    form = RescheduleForm(
        request.POST if request.method == "POST" else None,
        organization_id=appointment.case.organization_id,
        initial=WhenForm.initial_for(appointment),
    )
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        try:
            appointment_services.appointment_reschedule(
                actor=request.user,
                membership=membership,
                appointment=appointment,
                starts_at=starts_at,
                ends_at=ends_at,
                staff=form.cleaned_data["staff"],
                request=request,
            )
        except appointment_services.NotNow as error:
            flash(request, error)
            return redirect("casework:appointments", case_pk=appointment.case_id)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Appointment moved. The earlier time is kept as rescheduled."))
            return redirect("casework:appointments", case_pk=appointment.case_id)
    status = 400 if request.method == "POST" else 200
    context = {"appointment": appointment, "case": appointment.case, "form": form}
    return render(request, "casework/appointments/reschedule.html", context, status=status)


@object_scoped(Action.VIEW_PERSONAL_DATA)
def appointment_cancel(request, pk):
    membership = request.membership
    appointment = appointment_access.get_appointment(membership, pk)
    back = _scheduled_or_back(request, appointment)
    if back:
        return back
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            appointment_services.appointment_cancel(
                actor=request.user,
                membership=membership,
                appointment=appointment,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except appointment_services.NotNow as error:
            flash(request, error)
        except ValidationError as error:
            add_errors(form, error)
            context = {"appointment": appointment, "case": appointment.case, "form": form}
            return render(request, "casework/appointments/cancel.html", context, status=400)
        else:
            messages.success(request, _("Appointment cancelled."))
        return redirect("casework:appointments", case_pk=appointment.case_id)
    status = 400 if request.method == "POST" else 200
    context = {"appointment": appointment, "case": appointment.case, "form": form}
    return render(request, "casework/appointments/cancel.html", context, status=status)


@require_POST
@object_scoped(Action.VIEW_PERSONAL_DATA)
def appointment_attended(request, pk):
    membership = request.membership
    appointment = appointment_access.get_appointment(membership, pk)
    form = AttendedForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        appointment_services.appointment_attended(
            actor=request.user,
            membership=membership,
            appointment=appointment,
            childcare_provided=data.get("childcare_provided") if appointment.childcare_needed else None,
            transport_given=bool(data.get("transport_given")),
            request=request,
        )
    except ValidationError as error:
        flash(request, error)
    else:
        messages.success(request, _("Recorded: the client came."))
    return redirect("casework:appointments", case_pk=appointment.case_id)


@require_POST
@object_scoped(Action.VIEW_PERSONAL_DATA)
def appointment_no_show(request, pk):
    membership = request.membership
    appointment = appointment_access.get_appointment(membership, pk)
    try:
        appointment_services.appointment_no_show(
            actor=request.user, membership=membership, appointment=appointment, request=request
        )
    except ValidationError as error:
        flash(request, error)
    else:
        messages.success(request, _("Recorded: the client did not come."))
    return redirect("casework:appointments", case_pk=appointment.case_id)
