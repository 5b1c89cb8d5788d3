"""Case reviews and assistance requests pages. Thin: ``reviews_access``, forms, services.

A matter's reviews and requests are for its parties; a request addressed to an organization of
the network is also shown to that organization (``requests_incoming``, ``request_answer``): the
question, the forum and type of the matter and the client's code, nothing else of the matter.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseway import audit
from caseway.legal import access, assistance, reviews, reviews_access
from caseway.legal.forms_reviews import (
    ActionItemForm,
    ParticipantForm,
    ReplyForm,
    RequestForm,
    ReviewForm,
    ReviewHoldForm,
)
from caseway.legal.models import ReviewParticipant
from caseway.lib.access import object_scoped, role_required
from caseway.lib.forms import add_service_errors, errors_as_messages
from caseway.orgs.permissions import Action

SHOWN = 100


def _participants():
    return Prefetch("participants", queryset=ReviewParticipant.objects.select_related("organization", "user"))


def _call(form, service, request, **target):
    """Run ``service`` with the form's data and return what it made; None, with the errors on the
    form, if the form or the service refused."""
    if not form.is_valid():
        return None
    try:
        return service(
            actor=request.user, membership=request.membership, request=request, **target, **form.cleaned_data
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None


# ---------------------------------------------------------------------------------------------
# Reviews


@object_scoped(Action.WORK_LEGAL_MATTERS)
def review_list(request, pk):
    """A matter's reviews: their days and the organizations taking part (nothing encrypted)."""
    matter = access.get_matter_for_member(request.membership, pk)
    rows = reviews_access.visible_reviews(request.membership).filter(matter=matter).prefetch_related(_participants())
    return render(request, "legal/reviews.html", {"matter": matter, "reviews": rows[:SHOWN]})


@object_scoped(Action.WORK_LEGAL_MATTERS)
def review_add(request, pk):
    matter = access.get_matter_for_member(request.membership, pk)
    form = ReviewHoldForm(
        request.POST or None,
        party_ids=reviews_access.party_organization_ids(matter),
        own_organization_id=request.membership.organization_id,
        initial={"held_on": timezone.localdate()},
    )
    held = _call(form, reviews.review_hold, request, matter=matter) if request.method == "POST" else None
    if held is not None:
        return redirect("legal:review", pk=held.pk)
    status = 400 if form.errors else 200
    return render(request, "legal/review_add.html", {"matter": matter, "form": form}, status=status)


