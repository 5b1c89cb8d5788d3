"""Pages for referrals to organizations outside the network (rules: ``referrals.external``).

The sender's side (signed in, its own referrals to an organization outside the network only,
anything else 404): refer outside the network from a case, the referral's page for the outside
organization (print, links), the printed form, make and revoke a link.

The outside organization's side, under the neutral path ``/s/<token>/``: the PIN, then the
package and the answer. No session, no cookie, no JavaScript: the token in the URL and the PIN
(then a signed grant in the answer form, standing for the PIN for ``GRANT_MAX_AGE``) are the only
credentials, so there is nothing for a cross-site request to borrow (hence ``csrf_exempt``, which
the ``no-referrer`` policy needs: browsers send ``Origin: null`` with its form posts). Every answer
is ``no-store`` and ``no-referrer``; whatever goes wrong, the visitor gets the same page.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from caseway import audit
from caseway.clients import access as client_access
from caseway.clients.models import DataCategory
from caseway.lib.access import object_scoped, public
from caseway.lib.forms import add_service_errors
from caseway.orgs.permissions import Action
from caseway.referrals import display, external, services
from caseway.referrals.external_forms import AnswerForm, PinForm
from caseway.referrals.forms import ReceiverForm
from caseway.referrals.models import DeclineReason
from caseway.referrals.transitions import InvalidTransition
from caseway.referrals.views import _posted_receiver, _referral_form_page

STATE_LABELS = {
    external.LIVE: _("Waiting to be opened or answered"),
    external.EXPIRED: _("Expired"),
    external.REVOKED: _("Revoked"),
    external.LOCKED: _("Locked after too many wrong PINs"),
    external.USED: _("Answered: used up"),
    external.CLOSED: _("Closed: the referral no longer waits for an answer, or consent or the agreement ended"),
}


# ---------------------------------------------------------------------------------------------
# The sender's side


def _referral(request, pk):
    return external.get_referral_for_sender(request.membership, pk)


def _chosen(request, organizations):
    form = ReceiverForm(request.GET or None, organizations=organizations)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["organization"]
    return None


@object_scoped(Action.VIEW_PERSONAL_DATA)
def outside_create(request, case_pk):
    """Refer a client from a case to an organization outside the network (then send it, past the gate)."""
    membership = request.membership
    case = client_access.get_case_for_member(membership, case_pk)
    organizations = external.outside_organizations(membership)
    shareable = services.sender_may_share(membership, case)
    receiver = _posted_receiver(request, organizations) if request.method == "POST" else _chosen(request, organizations)
    context = {
        "case": case,
        "receiver": receiver,
        "organizations": organizations,
        "receiver_form": ReceiverForm(initial={"organization": receiver}, organizations=organizations),
    }
    if receiver is None:
        status = 400 if request.method == "POST" else 200
        return render(request, "referrals/external/create.html", context, status=status)
    return _referral_form_page(
        request,
        case=case,
        receiver=receiver,
        organizations=organizations,
        shareable=shareable,
        create=external.external_referral_create,
        created=_send_or_keep,
        template="referrals/external/create.html",
        context=context,
    )


def _send_or_keep(request, referral):
    """After creating the draft: send it now if asked (past the gate), then to the page for the outside organization."""
    if request.POST.get("then") != "send":
        messages.success(request, _("Referral saved as a draft. Nothing was sent yet."))
        return redirect("referrals:detail", pk=referral.pk)
    try:
        services.referral_send(actor=request.user, membership=request.membership, referral=referral, request=request)
    except (ValidationError, InvalidTransition) as error:
        for message in getattr(error, "messages", None) or [str(error)]:
            messages.error(request, message)
        return redirect("referrals:detail", pk=referral.pk)
    return redirect("referrals:outside", pk=referral.pk)


def _links(referral):
    rows = []
    for link in external.links_of(referral):
        state = external.link_state(link, referral)
        rows.append({"link": link, "state": state, "label": STATE_LABELS[state], "live": state == external.LIVE})
    return rows


def _outside_context(request, referral):
    return {
        "referral": referral,
        "links": _links(referral),
        "link_problems": external.problems(referral),
        "print_problems": external.problems(referral, printing=True),
        "days": settings.EXTERNAL_LINK_DAYS,
        "max_failures": external.max_failures(),
    }


@object_scoped(Action.VIEW_PERSONAL_DATA)
def outside(request, pk):
    """The referral's page for the organization outside the network: print it, or give it a link."""
    referral = _referral(request, pk)
    audit.record(
        request.user,
        "referrals.external_links_read",
        referral,
        fields=["external_links"],
        organization=request.membership.organization_id,
        request=request,
    )
    return render(request, "referrals/external/outside.html", _outside_context(request, referral))


