"""Shared helpers of the assessment, safety-plan, incident and gate tests."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.clients import gbvims
from caseway.clients.assessment_services import assessment_record
from caseway.clients.incidents import incident_record
from caseway.clients.models import Case, ConsentPurpose, DataCategory, Incident
from caseway.clients.safety import safety_plan_save
from caseway.clients.tests.factories import a_case, give_consent

# The personas whose role may not see personal data: 403 on every page of this area.
WRONG_ROLES = ("admin_a", "monitor_a", "coordinator", "donor")
OTHER_ORGANIZATION = ("caseworker_b", "supervisor_b", "legal_officer_b", "outsider")
PHQ9_NONE = {f"q{number}": 0 for number in range(1, 10)}
NO_RISK = dict.fromkeys(
    (
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
    ),
    "no",
)
IMMINENT_RISK = {**NO_RISK, "fears_killed_tonight": "yes", "threats_to_kill": "yes", "weapon": "yes"}
NO_TO_ALL = dict.fromkeys(gbvims.QUESTION_KEYS, False)


def member(user):
    return user.memberships.get()


def case_at_a(personas, **values):
    """A client registered by caseworker_a at org A, supervised by supervisor_a."""
    values.setdefault("given_name", "Amina")
    values.setdefault("family_name", "Haddad")
    case = a_case(member(personas.caseworker_a), **values)
    Case.objects.filter(pk=case.pk).update(supervisor=personas.supervisor_a)
    case.refresh_from_db()
    return case


def referral_case(case, organization, *, categories=(), recorded_by=None) -> Case:
    """``organization``'s case on ``case``'s client (a referral), with sharing consent for ``categories``."""
    referred = Case.objects.create(organization=organization, client=case.client, origin=Case.Origin.REFERRAL)
    if categories:
        give_consent(
            case.client,
            ConsentPurpose.SHARING,
            recorded_by=recorded_by,
            recipient=organization,
            categories=categories,
        )
    return referred


def an_assessment(user, case, code="phq9", *, stage="baseline", **answers):
    defaults = {"phq9": PHQ9_NONE, "risk": NO_RISK}[code]
    return assessment_record(
        actor=user,
        membership=member(user),
        case=case,
        instrument_code=code,
        answers={**defaults, **answers},
        stage=stage,
    )


def make_imminent(user, case):
    """A risk assessment in the imminent band: the case then needs a safety plan."""
    assessment = an_assessment(user, case, "risk", **IMMINENT_RISK)
    case.refresh_from_db()
    assert case.safety_plan_required
    return assessment


def plan_values(**overrides):
    values = {
        "trusted_contacts": [{"name": "Sister Leila", "phone": "+235 66 00 11 22", "relationship": "sister"}],
        "safe_places": "The health centre on the market road.",
        "warning_signs": "He starts drinking in the afternoon.",
        "code_word": "blue mango",
        "digital_safety": ["shared_phone", "location_sharing"],
        "review_date": timezone.localdate() + datetime.timedelta(days=14),
    }
    values.update(overrides)
    return values


def a_plan(user, case, **overrides):
    return safety_plan_save(actor=user, membership=member(user), case=case, values=plan_values(**overrides))


def an_incident(user, case, **overrides):
    values = {
        "answers": {"penetration": True},
        "perpetrator_type": Incident.PerpetratorType.ARMED_GROUP,
        "contexts": [gbvims.CRSV],
        "incident_date": timezone.localdate() - datetime.timedelta(days=30),
    }
    values.update(overrides)
    return incident_record(actor=user, membership=member(user), case=case, **values)


def url(name, case, **kwargs):
    return reverse(f"clients:{name}", kwargs={"pk": case.pk, **kwargs})


def events(action, **filters):
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("seq"))


def count_queries(function):
    with CaptureQueriesContext(connection) as captured:
        result = function()
    return len(captured.captured_queries), result


EVERY_CATEGORY_BUT_RISK = [category for category in DataCategory.values if category != DataCategory.RISK]


def assert_refusals(client, personas, path, *, method="get", data=None):
    """The whole matrix of disallowed users: anonymous → sign in, wrong role → 403, other organization → 404."""
    from django.conf import settings

    from caseway.tests.personas import login

    client.logout()
    response = getattr(client, method)(path, data or {})
    assert response.status_code == 302, ("anonymous", response.status_code)
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))
    for name in (*WRONG_ROLES, "unaffiliated"):
        client.logout()
        login(client, personas.all()[name])
        assert getattr(client, method)(path, data or {}).status_code == 403, name
    for name in OTHER_ORGANIZATION:
        client.logout()
        login(client, personas.all()[name])
        assert getattr(client, method)(path, data or {}).status_code == 404, name
    client.logout()
