"""The package as people read it: codes turned into words of the reader's language, per section.

``sections(part)`` takes what ``access.visible_package`` returned (only the categories the
viewer may see) and gives, for each, a label and (label, value, is_left_to_right) rows.
"""

from django.utils.translation import gettext as _

from caseway.clients import gbvims
from caseway.clients.models import (
    AgeBand,
    Assessment,
    Consent,
    DataCategory,
    DisplacementStatus,
    Incident,
    Need,
    RiskLevel,
    Sex,
)


def _label(choices, value) -> str:
    for choice, label in choices.choices:
        if choice == value:
            return str(label)
    return "" if value is None else str(value)


def _yes_no(value) -> str:
    if value is None:
        return _("Not asked yet")
    return _("Yes") if value else _("No")


def _join(values) -> str:
    return ", ".join(str(value) for value in values or [] if value not in (None, ""))


def client_rows(record: dict | None) -> list[tuple]:
    if not record:
        return []
    area = record.get("area") or {}
    rows = [
        (_("Client code"), record.get("code", ""), True),
        (_("Sex"), _label(Sex, record.get("sex")), False),
        (_("Age group"), _label(AgeBand, record.get("age_band")), False),
        (_("Area"), area.get("name", ""), False),
        (_("Displacement"), _label(DisplacementStatus, record.get("displacement_status")), False),
        (_("Disability"), _yes_no(record.get("has_disability")), False),
    ]
    if record.get("languages"):
        rows.append((_("Languages"), _join(record["languages"]), True))
    if record.get("children_count") is not None:
        rows.append((_("Number of children"), str(record["children_count"]), False))
    if record.get("children_ages"):
        rows.append((_("Ages of the children"), _join(record["children_ages"]), False))
    if record.get("cares_for_children"):
        rows.append((_("Caregiving"), _("Cares for children"), False))
    if record.get("cares_for_others"):
        rows.append((_("Caregiving"), _("Cares for an older, ill or disabled person"), False))
    return rows


def _assessment_rows(assessments) -> list[tuple]:
    rows = []
    for row in assessments or []:
        parts = [_label(Assessment.Stage, row.get("stage")), (row.get("assessed_at") or "")[:10]]
        if row.get("score") is not None:
            parts.append(_("score %(score)s") % {"score": row["score"]})
        if row.get("band"):
            parts.append(row["band"])
        if row.get("flags"):
            parts.append(_join(row["flags"]))
        rows.append((row.get("instrument", "").upper(), " · ".join(part for part in parts if part), False))
    return rows


def _identity(values) -> list[tuple]:
    labels = (
        ("given_name", _("Given name")),
        ("family_name", _("Family name")),
        ("aliases", _("Other names")),
        ("birth_date", _("Date of birth")),
        ("nationality", _("Nationality")),
        ("documents_held", _("Documents held")),
    )
    rows = []
    for name, label in labels:
        value = values.get(name)
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            value = _join(value)
        if name == "birth_date" and values.get("birth_date_is_estimated"):
            value = _("%(date)s (estimated)") % {"date": value}
        rows.append((label, value, name == "birth_date"))
    return rows


def _contact(values) -> list[tuple]:
    rows = []
    if values.get("phone"):
        rows.append((_("Phone"), values["phone"], True))
    if values.get("address"):
        rows.append((_("Address"), values["address"], False))
    preferences = values.get("preferences") or {}
    if preferences.get("agreed") is False:
        rows.append((_("Contact"), _("The client does not want to be contacted."), False))
    elif preferences.get("agreed"):
        methods = ", ".join(_label(Consent.ContactMethod, method) for method in preferences.get("methods", []))
        rows.append((_("Safe ways to contact"), methods, False))
        if preferences.get("safe_times"):
            rows.append((_("Safe times"), preferences["safe_times"], False))
    else:
        rows.append((_("Contact"), _("Not asked yet how to contact the client safely."), False))
    return rows


def _needs(values) -> list[tuple]:
    rows = [
        (_label(Need.Domain, need.get("domain")), _label(Need.Priority, need.get("priority")), False)
        for need in values.get("needs", [])
    ]
    return rows + _assessment_rows(values.get("assessments"))


def _incident_type(code) -> str:
    try:
        return str(gbvims.incident_type_label(code))
    except ValueError:
        return str(code)


def _risk(values) -> list[tuple]:
    rows = [(_("Risk level"), _label(RiskLevel, values.get("risk_level", "")), False)]
    if values.get("safety_plan_required"):
        rows.append((_("Safety plan"), _("Required"), False))
    rows.append((_("Safety plan at the sender"), _yes_no(values.get("safety_plan_exists")), False))
    for incident in values.get("incidents", []):
        parts = [
            _incident_type(incident.get("incident_type", "")),
            incident.get("incident_date") or "",
        ]
        parts.append(_label(Incident.PerpetratorType, incident.get("perpetrator_type")))
        if incident.get("within_72_hours"):
            parts.append(_("within 72 hours"))
        rows.append((_("Incident"), " · ".join(part for part in parts if part), False))
    return rows + _assessment_rows(values.get("assessments"))


def _health(values) -> list[tuple]:
    rows = []
    if values.get("urgent_health_need"):
        rows.append((_("Urgent health need"), _("Yes: post-exposure prophylaxis may be needed now"), False))
    return rows + _assessment_rows(values.get("assessments"))


def _assessments_only(values) -> list[tuple]:
    return _assessment_rows(values.get("assessments"))


RENDERERS = {
    DataCategory.IDENTITY: _identity,
    DataCategory.CONTACT: _contact,
    DataCategory.NEEDS: _needs,
    DataCategory.RISK: _risk,
    DataCategory.HEALTH: _health,
    DataCategory.PSYCHOSOCIAL: _assessments_only,
    DataCategory.LEGAL: _assessments_only,
    DataCategory.DOCUMENTS: _assessments_only,
}


def sections(part: dict | None) -> list[dict]:
    """The visible sections, in the categories' order: {"category", "label", "rows"}."""
    found = (part or {}).get("sections", {})
    return [
        {"category": value, "label": label, "rows": RENDERERS[value](found[value] or {})}
        for value, label in DataCategory.choices
        if value in found
    ]
