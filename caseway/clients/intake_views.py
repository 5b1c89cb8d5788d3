"""Intake pages: the unfinished intakes, then one page per step, all working without JavaScript.

Each step is a plain form posted to its own URL; its answers are saved in the draft at once, so
an intake can stop at any step and be resumed from "My unfinished intakes". Only the last step
writes the client (``intake.intake_complete``). Drafts are reached through
``intake.get_draft_for_member``: someone else's draft answers 404.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseway.clients import access, consent, instruments, intake, scoring
from caseway.clients.consent_forms import WORDING_LANGUAGE_CHOICES
from caseway.clients.intake_forms import (
    DOCUMENTS,
    NO,
    ConsentStepForm,
    DuplicatesForm,
    InstrumentForm,
    RegistrationForm,
    SafetyForm,
)
from caseway.clients.models import AgeBand, Assessment, ConsentPurpose, DisplacementStatus, Sex
from caseway.directory.models import AdminArea
from caseway.directory.views import posted
from caseway.lib.access import object_scoped, role_required
from caseway.orgs.permissions import Action

DRAFTS_PER_PAGE = 25
# The needs step starts at "no need" for every domain: only the needs found are marked.
NO_NEED = 0


def case_url(case) -> str:
    """The case's page (records), or its consents while that page does not exist."""
    try:
        return reverse("clients:case_detail", kwargs={"pk": case.pk})
    except NoReverseMatch:
        return reverse("clients:consent_list", kwargs={"client_pk": case.client_id})


def step_url(draft, step) -> str:
    return reverse("clients:intake_step", kwargs={"pk": draft.pk, "step": step})


def _progress(draft, current):
    shown = (draft.answers or {}).get(intake.DUPLICATES, {}).get("shown")
    rows = []
    for step in intake.STEPS:
        if step == intake.DUPLICATES and not shown and current != step:
            continue
        rows.append(
            {
                "label": intake.STEP_LABELS[step],
                "url": step_url(draft, step) if intake.reachable(draft, step) else None,
                "current": step == current,
                "done": step in (draft.answers or {}),
            }
        )
    return rows


def _render_step(request, draft, step, template, context):
    previous = intake.previous_step(draft, step)
    context = {
        "draft": draft,
        "step": step,
        "step_label": intake.STEP_LABELS[step],
        "progress": _progress(draft, step),
        "previous_url": step_url(draft, previous) if previous else None,
        **context,
    }
    return render(request, f"clients/intake/{template}.html", context)


def _save(request, draft, step, answers, go_to, **languages):
    return intake.intake_save_step(
        actor=request.user,
        membership=request.membership,
        draft=draft,
        step=step,
        answers=answers,
        go_to=go_to,
        request=request,
        **languages,
    )


# ---------------------------------------------------------------------------------------------
# The list, starting and ending


@role_required(Action.REGISTER_CLIENTS)
def intake_list(request):
    drafts = intake.visible_drafts(request.membership).order_by("-updated_at", "pk")
    page = Paginator(drafts.only("pk", "step", "started_at", "updated_at", "client_language"), DRAFTS_PER_PAGE)
    page = page.get_page(request.GET.get("page"))
    rows = [{"draft": draft, "step_label": intake.STEP_LABELS.get(draft.step, draft.step)} for draft in page]
    context = {"page": page, "rows": rows, "draft_hours": settings.INTAKE_DRAFT_MAX_HOURS}
    return render(request, "clients/intake/list.html", context)


@role_required(Action.REGISTER_CLIENTS)
@require_POST
def intake_start(request):
    draft = intake.intake_start(actor=request.user, membership=request.membership, request=request)
    return redirect(step_url(draft, intake.SAFETY))