@object_scoped(Action.WORK_LEGAL_MATTERS)
def review(request, pk):
    """One review: its agenda, decisions and minutes (reading them is audited), who took part, the
    action items; writing the texts is posted here."""
    found = reviews_access.get_review_for_member(request.membership, pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and _call(form, reviews.review_write, request, review=found):
        messages.success(request, _("The review is saved."))
        return redirect("legal:review", pk=found.pk)
    if request.method != "POST":
        form = ReviewForm(
            initial={
                "held_on": found.held_on,
                "agenda": found.agenda,
                "decisions": found.decisions,
                "minutes": found.minutes,
            }
        )
        audit.record(
            request.user,
            "legal.review_viewed",
            found,
            fields=["agenda", "decisions", "minutes"],
            organization=request.membership.organization_id,
            request=request,
        )
    matter = found.matter
    participants = list(found.participants.select_related("organization", "user"))
    participant_ids = sorted({participant.organization_id for participant in participants})
    party_ids = reviews_access.party_organization_ids(matter)
    context = {
        "matter": matter,
        "review": found,
        "form": form,
        "participants": participants,
        "items": reviews.action_items_of(found),
        "participant_form": ParticipantForm(party_ids=party_ids, participant_ids=participant_ids),
        "item_form": ActionItemForm(participant_ids=participant_ids),
        "own_organization_id": request.membership.organization_id,
    }
    return render(request, "legal/review.html", context, status=400 if form.errors else 200)


def _act_on_review(request, form, review_pk, service, **target):
    if not form.is_valid():
        errors_as_messages(request, form)
    else:
        try:
            service(actor=request.user, membership=request.membership, request=request, **target, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    return redirect(reverse("legal:review", args=[review_pk]) + "#items-heading")


@require_POST
@object_scoped(Action.WORK_LEGAL_MATTERS)
def review_participant_add(request, pk):
    found = reviews_access.get_review_for_member(request.membership, pk)
    party_ids = reviews_access.party_organization_ids(found.matter)
    participant_ids = found.participants.values_list("organization_id", flat=True)
    form = ParticipantForm(request.POST, party_ids=party_ids, participant_ids=participant_ids)
    return _act_on_review(request, form, found.pk, reviews.participant_add, review=found)


@require_POST
@object_scoped(Action.WORK_LEGAL_MATTERS)
def action_item_add(request, pk):
    found = reviews_access.get_review_for_member(request.membership, pk)
    participant_ids = found.participants.values_list("organization_id", flat=True)
    form = ActionItemForm(request.POST, participant_ids=list(participant_ids))
    return _act_on_review(request, form, found.pk, reviews.action_item_add, review=found)


def _act_on_item(request, pk, service):
    item = reviews_access.get_action_item_for_member(request.membership, pk)
    try:
        service(actor=request.user, membership=request.membership, item=item, request=request)
    except ValidationError as error:
        errors_as_messages(request, error=error)
    return redirect(reverse("legal:review", args=[item.review_id]) + "#items-heading")


@require_POST
@object_scoped(Action.WORK_LEGAL_MATTERS)
def action_item_done(request, pk):
    return _act_on_item(request, pk, reviews.action_item_done)


@require_POST
@object_scoped(Action.WORK_LEGAL_MATTERS)
def action_item_take(request, pk):
    return _act_on_item(request, pk, reviews.action_item_take)


# ---------------------------------------------------------------------------------------------
# Assistance requests


@object_scoped(Action.WORK_LEGAL_MATTERS)
def request_list(request, pk):
    matter = access.get_matter_for_member(request.membership, pk)
    rows = assistance.with_overdue(reviews_access.matter_requests(request.membership, matter)).order_by(
        "-sent_on", "-created_at"
    )
    return render(
        request,
        "legal/requests.html",
        {
            "matter": matter,
            "rows": rows[:SHOWN],
            "own_organization_id": request.membership.organization_id,
            "waiting": assistance.WAITING,
        },
    )


@object_scoped(Action.WORK_LEGAL_MATTERS)
def request_add(request, pk):
    matter = access.get_matter_for_member(request.membership, pk)
    form = RequestForm(
        request.POST or None,
        party_ids=reviews_access.party_organization_ids(matter),
        own_organization_id=request.membership.organization_id,
        initial={"sent_on": timezone.localdate()},
    )
    if request.method == "POST" and _call(form, assistance.request_send, request, matter=matter):
        messages.success(request, _("The request is recorded."))
        return redirect("legal:requests", pk=matter.pk)
    status = 400 if form.errors else 200
    return render(request, "legal/request_add.html", {"matter": matter, "form": form}, status=status)


@role_required(Action.WORK_LEGAL_MATTERS)
def requests_incoming(request):
    """The organization's requests across matters: those addressed to it, those it sent. Waiting
    ones first, overdue marked; answered, refused and withdrawn ones after, the latest first."""
    membership = request.membership
    today = timezone.localdate()
    waiting = {"status__in": assistance.WAITING}

    def blocks(rows):
        rows = assistance.with_overdue(rows, today)
        return {
            "waiting": rows.filter(**waiting).order_by("due_on", "sent_on", "pk")[:SHOWN],
            "closed": rows.exclude(**waiting).order_by("-sent_on", "-pk")[:20],
        }

    context = {
        "incoming": blocks(reviews_access.incoming_requests(membership)),
        "sent": blocks(reviews_access.sent_requests(membership)),
    }
    return render(request, "legal/requests_incoming.html", context)


@object_scoped(Action.WORK_LEGAL_MATTERS)
def request_answer(request, pk):
    """One request: the question and the reply. The organization asked (which sees this request
    only) replies here; a party of the matter reads it, and records the reply of an authority
    outside the network."""
    found = reviews_access.get_request_for_member(request.membership, pk)
    incoming = reviews_access.is_addressee(request.membership, found)
    may_reply = reviews_access.may_reply(request.membership, found)
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        if not may_reply:
            raise PermissionDenied
        if _call(form, assistance.request_reply, request, assistance_request=found):
            messages.success(request, _("The reply is recorded."))
            if incoming:
                return redirect("legal:requests_incoming")
            return redirect("legal:requests", pk=found.matter_id)
    else:
        audit.record(
            request.user,
            "legal.assistance_request_viewed",
            found,
            fields=["question", "response"],
            organization=request.membership.organization_id,
            request=request,
        )
    waiting = found.status in assistance.WAITING
    overdue = waiting and found.due_on is not None and found.due_on < timezone.localdate()
    context = {
        "row": found,
        "form": form,
        "incoming": incoming,
        "may_reply": may_reply and waiting,
        "overdue": overdue,
    }
    return render(request, "legal/request_answer.html", context, status=400 if form.errors else 200)


@require_POST
@object_scoped(Action.WORK_LEGAL_MATTERS)
def request_withdraw(request, pk):
    found = reviews_access.get_sent_request_for_member(request.membership, pk)
    try:
        assistance.request_withdraw(
            actor=request.user, membership=request.membership, assistance_request=found, request=request
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The request is withdrawn."))
    return redirect("legal:requests", pk=found.matter_id)