def _package_context(referral, part, categories):
    hidden = sorted(set(referral.categories) - set(categories))
    return {
        "referral": referral,
        "package": part,
        "client_rows": display.client_rows(part.get("client")),
        "sections": display.sections(part),
        "hidden": [DataCategory(category).label for category in hidden],
    }


@object_scoped(Action.VIEW_PERSONAL_DATA)
def outside_print(request, pk):
    """The referral form to print: only what may go to the outside organization (audited)."""
    referral = _referral(request, pk)
    try:
        part = external.print_package(
            actor=request.user, membership=request.membership, referral=referral, request=request
        )
    except ValidationError as error:
        return render(
            request,
            "referrals/external/outside.html",
            {**_outside_context(request, referral), "error": error.messages},
            status=400,
        )
    categories = external.print_categories(request.membership, referral)
    context = _package_context(referral, part, categories)
    context["sender"] = request.user
    context["decline_reasons"] = DeclineReason.choices
    return render(request, "referrals/external/print.html", context)


@require_POST
@object_scoped(Action.VIEW_PERSONAL_DATA)
def outside_link_create(request, pk):
    """A new link: its address and PIN are shown on this answer only, never again."""
    referral = _referral(request, pk)
    try:
        link, token, pin = external.external_link_create(
            actor=request.user, membership=request.membership, referral=referral, request=request
        )
    except ValidationError as error:
        return render(
            request,
            "referrals/external/outside.html",
            {**_outside_context(request, referral), "error": error.messages},
            status=400,
        )
    context = {
        "referral": referral,
        "link": link,
        "address": request.build_absolute_uri(reverse("external:open", args=[token])),
        "pin": external.spaced(pin),
        "max_failures": external.max_failures(),
    }
    return render(request, "referrals/external/link_created.html", context)


@require_POST
@object_scoped(Action.VIEW_PERSONAL_DATA)
def outside_link_revoke(request, pk, link_pk):
    referral = _referral(request, pk)
    external.external_link_revoke(
        actor=request.user, membership=request.membership, referral=referral, link_pk=link_pk, request=request
    )
    return redirect("referrals:outside", pk=referral.pk)


# ---------------------------------------------------------------------------------------------
# The outside organization's side


def _private(view):
    """No copy kept anywhere, no address passed on, not indexed; the same for every answer."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0, private"
        response["Pragma"] = "no-cache"
        response["Expires"] = "0"
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def _unavailable(request, token):
    """The one page for every failure: unknown, expired, revoked, locked, used, closed, wrong PIN."""
    context = {"form": PinForm(), "token": token, "failed": True}
    return render(request, "referrals/external/pin.html", context, status=400)


def _package_page(request, token, opened, form=None, status=200):
    context = _package_context(opened.referral, opened.part, opened.categories)
    context.update(
        {
            "token": token,
            "form": form or AnswerForm(initial={"grant": opened.grant}),
            "grant": opened.grant,
        }
    )
    return render(request, "referrals/external/package.html", context, status=status)


@public
@csrf_exempt
@_private
@require_http_methods(["GET", "POST"])
def link_open(request, token):
    if request.method == "GET":
        external.link_seen(token=token, request=request)
        return render(request, "referrals/external/pin.html", {"form": PinForm(), "token": token})
    form = PinForm(request.POST)
    pin = form.cleaned_data["pin"] if form.is_valid() else ""
    try:
        opened = external.open_link(token=token, pin=pin, request=request)
    except external.LinkUnavailable:
        return _unavailable(request, token)
    return _package_page(request, token, opened)


@public
@csrf_exempt
@_private
@require_POST
def link_answer(request, token):
    form = AnswerForm(request.POST)
    grant = request.POST.get("grant", "")
    if form.is_valid():
        data = form.cleaned_data
        try:
            referral = external.answer_link(
                token=token,
                grant=data["grant"],
                answer=data["answer"],
                reason=data["reason"],
                note=data["note"],
                request=request,
            )
        except external.LinkUnavailable:
            return _unavailable(request, token)
        except InvalidTransition:
            return _unavailable(request, token)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "referrals/external/answered.html", {"referral": referral})
    try:
        opened = external.reopen(token=token, grant=grant, request=request)
    except external.LinkUnavailable:
        return _unavailable(request, token)
    return _package_page(request, token, opened, form=form, status=400)
