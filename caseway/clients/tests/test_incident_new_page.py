"""Recording an incident: the GBVIMS questions in order, when, where, who (a type only)."""

import datetime

import pytest
from django.utils import timezone

from caseway.clients import gbvims
from caseway.clients.models import Case, CaseAlert, DataCategory, Incident
from caseway.clients.tests.assessments_helpers import (
    EVERY_CATEGORY_BUT_RISK,
    assert_refusals,
    case_at_a,
    make_imminent,
    member,
    referral_case,
    url,
)
from caseway.clients.tests.factories import an_area

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return case_at_a(personas)


def form_data(**overrides):
    now = timezone.localtime()
    data = {
        "q_penetration": "yes",
        "contexts": [gbvims.CRSV],
        "incident_date": (now.date() - datetime.timedelta(days=20)).isoformat(),
        "incident_time": "",
        "recent": "",
        "admin_area": an_area().pcode,
        "perpetrator_type": Incident.PerpetratorType.ARMED_GROUP,
        "reported_at": now.strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(overrides)
    return data


def ago(delta):
    moment = timezone.localtime() - delta
    return {"incident_date": moment.date().isoformat(), "incident_time": moment.strftime("%H:%M")}


def test_it_refuses_everyone_but_the_organizations_staff(client, personas, case):
    assert_refusals(client, personas, url("incident_new", case))
    assert_refusals(client, personas, url("incident_new", case), method="post", data=form_data())
    assert not Incident.objects.exists()


def test_it_asks_the_gbvims_questions_in_the_tools_order(personas, login_as, case):
    page = login_as(personas.caseworker_a).get(url("incident_new", case)).content.decode()
    positions = [page.index(f'name="q_{key}"') for key in gbvims.QUESTION_KEYS]
    assert positions == sorted(positions)
    assert page.index('name="q_psychological_abuse"') < page.index('name="contexts"')
    for code, _label in Incident.PerpetratorType.choices:
        assert f'value="{code}"' in page
    form = page.split('<form method="post"', 1)[1].split("</form>")[0]
    for forbidden in ('type="text"', "<textarea"):
        assert forbidden not in form  # no free text: nowhere to write anyone's identity
    assert 'type="datetime-local"' in page and 'type="date"' in page
    assert f'value="{case.client.admin_area.pcode}" selected' in page


def test_it_records_the_incident_and_shows_it(personas, login_as, case):
    response = login_as(personas.caseworker_a).post(url("incident_new", case), form_data(), follow=True)

    incident = Incident.objects.get()
    assert response.redirect_chain[-1][0] == url("incident_detail", case, incident_pk=incident.pk)
    assert (incident.incident_type, incident.contexts, incident.admin_area) == ("rape", ["crsv"], an_area())
    assert incident.recorded_by == personas.caseworker_a
    page = response.content.decode()
    assert "Incident recorded as “Rape”." in page
    assert "The case is now sensitive" in page
    case.refresh_from_db()
    assert case.is_sensitive


def test_it_stops_at_the_first_yes(personas, login_as, case):
    data = form_data(
        q_penetration="no", q_unwanted_sexual_contact="no", q_physical_assault="yes", q_forced_marriage="yes"
    )
    login_as(personas.caseworker_a).post(url("incident_new", case), data)
    incident = Incident.objects.get()
    assert incident.incident_type == gbvims.PHYSICAL_ASSAULT
    assert "forced_marriage" not in incident.classification_answers


def test_71_hours_59_minutes_after_the_incident_raises_the_urgent_health_need(personas, login_as, case):
    data = form_data(**ago(datetime.timedelta(hours=71, minutes=59)))
    response = login_as(personas.caseworker_a).post(url("incident_new", case), data, follow=True)

    assert Incident.objects.get().within_72_hours
    case.refresh_from_db()
    assert case.urgent_health_need
    assert CaseAlert.objects.filter(case=case, kind=CaseAlert.Kind.URGENT_HEALTH).count() == 2
    assert "refer the client for post-exposure prophylaxis" in response.content.decode()


def test_72_hours_1_minute_after_the_incident_does_not(personas, login_as, case):
    data = form_data(**ago(datetime.timedelta(hours=72, minutes=1)))
    response = login_as(personas.caseworker_a).post(url("incident_new", case), data, follow=True)

    assert not Incident.objects.get().within_72_hours
    case.refresh_from_db()
    assert not case.urgent_health_need
    assert not CaseAlert.objects.filter(kind=CaseAlert.Kind.URGENT_HEALTH).exists()
    assert "post-exposure prophylaxis now" not in response.content.decode()


def test_without_a_date_it_asks_whether_it_was_in_the_last_72_hours(personas, login_as, case):
    client = login_as(personas.caseworker_a)
    response = client.post(url("incident_new", case), form_data(incident_date="", recent=""))
    assert response.status_code == 400
    assert response.context["form"].errors["recent"]

    client.post(url("incident_new", case), form_data(incident_date="", recent="not_sure"))
    incident = Incident.objects.get()
    assert incident.incident_date is None and incident.within_72_hours
    case.refresh_from_db()
    assert case.urgent_health_need


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"q_penetration": ""}, "q_penetration"),
        ({"q_penetration": "no", "q_unwanted_sexual_contact": "no"}, "q_physical_assault"),
        ({"q_penetration": "perhaps"}, "q_penetration"),
        ({"perpetrator_type": ""}, "perpetrator_type"),
        ({"perpetrator_type": "my_uncle_ahmed"}, "perpetrator_type"),
        ({"contexts": ["made_up"]}, "contexts"),
        ({"admin_area": "ZZ99"}, "admin_area"),
        ({"incident_date": "2099-01-01"}, "incident_date"),
        ({"incident_date": "yesterday"}, "incident_date"),
        ({"incident_time": "25:99"}, "incident_time"),
        ({"reported_at": ""}, "reported_at"),
        ({"reported_at": "2099-01-01T10:00"}, "reported_at"),
    ],
)
def test_it_refuses_bad_input_with_errors_on_the_field_and_writes_nothing(personas, login_as, case, overrides, field):
    response = login_as(personas.caseworker_a).post(url("incident_new", case), form_data(**overrides))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Incident.objects.exists()
    case.refresh_from_db()
    assert not case.is_sensitive and not case.urgent_health_need


