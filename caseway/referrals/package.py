"""The shared package: a snapshot, taken when a referral is sent, of only the categories it carries.

It is plain JSON, stored encrypted under the client's own key (``Referral.package``), so erasing
the client shreds it with everything else. What each category holds:

- always: the client code and the statistical fields every organization with a case sees
  (sex, age group, area, displacement, disability, languages, children, caregiving);
- identity: names, other names, date of birth, nationality, documents held;
- contact: phone and address, and the safe ways and times to contact the client (a wrong call
  can put a survivor in danger);
- needs: the sender's open needs (domain, priority) and needs-assessment results (score, band);
- risk: risk level, whether a safety plan is required and exists (never its contents: trusted
  contacts, safe places and code words stay with the sender), GBV incidents as classified
  (type, date, within 72 hours, perpetrator type; never the classification answers), risk
  assessment results;
- health: the urgent health flag (post-exposure prophylaxis) and health assessment results;
- psychosocial: psychosocial assessment results (score, band, flags, never the answers);
- legal, documents: nothing is recorded in these categories yet (later apps add them).
"""

import datetime

from django.utils import timezone

from caseway.clients import consent
from caseway.clients.models import (
    Assessment,
    Case,
    Consent,
    ConsentPurpose,
    DataCategory,
    Incident,
    Need,
    SafetyPlan,
)

FORMAT_VERSION = 1
IDENTITY_FIELDS = ("given_name", "family_name", "aliases", "birth_date", "birth_date_is_estimated", "nationality")


def _iso(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def client_record(client) -> dict:
    area = client.admin_area
    return {
        "code": client.code,
        "sex": client.sex,
        "age_band": client.age_band,
        "area": {"pcode": area.pcode, "name": area.name} if area else None,
        "displacement_status": client.displacement_status,
        "has_disability": client.has_disability,
        "disability_domains": list(client.disability_domains or []),
        "languages": list(client.languages or []),
        "children_count": client.children_count,
        "children_ages": list(client.children_ages or []),
        "cares_for_children": client.cares_for_children,
        "cares_for_others": client.cares_for_others,
    }


def _assessments(case: Case, category) -> list[dict]:
    rows = (
        Assessment.objects.filter(case=case, instrument__category=category)
        .select_related("instrument")
        .order_by("assessed_at", "pk")
    )
    return [
        {
            "instrument": row.instrument.code,
            "stage": row.stage,
            "assessed_at": _iso(row.assessed_at),
            "score": None if row.score is None else str(row.score),
            "band": row.band,
            "flags": list(row.flags or []),
        }
        for row in rows
    ]


def _identity(case: Case) -> dict:
    client = case.client
    values = {name: _iso(getattr(client, name)) for name in IDENTITY_FIELDS}
    values["documents_held"] = client.documents_held
    return values


def _contact_preferences(client, at) -> dict:
    answers = Consent.objects.filter(client=client, purpose=ConsentPurpose.CONTACT).order_by("-recorded_at", "-pk")
    for answer in answers:
        if answer.recorded_at > at:
            continue
        if not consent.in_force(answer, at):
            return {"agreed": False, "methods": [], "safe_times": ""}
        return {"agreed": True, "methods": list(answer.contact_methods or []), "safe_times": answer.safe_times}
    return {"agreed": None, "methods": [], "safe_times": ""}


def _contact(case: Case, at) -> dict:
    client = case.client
    return {"phone": client.phone, "address": client.address, "preferences": _contact_preferences(client, at)}


def _needs(case: Case, at) -> dict:
    needs = Need.objects.filter(case=case, status__in=[Need.Status.OPEN, Need.Status.REFERRED]).order_by(
        "identified_at", "pk"
    )
    return {
        "needs": [{"domain": need.domain, "priority": need.priority} for need in needs],
        "assessments": _assessments(case, DataCategory.NEEDS),
    }


def _risk(case: Case, at) -> dict:
    plan = SafetyPlan.objects.filter(case=case).only("review_date").first()
    incidents = Incident.objects.filter(case=case).order_by("reported_at", "pk")
    return {
        "risk_level": case.risk_level,
        "safety_plan_required": case.safety_plan_required,
        "safety_plan_exists": plan is not None,
        "incidents": [
            {
                "incident_type": incident.incident_type,
                "incident_date": _iso(incident.incident_date),
                "within_72_hours": incident.within_72_hours,
                "perpetrator_type": incident.perpetrator_type,
            }
            for incident in incidents
        ],
        "assessments": _assessments(case, DataCategory.RISK),
    }


def _health(case: Case, at) -> dict:
    return {"urgent_health_need": case.urgent_health_need, "assessments": _assessments(case, DataCategory.HEALTH)}


def _psychosocial(case: Case, at) -> dict:
    return {"assessments": _assessments(case, DataCategory.PSYCHOSOCIAL)}


def _nothing_yet(case: Case, at) -> dict:
    return {}


SECTIONS = {
    DataCategory.IDENTITY: lambda case, at: _identity(case),
    DataCategory.CONTACT: _contact,
    DataCategory.NEEDS: _needs,
    DataCategory.RISK: _risk,
    DataCategory.HEALTH: _health,
    DataCategory.PSYCHOSOCIAL: _psychosocial,
    DataCategory.LEGAL: _nothing_yet,
    DataCategory.DOCUMENTS: _nothing_yet,
}


def snapshot(case: Case, categories, *, override_referral=False, overridden=(), at=None) -> dict:
    """The package of ``case``'s client in ``categories``, as it stands now."""
    at = at or timezone.now()
    return {
        "format_version": FORMAT_VERSION,
        "taken_at": _iso(at),
        "client": client_record(case.client),
        "sections": {category: SECTIONS[category](case, at) for category in sorted(set(categories))},
        "override": {"referral": bool(override_referral), "categories": sorted(set(overridden))},
    }


def visible_part(package: dict | None, categories) -> dict:
    """The package cut down to ``categories`` (the ones the viewer may see now)."""
    package = package or {}
    sections = package.get("sections", {})
    return {
        "taken_at": package.get("taken_at"),
        "client": package.get("client"),
        "sections": {category: sections[category] for category in sorted(categories) if category in sections},
    }
