"""incident_record: GBVIMS classification, time since the incident, sensitivity, alerts, audit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.utils import timezone, translation

from caseway.clients import gbvims, incidents
from caseway.clients.models import Case, CaseAlert, DataCategory, Incident
from caseway.clients.tests.assessments_helpers import (
    EVERY_CATEGORY_BUT_RISK,
    NO_TO_ALL,
    an_incident,
    case_at_a,
    events,
    member,
    referral_case,
)
from caseway.clients.tests.factories import an_area

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return case_at_a(personas)


def at(delta):
    """An incident ``delta`` ago, as the form gives it: a date and a time."""
    moment = timezone.localtime() - delta
    return {"incident_date": moment.date(), "incident_time": moment.time()}


def urgent_alerts(case):
    return CaseAlert.objects.filter(case=case, kind=CaseAlert.Kind.URGENT_HEALTH)


@pytest.mark.parametrize(
    "answers,expected",
    [
        ({"penetration": True}, gbvims.RAPE),
        ({"penetration": False, "unwanted_sexual_contact": True}, gbvims.SEXUAL_ASSAULT),
        ({**dict.fromkeys(gbvims.QUESTION_KEYS[:2], False), "physical_assault": True}, gbvims.PHYSICAL_ASSAULT),
        ({**dict.fromkeys(gbvims.QUESTION_KEYS[:5], False), "psychological_abuse": True}, gbvims.PSYCHOLOGICAL_ABUSE),
        (NO_TO_ALL, gbvims.NON_GBV),
    ],
)
def test_it_classifies_in_the_tools_order(personas, case, answers, expected):
    assert an_incident(personas.caseworker_a, case, answers=answers).incident_type == expected


def test_it_keeps_only_the_answers_the_tool_used_encrypted(personas, case):
    answers = {"penetration": False, "unwanted_sexual_contact": True, "physical_assault": True}
    incident = an_incident(personas.caseworker_a, case, answers=answers)

    incident.refresh_from_db()
    assert incident.classification_answers == {"penetration": False, "unwanted_sexual_contact": True}
    assert incident.data_key_id == case.client.data_key_id
    with connection.cursor() as cursor:
        cursor.execute("SELECT classification_answers FROM clients_incident")
        (raw,) = cursor.fetchone()
    assert "penetration" not in raw and "unwanted" not in raw


def test_it_records_context_area_and_perpetrator_type_only(personas, case):
    area = an_area()
    incident = an_incident(
        personas.caseworker_a,
        case,
        contexts=[gbvims.INTIMATE_PARTNER_VIOLENCE, gbvims.CRSV, gbvims.CRSV],
        admin_area=area,
        perpetrator_type=Incident.PerpetratorType.INTIMATE_PARTNER,
    )
    incident.refresh_from_db()
    assert incident.contexts == [gbvims.CRSV, gbvims.INTIMATE_PARTNER_VIOLENCE]
    assert (incident.admin_area, incident.perpetrator_type) == (area, "intimate_partner")
    assert {field.name for field in Incident._meta.get_fields()}.isdisjoint(
        {"perpetrator_name", "perpetrator", "description", "notes", "narrative"}
    )


def test_it_audits_field_names_never_answers(personas, case):
    an_incident(personas.caseworker_a, case, admin_area=an_area())
    (event,) = events("clients.incident_recorded")
    assert {"classification_answers", "incident_type", "contexts", "incident_date", "admin_area"} <= set(event.fields)
    assert "rape" not in str(event.fields) and "True" not in str(event.fields)


# --- time since the incident ----------------------------------------------------------------


def test_71_hours_59_minutes_ago_is_within_the_pep_window(personas, case):
    incident = an_incident(personas.caseworker_a, case, **at(datetime.timedelta(hours=71, minutes=59)))

    assert incident.within_72_hours and incident.urgent
    case.refresh_from_db()
    assert case.urgent_health_need
    task = urgent_alerts(case).get(audience=CaseAlert.Audience.CASEWORKER)
    assert (task.is_task, task.assigned_to) == (True, personas.caseworker_a)
    assert task.due_at <= timezone.now() + datetime.timedelta(minutes=2)  # the window ends in a minute
    supervisors = urgent_alerts(case).get(audience=CaseAlert.Audience.SUPERVISOR)
    assert supervisors.assigned_to == personas.supervisor_a
    assert {"case.urgent_health_need", "alert.urgent_health.caseworker", "alert.urgent_health.supervisor"} <= set(
        events("clients.incident_recorded")[0].fields
    )


def test_72_hours_1_minute_ago_is_past_the_pep_window(personas, case):
    incident = an_incident(personas.caseworker_a, case, **at(datetime.timedelta(hours=72, minutes=1)))

    assert not incident.within_72_hours and not incident.urgent
    case.refresh_from_db()
    assert not case.urgent_health_need
    assert not urgent_alerts(case).exists()


def test_a_date_alone_counts_as_late_as_that_day_may_end(personas, case):
    three_days_ago = timezone.localdate() - datetime.timedelta(days=3)
    assert an_incident(personas.caseworker_a, case, incident_date=three_days_ago).within_72_hours
    five_days_ago = timezone.localdate() - datetime.timedelta(days=5)
    assert not an_incident(personas.caseworker_a, case, incident_date=five_days_ago).within_72_hours


@pytest.mark.parametrize(
    "recent,within", [(incidents.RECENT_YES, True), (incidents.RECENT_NOT_SURE, True), (incidents.RECENT_NO, False)]
)
def test_without_a_date_the_answer_on_the_last_72_hours_decides_not_sure_counting_as_yes(
    personas, case, recent, within
):
    incident = an_incident(personas.caseworker_a, case, incident_date=None, recent=recent)
    assert (incident.within_72_hours, incident.urgent) == (within, within)


def test_an_old_report_within_72_hours_then_is_recorded_without_a_pep_alert_now(personas, case):
    reported = timezone.now() - datetime.timedelta(days=10)
    incident = an_incident(
        personas.caseworker_a,
        case,
        incident_date=(reported - datetime.timedelta(days=1)).date(),
        reported_at=reported,
    )
    assert incident.within_72_hours and not incident.urgent


@pytest.mark.parametrize(
    "answers",
    [
        {**dict.fromkeys(gbvims.QUESTION_KEYS[:2], False), "physical_assault": True},
        {**dict.fromkeys(gbvims.QUESTION_KEYS[:5], False), "psychological_abuse": True},
        NO_TO_ALL,
    ],
)
def test_only_sexual_violence_raises_the_pep_alert(personas, case, answers):
    incident = an_incident(personas.caseworker_a, case, answers=answers, **at(datetime.timedelta(hours=2)))
    assert incident.within_72_hours and not incident.urgent
    assert not urgent_alerts(case).exists()


def test_it_does_not_repeat_an_open_urgent_alert(personas, case):
    an_incident(personas.caseworker_a, case, **at(datetime.timedelta(hours=5)))
    an_incident(
        personas.caseworker_a,
        case,
        answers={"penetration": False, "unwanted_sexual_contact": True},
        **at(datetime.timedelta(hours=4)),
    )
    assert urgent_alerts(case).count() == 2  # one task, one supervisor alert


def test_the_task_goes_to_the_recorder_when_the_case_has_no_caseworker(personas, case):
    Case.objects.filter(pk=case.pk).update(caseworker=None)
    case.refresh_from_db()
    an_incident(personas.supervisor_a, case, **at(datetime.timedelta(hours=1)))
    assert urgent_alerts(case).get(audience="caseworker").assigned_to == personas.supervisor_a


# --- sensitivity ------------------------------------------------------------------------------


def test_a_gbv_incident_marks_the_case_sensitive_audited(personas, case):
    incident = an_incident(personas.caseworker_a, case)

    assert incident.marked_sensitive
    case.refresh_from_db()
    assert case.is_sensitive
    (event,) = events("clients.case_sensitivity_changed")
    assert (event.fields, event.reason) == (["sensitivity"], "gbv_incident_recorded")
    assert "case.sensitivity" in events("clients.incident_recorded")[0].fields


def test_a_sensitive_case_stays_as_it_is(personas, case):
    Case.objects.filter(pk=case.pk).update(sensitivity=Case.Sensitivity.SENSITIVE)
    case.refresh_from_db()
    assert not an_incident(personas.caseworker_a, case).marked_sensitive
    assert events("clients.case_sensitivity_changed") == []


def test_a_non_gbv_incident_leaves_sensitivity_alone(personas, case):
    assert not an_incident(personas.caseworker_a, case, answers=NO_TO_ALL).marked_sensitive
    case.refresh_from_db()
    assert not case.is_sensitive


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"answers": {}}, "answers"),
        ({"answers": {"penetration": False}}, "answers"),
        ({"answers": {"penetration": "yes"}}, "answers"),
        ({"answers": {"penetration": True, "made_up": True}}, "answers"),
        ({"perpetrator_type": "neighbour_named_ali"}, "perpetrator_type"),
        ({"contexts": ["made_up"]}, "contexts"),
        ({"incident_date": timezone.localdate() + datetime.timedelta(days=2)}, "incident_date"),
        ({"incident_date": None, "recent": ""}, "recent"),
        ({"incident_date": None, "incident_time": datetime.time(10, 0), "recent": "yes"}, "incident_time"),
        ({"reported_at": timezone.now() + datetime.timedelta(hours=2)}, "reported_at"),
        (
            {
                "incident_date": timezone.localdate() - datetime.timedelta(days=3),
                "reported_at": timezone.now() - datetime.timedelta(days=6),
            },
            "incident_date",
        ),
    ],
)
def test_it_refuses_bad_input_and_writes_nothing(personas, case, overrides, field):
    with pytest.raises(ValidationError) as raised:
        an_incident(personas.caseworker_a, case, **overrides)
    assert field in raised.value.error_dict
    assert not Incident.objects.exists()
    case.refresh_from_db()
    assert not case.is_sensitive


def test_it_translates_its_errors(personas, case):
    with translation.override("fr"), pytest.raises(ValidationError) as raised:
        an_incident(personas.caseworker_a, case, answers={})
    # gbvims' message, whatever the catalog holds for it: never an exception's repr.
    assert "penetration" in raised.value.error_dict["answers"][0].messages[0]


def test_it_refuses_roles_that_may_not_see_personal_data(personas, case):
    with pytest.raises(PermissionDenied):
        an_incident(personas.monitor_a, case)


def test_it_refuses_another_organization(personas, case):
    with pytest.raises(Http404):
        an_incident(personas.caseworker_b, case)


def test_it_refuses_an_organization_the_client_did_not_share_risk_with(personas, case):
    referred = referral_case(
        case, personas.org_b, categories=EVERY_CATEGORY_BUT_RISK, recorded_by=member(personas.caseworker_a)
    )
    with pytest.raises(PermissionDenied):
        an_incident(personas.caseworker_b, referred)
    assert not Incident.objects.exists()


def test_a_referral_organization_with_risk_consent_records_on_its_own_case(personas, case):
    referred = referral_case(
        case, personas.org_b, categories=[DataCategory.RISK], recorded_by=member(personas.caseworker_a)
    )
    incident = an_incident(personas.caseworker_b, referred)
    assert incident.case_id == referred.pk
    referred.refresh_from_db()
    case.refresh_from_db()
    assert referred.is_sensitive and not case.is_sensitive
