from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from caseway.feedback import services
from caseway.feedback.forms import FeedbackForm
from caseway.lib.access import portal_client
from caseway.lib.forms import add_service_errors


@portal_client
def portal_feedback(request):
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit(
                account=request.portal_account,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                anonymous=form.cleaned_data["anonymous"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(f"{request.path}?sent=1")
    return render(request, "feedback/portal_feedback.html", {"form": form, "sent": request.GET.get("sent") == "1"})