@object_scoped(Action.REGISTER_CLIENTS)
def intake_end(request, pk):
    """End now: keep the draft for later, or delete it and destroy its key. Then leave."""
    draft = intake.get_draft_for_member(request.membership, pk)
    if request.method == "POST":
        if request.POST.get("keep") == "1":
            return redirect("home")
        intake.intake_discard(actor=request.user, membership=request.membership, draft=draft, request=request)
        return redirect("home")
    return render(request, "clients/intake/end.html", {"draft": draft})


@object_scoped(Action.REGISTER_CLIENTS)
@require_POST
def intake_use_existing(request, pk):
    """The client already has a case here: delete the draft and open that case instead."""
    draft = intake.get_draft_for_member(request.membership, pk)
    try:
        case_pk = uuid.UUID(request.POST.get("case", ""))
    except ValueError:
        raise Http404 from None
    case = access.get_case_for_member(request.membership, case_pk)
    intake.intake_discard(actor=request.user, membership=request.membership, draft=draft, request=request)
    return redirect(case_url(case))


@object_scoped(Action.REGISTER_CLIENTS)
def intake_done(request, pk):
    draft = intake.get_completed_draft_for_member(request.membership, pk)
    case = access.case_of_client(request.membership, draft.client_id)
    results = {}
    assessments = (
        Assessment.objects.filter(case=case, stage=Assessment.Stage.BASELINE)
        .select_related("instrument", "data_key")
        .order_by("assessed_at")
    )
    steps = {code: step for step, code in intake.ASSESSMENT_STEPS.items()}
    for assessment in assessments:
        step = steps.get(assessment.instrument.code)
        if step is not None:
            definition = instruments.load(assessment.instrument.code, assessment.instrument.version)
            results[step] = scoring.score(definition, assessment.answers)
    from caseway.clients.codes import spoken

    context = {
        "draft": draft,
        "case": case,
        "client": case.client,
        "spoken_code": spoken(case.client.code),
        "next_steps": intake.next_steps(results),
        "case_url": case_url(case),
        "finished": True,
        **_result_context(results),
        "safety_plan_required": case.safety_plan_required,
    }
    return render(request, "clients/intake/done.html", context)


# ---------------------------------------------------------------------------------------------
# The steps


@object_scoped(Action.REGISTER_CLIENTS)
def intake_step(request, pk, step):
    try:
        draft = intake.get_draft_for_member(request.membership, pk)
    except Http404:
        # Finished already (a second click on "Finish", or Back): show where it ended.
        intake.get_completed_draft_for_member(request.membership, pk)
        return redirect("clients:intake_done", pk=pk)
    if step not in intake.STEPS:
        raise Http404
    if not intake.reachable(draft, step):
        return redirect(step_url(draft, draft.step))
    handler = STEP_VIEWS[step]
    return handler(request, draft)


def _safety(request, draft):
    stored = draft.answers.get(intake.SAFETY) or {}
    initial = {
        "safe_now": stored.get("safe_now"),
        "client_language": draft.client_language,
        "interpreter_language": draft.interpreter_language,
    }
    form = SafetyForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["safe_now"] == NO:
            return _render_step(request, draft, intake.SAFETY, "safety", {"form": form, "unsafe": True})
        _save(
            request,
            draft,
            intake.SAFETY,
            {"safe_now": "yes", "checked_at": timezone.now().isoformat()},
            intake.CONSENT,
            client_language=form.cleaned_data["client_language"],
            interpreter_language=form.cleaned_data["interpreter_language"],
        )
        return redirect(step_url(draft, intake.CONSENT))
    return _render_step(request, draft, intake.SAFETY, "safety", {"form": form, "unsafe": False})


