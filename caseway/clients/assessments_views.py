"""Pages of a case's assessments, safety plan and GBV incidents.

Every page reaches the case through ``clients.access`` (another organization's case: 404) and
shows only what the viewer's organization may see:

- assessments only in the categories ``access.visible_categories`` allows (an instrument's
  category: needs, risk, health or psychosocial). Scores, bands and flags are in clear and listed;
  the answers are encrypted and shown only on a result's own page, whose every opening is audited;
- the safety plan and incidents only with the risk category (otherwise 404); trusted contacts only
  to someone who may see the client's identity (``safety.sees_trusted_contacts``).

Recording new work (an assessment, an incident) passes the imminent-risk gate first
(``gates.safety_plan_first``): while a safety plan is required, those pages send the user to it.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from caseway import audit
from caseway.clients import access, gates, gbvims, incidents, instruments, safety, scoring
from caseway.clients.assessment_services import assessment_record
from caseway.clients.assessments_forms import AssessmentForm, CompareForm, IncidentForm, SafetyPlanForm
from caseway.clients.models import Assessment, DataCategory
from caseway.directory.views import posted
from caseway.lib.access import object_scoped
from caseway.lib.forms import add_service_errors
from caseway.orgs.permissions import Action

# A case rarely has more than a few dozen results; the list never loads more than this.
MAX_LISTED = 300
INSTRUMENT_CATEGORIES = tuple(
    category for category in DataCategory.values if category in scoring.CATEGORIES
)  # the categories an instrument can belong to, in DataCategory's order
URGENT_CARE_NOTE = gettext_lazy(
    "If the incident may have happened in the last 72 hours, refer the client for medical care now: "
    "it must not wait for the record."
)


def _header(request, case, categories=None) -> dict:
    """What every page of this area shows above its content (``_header.html``).

    The client is named by code only: these pages hold risk and health information, and showing
    a name beside them (on a screen others may see) would add an identity read for no need.
    """
    categories = access.visible_categories(request.membership, case) if categories is None else categories
    return {
        "case": case,
        "client": case.client,
        "gate_open": gates.case_may_continue(case),
        "shows_risk": safety.may_see_risk(request.membership, case, categories),
    }


def score_text(value) -> str:
    """A stored score (a decimal) as people read it: 12, not 12.00."""
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else str(value.normalize())


# ---------------------------------------------------------------------------------------------
# Instrument definitions


def definition_of(instrument):
    """The definition an ``Instrument`` row was scored with (shipped, else its stored document)."""
    try:
        return instruments.load(instrument.code, instrument.version)
    except instruments.InstrumentNotFound:
        return instruments.parse(instrument.definition, origin=str(instrument))


def _latest_definitions(categories) -> list:
    """The latest shipped version of each instrument whose category is visible, by name."""
    codes = sorted({ref.code for ref in instruments.available()})
    definitions = [instruments.load(code) for code in codes]
    return sorted((d for d in definitions if d.category in categories), key=lambda d: str(d.name))


def _visible_definition(categories, code):
    try:
        definition = instruments.load(code)
    except instruments.InstrumentNotFound:
        raise Http404 from None
    if definition.category not in categories:
        raise Http404
    return definition


def _label(labelled_items, code) -> str:
    try:
        return str(labelled_items(code).label)
    except KeyError:
        return code


def _band_label(definition, code) -> str:
    return _label(definition.band, code) if code else ""


def _flag_labels(definition, codes) -> list[str]:
    return [_label(definition.flag, code) for code in codes or []]


def _translation_note(definition) -> str:
    language = (get_language() or "en").split("-")[0]
    if definition.translation_status.get(language) == "unofficial":
        return _("This translation has not been validated: if in doubt, check the wording with the English version.")
    return ""


def _row(assessment, definition) -> dict:
    return {
        "assessment": assessment,
        "score": score_text(assessment.score),
        "band": _band_label(definition, assessment.band),
        "flags": _flag_labels(definition, assessment.flags),
    }


# ---------------------------------------------------------------------------------------------
# Assessments


def _visible_assessments(case, categories):
    return Assessment.objects.filter(case=case, instrument__category__in=categories)


@object_scoped(Action.VIEW_PERSONAL_DATA)
def assessment_list(request, pk):
    membership = request.membership
    case = access.get_case_for_member(membership, pk)
    categories = access.visible_categories(membership, case)
    definitions = _latest_definitions(categories)
    assessments = list(
        _visible_assessments(case, categories)
        .select_related("instrument", "assessed_by")
        .defer("answers")
        .order_by("-assessed_at", "-pk")[:MAX_LISTED]
    )
    series = {definition.code: [] for definition in definitions}
    for assessment in reversed(assessments):
        definition = definition_of(assessment.instrument)
        series.setdefault(assessment.instrument.code, []).append(_row(assessment, definition))
    sections = [{"definition": definition, "rows": series.get(definition.code, [])} for definition in definitions]
    hidden = [DataCategory(category).label for category in INSTRUMENT_CATEGORIES if category not in categories]
    context = {
        **_header(request, case, categories),
        "sections": sections,
        "hidden_categories": hidden,
        "truncated": len(assessments) == MAX_LISTED,
    }
    return render(request, "clients/assessments/list.html", context)


def _default_stage(case, definition) -> str:
    earlier = Assessment.objects.filter(case=case, instrument__code=definition.code).exists()
    return Assessment.Stage.FOLLOW_UP if earlier else Assessment.Stage.BASELINE


@object_scoped(Action.VIEW_PERSONAL_DATA)
@gates.safety_plan_first()
def assessment_new(request, pk, code):
    membership = request.membership
    case = access.get_case_for_member(membership, pk)
    definition = _visible_definition(access.visible_categories(membership, case), code)
    initial = {"stage": _default_stage(case, definition)} if request.method == "GET" else None
    form = AssessmentForm(posted(request), definition=definition, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = assessment_record(
                actor=request.user,
                membership=membership,
                case=case,
                instrument_code=definition.code,
                answers=form.answers(),
                stage=form.cleaned_data["stage"],
                interpreter_language=form.cleaned_data["interpreter_language"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error, field_name=form.field_name_of)
        else:
            messages.success(request, _("Assessment saved."))
            if not gates.case_may_continue(case):
                messages.warning(request, gates.GATE_MESSAGE)
            return redirect("clients:assessment_detail", pk=case.pk, assessment_pk=assessment.pk)
    context = {
        **_header(request, case),
        "form": form,
        "definition": definition,
        "instructions": str(definition.instructions) if definition.instructions else "",
        "translation_note": _translation_note(definition),
    }
    return render(request, "clients/assessments/new.html", context, status=400 if form.errors else 200)


def _answer_rows(definition, answers) -> list[dict]:
    rows = []
    for item in definition.items:
        value = answers.get(item.code)
        if value is None:
            answer = _("No answer")
        else:
            try:
                answer = str(item.option(value).label)
            except KeyError:
                answer = str(value)
        rows.append({"item": str(item.label), "answer": answer, "value": value})
    return rows


@object_scoped(Action.VIEW_PERSONAL_DATA)
def assessment_detail(request, pk, assessment_pk):
    membership = request.membership
    case = access.get_case_for_member(membership, pk)
    categories = access.visible_categories(membership, case)
    try:
        assessment = (
            _visible_assessments(case, categories)
            .select_related("instrument", "data_key", "assessed_by")
            .get(pk=assessment_pk)
        )
    except Assessment.DoesNotExist:
        raise Http404 from None
    definition = definition_of(assessment.instrument)
    answers = assessment.answers or {}
    try:
        result = scoring.score(definition, answers)
        actions = [str(instruments.action_label(code)) for code in result.required_actions]
    except (scoring.AnswerError, instruments.InstrumentNotFound):
        actions = []
    audit.record(
        request.user,
        "clients.assessment_viewed",
        assessment,
        fields=["answers"],
        organization=membership.organization_id,
        request=request,
    )
    others = _visible_assessments(case, categories).filter(instrument__code=assessment.instrument.code).count()
    band = definition.band(assessment.band) if assessment.band in {b.code for b in definition.bands} else None
    context = {
        **_header(request, case, categories),
        "definition": definition,
        "row": _row(assessment, definition),
        "band_description": str(band.description) if band and band.description else "",
        "answers": _answer_rows(definition, answers),
        "actions": actions,
        "may_compare": others > 1,
    }
    return render(request, "clients/assessments/detail.html", context)


def _result(assessment) -> scoring.Result:
    score = assessment.score
    return scoring.Result(
        score=int(score) if score == int(score) else score,
        band=assessment.band or None,
        flags=tuple(assessment.flags or ()),
        details={},
        instrument=assessment.instrument.code,
        version=assessment.instrument.version,
    )


def _default_pair(series):
    """The first baseline and the latest result after it (else the first and the latest results)."""
    baselines = [a for a in series if a.stage == Assessment.Stage.BASELINE]
    baseline = baselines[0] if baselines else series[0]
    if baseline is series[-1]:
        return series[0], series[-1]
    return baseline, series[-1]


def _choice_label(assessment) -> str:
    return _("%(date)s · %(stage)s · score %(score)s") % {
        "date": timezone.localtime(assessment.assessed_at).strftime("%Y-%m-%d"),
        "stage": assessment.get_stage_display(),
        "score": score_text(assessment.score),
    }


def _summary(comparison, definition) -> dict:
    if comparison.improved is None:
        direction = _("No change in the score.") if comparison.change == 0 else _("The score changed.")
    elif comparison.improved:
        direction = _("Better.")
    else:
        direction = _("Worse.")
    meaningful = ""
    if definition.comparison.direction != "none" and comparison.change:
        threshold = score_text_number(definition.comparison.meaningful_change)
        meaningful = (
            _("A meaningful change (at least %(points)s points).") % {"points": threshold}
            if comparison.meaningful
            else _("Less than a meaningful change (%(points)s points).") % {"points": threshold}
        )
    band_change = ""
    if comparison.band_change:
        before, after = comparison.band_change
        band_change = _("From “%(before)s” to “%(after)s”.") % {
            "before": _band_label(definition, before) or "—",
            "after": _band_label(definition, after) or "—",
        }
    return {"direction": direction, "meaningful": meaningful, "band_change": band_change}


def score_text_number(value) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _signed(value) -> str:
    text = score_text_number(value)
    return f"+{text}" if value > 0 else text


@object_scoped(Action.VIEW_PERSONAL_DATA)
def assessment_compare(request, pk, code):
    membership = request.membership
    case = access.get_case_for_member(membership, pk)
    categories = access.visible_categories(membership, case)
    definition = _visible_definition(categories, code)
    series = list(
        _visible_assessments(case, categories)
        .filter(instrument__code=definition.code)
        .select_related("instrument")
        .defer("answers")
        .order_by("assessed_at", "pk")[:MAX_LISTED]
    )
    context = {**_header(request, case, categories), "definition": definition, "series": [], "comparison": None}
    if len(series) < 2:
        context["too_few"] = True
        return render(request, "clients/assessments/compare.html", context)
    by_pk = {str(assessment.pk): assessment for assessment in series}
    baseline, followup = _default_pair(series)
    choices = [(key, _choice_label(assessment)) for key, assessment in by_pk.items()]
    bound = "baseline" in request.GET or "followup" in request.GET
    form = CompareForm(
        request.GET if bound else None,
        choices=choices,
        initial={"baseline": str(baseline.pk), "followup": str(followup.pk)},
    )
    status = 200
    if bound:
        if form.is_valid():
            baseline, followup = by_pk[form.cleaned_data["baseline"]], by_pk[form.cleaned_data["followup"]]
            if baseline.pk == followup.pk:
                form.add_error("followup", _("Choose two different results."))
            elif (baseline.assessed_at, str(baseline.pk)) > (followup.assessed_at, str(followup.pk)):
                form.add_error("followup", _("The follow-up must come after the baseline."))
        if form.errors:
            status = 400
            baseline, followup = _default_pair(series)
    comparison = scoring.compare(definition, _result(baseline), _result(followup))
    low, high = definition.score_range
    context.update(
        {
            "form": form,
            "baseline": _row(baseline, definition_of(baseline.instrument)),
            "followup": _row(followup, definition_of(followup.instrument)),
            "comparison": comparison,
            "change": _signed(comparison.change),
            "summary": _summary(comparison, definition),
            "series": [
                {**_row(assessment, definition_of(assessment.instrument)), "low": low, "high": high}
                for assessment in series
            ],
            "low": low,
            "high": high,
            "lower_is_better": definition.comparison.direction == "lower_is_better",
        }
    )
    return render(request, "clients/assessments/compare.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# Safety plan


def _contacts_shown(plan, shows_contacts):
    if plan is None or not shows_contacts:
        return []
    return list(plan.trusted_contacts or [])


def _plan_fields_read(plan, shows_contacts) -> list[str]:
    """The encrypted parts of ``plan`` a page shows: what its audit event names."""
    names = ["safe_places", "warning_signs", "code_word", "digital_safety"]
    if shows_contacts:
        names.insert(0, "trusted_contacts")
    return [name for name in names if getattr(plan, name) not in (None, "", [], {})]


@object_scoped(Action.VIEW_PERSONAL_DATA)
def safety_plan(request, pk):
    membership = request.membership
    case = safety.risk_case(membership, pk)
    plan = safety.plan_of(case)
    shows_contacts = safety.sees_trusted_contacts(membership, case)
    if plan is not None:
        shown = _plan_fields_read(plan, shows_contacts)
        if shown:
            audit.record(
                request.user,
                "clients.safety_plan_viewed",
                plan,
                fields=shown,
                organization=membership.organization_id,
                request=request,
            )
    checklist = []
    if plan is not None:
        done = plan.digital_safety or {}
        checklist = [(label, bool(done.get(code))) for code, label in safety.DIGITAL_SAFETY_ITEMS.items()]
    context = {
        **_header(request, case),
        "plan": plan,
        "contacts": _contacts_shown(plan, shows_contacts),
        "shows_contacts": shows_contacts,
        "hidden_contacts": len(plan.trusted_contacts or []) if plan is not None and not shows_contacts else 0,
        "checklist": checklist,
        "review_due": safety.is_review_due(plan),
    }
    return render(request, "clients/safety/plan.html", context)


@object_scoped(Action.VIEW_PERSONAL_DATA)
def safety_plan_edit(request, pk):
    membership = request.membership
    case = safety.risk_case(membership, pk)
    plan = safety.plan_of(case)
    shows_contacts = safety.sees_trusted_contacts(membership, case)
    form = SafetyPlanForm(posted(request), plan=plan, with_contacts=shows_contacts)
    if request.method == "POST" and form.is_valid():
        try:
            saved = safety.safety_plan_save(
                actor=request.user, membership=membership, case=case, values=form.values(), request=request
            )
        except ValidationError as error:
            add_service_errors(form, error, field_name=form.field_name_of)
        else:
            if saved.cleared_requirement:
                messages.success(request, _("Safety plan saved. The case can continue."))
            elif saved.created or saved.changed:
                messages.success(request, _("Safety plan saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("clients:safety_plan", pk=case.pk)
    if request.method == "GET" and plan is not None:
        shown = _plan_fields_read(plan, shows_contacts)
        if shown:
            # The form is filled with the plan: that is a read, like the plan's page.
            audit.record(
                request.user,
                "clients.safety_plan_viewed",
                plan,
                fields=shown,
                organization=membership.organization_id,
                request=request,
            )
    context = {
        **_header(request, case),
        "plan": plan,
        "form": form,
        "shows_contacts": shows_contacts,
        "hidden_contacts": len(plan.trusted_contacts or []) if plan is not None and not shows_contacts else 0,
        "max_contacts": safety.MAX_TRUSTED_CONTACTS,
    }
    return render(request, "clients/safety/edit.html", context, status=400 if form.errors else 200)


# ---------------------------------------------------------------------------------------------
# Incidents


def _incident_row(incident) -> dict:
    return {
        "incident": incident,
        "type": gbvims.INCIDENT_TYPES.get(incident.incident_type, incident.incident_type),
        "contexts": [str(gbvims.CONTEXTS[code]) for code in incident.contexts or [] if code in gbvims.CONTEXTS],
    }


@object_scoped(Action.VIEW_PERSONAL_DATA)
def incident_list(request, pk):
    membership = request.membership
    case = safety.risk_case(membership, pk)
    rows = [
        _incident_row(incident)
        for incident in incidents.visible_incidents(membership, case)
        .defer("classification_answers")
        .order_by("-reported_at", "-pk")[:MAX_LISTED]
    ]
    return render(request, "clients/incidents/list.html", {**_header(request, case), "rows": rows})


def _incident_initial(case) -> dict:
    now = timezone.localtime().replace(second=0, microsecond=0)
    area = case.client.admin_area
    return {"reported_at": now, "admin_area": area.pcode if area else ""}


@object_scoped(Action.VIEW_PERSONAL_DATA)
@gates.safety_plan_first(extra_message=URGENT_CARE_NOTE)
def incident_new(request, pk):
    membership = request.membership
    case = safety.risk_case(membership, pk)
    form = IncidentForm(posted(request), initial=_incident_initial(case) if request.method == "GET" else None)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            incident = incidents.incident_record(actor=request.user, membership=membership, case=case, **values)
        except ValidationError as error:
            add_service_errors(form, error, field_name=form.field_name_of)
        else:
            messages.success(
                request,
                _("Incident recorded as “%(type)s”.") % {"type": gbvims.INCIDENT_TYPES[incident.incident_type]},
            )
            if incident.urgent:
                messages.warning(
                    request,
                    _(
                        "Within 72 hours: refer the client for post-exposure prophylaxis and emergency "
                        "contraception now. A task was given to the caseworker and the supervisors were alerted."
                    ),
                )
            if incident.marked_sensitive:
                messages.info(
                    request,
                    _("The case is now sensitive: the client's name is masked for everyone outside the case team."),
                )
            return redirect("clients:incident_detail", pk=case.pk, incident_pk=incident.pk)
    context = {**_header(request, case), "form": form}
    return render(request, "clients/incidents/new.html", context, status=400 if form.errors else 200)


@object_scoped(Action.VIEW_PERSONAL_DATA)
def incident_detail(request, pk, incident_pk):
    membership = request.membership
    case = safety.risk_case(membership, pk)
    incident = incidents.get_incident(membership, case, incident_pk)
    stored = incident.classification_answers or {}
    answers = [
        {"question": str(question.text), "answer": _("Yes") if stored[question.key] else _("No")}
        for question in gbvims.QUESTIONS
        if question.key in stored
    ]
    audit.record(
        request.user,
        "clients.incident_viewed",
        incident,
        fields=["classification_answers"],
        organization=membership.organization_id,
        request=request,
    )
    context = {**_header(request, case), **_incident_row(incident), "answers": answers}
    return render(request, "clients/incidents/detail.html", context)
