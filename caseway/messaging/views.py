"""Staff pages of messaging: the interagency thread of a referral (the client threads are on the
portal's case page). Thin: the referral through ``access``, writes through ``thread_services``."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from caseway.lib import uploads
from caseway.lib.access import object_scoped
from caseway.lib.forms import add_service_errors
from caseway.messaging import access, thread_services
from caseway.messaging.forms import StaffMessageForm
from caseway.orgs.permissions import Action


@object_scoped(Action.VIEW_PERSONAL_DATA)
def referral_thread(request, pk):
    referral = access.get_referral_for_messages(request.membership, pk)
    form = StaffMessageForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            try:
                thread_services.message_on_referral(
                    actor=request.user,
                    membership=request.membership,
                    referral=referral,
                    body=form.cleaned_data["body"],
                    attachment=uploads.read_limited(upload) if upload else None,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
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