def _consent(request, draft):
    stored = draft.answers.get(intake.CONSENT) or {}
    languages = dict(WORDING_LANGUAGE_CHOICES)
    language = request.GET.get("language") or (request.POST.get("wording_language") if request.POST else None)
    if language not in languages:
        language = stored.get("language") or consent.wording_language(draft.client_language or get_language())
    registration = draft.answers.get(intake.REGISTRATION) or {}
    form = ConsentStepForm(
        posted(request),
        membership=request.membership,
        language=language,
        age_band=registration.get("age_band") or "",
        initial=ConsentStepForm.initial_from(stored),
    )
    if request.method == "POST" and form.is_valid():
        _save(request, draft, intake.CONSENT, form.draft_answers(), intake.REGISTRATION)
        return redirect(step_url(draft, intake.REGISTRATION))
    context = {
        "form": form,
        "language": language,
        "languages": WORDING_LANGUAGE_CHOICES,
        "wordings": [
            (
                ConsentPurpose(purpose).label,
                form.texts[purpose],
                form[purpose],
                consent.text_digest(form.texts[purpose]),
            )
            for purpose in intake.INTAKE_PURPOSES
        ],
    }
    return _render_step(request, draft, intake.CONSENT, "consent", context)


def _registration(request, draft):
    stored = draft.answers.get(intake.REGISTRATION) or {}
    consent_answers = draft.answers.get(intake.CONSENT) or {}
    initial = RegistrationForm.initial_from(stored) or {"languages": draft.client_language}
    form = RegistrationForm(posted(request), consent_given_by=consent_answers.get("given_by", ""), initial=initial)
    if request.method == "POST" and form.is_valid():
        answers = form.draft_answers()
        found = intake.find_duplicates_for(request.membership, answers)
        go_to = intake.DUPLICATES if found.found else intake.NEEDS
        draft = _save(request, draft, intake.REGISTRATION, answers, go_to)
        previous = draft.answers.get(intake.DUPLICATES) or {}
        _save(
            request,
            draft,
            intake.DUPLICATES,
            {"shown": found.found, "decision": previous.get("decision", "new") if found.found else "new"},
            go_to,
        )
        return redirect(step_url(draft, go_to))
    return _render_step(request, draft, intake.REGISTRATION, "registration", {"form": form})


def _duplicates(request, draft):
    registration = draft.answers.get(intake.REGISTRATION) or {}
    found = intake.find_duplicates_for(request.membership, registration)
    stored = draft.answers.get(intake.DUPLICATES) or {}
    form = DuplicatesForm(posted(request) if found.elsewhere else None, initial={"decision": stored.get("decision")})
    if request.method == "POST" and (not found.elsewhere or form.is_valid()):
        decision = form.cleaned_data["decision"] if found.elsewhere else "new"
        _save(request, draft, intake.DUPLICATES, {"shown": found.found, "decision": decision}, intake.NEEDS)
        return redirect(step_url(draft, intake.NEEDS))
    context = {"form": form, "own": found.own, "withheld_here": found.withheld_here, "elsewhere": found.elsewhere}
    return _render_step(request, draft, intake.DUPLICATES, "duplicates", context)


def _assessment(request, draft, step):
    definition = instruments.load(intake.ASSESSMENT_STEPS[step])
    stored = draft.answers.get(step) or {}
    initial = {code: str(value) for code, value in (stored.get("answers") or {}).items()}
    default = str(NO_NEED) if step == intake.NEEDS else None
    go_to = intake.next_step(step)
    if request.method == "POST" and "skip" in request.POST:
        _save(request, draft, step, {intake.SKIPPED: True}, go_to)
        return redirect(step_url(draft, go_to))
    form = InstrumentForm(posted(request), definition=definition, initial=initial, default=default)
    if request.method == "POST" and form.is_valid():
        answers = form.draft_answers()
        try:
            scoring.score(definition, answers)
        except scoring.AnswerError as error:
            form.add_error(error.item if error.item in form.fields else None, str(error))
        else:
            _save(request, draft, step, {"answers": answers, "version": definition.version}, go_to)
            return redirect(step_url(draft, go_to))
    client_language = (draft.client_language or "").split("-")[0]
    show_client_language = client_language in scoring.LANGUAGES and client_language != (get_language() or "en")[:2]
    items = [
        {
            "field": form[item.code],
            "client_text": item.label.in_language(client_language) if show_client_language else "",
        }
        for item in definition.items
    ]
    context = {
        "form": form,
        "definition": definition,
        "instructions": str(definition.instructions) if definition.instructions else "",
        "items": items,
        "client_language": client_language,
        "skipped": bool(stored.get(intake.SKIPPED)),
    }
    return _render_step(request, draft, step, "assessment", context)


