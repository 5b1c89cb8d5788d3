"""The case team's side of the portal, on one page per case: the client's account (invite, see
whether it is active or locked) and the messages with the client.

Thin: the case through ``messaging.access`` (another organization: 404; a role without personal
data: 403), writes through ``services`` and ``messaging.thread_services``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from caseway.lib.access import object_scoped, role_required
from caseway.messaging import access as messaging_access
from caseway.messaging import thread_services
from caseway.messaging.forms import send_from_form
from caseway.orgs.permissions import Action
from caseway.portal import document_services, request_services, services
from caseway.portal.forms import MessageForm
from caseway.portal.models import AppointmentRequest, PortalSignIn
from caseway.portal.views import file_response


def _page(request, case, form, *, error=None, status=200):
    account = services.account_of_case(case)
    last_sign_in = None
    if account is not None:
        last_sign_in = account.sign_ins.filter(outcome=PortalSignIn.Outcome.SIGNED_IN).first()
    shown = thread_services.thread_read_by_staff(
        actor=request.user, membership=request.membership, case=case, request=request
    )
    requests = AppointmentRequest.objects.filter(case=case, status=AppointmentRequest.Status.OPEN).select_related(
        "appointment"
    )
    context = {
        "case": case,
        "account": account,
        "requests": requests,
        "documents": document_services.case_documents(request.membership, case)[:50],
        "other_threads": messaging_access.referral_threads_of_case(request.membership, case)[:20],
        "partner_threads": messaging_access.case_threads_with_partners(request.membership, case)[:10],
        "partners": messaging_access.case_partners(case),
        "other_case": account is not None and account.case_id != case.pk,
        "last_sign_in": last_sign_in,
        "shown": shown,
        "form": form,
        "error": error,
    }
    return render(request, "portal/staff/case_portal.html", context, status=status)


@object_scoped(Action.VIEW_PERSONAL_DATA)
def case_portal(request, case_pk):
    case = messaging_access.get_case_for_messages(request.membership, case_pk)
    if request.method == "POST":
        form = MessageForm(request.POST, request.FILES)
        sent = form.is_valid() and send_from_form(
            form,
            thread_services.message_to_client,
            actor=request.user,
            membership=request.membership,
            case=case,
            request=request,
        )
        if sent:
            return redirect(f"{request.path}#last")
        return _page(request, case, form, status=400)
    return _page(request, case, MessageForm())


@require_POST
@object_scoped(Action.VIEW_PERSONAL_DATA)
def case_portal_invite(request, case_pk):
    case = messaging_access.get_case_for_messages(request.membership, case_pk)
    try:
        invitation = services.invitation_create(
            actor=request.user, membership=request.membership, case=case, request=request
        )
    except ValidationError as error:
        return _page(request, case, MessageForm(), error=" ".join(error.messages), status=400)
    # Shown once: only the code's digest is kept. The page is never cached (middleware).
    return render(
        request,
        "portal/staff/invitation.html",
        {"case": case, "invitation": invitation, "invitation_days": settings.PORTAL_INVITATION_DAYS},
    )


@require_POST
@object_scoped(Action.VIEW_PERSONAL_DATA)
def case_portal_request_handled(request, case_pk, pk):
    case = messaging_access.get_case_for_messages(request.membership, case_pk)
    request_services.request_handle(
        actor=request.user, membership=request.membership, case=case, request_pk=pk, http_request=request
    )
    return redirect("portal_staff:case_portal", case_pk=case.pk)


@object_scoped(Action.VIEW_PERSONAL_DATA)
def case_document(request, case_pk, pk):
    case = messaging_access.get_case_for_messages(request.membership, case_pk)
    document = document_services.document_read_by_staff(
        actor=request.user, membership=request.membership, case=case, pk=pk, request=request
    )
    return file_response(document)


@role_required(Action.VIEW_PERSONAL_DATA)
def inbox(request):
    threads = list(messaging_access.inbox(request.membership)[: messaging_access.INBOX_SHOWN])
    return render(request, "portal/staff/inbox.html", {"threads": threads})


@object_scoped(Action.VIEW_PERSONAL_DATA)
def case_attachment(request, case_pk, pk):
    case = messaging_access.get_case_for_messages(request.membership, case_pk)
    found = thread_services.attachment_for_staff(
        actor=request.user, membership=request.membership, pk=pk, case=case, request=request
    )
    return file_response(found)
