"""Shared by the intake tests: drafts at a given step, and the form data each step posts."""

from django.urls import reverse

from caseway.clients import consent, intake
from caseway.clients.tests.factories import an_area

NEEDS_ITEMS = (
    "safety",
    "health",
    "mental_health",
    "legal",
    "housing",
    "childcare",
    "education",
    "livelihoods",
    "civil_documentation",
    "basic_needs",
)
WG_ITEMS = ("seeing", "hearing", "walking", "cognition", "self_care", "communication")
RISK_ITEMS = (
    "perpetrator_access",
    "threats_to_kill",
    "weapon",
    "strangulation",
    "escalation",
    "fears_for_life",
    "fears_killed_tonight",
    "children_at_risk",
    "no_safe_place_tonight",
    "recent_violence_72h",
    "suicidal_thoughts",
)


def member_of(user):
    return user.memberships.get()


def step_url(draft, step):
    return reverse("clients:intake_step", kwargs={"pk": draft.pk, "step": step})


# -- form data, as the pages post it -----------------------------------------------------------


def safety_data(**extra):
    return {"safe_now": "yes", "client_language": "ar", "interpreter_language": "", **extra}


def consent_data(language="en", **extra):
    data = {
        "wording_language": language,
        "services": "yes",
        "statistics": "yes",
        "contact": "yes",
        "contact_methods": ["sms"],
        "safe_times": "Mornings",
        "given_by": "client",
        "method": "verbal",
    }
    for purpose in intake.INTAKE_PURPOSES:
        data[f"{purpose}_sha256"] = consent.text_digest(consent.shipped_text(purpose, language))
    return {**data, **extra}


def registration_data(**extra):
    return {
        "sex": "female",
        "age_band": "25-59",
        "admin_area": an_area().pcode,
        "given_name": "Amina",
        "family_name": "Haddad",
        "birth_date": "1991-04-12",
        "phone": "+249 912 345 678",
        "displacement_status": "idp",
        "languages": "ar, fr",
        "children_count": "2",
        "children_ages": "3, 7",
        "cares_for_children": "on",
        **extra,
    }


def needs_data(**extra):
    return {**dict.fromkeys(NEEDS_ITEMS, "0"), **extra}


def wg_data(**extra):
    return {**dict.fromkeys(WG_ITEMS, "1"), **extra}


def risk_data(**extra):
    return {**dict.fromkeys(RISK_ITEMS, "0"), **extra}


STEP_DATA = {
    intake.SAFETY: safety_data,
    intake.CONSENT: consent_data,
    intake.REGISTRATION: registration_data,
    intake.NEEDS: needs_data,
    intake.DISABILITY: wg_data,
    intake.RISK: risk_data,
}


# -- drafts through the services ---------------------------------------------------------------


def _stored(step, registration):
    if step == intake.SAFETY:
        return {"safe_now": "yes"}
    if step == intake.CONSENT:
        stored = {
            "language": "en",
            "given_by": "client",
            "caregiver_relationship": "",
            "method": "verbal",
            "witness": None,
        }
        for purpose in intake.INTAKE_PURPOSES:
            stored[purpose] = {"answer": "yes", "sha256": consent.wording_for(purpose, "en").sha256}
        stored["contact"] |= {"methods": ["sms"], "safe_times": ""}
        return stored
    if step == intake.REGISTRATION:
        return {
            "sex": "female",
            "age_band": "25-59",
            "admin_area": an_area().pcode,
            "given_name": "Amina",
            "family_name": "Haddad",
            "birth_date": "1991-04-12",
            "phone": "+249912345678",
            **(registration or {}),
        }
    if step == intake.DUPLICATES:
        return {"shown": False, "decision": "new"}
    if step == intake.NEEDS:
        return {"answers": {**dict.fromkeys(NEEDS_ITEMS, 0), "housing": 3}}
    if step == intake.DISABILITY:
        return {"answers": dict.fromkeys(WG_ITEMS, 1)}
    if step == intake.RISK:
        return {"answers": dict.fromkeys(RISK_ITEMS, 0)}
    raise ValueError(step)


def draft_at(user, step=intake.SAFETY, *, registration=None):
    """A draft of ``user`` with every step before ``step`` answered (through the services)."""
    member = member_of(user)
    draft = intake.intake_start(actor=user, membership=member)
    for earlier in intake.STEPS[: intake.step_index(step)]:
        draft = intake.intake_save_step(
            actor=user,
            membership=member,
            draft=draft,
            step=earlier,
            answers=_stored(earlier, registration),
            go_to=intake.next_step(earlier),
        )
    return draft


def completed_intake(user, **kwargs):
    """(draft, case) of a finished intake of ``user``."""
    draft = draft_at(user, intake.SUMMARY, **kwargs)
    case = intake.intake_complete(actor=user, membership=member_of(user), draft=draft)
    draft.refresh_from_db()
    return draft, case
