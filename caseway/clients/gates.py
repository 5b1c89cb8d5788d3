"""Gates a case must pass before its work continues.

An imminent risk (the risk assessment's "imminent" band, ``assessment_services``) sets
``case.safety_plan_required`` and alerts the supervisors. Until a safety plan is recorded with the
client (``safety.safety_plan_save`` clears the requirement), the case does not continue: every
page that *records new work* on the case (assessments and incidents here; case plans, referrals,
appointments in later apps) sends the user to the safety-plan form with a message saying why.
Reading the case, its alerts and its records is never blocked, nor is the safety plan itself.

- ``case_may_continue(case)`` is the question (no query: it reads the case row).
- ``check_case_may_continue(case)`` raises ``ValidationError`` (code ``safety_plan_required``):
  services call it on the case they locked, so the API and imports obey the gate too.
- ``gate_response(request, case)`` is what a view returns when the case may not continue
  (``None``: carry on): a redirect to the safety-plan form with a message, or to the case page
  when the viewer's organization may not see risk information (the client did not share it).
- ``@safety_plan_first()`` does the same for a view whose URL names the case (``pk`` by default);
  put it *under* the view's access decorator, so sign-in and the role are checked first::

      @object_scoped(Action.VIEW_PERSONAL_DATA)
      @safety_plan_first()
      def referral_new(request, pk): ...
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caseway.clients import access
from caseway.clients.models import DataCategory

GATE_CODE = "safety_plan_required"
GATE_MESSAGE = gettext_lazy(
    "Imminent risk: make a safety plan with the client first. Nothing else can be recorded on this case "
    "until the safety plan is saved."
)


def case_may_continue(case) -> bool:
    """Whether new work may be recorded on ``case``: no safety plan is waiting to be made."""
    return not case.safety_plan_required


def check_case_may_continue(case) -> None:
    """Raise ``ValidationError`` (code ``safety_plan_required``) when ``case`` may not continue."""
    if not case_may_continue(case):
        raise ValidationError(str(GATE_MESSAGE), code=GATE_CODE)


def gate_response(request, case, *, extra_message=""):
    """``None`` when ``case`` may continue; otherwise the redirect a view returns, with a message.

    ``extra_message`` is added to the explanation (the incident page uses it to say that urgent
    medical care must not wait for the record).
    """
    if case_may_continue(case):
        return None
    text = f"{GATE_MESSAGE} {extra_message}".strip()
    if DataCategory.RISK in access.visible_categories(request.membership, case):
        messages.warning(request, text)
        return redirect("clients:safety_plan_edit", pk=case.pk)
    messages.error(
        request,
        _(
            "Imminent risk: this case needs a safety plan before anything else is recorded, and the client has "
            "not agreed to share risk information with your organization. Contact the organization that did "
            "the intake."
        ),
    )
    return redirect("clients:case_detail", pk=case.pk)


def safety_plan_first(case_kwarg="pk", *, extra_message=""):
    """Decorate a view whose URL names a case: while it may not continue, answer ``gate_response``.

    The case is reached through ``access.get_case_for_member`` (another organization's: 404).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            case = access.get_case_for_member(request.membership, kwargs[case_kwarg])
            response = gate_response(request, case, extra_message=extra_message)
            if response is not None:
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
