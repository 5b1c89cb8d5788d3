"""GET /api/v1/legal/analytics/: the page's suppressed aggregates (null: hidden), the same filters,
audited as an export; coordinators get the network without client codes, legal leads their
organization with its delayed matters; other roles 403."""

import pytest
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.legal.models import Outcome, Stage
from caseway.legal.tests.test_analytics import EVERY_OTHER_ROLE, a_client, matters_of
from caseway.legal.tests.test_api_matters import as_

pytestmark = pytest.mark.django_db
URL = "api:legal_analytics"


def test_it_gives_coordinators_the_networks_suppressed_tables_and_audits_it(client, personas, settings):
    settings.LEGAL_DELAY_DAYS = 30
    case = a_client(personas)
    matters_of(case, 7, stage=Stage.FILING, history=[(Stage.INTAKE, 100), (Stage.FILING, 90)])
    matters_of(a_client(personas, lawyer=personas.legal_officer_b), 2, stage=Stage.JUDGMENT, outcome=Outcome.SETTLED)

    response = client.get(reverse(URL), **as_(personas.coordinator))

    assert response.status_code == 200
    body = response.json()
    assert (body["scope"], body["threshold"], body["delay_days"], body["matters"]) == ("network", 5, 30, 9)
    tables = {table["key"]: table for table in body["tables"]}
    stage = {line["key"]: line["value"] for line in tables["stage"]["lines"]}
    assert (stage["filing"], stage["judgment"], stage["intake"]) == (None, None, 0)
    assert tables["stage"]["total"] == 9
    assert {line["key"]: line["value"] for line in tables["delayed"]["lines"]}["filing"] == 7
    intake = next(entry for entry in body["time_in_stage"] if entry["stage"] == "intake")
    assert (intake["periods"], intake["median_days"]) == (7, 10)
    by_sex = next(table for table in body["outcome_tables"] if table["key"] == "sex")
    assert by_sex["columns"][-1] == {"key": "none", "label": "No outcome yet"}
    assert by_sex["total"] == 9 and by_sex["cells"][0][-1] is None
    assert body["delayed_matters"] == []
    assert case.client.code not in response.content.decode()
    assert "fewer than 5" in body["note"]
    event = AuditEvent.objects.filter(action="legal.analytics_exported").get()
    assert "api" in event.fields and "sex" in event.fields


def test_it_gives_an_organization_its_own_matters_and_delayed_ones(client, personas, settings):
    settings.LEGAL_DELAY_DAYS = 30
    case = a_client(personas)
    late = matters_of(case, 6, stage=Stage.FILING, history=[(Stage.FILING, 40)])
    matters_of(a_client(personas, lawyer=personas.legal_officer_b), 6, stage=Stage.FILING, history=[("filing", 50)])

    body = client.get(reverse(URL), {"type": "human_rights_body"}, **as_(personas.legal_officer_a)).json()

    assert (body["scope"], body["matters"], body["filters"]["type"]) == ("organization", 6, "human_rights_body")
    assert {row["matter"] for row in body["delayed_matters"]} == {str(matter.pk) for matter in late}
    assert body["delayed_matters"][0] | {"matter": None} == {
        "matter": None,
        "client_code": case.client.code,
        "stage": "filing",
        "since": body["delayed_matters"][0]["since"],
        "days": 40,
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [({"from": "2025-03-10", "to": "2025-03-01"}, "from"), ({"type": "divorce"}, "type"), ({"forum": "x"}, "forum")],
)
def test_it_refuses_filters_that_are_not_valid_naming_them(client, personas, query, field):
    response = client.get(reverse(URL), query, **as_(personas.coordinator))

    assert response.status_code == 400
    assert field in response.json()
    assert not AuditEvent.objects.filter(action="legal.analytics_exported").exists()


def test_it_refuses_every_other_role(client, personas):
    for name in EVERY_OTHER_ROLE[:-1]:  # the former member has no token to make
        assert client.get(reverse(URL), **as_(getattr(personas, name))).status_code == 403, name
    assert client.get(reverse(URL)).status_code == 401
    assert not AuditEvent.objects.filter(action="legal.analytics_exported").exists()
