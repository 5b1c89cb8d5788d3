"""A client's consents: the list with the wording each answer was given to, a new answer, withdrawal.

Every page reaches the case through ``access.case_of_client`` (another organization: 404) and
shows only the answers ``consent.visible_consents`` allows: never those addressed to a third
organization.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway.clients import access, consent
from caseway.clients.consent_forms import (
    ConsentForm,
    ConsentPurposeForm,
    RevokeForm,
    default_wording_language,
)
from caseway.clients.models import Consent, ConsentPurpose, DataCategory
from caseway.directory.views import posted
from caseway.lib.access import object_scoped
from caseway.lib.forms import add_service_errors
from caseway.orgs.permissions import Action

CONSENTS_PER_PAGE = 25


def _header(request, case) -> dict:
    return {"case": case, "client": case.client, "name": access.display_name(request.membership, case)}


@object_scoped(Action.VIEW_PERSONAL_DATA)
def consent_list(request, client_pk):
    case = access.case_of_client(request.membership, client_pk)
    page = Paginator(consent.visible_consents(request.membership, case), CONSENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    # Statuses need every answer to the same questions, including those this page does not show.
    every_answer = list(
        Consent.objects.filter(client_id=case.client_id).only(
            "pk", "purpose", "recipient_id", "granted", "categories", "recorded_at", "revoked_at", "expires_at"
        )
    )
    now = timezone.now()
    shows_contact = access.can_see_contact(request.membership, case)
    rows = [
        {
            "consent": answer,
            "status": (status := consent.status_of(answer, every_answer, at=now)),
            "status_label": consent.Status.LABELS[status],
            "categories": [DataCategory(value).label for value in answer.categories if value in DataCategory.values],
            "contact_methods": [
                Consent.ContactMethod(value).label
                for value in answer.contact_methods
                if value in Consent.ContactMethod.values
            ],
            "may_revoke": status == consent.Status.IN_FORCE,
            "own": answer.recorded_by_organization_id == request.membership.organization_id,
        }
        for answer in page.object_list
    ]
    context = {
        **_header(request, case),
        "page": page,
        "rows": rows,
        "shows_contact": shows_contact,
        "may_record": request.membership.allows(Action.REGISTER_CLIENTS),
    }
    return render(request, "clients/consents/list.html", context)


@object_scoped(Action.REGISTER_CLIENTS)
def consent_new(request, client_pk):
    case = access.case_of_client(request.membership, client_pk)
    choice = ConsentPurposeForm(request.GET if "purpose" in request.GET else None)
    if not choice.is_bound:
        choice = ConsentPurposeForm(initial={"language": default_wording_language()})
    if not choice.is_bound or not choice.is_valid():
        return render(request, "clients/consents/new.html", {**_header(request, case), "choice": choice})
    purpose, language = choice.cleaned_data["purpose"], choice.cleaned_data["language"]
    text = consent.shipped_text(purpose, language)
    form = ConsentForm(posted(request), membership=request.membership, purpose=purpose, text=text)
    if request.method == "POST" and form.is_valid():
        try:
            consent.consent_record(
                actor=request.user,
                membership=request.membership,
                client=case.client,
                wording=consent.wording_for(purpose, language),
                request=request,
                **form.service_arguments(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The answer is recorded."))
            return redirect("clients:consent_list", client_pk=case.client_id)
    context = {
        **_header(request, case),
        "choice": choice,
        "form": form,
        "purpose_label": ConsentPurpose(purpose).label,
        "language": language,
        "text": text,
        "digest": consent.text_digest(text),
    }
    return render(request, "clients/consents/new.html", context)


@object_scoped(Action.REGISTER_CLIENTS)
def consent_revoke(request, client_pk, pk):
    case = access.case_of_client(request.membership, client_pk)
    try:
        answer = consent.visible_consents(request.membership, case).get(pk=pk)
    except (Consent.DoesNotExist, ValueError):
        raise Http404 from None
    form = RevokeForm(posted(request))
    if request.method == "POST" and answer.revoked_at is None and form.is_valid():
        try:
            consent.consent_revoke(
                actor=request.user,
                membership=request.membership,
                consent=answer,
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The agreement is withdrawn. It stopped everywhere at once."))
            return redirect("clients:consent_list", client_pk=case.client_id)
    context = {
        **_header(request, case),
        "answer": answer,
        "form": form,
        "status": consent.status_of(answer, [answer]),
    }
    return render(request, "clients/consents/revoke.html", context)
