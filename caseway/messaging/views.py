"""Staff pages of messaging: the interagency thread of a referral (the client threads are on the
portal's case page). Thin: the referral through ``access``, writes through ``thread_services``."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from caseway.clients import access as client_access
from caseway.lib import uploads
from caseway.lib.access import object_scoped
from caseway.messaging import access, thread_services
from caseway.messaging.forms import StaffMessageForm, send_from_form
from caseway.orgs.permissions import Action


def _writer(request) -> dict:
    return {"actor": request.user, "membership": request.membership, "request": request}


@object_scoped(Action.VIEW_PERSONAL_DATA)
def referral_thread(request, pk):
    referral = access.get_referral_for_messages(request.membership, pk)
    form = StaffMessageForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and send_from_form(
            form, thread_services.message_on_referral, referral=referral, **_writer(request)
        ):
            return redirect(f"{request.path}#last")
        status = 400
    shown = thread_services.referral_thread_read(
        actor=request.user, membership=request.membership, referral=referral, request=request
    )
    return render(
        request, "messaging/referral_thread.html", {"referral": referral, "shown": shown, "form": form}, status=status
    )


@object_scoped(Action.VIEW_PERSONAL_DATA)
def referral_attachment(request, pk, attachment_pk):
    referral = access.get_referral_for_messages(request.membership, pk)
    found = thread_services.attachment_for_staff(
        actor=request.user, membership=request.membership, pk=attachment_pk, referral=referral, request=request
    )
    return uploads.download(found.content, content_type=found.content_type, filename=found.download_name)


@require_POST
@object_scoped(Action.VIEW_PERSONAL_DATA)
def partner_thread_start(request, case_pk, organization_pk):
    case, partner = access.get_partner_for_case(request.membership, case_pk, organization_pk)
    thread = thread_services.partner_thread_open(membership=request.membership, case=case, partner=partner)
    return redirect("messaging:partner_thread", pk=thread.pk)


@object_scoped(Action.VIEW_PERSONAL_DATA)
def partner_thread(request, pk):
    thread = access.get_case_thread_for_member(request.membership, pk)
    form = StaffMessageForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and send_from_form(
            form, thread_services.message_with_partner, thread=thread, **_writer(request)
        ):
            return redirect(f"{request.path}#last")
        status = 400
    shown = thread_services.partner_thread_read(
        actor=request.user, membership=request.membership, thread=thread, request=request
    )
    # Back to the reader's own case of the client: the thread's case, or the partner's own.
    back_case = client_access.visible_cases(request.membership).filter(client_id=thread.case.client_id).first()
    return render(
        request,
        "messaging/partner_thread.html",
        {"thread": thread, "shown": shown, "form": form, "back_case": back_case},
        status=status,
    )


@object_scoped(Action.VIEW_PERSONAL_DATA)
def partner_attachment(request, pk, attachment_pk):
    thread = access.get_case_thread_for_member(request.membership, pk)
    found = thread_services.attachment_for_staff(
        actor=request.user, membership=request.membership, pk=attachment_pk, thread=thread, request=request
    )
    return uploads.download(found.content, content_type=found.content_type, filename=found.download_name)
