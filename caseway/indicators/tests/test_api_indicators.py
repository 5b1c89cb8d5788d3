"""The indicators API: the library with its versions, protected values, progress against targets;
the viewer's scope only (404 otherwise), other roles 403 (audited), anonymous 401; bad filters 400."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from caseway.api.tests.helpers import bearer, create_token
from caseway.audit.models import AuditEvent
from caseway.casework.tests.appointment_helpers import member
from caseway.indicators.models import Indicator
from caseway.indicators.periods import Scope
from caseway.indicators.services import target_set
from caseway.indicators.tests.crafted import PERIOD
from caseway.indicators.tests.dashboards import donor_organization, fund
from caseway.indicators.tests.exported import CODE, answered, figures, url

pytestmark = pytest.mark.django_db


def token_for(user) -> dict:
    _token, secret = create_token(user)
    return bearer(secret)


def test_it_lists_the_library_with_every_version(personas, client):
    first = Indicator.objects.get(code=CODE, version=1)
    Indicator.objects.create(
        code=CODE,
        version=2,
        name={"en": "Referral acceptance rate (revised)", "fr": "Taux d'acceptation (révisé)"},
        definition={"en": "Revised."},
        unit=first.unit,
        direction=first.direction,
        numerator=first.numerator,
        denominator=first.denominator,
        dimensions=first.dimensions,
        hxl=first.hxl,
        valid_from=datetime.date(2999, 1, 1),
    )

    response = client.get(reverse("api:indicators"), **token_for(personas.caseworker_a))

    assert response.status_code == 200
    library = response.json()
    assert len({entry["code"] for entry in library}) >= 15
    versions = [entry for entry in library if entry["code"] == CODE]
    assert [(entry["version"], entry["in_force"]) for entry in versions] == [(1, True), (2, False)]
    assert versions[0]["unit"] == "percent" and versions[0]["direction"] == "higher"
    assert versions[0]["hxl"] == "#indicator+value+pct+referrals+accepted"
    assert "organization" in versions[0]["dimensions"]
    french = client.get(reverse("api:indicators"), HTTP_ACCEPT_LANGUAGE="fr", **token_for(personas.coordinator))
    assert [entry["name"] for entry in french.json() if entry["code"] == CODE][1] == "Taux d'acceptation (révisé)"


def test_it_gives_protected_values_with_hidden_cells_null_and_audits_it(personas, client):
    cases = figures(personas)

    response = client.get(
        url("api:indicator_values", dimensions="sex", indicator=CODE), **token_for(personas.coordinator)
    )

    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {"key": PERIOD.key, "start": PERIOD.start.isoformat(), "end": PERIOD.end.isoformat()}
    assert (body["scope"], body["dimensions"], body["threshold"]) == ("network", ["sex"], 5)
    (table,) = body["tables"]
    assert table["indicator"]["code"] == CODE and table["source"] == "live"
    rows = dict(zip((row["key"] for row in table["rows"]), table["row_totals"], strict=True))
    assert rows["female"] == {"value": 58.3, "numerator": 7, "denominator": 12, "hidden": False}
    assert rows["male"] == {"value": None, "numerator": None, "denominator": None, "hidden": True}
    assert table["total"] == {"value": 46.7, "numerator": 14, "denominator": 30, "hidden": False}
    assert all(case.client.code not in response.content.decode() for case in cases)
    event = AuditEvent.objects.get(action="indicators.exported")
    assert event.fields == ["api", PERIOD.key, "network", "by:sex", CODE]


def test_it_gives_two_dimensions_as_cells_with_margins(personas, client):
    figures(personas)

    response = client.get(
        url("api:indicator_values", dimensions="sex,disability", indicator=CODE), **token_for(personas.coordinator)
    )

    (table,) = response.json()["tables"]
    assert len(table["cells"]) == len(table["rows"]) and len(table["cells"][0]) == len(table["columns"])
    assert len(table["column_totals"]) == len(table["columns"])


def test_it_keeps_organization_staff_to_their_organization(personas, client):
    figures(personas)
    headers = token_for(personas.caseworker_a)

    own = client.get(url("api:indicator_values", indicator=CODE), **headers)
    other = client.get(url("api:indicator_values", scope=f"org:{personas.org_b.pk}"), **headers)
    network = client.get(url("api:indicator_values", scope="network"), **headers)

    assert own.json()["scope"] == f"org:{personas.org_a.pk}"
    assert own.json()["tables"][0]["total"]["value"] == 46.7
    assert (other.status_code, network.status_code) == (404, 404)


def test_it_gives_a_donor_what_it_funds(personas, client):
    answered(personas, accepted=9, declined=9, to=personas.org_b)
    fund(donor_organization(personas), personas.org_b, personas.org_other)

    response = client.get(url("api:indicator_values", indicator=CODE), **token_for(personas.donor))

    assert response.json()["scope"] == Scope.of(personas.org_b, personas.org_other).key
    assert response.json()["tables"][0]["total"]["value"] == 50.0


def test_it_gives_progress_against_targets(personas, client):
    figures(personas)
    target_set(
        actor=personas.coordinator,
        membership=member(personas.coordinator),
        indicator=Indicator.objects.get(code=CODE, version=1),
        period=PERIOD,
        target=Decimal("50"),
        baseline=Decimal("40"),
    )

    response = client.get(url("api:indicator_progress"), **token_for(personas.coordinator))

    assert response.status_code == 200
    (target,) = response.json()["targets"]
    assert target["indicator"]["code"] == CODE
    assert (target["baseline"], target["target"], target["value"]) == ("40.0000", "50.0000", 46.7)
    assert (target["achieved"], target["reached"]) == (0.67, False)
    own = client.get(url("api:indicator_progress"), **token_for(personas.supervisor_a))
    assert own.json()["targets"] == []  # the network's target is not organization A's


def test_it_answers_bad_filters_with_a_400_naming_the_field(personas, client):
    headers = token_for(personas.coordinator)

    response = client.get(url("api:indicator_values", dimensions="sex,age_band,disability"), **headers)

    assert response.status_code == 400
    assert response.json()["dimensions"] == ["Choose at most two disaggregations."]
    response = client.get(url("api:indicator_progress", period="2026-Q9"), **headers)
    assert response.status_code == 400 and "period" in response.json()


def test_it_refuses_other_roles_and_anonymous_callers(personas, client):
    for name in ("api:indicators", "api:indicator_values", "api:indicator_progress"):
        assert client.get(reverse(name)).status_code == 401, name
        assert client.get(reverse(name), **token_for(personas.monitor_a)).status_code == 403, name
    assert AuditEvent.objects.filter(action="access.permission_denied").count() == 3


def test_it_answers_a_coordinator_asking_for_several_organizations_at_once_with_a_400_on_scope(personas, client):
    answered(personas, accepted=9, declined=9, to=personas.org_b)
    both = Scope.of(personas.org_a, personas.org_b).key

    refused = client.get(url("api:indicator_values", scope=both), **token_for(personas.coordinator))
    one = client.get(url("api:indicator_values", scope=f"org:{personas.org_b.pk}"), **token_for(personas.coordinator))

    assert refused.status_code == 400
    assert "one organization at a time" in refused.json()["scope"][0]
    assert one.status_code == 200
    assert one.json()["scope"] == f"org:{personas.org_b.pk}"
