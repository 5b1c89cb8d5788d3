"""Subject access: a client's own data, for them, as JSON and as a printable page.

Staff export what *their organization* holds and may see of the client (each organization
answers for its own file): only staff who may see the client's identity on the case, and only
in the categories the organization may see. Consent answers addressed to a third organization
are left out, as everywhere (they would tell who else works with the client). Every export is
audited with the names of the parts it held, never their values.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway import audit
from caseway.clients import access, consent
from caseway.clients.models import (
    AgeBand,
    Assessment,
    Case,
    CaseStatus,
    Consent,
    ConsentPurpose,
    DataCategory,
    DisplacementStatus,
    Incident,
    Need,
    SafetyPlan,
    Sex,
)

IDENTITY_FIELDS = (
    "given_name",
    "family_name",
    "aliases",
    "birth_date",
    "birth_date_is_estimated",
    "nationality",
    "documents_held",
)
CONTACT_FIELDS = ("phone", "address")
# Which category each part belongs to: a part is exported only where the category is visible.
SECTION_CATEGORY = {
    "identity": DataCategory.IDENTITY,
    "contact": DataCategory.CONTACT,
    "needs": DataCategory.NEEDS,
    "safety_plan": DataCategory.RISK,
    "incidents": DataCategory.RISK,
}
FORMAT_VERSION = 1


def _iso(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def _label(model_or_choices, value) -> str:
    for choice_value, label in model_or_choices.choices:
        if choice_value == value:
            return str(label)
    return str(value) if value is not None else ""


def require_export(membership, case: Case) -> frozenset:
    """The categories to export; PermissionDenied unless ``membership`` may see the client's identity."""
    categories = access.visible_categories(membership, case)
    if not access.can_see_identity(membership, case, categories):
        raise PermissionDenied
    return categories


def _record(client) -> dict:
    area = client.admin_area
    return {
        "code": client.code,
        "sex": client.sex,
        "age_band": client.age_band,
        "area": {"pcode": area.pcode, "name": area.localized_name()} if area else None,
        "displacement_status": client.displacement_status,
        "has_disability": client.has_disability,
        "disability_domains": list(client.disability_domains or []),
        "languages": list(client.languages or []),
        "children_count": client.children_count,
        "children_ages": list(client.children_ages or []),
        "cares_for_children": client.cares_for_children,
        "cares_for_others": client.cares_for_others,
    }


def _consents(answers, case, categories, at) -> list[dict]:
    # A status needs every answer to the same question, shown or not (a newer one may replace it).
    every_answer = list(Consent.objects.filter(client_id=case.client_id))
    shows_contact = DataCategory.CONTACT in categories
    rows = []
    for answer in answers:
        rows.append(
            {
                "purpose": answer.purpose,
                "granted": answer.granted,
                "status": consent.status_of(answer, every_answer, at=at),
                "recipient": answer.recipient.name if answer.recipient_id else None,
                "categories": list(answer.categories or []),
                "contact_methods": list(answer.contact_methods or []) if shows_contact else [],
                "safe_times": answer.safe_times if shows_contact else "",
                "given_by": answer.given_by,
                "caregiver_relationship": answer.caregiver_relationship,
                "method": answer.method,
                "interpreter_language": answer.interpreter_language,
                "recorded_at": _iso(answer.recorded_at),
                "expires_at": _iso(answer.expires_at),
                "revoked_at": _iso(answer.revoked_at),
                "wording": {
                    "version": answer.wording.version,
                    "language": answer.wording.language,
                    "text": answer.wording.text,
                    "sha256": answer.wording_sha256,
                },
            }
        )
    return rows


def _assessments(case, categories) -> list[dict]:
    assessments = (
        Assessment.objects.filter(case=case, instrument__category__in=categories)
        .select_related("instrument", "data_key")
        .order_by("assessed_at", "pk")
    )
    return [
        {
            "instrument": assessment.instrument.code,
            "instrument_version": assessment.instrument.version,
            "stage": assessment.stage,
            "assessed_at": _iso(assessment.assessed_at),
            "score": None if assessment.score is None else str(assessment.score),
            "band": assessment.band,
            "flags": list(assessment.flags or []),
            "answers": assessment.answers,
            "interpreter_language": assessment.interpreter_language,
        }
        for assessment in assessments
    ]


def _needs(case) -> list[dict]:
    return [
        {
            "domain": need.domain,
            "priority": need.priority,
            "status": need.status,
            "identified_at": _iso(need.identified_at),
        }
        for need in Need.objects.filter(case=case).order_by("identified_at", "pk")
    ]


def _safety_plan(case) -> dict | None:
    plan = SafetyPlan.objects.filter(case=case).select_related("data_key").first()
    if plan is None:
        return None
    return {
        "trusted_contacts": plan.trusted_contacts,
        "safe_places": plan.safe_places,
        "warning_signs": plan.warning_signs,
        "code_word": plan.code_word,
        "digital_safety": plan.digital_safety,
        "review_date": _iso(plan.review_date),
        "updated_at": _iso(plan.updated_at),
    }


def _incidents(case) -> list[dict]:
    incidents = Incident.objects.filter(case=case).select_related("data_key", "admin_area").order_by("reported_at")
    return [
        {
            "incident_type": incident.incident_type,
            "classification_answers": incident.classification_answers,
            "contexts": list(incident.contexts or []),
            "incident_date": _iso(incident.incident_date),
            "area": incident.admin_area.localized_name() if incident.admin_area_id else None,
            "perpetrator_type": incident.perpetrator_type,
            "reported_at": _iso(incident.reported_at),
            "within_72_hours": incident.within_72_hours,
        }
        for incident in incidents
    ]