def test_its_errors_are_translated(personas, login_as, case):
    response = login_as(personas.caseworker_a).post(
        url("incident_new", case), form_data(incident_date="yesterday"), HTTP_ACCEPT_LANGUAGE="ar"
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'dir="rtl"' in page and "أدخل تاريخاً صحيحاً." in page
    assert not Incident.objects.exists()


def test_it_is_404_without_risk_consent(personas, login_as, case):
    referred = referral_case(
        case, personas.org_b, categories=EVERY_CATEGORY_BUT_RISK, recorded_by=member(personas.caseworker_a)
    )
    client = login_as(personas.caseworker_b)
    assert client.get(url("incident_new", referred)).status_code == 404
    assert client.post(url("incident_new", referred), form_data()).status_code == 404
    assert not Incident.objects.exists()


def test_a_referral_organization_with_risk_consent_records_on_its_own_case(personas, login_as, case):
    referred = referral_case(
        case, personas.org_b, categories=[DataCategory.RISK], recorded_by=member(personas.caseworker_a)
    )
    assert login_as(personas.caseworker_b).post(url("incident_new", referred), form_data()).status_code == 302
    assert Incident.objects.get().case_id == referred.pk
    assert Case.objects.get(pk=case.pk).sensitivity == Case.Sensitivity.STANDARD


def test_while_a_safety_plan_is_required_it_sends_to_the_plan_and_says_care_cannot_wait(personas, login_as, case):
    make_imminent(personas.caseworker_a, case)
    response = login_as(personas.caseworker_a).get(url("incident_new", case), follow=True)
    assert response.redirect_chain[-1][0] == url("safety_plan_edit", case)
    assert "refer the client for medical care now" in response.content.decode()
