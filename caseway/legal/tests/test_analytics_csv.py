"""The legal analytics CSV: the page's suppressed tables in long form, formula-safe and audited;
never a client code, not even the organization's own delayed matters."""

import csv
import io

import pytest
from django.conf import settings
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.directory.tests.factories import Admin1Factory
from caseway.legal.models import Outcome, Stage
from caseway.legal.tests.test_analytics import EVERY_OTHER_ROLE, a_client, matters_of

pytestmark = pytest.mark.django_db


def url(**query) -> str:
    return reverse("legal:analytics_csv") + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_it_downloads_the_tables_with_hidden_values_marked_and_audits_it(personas, login_as, settings):
    settings.LEGAL_DELAY_DAYS = 30
    case = a_client(personas)
    matters_of(case, 12, stage=Stage.FILING, history=[(Stage.INTAKE, 100), (Stage.FILING, 90)])
    matters_of(case, 2, stage=Stage.JUDGMENT, outcome=Outcome.FAVOURABLE, history=[(Stage.JUDGMENT, 10)])
    client = login_as(personas.legal_officer_a)

    response = client.get(url(type="human_rights_body"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    assert "caseway-legal-analytics-" in response["Content-Disposition"]
    rows = _rows(response)
    assert rows[0] == ["Table", "Row", "Column", "Value", "Unit"]
    assert ["Scope", "Your organization's matters", "", "", ""] in rows
    assert ["Filter", "Type of matter", "", "human_rights_body", ""] in rows
    assert ["Filter", "Delayed after", "", "30", "days"] in rows
    by_stage = {row[1]: row[3] for row in rows if row[0] == "Matters by current stage"}
    assert by_stage["Filing"] == "hidden"  # the complement of the 2 at judgment
    assert by_stage["Judgment"] == "hidden"
    assert by_stage["Intake"] == "0"
    assert by_stage["Total"] == "14"
    time = {(row[1], row[2]): row[3] for row in rows if row[0] == "Time in each stage"}
    assert time[("Intake", "Periods")] == "12" and time[("Intake", "Median")] == "10"
    assert time[("Judgment", "Periods")] == "hidden" and time[("Judgment", "Median")] == "hidden"
    assert time[("Appeal", "Periods")] == "0" and time[("Appeal", "Median")] == ""
    by_sex = {(row[1], row[2]): row[3] for row in rows if row[0] == "Outcomes by sex"}
    assert by_sex[("Female", "No outcome yet")] == "hidden" and by_sex[("Total", "Total")] == "14"
    assert rows[-1][0] == "Note" and "fewer than 5" in rows[-1][1]
    assert case.client.code not in response.content.decode("utf-8-sig")
    event = AuditEvent.objects.filter(action="legal.analytics_exported").get()
    assert event.actor_id == personas.legal_officer_a.pk
    assert {"csv", "stage", "time_in_stage", "sex", "region"} <= set(event.fields)


def test_it_puts_a_quote_before_a_name_a_spreadsheet_would_run(personas, login_as):
    Admin1Factory(name="=HYPERLINK(1)")
    matters_of(a_client(personas), 6)

    rows = _rows(login_as(personas.coordinator).get(url()))

    assert any(row[1] == "'=HYPERLINK(1)" for row in rows)
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_it_refuses_filters_that_are_not_valid(personas, login_as):
    response = login_as(personas.coordinator).get(url(**{"from": "2025-03-10", "to": "2025-03-01"}))

    assert response.status_code == 400
    assert "The period must start on or before the day it ends." in response.content.decode()
    assert not AuditEvent.objects.filter(action="legal.analytics_exported").exists()


def test_it_refuses_every_other_role(personas, login_as):
    for name in EVERY_OTHER_ROLE:
        assert login_as(getattr(personas, name)).get(url()).status_code == 403, name
    assert not AuditEvent.objects.filter(action="legal.analytics_exported").exists()


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(url())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))