def _result_context(results) -> dict:
    needs = results.get(intake.NEEDS)
    risk = results.get(intake.RISK)
    disability = results.get(intake.DISABILITY)
    definition = instruments.load("needs")
    high_needs = []
    other_needs = []
    if needs is not None:
        for entry in needs.details.get("needs", []):
            label = str(definition.item(entry["item"]).label)
            (high_needs if entry["option"] == "high" else other_needs).append(label)
    risk_definition = instruments.load("risk")
    return {
        "supervisor_alerted": intake.alerts_supervisor(results),
        "high_needs": high_needs,
        "other_needs": other_needs,
        "risk_band": str(risk_definition.band(risk.band).label) if risk is not None else "",
        "risk_imminent": risk is not None and risk.band == "imminent",
        "risk_flags": [str(risk_definition.flag(code).label) for code in risk.flags] if risk is not None else [],
        "has_disability": None if disability is None else disability.band == "disability",
        "disability_domains": [
            str(instruments.load("wg_ss").item(entry["item"]).label) for entry in disability.details["difficulties"]
        ]
        if disability is not None
        else [],
    }


def _summary(request, draft):
    answers = draft.answers
    missing = [
        intake.STEP_LABELS[step] for step in (intake.SAFETY, intake.CONSENT, intake.REGISTRATION) if step not in answers
    ]
    form_errors = []
    if request.method == "POST" and not missing:
        try:
            intake.intake_complete(actor=request.user, membership=request.membership, draft=draft, request=request)
        except ValidationError as error:
            form_errors = error.messages
        else:
            messages.success(request, _("The intake is complete. The client's case is open."))
            return redirect("clients:intake_done", pk=draft.pk)
    results = intake.preview(draft)
    registration = answers.get(intake.REGISTRATION) or {}
    consent_answers = answers.get(intake.CONSENT) or {}
    area = AdminArea.objects.filter(pcode=registration.get("admin_area")).first()
    documents = dict(DOCUMENTS)
    context = {
        "missing": missing,
        "form_errors": form_errors,
        "registration": registration,
        "sex": Sex(registration["sex"]).label if registration.get("sex") else "",
        "age_band": AgeBand(registration["age_band"]).label if registration.get("age_band") else "",
        "area": area,
        "displacement": DisplacementStatus(registration["displacement_status"]).label
        if registration.get("displacement_status")
        else "",
        "documents": [documents.get(code, code) for code in registration.get("documents_held") or []],
        "consents": [
            (ConsentPurpose(purpose).label, consent_answers[purpose]["answer"])
            for purpose in intake.INTAKE_PURPOSES
            if purpose in consent_answers
        ],
        "link_requested": (answers.get(intake.DUPLICATES) or {}).get("decision") == intake.LINK,
        "next_steps": intake.next_steps(results),
        "skipped": [
            intake.STEP_LABELS[step]
            for step in intake.ASSESSMENT_STEPS
            if (answers.get(step) or {}).get(intake.SKIPPED)
        ],
        **_result_context(results),
    }
    return _render_step(request, draft, intake.SUMMARY, "summary", context)


STEP_VIEWS = {
    intake.SAFETY: _safety,
    intake.CONSENT: _consent,
    intake.REGISTRATION: _registration,
    intake.DUPLICATES: _duplicates,
    intake.NEEDS: lambda request, draft: _assessment(request, draft, intake.NEEDS),
    intake.DISABILITY: lambda request, draft: _assessment(request, draft, intake.DISABILITY),
    intake.RISK: lambda request, draft: _assessment(request, draft, intake.RISK),
    intake.SUMMARY: _summary,
}
