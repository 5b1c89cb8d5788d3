"""Legal pages: the deadlines across every matter the organization works (as lead or co-counsel),
and one matter. Thin: ``access``, forms, ``services``."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseway.clients import access as client_access
from caseway.legal import access, parties, services
from caseway.legal.forms import (
    ClosureForm,
    CoCounselForm,
    EventDayForm,
    EventForm,
    MatterForm,
    MetForm,
    PartyForm,
    ProtectionForm,
    RemedyDecisionForm,
    RemedyForm,
    StageForm,
)
from caseway.legal.models import CourtClosure, Deadline, Jurisdiction, ProtectionMeasure, ViolationCategory
from caseway.lib.access import object_scoped, role_required
from caseway.lib.forms import NOT_DONE, errors_as_messages, submit
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
    if submit(request, form, services.event_record, matter=found) is not NOT_DONE:
        return redirect("legal:matter", pk=found.pk)
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
        "stage_form": StageForm(initial={"stage": found.stage, "entered_on": timezone.localdate()}),
        "stage_history": found.stage_changes.all(),
        "violations": [
            ViolationCategory(value).label for value in found.violation_categories if value in ViolationCategory.values
        ],
        "next_hearing": found.events.filter(trigger="hearing_scheduled", occurred_on__gte=timezone.localdate())
        .order_by("occurred_on")
        .first(),
    }
    return render(request, "legal/matter.html", context, status=400 if form.errors else 200)


def _act_on_matter(request, form, matter_pk, service, **target):
    """One of the small forms of a matter's page: the form's errors (named by their field) or the
    service's, shown as messages on the matter's page, where the user comes back to."""
    if not form.is_valid():
        errors_as_messages(request, form)
    else:
        try:
            service(actor=request.user, membership=request.membership, request=request, **target, **form.cleaned_data)
        except ValidationError as error:
            errors_as_messages(request, error=error)
    return redirect("legal:matter", pk=matter_pk)


@require_POST
@object_scoped(Action.WORK_LEGAL_MATTERS)
def deadline_met(request, pk):
    deadline = access.get_deadline_for_member(request.membership, pk)
    return _act_on_matter(request, MetForm(request.POST), deadline.matter_id, services.deadline_met, deadline=deadline)


@object_scoped(Action.WORK_LEGAL_MATTERS)
def case_matters(request, case_pk):
    """The legal matters of a case, and opening a new one (with the client's consent)."""
    case = client_access.get_case_for_member(request.membership, case_pk)
    form = MatterForm(request.POST or None)
    opened = submit(request, form, services.matter_open, case=case)
    if opened is not NOT_DONE:
        return redirect("legal:matter", pk=opened.pk)
    return render(
        request,
        "legal/case_matters.html",
        {"case": case, "matters": access.matters_of_case(request.membership, case), "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@object_scoped(Action.WORK_LEGAL_MATTERS)
def co_counsel_add(request, pk):
    found = access.get_matter_for_member(request.membership, pk)
    form = CoCounselForm(request.POST, lead_organization_id=found.lead_organization_id)
    return _act_on_matter(request, form, found.pk, services.co_counsel_add, matter=found)


@require_POST
@object_scoped(Action.WORK_LEGAL_MATTERS)
def remedy_add(request, pk):
    found = access.get_matter_for_member(request.membership, pk)
    return _act_on_matter(request, RemedyForm(request.POST), found.pk, services.remedy_record, matter=found)


@require_POST
@object_scoped(Action.WORK_LEGAL_MATTERS)
def remedy_decide(request, pk):
    remedy = access.get_remedy_for_member(request.membership, pk)
    form = RemedyDecisionForm(request.POST)
    return _act_on_matter(request, form, remedy.matter_id, services.remedy_decide, remedy=remedy)


@require_POST
@object_scoped(Action.WORK_LEGAL_MATTERS)
def stage_set(request, pk):
    found = access.get_matter_for_member(request.membership, pk)
    return _act_on_matter(request, StageForm(request.POST), found.pk, services.matter_stage_set, matter=found)


@object_scoped(Action.WORK_LEGAL_MATTERS)
def matter_parties(request, pk):
    """The matter's parties and witnesses by pseudonym, their protection, and adding one."""
    found = access.get_matter_for_member(request.membership, pk)
    form = PartyForm(request.POST or None)
    if submit(request, form, parties.party_add, matter=found) is not NOT_DONE:
        return redirect("legal:parties", pk=found.pk)
    context = {
        "matter": found,
        "parties": access.parties_of(request.membership, found),
        "may_see_identity": access.may_see_identity(request.membership, found),
        "measure_choices": ProtectionMeasure.choices,
        "form": form,
    }
    return render(request, "legal/parties.html", context, status=400 if form.errors else 200)


@object_scoped(Action.WORK_LEGAL_MATTERS)
def party(request, pk):
    """One party: protection measures for every party organization; who they are only for those
    with the need (audited at each look)."""
    found = access.get_party_for_member(request.membership, pk)
    form = ProtectionForm(request.POST or None, initial={"protection_measures": found.protection_measures})
    if request.method == "POST" and form.is_valid():
        parties.party_protection_set(
            actor=request.user, membership=request.membership, party=found, request=request, **form.cleaned_data
        )
        messages.success(request, _("Protection measures saved."))
        return redirect("legal:party", pk=found.pk)
    identity = None
    if access.may_see_identity(request.membership, found.matter):
        identity = parties.party_identity_read(
            actor=request.user, membership=request.membership, party=found, request=request
        )
    context = {"party": found, "matter": found.matter, "identity": identity, "form": form}
    return render(request, "legal/party.html", context, status=400 if form.errors else 200)


@role_required(Action.WORK_LEGAL_MATTERS)
def jurisdictions(request):
    """The forums, their working calendars and the rules each applies, with their sources."""
    forums = Jurisdiction.objects.order_by("name").prefetch_related("rules")
    return render(request, "legal/jurisdictions.html", {"forums": forums})


@role_required(Action.WORK_LEGAL_MATTERS)
def jurisdiction(request, code):
    """One forum: its calendar, its rules and the closures users entered (shared by the network);
    a closure added or removed moves the open deadlines it touches."""
    forum = get_object_or_404(Jurisdiction, code=code)
    form = ClosureForm(request.POST or None)
    if submit(request, form, services.closure_add, jurisdiction=forum) is not NOT_DONE:
        messages.success(request, _("Closure saved. Open deadlines of this forum were computed again."))
        return redirect("legal:jurisdiction", code=forum.code)
    today = timezone.localdate()
    context = {
        "forum": forum,
        "rules": forum.rules.order_by("trigger", "valid_from"),
        "closures": forum.closures.filter(day__gte=today - datetime.timedelta(days=31)).order_by("day")[:200],
        "weekend": [WEEKDAYS[number] for number in sorted(forum.non_working_weekdays)],
        "form": form,
    }
    return render(request, "legal/jurisdiction.html", context, status=400 if form.errors else 200)


@require_POST
@role_required(Action.WORK_LEGAL_MATTERS)
def closure_remove(request, pk):
    closure = get_object_or_404(CourtClosure.objects.select_related("jurisdiction"), pk=pk)
    services.closure_remove(actor=request.user, membership=request.membership, closure=closure, request=request)
    messages.success(request, _("Closure removed. Open deadlines of this forum were computed again."))
    return redirect("legal:jurisdiction", code=closure.jurisdiction.code)


@require_POST
@object_scoped(Action.WORK_LEGAL_MATTERS)
def event_change(request, pk):
    """Correct an event's day: its open deadlines and the stage it led to follow."""
    event = access.get_event_for_member(request.membership, pk)
    return _act_on_matter(request, EventDayForm(request.POST), event.matter_id, services.event_change, event=event)
