"""Referral pages: create from a case, the referral page with its package and timeline, the actions.

Thin: a referral is reached through ``referrals.access`` (not a party: 404), a case through
``clients.access``; every change goes through ``referrals.services``. Action buttons are shown
only for the moves ``transitions.next_statuses`` allows the viewer's side. Reads of the package
are audited with the names of the categories shown, never their values.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from caseway import audit
from caseway.clients import access as client_access
from caseway.clients import consent
from caseway.clients.models import ConsentPurpose, DataCategory
from caseway.directory.models import Service
from caseway.lib.access import object_scoped, role_required
from caseway.lib.forms import add_service_errors
from caseway.lib.htmx import render_page_or_results
from caseway.orgs.permissions import Action
from caseway.referrals import access, display, escalation, gate, queries, services, transitions
from caseway.referrals.forms import (
    BoxFilterForm,
    CloseUnsuccessfulForm,
    CompleteForm,
    DeclineForm,
    ReceiverForm,
    ReferralCreateForm,
    SendForm,
)
from caseway.referrals.models import DeclineReason, Outcome, Referral, Status, UnsuccessfulReason
from caseway.referrals.transitions import RECEIVER, SENDER, InvalidTransition

# The page (or the form) of each move a side may make.
ACTIONS = {
    Status.SENT: ("send", "post"),
    Status.WITHDRAWN: ("withdraw", "post"),
    Status.ACCEPTED: ("accept", "post"),
    Status.DECLINED: ("decline", "get"),
    Status.IN_SERVICE: ("start_service", "post"),
    Status.COMPLETED: ("complete", "get"),
    Status.CLOSED_UNSUCCESSFUL: ("close_unsuccessful", "get"),
}
ACTION_LABELS = {
    Status.SENT: gettext_lazy("Send"),
    Status.WITHDRAWN: gettext_lazy("Withdraw the referral"),
    Status.ACCEPTED: gettext_lazy("Accept"),
    Status.DECLINED: gettext_lazy("Decline"),
    Status.IN_SERVICE: gettext_lazy("Service started"),
    Status.COMPLETED: gettext_lazy("Service completed"),
    Status.CLOSED_UNSUCCESSFUL: gettext_lazy("Close without success"),
}
CODE_LABELS = {
    **dict(DeclineReason.choices),
    **dict(UnsuccessfulReason.choices),
    **dict(Outcome.choices),
    escalation.RECEIVER_ALERTED: gettext_lazy("No answer in time: the receiver's supervisors were alerted"),
    escalation.SENDER_TOLD: gettext_lazy("Still no answer: the sender was told"),
}


def _flash(request, error):
    for message in getattr(error, "messages", None) or [str(error)]:
        messages.error(request, message)


def _referral(request, pk) -> Referral:
    return access.get_referral_for_member(request.membership, pk)


# ---------------------------------------------------------------------------------------------
# Creating a referral from a case


def _gate_rows(case, membership, receiver, shareable):
    """Per category the sender may share: whether the client agreed and an agreement covers it."""
    result = gate.check(client=case.client_id, sender=membership.organization, receiver=receiver, categories=shareable)
    checks = result.by_category
    rows = [
        {"category": value, "label": label, "check": checks[value]}
        for value, label in DataCategory.choices
        if value in checks
    ]
    return result, rows


def _service_from(raw):
    try:
        pk = uuid.UUID(str(raw))
    except ValueError:
        return None
    return Service.objects.filter(pk=pk).select_related("organization").first()


def _chosen_receiver(request, organizations):
    """The organization chosen in step one (``?organization=``), or the owner of ``?service=``."""
    service = _service_from(request.GET["service"]) if request.GET.get("service") else None
    if service is not None and organizations.filter(pk=service.organization_id).exists():
        return service.organization, service
    form = ReceiverForm(request.GET or None, organizations=organizations)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["organization"], None
    return None, None


def _posted_receiver(request, organizations):
    """The organization a posted referral form names, if it is one of ``organizations``."""
    posted = request.POST.get("organization") or ""
    return organizations.filter(pk=posted).first() if posted.isdigit() else None


def _referral_form_page(
    request, *, case, receiver, organizations, shareable, create, created, template, context, service=None
):
    """Step two of referring from a case, to ``receiver``: the form, then the draft that ``create`` makes.

    ``create`` is the service function (``services.referral_create`` or, outside the network,
    ``external.external_referral_create``); ``created(request, referral)`` answers once the draft
    exists. Otherwise the page again, with the form's errors and the gate's checks.
    """
    membership = request.membership
    form = ReferralCreateForm(
        request.POST if request.method == "POST" else None,
        initial={"organization": receiver, "service": service},
        organizations=organizations,
        organization=receiver,
        shareable=shareable,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = create(
                actor=request.user,
                membership=membership,
                case=case,
                to_service=data["service"],
                to_organization=data["organization"],
                urgency=data["urgency"],
                reason=data["reason"],
                categories=data["categories"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return created(request, referral)
    gate_result, rows = _gate_rows(case, membership, receiver, shareable)
    context.update({"form": form, "gate": gate_result, "rows": rows})
    status = 400 if request.method == "POST" else 200
    return render(request, template, context, status=status)


@object_scoped(Action.VIEW_PERSONAL_DATA)
def referral_create(request, case_pk):
    membership = request.membership
    case = client_access.get_case_for_member(membership, case_pk)
    organizations = services.receiving_organizations(membership)
    shareable = services.sender_may_share(membership, case)
    if request.method == "POST":
        receiver, chosen_service = _posted_receiver(request, organizations), None
    else:
        receiver, chosen_service = _chosen_receiver(request, organizations)
    context = {
        "case": case,
        "receiver": receiver,
        "receiver_form": ReceiverForm(initial={"organization": receiver}, organizations=organizations),
    }
    if receiver is None:
        if request.method == "POST":
            messages.error(request, _("Choose the organization to refer to."))
        return render(request, "referrals/create.html", context)
    return _referral_form_page(
        request,
        case=case,
        receiver=receiver,
        service=chosen_service,
        organizations=organizations,
        shareable=shareable,
        create=services.referral_create,
        created=_draft_saved,
        template="referrals/create.html",
        context=context,
    )


def _draft_saved(request, referral):
    """After creating the draft: send it now if asked, else to its page."""
    if request.POST.get("then") == "send":
        return _send(request, referral, SendForm({}))
    messages.success(request, _("Referral saved as a draft. Nothing was sent yet."))
    return redirect("referrals:detail", pk=referral.pk)


# ---------------------------------------------------------------------------------------------
# The referral page


def _actions(membership, referral, side):
    rows = []
    for target in transitions.next_statuses(referral.status, side):
        if target not in ACTIONS:
            continue  # "seen" happens by opening the page; "revoked" only by consent
        name, method = ACTIONS[target]
        rows.append(
            {"url_name": f"referrals:{name}", "method": method, "label": ACTION_LABELS[target], "target": target}
        )
    return rows


def _events(referral):
    rows = []
    for event in referral.events.select_related("actor", "organization"):
        rows.append(
            {
                "event": event,
                "status": Status(event.to_status).label,
                "code": CODE_LABELS.get(event.code, ""),
                "override": event.code == "consent_override",
                "revoked": event.code == "consent_revoked",
            }
        )
    return rows


def _detail_context(request, referral, *, send_form=None):
    membership = request.membership
    side = access.side_of(membership, referral)
    package_part = access.visible_package(membership, referral)
    shown = access.package_categories(membership, referral) if package_part is not None else frozenset()
    hidden = sorted(set(referral.categories) - set(shown))
    context = {
        "referral": referral,
        "side": side,
        "is_sender": side == SENDER,
        "is_receiver": side == RECEIVER,
        "package": package_part,
        "sections": display.sections(package_part),
        "client_rows": display.client_rows(package_part["client"]) if package_part else [],
        "hidden": [DataCategory(value).label for value in hidden],
        "events": _events(referral),
        "actions": _actions(membership, referral, side),
        "overdue": referral.status in transitions.AWAITING_ANSWER
        and referral.due_at is not None
        and referral.due_at < timezone.now(),
        "outcome_note_visible": bool(referral.outcome) and access.outcome_note_visible(membership, referral),
        "may_override": membership.allows(Action.OVERRIDE_CONSENT),
    }
    if side == SENDER and referral.status == Status.DRAFT:
        context["gate"] = services.gate_for(referral)
        context["send_form"] = send_form or SendForm()
    shown_fields = [f"package.{category}" for category in sorted(shown)]
    if package_part is not None:
        shown_fields.append("package.client")
    audit.record(
        request.user,
        "referrals.package_read",
        referral,
        fields=["reason", *shown_fields],
        organization=membership.organization_id,
        request=request,
    )
    return context


@object_scoped(Action.VIEW_PERSONAL_DATA)
def referral_detail(request, pk):
    referral = _referral(request, pk)
    referral = services.referral_view(
        actor=request.user, membership=request.membership, referral=referral, request=request
    )
    return render(request, "referrals/detail.html", _detail_context(request, referral))


def _send(request, referral, form):
    if form.is_valid():
        try:
            services.referral_send(
                actor=request.user,
                membership=request.membership,
                referral=referral,
                override_reason=form.cleaned_data["override_reason"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except InvalidTransition as error:
            _flash(request, error)
            return redirect("referrals:detail", pk=referral.pk)
        else:
            messages.success(request, _("Referral sent. The receiver sees only the information shown below."))
            return redirect("referrals:detail", pk=referral.pk)
    referral = _referral(request, referral.pk)
    return render(request, "referrals/detail.html", _detail_context(request, referral, send_form=form), status=400)


@require_POST
@object_scoped(Action.VIEW_PERSONAL_DATA)
def referral_send(request, pk):
    return _send(request, _referral(request, pk), SendForm(request.POST))


def _simple(service, success):
    """A POST-only move without a form: call the service, tell the result, back to the referral."""

    @require_POST
    @object_scoped(Action.VIEW_PERSONAL_DATA)
    def view(request, pk):
        referral = _referral(request, pk)
        try:
            service(actor=request.user, membership=request.membership, referral=referral, request=request)
        except (ValidationError, InvalidTransition) as error:
            _flash(request, error)
        else:
            messages.success(request, success)
        return redirect("referrals:detail", pk=referral.pk)

    view.__name__ = service.__name__
    return view


referral_accept = _simple(
    services.referral_accept, gettext_lazy("Referral accepted. The client's case is open at your organization.")
)
referral_start_service = _simple(services.referral_start_service, gettext_lazy("Marked as in service."))
referral_withdraw = _simple(
    services.referral_withdraw, gettext_lazy("Referral withdrawn. The receiver no longer sees its information.")
)


def _form_page(request, pk, *, form_class, service, template, success, form_kwargs=None, arguments):
    referral = _referral(request, pk)
    side = access.side_of(request.membership, referral)
    allowed = transitions.next_statuses(referral.status, side)
    target = {"decline": Status.DECLINED, "complete": Status.COMPLETED, "close": Status.CLOSED_UNSUCCESSFUL}[template]
    if target not in allowed:
        messages.error(request, _("This referral cannot be changed that way now."))
        return redirect("referrals:detail", pk=referral.pk)
    form_kwargs = form_kwargs(referral) if form_kwargs else {}
    form = form_class(request.POST if request.method == "POST" else None, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            service(
                actor=request.user,
                membership=request.membership,
                referral=referral,
                request=request,
                **arguments(form.cleaned_data),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except InvalidTransition as error:
            _flash(request, error)
            return redirect("referrals:detail", pk=referral.pk)
        else:
            messages.success(request, success)
            return redirect("referrals:detail", pk=referral.pk)
    status = 400 if request.method == "POST" else 200
    context = {"referral": referral, "form": form, "sender_may_read_note": _sender_may_read_note(referral)}
    return render(request, f"referrals/{template}.html", context, status=status)


def _sender_may_read_note(referral) -> bool:
    return consent.allows(referral.client, ConsentPurpose.SHARING, referral.from_organization_id, DataCategory.NEEDS)


@object_scoped(Action.VIEW_PERSONAL_DATA)
def referral_decline(request, pk):
    return _form_page(
        request,
        pk,
        form_class=DeclineForm,
        service=services.referral_decline,
        template="decline",
        success=_("Referral declined. The sender is told why."),
        form_kwargs=lambda referral: {"referral": referral},
        arguments=lambda data: {
            "reason": data["reason"],
            "note": data["note"],
            "alternative_service": data["alternative_service"],
        },
    )


@object_scoped(Action.VIEW_PERSONAL_DATA)
def referral_complete(request, pk):
    return _form_page(
        request,
        pk,
        form_class=CompleteForm,
        service=services.referral_complete,
        template="complete",
        success=_("Service completed. The sender sees the outcome."),
        arguments=lambda data: {"outcome": data["outcome"], "outcome_note": data["outcome_note"]},
    )


@object_scoped(Action.VIEW_PERSONAL_DATA)
def referral_close_unsuccessful(request, pk):
    return _form_page(
        request,
        pk,
        form_class=CloseUnsuccessfulForm,
        service=services.referral_close_unsuccessful,
        template="close",
        success=_("Referral closed without success."),
        arguments=lambda data: {"reason": data["reason"]},
    )


# ---------------------------------------------------------------------------------------------
# A case's referrals (the feedback loop: every referral's status and outcome)


def _answer_label(referral) -> str:
    """What came back: the outcome, or why it was declined or closed (coded, never a note)."""
    if referral.outcome:
        return Outcome(referral.outcome).label
    if referral.decline_reason:
        return _("Declined: %(reason)s") % {"reason": DeclineReason(referral.decline_reason).label}
    if referral.unsuccessful_reason:
        return _("Closed: %(reason)s") % {"reason": UnsuccessfulReason(referral.unsuccessful_reason).label}
    return ""


@object_scoped(Action.VIEW_PERSONAL_DATA)
def case_referrals(request, case_pk):
    membership = request.membership
    case = client_access.get_case_for_member(membership, case_pk)
    linked = Q(from_case=case) | Q(to_case=case)
    referrals = list(
        access.visible_referrals(membership).filter(linked).select_related("to_case").order_by("-created_at", "pk")
    )
    now = timezone.now()
    for referral in referrals:
        referral.is_sent = referral.from_case_id == case.pk
        referral.overdue = (
            referral.status in transitions.AWAITING_ANSWER and referral.due_at is not None and referral.due_at < now
        )
        referral.outcome_label = _answer_label(referral)
        referral.escalation = queries.escalation_label(referral.escalation_level) if referral.overdue else ""
    return render(request, "referrals/case_referrals.html", {"case": case, "referrals": referrals})


# ---------------------------------------------------------------------------------------------
# Inbox and outbox: every referral received or sent, the most urgent and overdue first


def _box(request, box):
    membership = request.membership
    form = BoxFilterForm(request.GET or None, box=box)
    now = timezone.now()
    page, rows = None, []
    if not form.is_bound or form.is_valid():
        page = queries.box_page(
            membership, box, form.filters(), request.GET.get("page"), now=now, per_page=queries.PER_PAGE
        )
        rows = queries.rows(page, box, now=now)
    alerts, alert_count = queries.box_alerts(membership, box, now=now)
    context = {
        "box": box,
        "form": form,
        "page": page,
        "rows": rows,
        "alerts": alerts,
        "alert_count": alert_count,
        "action": reverse(f"referrals:{box}"),
    }
    return render_page_or_results(request, "referrals/box.html", context)


@role_required(Action.VIEW_PERSONAL_DATA)
def inbox(request):
    return _box(request, queries.INBOX)


@role_required(Action.VIEW_PERSONAL_DATA)
def outbox(request):
    return _box(request, queries.OUTBOX)
