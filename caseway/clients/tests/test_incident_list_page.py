"""A case's incidents: risk category only, no answers on the list, a fixed number of queries."""

import pytest

from caseway.clients import gbvims
from caseway.clients.models import ConsentPurpose, DataCategory
from caseway.clients.tests.assessments_helpers import (
    EVERY_CATEGORY_BUT_RISK,
    NO_TO_ALL,
    an_incident,
    assert_refusals,
    case_at_a,
    count_queries,
    member,
    referral_case,
    url,
)
from caseway.clients.tests.factories import an_area, give_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return case_at_a(personas)


def test_it_refuses_everyone_but_the_organizations_staff(client, personas, case):
    assert_refusals(client, personas, url("incident_list", case))


def test_it_lists_incidents_newest_first_without_their_answers(personas, login_as, case):
    first = an_incident(personas.caseworker_a, case, answers=NO_TO_ALL)
    second = an_incident(personas.caseworker_a, case, admin_area=an_area())

    page = login_as(personas.caseworker_a).get(url("incident_list", case)).content.decode()

    assert page.index(url("incident_detail", case, incident_pk=second.pk)) < page.index(
        url("incident_detail", case, incident_pk=first.pk)
    )
    assert "Rape" in page and "Not GBV" in page
    assert "Member of an armed force or group" in page
    assert str(an_area()) in page
    assert "Did the reported incident" not in page  # the questions and answers are on the incident's page
    assert url("incident_new", case) in page


def test_it_is_404_without_risk_consent_and_hides_at_once_on_revocation(personas, login_as, case):
    referred = referral_case(
        case, personas.org_b, categories=EVERY_CATEGORY_BUT_RISK, recorded_by=member(personas.caseworker_a)
    )
    client = login_as(personas.caseworker_b)
    assert client.get(url("incident_list", referred)).status_code == 404

    give_consent(
        case.client,
        ConsentPurpose.SHARING,
        recorded_by=member(personas.caseworker_a),
        recipient=personas.org_b,
        categories=[DataCategory.RISK],
    )
    assert client.get(url("incident_list", referred)).status_code == 200
    give_consent(
        case.client,
        ConsentPurpose.SHARING,
        recorded_by=member(personas.caseworker_a),
        recipient=personas.org_b,
        categories=[DataCategory.RISK],
        granted=False,
    )
    assert client.get(url("incident_list", referred)).status_code == 404


def test_it_costs_the_same_number_of_queries_whatever_the_incidents(personas, login_as, case):
    client = login_as(personas.caseworker_a)
    an_incident(personas.caseworker_a, case, admin_area=an_area())
    few, response = count_queries(lambda: client.get(url("incident_list", case)))
    assert response.status_code == 200
    for key in gbvims.QUESTION_KEYS:
        an_incident(personas.caseworker_a, case, answers={**dict.fromkeys(gbvims.QUESTION_KEYS, False), key: True})
    many, _response = count_queries(lambda: client.get(url("incident_list", case)))
    assert many == few
