"""Legal pages: the deadlines across every matter the organization works (as lead or co-counsel),
and one matter. Thin: ``access``, forms, ``services``."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseway.clients import access as client_access
from caseway.legal import access, services
from caseway.legal.forms import CoCounselForm, EventForm, MatterForm, MetForm, RemedyDecisionForm, RemedyForm
from caseway.legal.models import Deadline
from caseway.lib.access import object_scoped, role_required
from caseway.lib.forms import add_service_errors
from caseway.orgs.permissions import Action

UPCOMING_DAYS = 183  # the longest time-limit shipped is six months
SHOWN = 50


@role_required(Action.WORK_LEGAL_MATTERS)
def deadlines(request):
    today = timezone.localdate()
    every = access.visible_deadlines(request.membership)
    open_ones = every.filter(status=Deadline.Status.OPEN)
    blocks = {
        "overdue": open_ones.filter(due_on__lt=today).order_by("due_on", "pk")[:SHOWN],
        "today": open_ones.filter(due_on=today).order_by("pk")[:SHOWN],
        "upcoming": open_ones.filter(
            due_on__gt=today, due_on__lte=today + datetime.timedelta(days=UPCOMING_DAYS)
        ).order_by("due_on", "pk")[:SHOWN],
        "met": every.filter(status=Deadline.Status.MET).order_by("-met_on", "-pk")[:20],
    }
    alerts = access.open_alerts(request.membership)[:SHOWN]
    return render(
        request,
        "legal/deadlines.html",
        {"blocks": blocks, "today": today, "upcoming_days": UPCOMING_DAYS, "alerts": alerts},
    )


@require_POST
@object_scoped(Action.WORK_LEGAL_MATTERS)
def alert_seen(request, pk):
    alert = access.get_alert_for_member(request.membership, pk)
    services.alert_seen(actor=request.user, membership=request.membership, alert=alert, request=request)
    return redirect("legal:deadlines")


@object_scoped(Action.WORK_LEGAL_MATTERS)
def matter(request, pk):
    found = access.get_matter_for_member(request.membership, pk)
    form = EventForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.event_record(
                    actor=request.user,
                    membership=request.membership,
                    matter=found,
                    request=request,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("legal:matter", pk=found.pk)
        status = 400
    events = found.events.prefetch_related("deadlines__rule").order_by("-occurred_on", "-recorded_at")
    context = {
        "matter": found,
        "co_counsel": found.co_counsel.select_related("organization").order_by("added_at"),
        "events": events,
        "form": form,
        "met_form": MetForm(initial={"met_on": timezone.localdate()}),
        "is_lead": access.is_lead(request.membership, found),
        "co_counsel_form": CoCounselForm(lead_organization_id=found.lead_organization_id),
        "remedies": found.remedies.all(),
        "remedy_form": RemedyForm(),
        "decision_form": RemedyDecisionForm(),
    }
    return render(request, "legal/matter.html", context, status=status)


@require_POST
@object_scoped(Action.WORK_LEGAL_MATTERS)
def deadline_met(request, pk):
    deadline = access.get_deadline_for_member(request.membership, pk)
    form = MetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the day the deadline was met."))
        return redirect("legal:matter", pk=deadline.matter_id)
    try:
        services.deadline_met(
            actor=request.user,
            membership=request.membership,
            deadline=deadline,
            met_on=form.cleaned_data["met_on"],
            request=request,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("legal:matter", pk=deadline.matter_id)


@object_scoped(Action.WORK_LEGAL_MATTERS)
def case_matters(request, case_pk):
    """The legal matters of a case, and opening a new one (with the client's consent)."""
    case = client_access.get_case_for_member(request.membership, case_pk)
    form = MatterForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                opened = services.matter_open(
                    actor=request.user, membership=request.membership, case=case, request=request, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("legal:matter", pk=opened.pk)
        status = 400
    return render(
        request,
        "legal/case_matters.html",
        {"case": case, "matters": access.matters_of_case(request.membership, case), "form": form},
        status=status,
    )


@require_POST
@object_scoped(Action.WORK_LEGAL_MATTERS)
def co_counsel_add(request, pk):
    found = access.get_matter_for_member(request.membership, pk)
    form = CoCounselForm(request.POST, lead_organization_id=found.lead_organization_id)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("legal:matter", pk=found.pk)
    try:
        services.co_counsel_add(
            actor=request.user, membership=request.membership, matter=found, request=request, **form.cleaned_data
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("legal:matter", pk=found.pk)


def _errors_as_messages(request, errors):
    for message in errors:
        messages.error(request, message)


@require_POST
@object_scoped(Action.WORK_LEGAL_MATTERS)
def remedy_add(request, pk):
    found = access.get_matter_for_member(request.membership, pk)
    form = RemedyForm(request.POST)
    if not form.is_valid():
        _errors_as_messages(request, [message for errors in form.errors.values() for message in errors])
        return redirect("legal:matter", pk=found.pk)
    try:
        services.remedy_record(
            actor=request.user, membership=request.membership, matter=found, request=request, **form.cleaned_data
        )
    except ValidationError as error:
        _errors_as_messages(request, error.messages)
    return redirect("legal:matter", pk=found.pk)


@require_POST
@object_scoped(Action.WORK_LEGAL_MATTERS)
def remedy_decide(request, pk):
    remedy = access.get_remedy_for_member(request.membership, pk)
    form = RemedyDecisionForm(request.POST)
    if not form.is_valid():
        _errors_as_messages(request, [message for errors in form.errors.values() for message in errors])
        return redirect("legal:matter", pk=remedy.matter_id)
    try:
        services.remedy_decide(
            actor=request.user, membership=request.membership, remedy=remedy, request=request, **form.cleaned_data
        )
    except ValidationError as error:
        _errors_as_messages(request, error.messages)
    return redirect("legal:matter", pk=remedy.matter_id)
