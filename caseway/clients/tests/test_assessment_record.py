"""assessment_record: score, store under the client's key, and apply what the result requires."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from caseway.accounts.tests.helpers import audit_events
from caseway.clients import instruments
from caseway.clients.assessment_services import assessment_record
from caseway.clients.models import Assessment, Case, CaseAlert, Instrument, Need, RiskLevel
from caseway.clients.tests.factories import a_case

pytestmark = pytest.mark.django_db

NO_NEEDS = dict.fromkeys(
    (
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
    ),
    "none",
)
NO_DIFFICULTY = dict.fromkeys(("seeing", "hearing", "walking", "cognition", "self_care", "communication"), 1)
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
PHQ9_NONE = {f"q{number}": 0 for number in range(1, 10)}


@pytest.fixture
def member_a(personas):
    return personas.caseworker_a.memberships.get()


@pytest.fixture
def case(member_a, personas):
    case = a_case(member_a)
    Case.objects.filter(pk=case.pk).update(supervisor=personas.supervisor_a)
    case.refresh_from_db()
    return case


def record(member, case, code, answers, **extra):
    return assessment_record(
        actor=member.user, membership=member, case=case, instrument_code=code, answers=answers, **extra
    )


def test_it_stores_answers_encrypted_with_score_and_band_in_clear(member_a, case):
    assessment = record(member_a, case, "phq9", {**PHQ9_NONE, "q1": 2, "q2": 3}, interpreter_language="ku")

    assessment.refresh_from_db()
    assert (assessment.score, assessment.band, assessment.flags) == (5, "mild", [])
    assert assessment.answers["q2"] == 3
    assert assessment.data_key_id == case.client.data_key_id
    assert (assessment.stage, assessment.interpreter_language) == ("baseline", "ku")
    assert Instrument.objects.get(code="phq9").sha256 == instruments.load("phq9").sha256
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM clients_assessment")
        (raw,) = cursor.fetchone()
    assert '"q2"' not in str(raw)
    assert assessment.result.required_actions == ("repeat_at_follow_up",)


def test_it_stores_an_instrument_version_once(member_a, case):
    record(member_a, case, "phq9", PHQ9_NONE)
    record(member_a, case, "phq9", PHQ9_NONE, stage=Assessment.Stage.FOLLOW_UP)

    instrument = Instrument.objects.get()
    assert (instrument.code, instrument.version, instrument.category) == ("phq9", 1, "psychosocial")
    assert Assessment.objects.filter(stage="follow_up").count() == 1


def test_the_needs_assessment_creates_needs_and_reprioritises_open_ones(member_a, case):
    first = record(member_a, case, "needs", {**NO_NEEDS, "housing": "high", "legal": "low"})
    record(member_a, case, "needs", {**NO_NEEDS, "housing": "medium", "childcare": "medium"})

    needs = {need.domain: need for need in Need.objects.filter(case=case)}
    assert set(needs) == {"housing", "legal", "childcare"}
    assert needs["housing"].priority == Need.Priority.MEDIUM
    assert needs["legal"].priority == Need.Priority.LOW
    assert needs["legal"].assessment_id == first.pk
    assert first.band == "high_needs"


def test_the_washington_group_set_decides_disability(member_a, case):
    record(member_a, case, "wg_ss", {**NO_DIFFICULTY, "walking": 3, "hearing": 4, "seeing": 2})
    case.client.refresh_from_db()
    assert case.client.has_disability is True
    assert case.client.disability_domains == ["hearing", "walking"]

    record(member_a, case, "wg_ss", {**NO_DIFFICULTY, "seeing": 2}, stage="follow_up")
    case.client.refresh_from_db()
    assert case.client.has_disability is False
    assert case.client.disability_domains == []


def test_a_low_risk_sets_the_level_and_alerts_nobody(member_a, case):
    record(member_a, case, "risk", {**NO_RISK, "escalation": "yes"})

    case.refresh_from_db()
    assert (case.risk_level, case.safety_plan_required) == (RiskLevel.LOW, False)
    assert not CaseAlert.objects.exists()


def test_an_imminent_risk_requires_a_safety_plan_and_alerts_the_supervisor_once(member_a, case, personas):
    assessment = record(member_a, case, "risk", {**NO_RISK, "fears_killed_tonight": "yes"})
    with pytest.raises(ValidationError):  # the gate: nothing new until the safety plan is saved
        record(member_a, case, "risk", {**NO_RISK, "fears_killed_tonight": "yes"}, stage="follow_up")
    # The plan is saved (the requirement cleared) while the alert is still open: it is not repeated.
    Case.objects.filter(pk=case.pk).update(safety_plan_required=False)
    record(member_a, case, "risk", {**NO_RISK, "fears_killed_tonight": "yes"}, stage="follow_up")

    assert assessment.band == RiskLevel.IMMINENT
    assert case.risk_level == RiskLevel.IMMINENT  # the caller's instance follows
    case.refresh_from_db()
    assert (case.risk_level, case.safety_plan_required) == (RiskLevel.IMMINENT, True)
    alert = CaseAlert.objects.get()
    assert (alert.kind, alert.audience, alert.assigned_to) == (
        CaseAlert.Kind.IMMINENT_RISK,
        CaseAlert.Audience.SUPERVISOR,
        personas.supervisor_a,
    )
    event = audit_events("clients.assessment_recorded").first()
    assert "case.safety_plan_required" in event.fields


def test_phq9_item_9_starts_the_suicide_risk_protocol(member_a, case, personas):
    record(member_a, case, "phq9", {**PHQ9_NONE, "q9": 1})

    alerts = {(alert.audience, alert.is_task): alert for alert in CaseAlert.objects.filter(kind="suicide_risk")}
    assert set(alerts) == {("supervisor", False), ("caseworker", True)}
    assert alerts[("caseworker", True)].assigned_to == personas.caseworker_a
    assert alerts[("caseworker", True)].due_at is not None
    assert Assessment.objects.get().flags == ["suicide_risk"]


def test_phq9_item_9_at_zero_alerts_nobody(member_a, case):
    record(member_a, case, "phq9", {**PHQ9_NONE, "q1": 3, "q2": 3, "q3": 3})

    assert not CaseAlert.objects.exists()


def test_violence_within_72_hours_flags_an_urgent_health_need_and_alerts_the_supervisor(member_a, case, personas):
    record(member_a, case, "risk", {**NO_RISK, "recent_violence_72h": "yes"})

    case.refresh_from_db()
    assert case.urgent_health_need is True
    alerts = {(alert.audience, alert.is_task): alert for alert in CaseAlert.objects.all()}
    assert {alert.kind for alert in alerts.values()} == {CaseAlert.Kind.URGENT_HEALTH}
    assert set(alerts) == {("supervisor", False), ("caseworker", True)}
    assert alerts[("supervisor", False)].assigned_to == personas.supervisor_a
    assert alerts[("caseworker", True)].assigned_to == personas.caseworker_a
    assert alerts[("caseworker", True)].due_at is not None


def test_it_audits_field_names_never_answers(member_a, case):
    record(member_a, case, "needs", {**NO_NEEDS, "housing": "high"})

    event = audit_events("clients.assessment_recorded").get()
    assert event.fields == ["answers", "score", "band", "flags", "needs.housing"]


@pytest.mark.parametrize(
    ("answers", "key"),
    [
        ({**PHQ9_NONE, "q9": 7}, "q9"),
        ({**PHQ9_NONE, "q10": 1}, "q10"),
        ({key: value for key, value in PHQ9_NONE.items() if key != "q4"}, "q4"),
    ],
)
def test_wrong_answers_name_the_item_and_write_nothing(member_a, case, answers, key):
    with pytest.raises(ValidationError) as excinfo:
        record(member_a, case, "phq9", answers)

    assert key in excinfo.value.message_dict
    assert not Assessment.objects.exists()
    assert not audit_events("clients.assessment_recorded").exists()


def test_it_refuses_a_bad_stage_or_interpreter_language(member_a, case):
    with pytest.raises(ValidationError) as excinfo:
        record(member_a, case, "phq9", PHQ9_NONE, stage="someday", interpreter_language="Kurdish")

    assert set(excinfo.value.message_dict) == {"stage", "interpreter_language"}


def test_another_organization_may_not_record_on_the_case(personas, case):
    member_b = personas.caseworker_b.memberships.get()

    with pytest.raises(PermissionDenied):
        record(member_b, case, "phq9", PHQ9_NONE)
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("persona", ["admin_a", "monitor_a"])
def test_roles_without_personal_data_may_not(personas, case, persona):
    membership = getattr(personas, persona).memberships.get()

    with pytest.raises(PermissionDenied):
        record(membership, case, "phq9", PHQ9_NONE)


def test_a_referred_case_may_only_assess_in_consented_categories(personas, member_a):
    member_b = personas.caseworker_b.memberships.get()
    origin = a_case(member_a)
    referred = Case.objects.create(organization=personas.org_b, client=origin.client, origin=Case.Origin.REFERRAL)

    with pytest.raises(PermissionDenied):
        record(member_b, referred, "risk", NO_RISK)
