"""The statistics CSV: the page's tables in long form, suppressed, formula-safe and audited."""

import csv
import io

import pytest
from django.conf import settings
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.orgs.models import Organization, OrganizationType
from caseway.referrals.models import Status
from caseway.referrals.tests.statistics_helpers import a_person, csv_url, referrals_of
from caseway.referrals.tests.test_statistics_page import EVERY_OTHER_ROLE

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_it_downloads_the_tables_with_hidden_values_marked_and_audits_it(personas, login_as):
    case = a_person(personas)
    referrals_of(personas, case, 12)
    referrals_of(personas, case, 2, status=Status.WITHDRAWN)
    client = login_as(personas.coordinator)

    response = client.get(csv_url())

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    assert "caseway-referral-statistics-" in response["Content-Disposition"]
    rows = _rows(response)
    assert rows[0] == ["Table", "Row", "Column", "Value", "Unit"]
    by_status = {row[1]: row[3] for row in rows if row[0] == "Referrals by status"}
    assert by_status["Sent"] == "hidden"  # the complement of the 2 withdrawn
    assert by_status["Withdrawn by the sender"] == "hidden"
    assert by_status["Declined"] == "0"
    assert by_status["Total"] == "14"
    assert rows[-1][0] == "Note" and "fewer than 5" in rows[-1][1]
    assert case.client.code not in response.content.decode("utf-8-sig")
    event = AuditEvent.objects.filter(action="referrals.statistics_exported").get()
    assert event.actor_id == personas.coordinator.pk
    assert "csv" in event.fields and "status" in event.fields


def test_it_puts_a_quote_before_a_name_a_spreadsheet_would_run(personas, login_as):
    evil = Organization.objects.create(name="=HYPERLINK(1)", acronym="", type=OrganizationType.NATIONAL_NGO)
    referrals_of(personas, a_person(personas), 6, receiver=evil)
    client = login_as(personas.coordinator)

    rows = _rows(client.get(csv_url()))

    assert any(row[2] == "'=HYPERLINK(1)" for row in rows)
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_it_refuses_filters_that_are_not_valid(personas, login_as):
    client = login_as(personas.coordinator)

    response = client.get(csv_url(**{"from": "2025-03-10", "to": "2025-03-01"}))

    assert response.status_code == 400
    assert "The period must start on or before the day it ends." in response.content.decode()
    assert not AuditEvent.objects.filter(action="referrals.statistics_exported").exists()


def test_it_refuses_every_other_role(personas, login_as):
    for name in EVERY_OTHER_ROLE:
        assert login_as(getattr(personas, name)).get(csv_url()).status_code == 403, name
    assert not AuditEvent.objects.filter(action="referrals.statistics_exported").exists()


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(csv_url())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))