def _subject_data(case: Case, categories, answers, at) -> dict:
    client = case.client
    data = {
        "format": "caseway.subject_access",
        "format_version": FORMAT_VERSION,
        "exported_at": _iso(at),
        "organization": case.organization.name,
        "case": {
            "status": case.status,
            "opened_at": _iso(case.opened_at),
            "closed_at": _iso(case.closed_at),
        },
        "client": _record(client),
        "identity": {name: _iso(getattr(client, name)) for name in IDENTITY_FIELDS},
    }
    if DataCategory.CONTACT in categories:
        data["contact"] = {name: getattr(client, name) for name in CONTACT_FIELDS}
    data["consents"] = _consents(answers, case, categories, at)
    data["assessments"] = _assessments(case, categories)
    if DataCategory.NEEDS in categories:
        data["needs"] = _needs(case)
    if DataCategory.RISK in categories:
        data["safety_plan"] = _safety_plan(case)
        data["incidents"] = _incidents(case)
    return data


def _exported_fields(data) -> list[str]:
    return sorted(key for key in data if key not in {"format", "format_version", "exported_at"})


def subject_access_data(*, actor, membership, case: Case, request=None, at=None) -> dict:
    """The client's data as ``membership``'s organization holds it, as plain JSON values. Audited."""
    at = at or timezone.now()
    categories = require_export(membership, case)
    data = _subject_data(case, categories, consent.visible_consents(membership, case), at)
    audit.record(
        actor,
        "clients.subject_access_exported",
        case,
        fields=_exported_fields(data),
        organization=membership.organization_id,
        request=request,
    )
    return data


def own_data(*, case: Case, actor_label: str, at=None) -> dict:
    """The client's own data as ``case``'s organization holds it, asked for by the client themselves
    (the portal's "my data"): every category, every answer they gave. Audited under ``actor_label``."""
    at = at or timezone.now()
    answers = Consent.objects.filter(client_id=case.client_id).select_related("recipient").order_by("-recorded_at")
    data = _subject_data(case, frozenset(DataCategory.values), answers, at)
    audit.record(
        None,
        "clients.own_data_exported",
        case,
        fields=_exported_fields(data),
        organization=case.organization_id,
        actor_label=actor_label,
    )
    return data


def filename(case: Case, at, extension: str) -> str:
    """The download's name: the client code and the date, never a name."""
    return f"subject-access-{case.client.code}-{at:%Y-%m-%d}.{extension}"


# ---------------------------------------------------------------------------------------------
# The printable page: the same data, with codes turned into words of the reader's language


def as_text(value) -> str:
    """Any JSON value as one line of text (answers, contacts, checklists)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, dict):
        return "; ".join(f"{key}: {as_text(item)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(as_text(item) for item in value)
    return str(value)


def _labels(choices, values) -> str:
    return ", ".join(_label(choices, value) for value in values or [])


def printable(data: dict) -> dict:
    """A copy of ``subject_access_data`` for the printable page: labels instead of codes."""
    page = {**data}
    record = data["client"]
    page["client"] = {
        **record,
        "sex": _label(Sex, record["sex"]),
        "age_band": _label(AgeBand, record["age_band"]),
        "displacement_status": _label(DisplacementStatus, record["displacement_status"]),
        "has_disability": as_text(record["has_disability"]),
        "disability_domains": as_text(record["disability_domains"]),
        "languages": as_text(record["languages"]),
        "children_ages": as_text(record["children_ages"]),
        "cares_for_children": as_text(record["cares_for_children"]),
        "cares_for_others": as_text(record["cares_for_others"]),
    }
    page["case"] = {**data["case"], "status": _label(CaseStatus, data["case"]["status"])}
    page["identity"] = {
        **data["identity"],
        "aliases": as_text(data["identity"]["aliases"]),
        "documents_held": as_text(data["identity"]["documents_held"]),
        "birth_date_is_estimated": as_text(data["identity"]["birth_date_is_estimated"]),
    }
    page["consents"] = [
        {
            **answer,
            "purpose": _label(ConsentPurpose, answer["purpose"]),
            "status": str(consent.Status.LABELS.get(answer["status"], answer["status"])),
            "categories": _labels(DataCategory, answer["categories"]),
            "contact_methods": _labels(Consent.ContactMethod, answer["contact_methods"]),
            "given_by": _label(Consent.GivenBy, answer["given_by"]),
            "method": _label(Consent.Method, answer["method"]),
        }
        for answer in data["consents"]
    ]
    page["assessments"] = [
        {
            **row,
            "stage": _label(Assessment.Stage, row["stage"]),
            "answers": as_text(row["answers"]),
            "flags": as_text(row["flags"]),
        }
        for row in data["assessments"]
    ]
    if "needs" in data:
        page["needs"] = [
            {
                **need,
                "domain": _label(Need.Domain, need["domain"]),
                "priority": _label(Need.Priority, need["priority"]),
                "status": _label(Need.Status, need["status"]),
            }
            for need in data["needs"]
        ]
    if data.get("safety_plan"):
        plan = data["safety_plan"]
        page["safety_plan"] = {
            **plan,
            "trusted_contacts": as_text(plan["trusted_contacts"]),
            "digital_safety": as_text(plan["digital_safety"]),
        }
    if "incidents" in data:
        page["incidents"] = [
            {
                **incident,
                "classification_answers": as_text(incident["classification_answers"]),
                "contexts": as_text(incident["contexts"]),
                "perpetrator_type": _label(Incident.PerpetratorType, incident["perpetrator_type"]),
                "within_72_hours": as_text(incident["within_72_hours"]),
            }
            for incident in data["incidents"]
        ]
    return page
