"""GET /api/v1/referrals/statistics/: the page's statistics as JSON, null where hidden; coordinators only."""

import pytest

from caseway.api.tests.helpers import bearer, create_token
from caseway.audit.models import AuditEvent
from caseway.referrals.models import Status
from caseway.referrals.tests.statistics_helpers import a_person, api_url, referrals_of
from caseway.referrals.tests.test_statistics_page import EVERY_OTHER_ROLE

pytestmark = pytest.mark.django_db


def test_it_answers_a_coordinators_token_with_the_suppressed_tables_and_audits_it(client, personas):
    case = a_person(personas)
    referrals_of(personas, case, 12)
    referrals_of(personas, case, 2, status=Status.WITHDRAWN)
    _token, secret = create_token(personas.coordinator)

    response = client.get(api_url(), **bearer(secret))

    assert response.status_code == 200
    data = response.json()
    assert data["threshold"] == 5
    assert data["referrals"] == 14
    status = next(table for table in data["tables"] if table["key"] == "status")
    values = {line["key"]: line["value"] for line in status["lines"]}
    assert values["withdrawn"] is None
    assert values["sent"] is None
    assert values["declined"] == 0
    assert {figure["key"] for figure in data["figures"]} >= {"acceptance_rate", "overdue_now"}
    assert data["sex_and_age"]["total"] is None  # one person
    assert case.client.code not in response.content.decode()
    assert str(case.client.pk) not in response.content.decode()
    assert AuditEvent.objects.filter(action="referrals.statistics_exported", actor_id=personas.coordinator.pk).exists()


def test_it_takes_the_pages_filters(client, personas, login_as):
    referrals_of(personas, a_person(personas), 6, receiver=personas.org_other)
    session = login_as(personas.coordinator)

    response = session.get(api_url(organization=personas.org_b.pk, urgency="normal"))

    assert response.status_code == 200
    assert response.json()["referrals"] == 0
    assert response.json()["filters"]["organization"] == personas.org_b.pk


def test_it_refuses_filters_that_are_not_valid_naming_them(client, personas):
    _token, secret = create_token(personas.coordinator)

    response = client.get(api_url(**{"from": "2025-03-10", "to": "2025-03-01"}), **bearer(secret))

    assert response.status_code == 400
    assert response.json() == {"from": ["The period must start on or before the day it ends."]}


def test_it_refuses_every_other_role_and_audits_it(client, personas):
    for name in EVERY_OTHER_ROLE[:-1]:
        _token, secret = create_token(getattr(personas, name))
        before = AuditEvent.objects.filter(action="access.permission_denied").count()
        response = client.get(api_url(), **bearer(secret))
        assert response.status_code == 403, name
        assert AuditEvent.objects.filter(action="access.permission_denied").count() == before + 1
    assert not AuditEvent.objects.filter(action="referrals.statistics_exported").exists()


def test_it_refuses_anonymous_callers(client):
    assert client.get(api_url()).status_code == 401
