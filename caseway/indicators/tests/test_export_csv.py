"""The indicators CSV download: long form with human labels, protected figures only, formula-safe,
audited with names (never numbers); the viewer's scope only; bad filters a clear 400."""

import csv
import io

import pytest

from caseway.audit.models import AuditEvent
from caseway.clients.models import Sex
from caseway.directory.tests.factories import Admin1Factory
from caseway.indicators.tests.crafted import PERIOD
from caseway.indicators.tests.dashboards import donor_organization, fund
from caseway.indicators.tests.exported import CODE, answered, figures, url

pytestmark = pytest.mark.django_db

EXPORT = "indicators:export_csv"


def rows_of(response) -> list[list[str]]:
    assert response.content.startswith("\ufeff".encode())  # Excel reads UTF-8 with it
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def by_sex(rows) -> dict:
    return {row[5]: row[7:11] for row in rows[1:] if row[0] == CODE}


def test_it_downloads_the_protected_figures_in_long_form_and_audits_it(personas, login_as):
    cases = figures(personas)
    client = login_as(personas.coordinator)

    response = client.get(url(EXPORT, indicator=CODE, dimensions="sex"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="caseway-indicators-{PERIOD.key}-sex.csv"'
    assert "no-store" in response["Cache-Control"]
    rows = rows_of(response)
    assert rows[0] == [
        "Indicator code",
        "Indicator",
        "Version",
        "Period",
        "Scope",
        "Sex",
        "Sex: code",
        "Value",
        "Unit",
        "Numerator",
        "Denominator, or number of values of a median",
        "Figures from",
    ]
    assert rows[1][:7] == [CODE, "Referral acceptance rate", "1", PERIOD.key, "The whole network", "Female", "female"]
    figures_by_sex = by_sex(rows)
    assert figures_by_sex["Female"] == ["58.3", "Percentage", "7", "12"]
    assert figures_by_sex["Male"] == ["hidden", "Percentage", "hidden", "hidden"]  # 1 accepted: small
    assert figures_by_sex["Other"] == ["hidden", "Percentage", "hidden", "hidden"]  # its complement
    assert figures_by_sex["Prefers not to say"] == ["", "Percentage", "0", "0"]  # nothing to compute
    assert figures_by_sex["Total"] == ["46.7", "Percentage", "14", "30"]  # the refusing client is not counted
    assert rows[-1][0] == "Note" and "fewer than 5" in rows[-1][1]
    text = response.content.decode("utf-8-sig")
    for case in cases:
        assert case.client.code not in text
    event = AuditEvent.objects.get(action="indicators.exported")
    assert event.actor_id == personas.coordinator.pk
    assert event.fields == ["csv", PERIOD.key, "network", "by:sex", CODE]


def test_it_gives_every_indicator_by_default(personas, login_as):
    client = login_as(personas.coordinator)

    rows = rows_of(client.get(url(EXPORT)))

    assert len({row[0] for row in rows[1:-1]}) >= 15
    assert all(len(row) == 10 for row in rows[1:-1])  # no disaggregation: one total per indicator


def test_it_gives_organization_staff_their_organization(personas, login_as):
    figures(personas)  # referrals received by organization A
    answered(personas, accepted=9, declined=9, to=personas.org_b)
    client = login_as(personas.caseworker_a)

    rows = rows_of(client.get(url(EXPORT, indicator=CODE)))

    assert rows[1][4] == "ALR"
    assert rows[1][5:9] == ["46.7", "Percentage", "14", "30"]


def test_it_lets_coordinators_choose_an_organization(personas, login_as):
    figures(personas)
    answered(personas, accepted=9, declined=9, to=personas.org_b)
    client = login_as(personas.coordinator)

    rows = rows_of(client.get(url(EXPORT, indicator=CODE, scope=f"org:{personas.org_b.pk}")))

    assert rows[1][4] == "BLA"
    assert rows[1][5:9] == ["50.0", "Percentage", "9", "18"]


def test_it_guards_labels_against_formula_injection(personas, login_as):
    region = Admin1Factory(name='=HYPERLINK("http://example.invalid","x")')
    figures(personas, admin_area=region)
    client = login_as(personas.coordinator)

    rows = rows_of(client.get(url(EXPORT, indicator=CODE, dimensions="admin1")))

    assert rows[1][5] == '\'=HYPERLINK("http://example.invalid","x")'
    assert rows[1][6] == region.pcode


def test_it_answers_bad_filters_with_a_clear_400(personas, login_as):
    client = login_as(personas.coordinator)

    for query, message in (
        ({"period": "2026-13"}, "Enter a period such as 2026-03"),
        ({"dimensions": "sex,sex"}, "Choose two different disaggregations."),
        ({"dimensions": "sex,age_band,disability"}, "Choose at most two disaggregations."),
        ({"dimensions": "shoe_size"}, "Unknown disaggregation: shoe_size."),
        ({"indicator": "no_such_indicator"}, "Unknown indicator: no_such_indicator."),
        ({"scope": "org:abc"}, "Enter network, or org: followed by organization numbers"),
    ):
        response = client.get(url(EXPORT, **query))
        assert response.status_code == 400, query
        assert message in response.content.decode(), query
    assert not AuditEvent.objects.filter(action="indicators.exported").exists()


def test_it_leaves_out_indicators_that_cannot_be_broken_down_that_way(personas, login_as):
    figures(personas)
    client = login_as(personas.coordinator)

    rows = rows_of(client.get(url(EXPORT, indicator=f"clients_served,{CODE}", dimensions="organization")))

    codes = {row[0] for row in rows[1:-1]}
    assert codes == {CODE}  # clients_served is counted per person, never per organization
    by_organization = {row[5]: row[7:11] for row in rows[1:-1]}
    assert by_organization["ALR"] == ["46.7", "Percentage", "14", "30"]
    assert by_organization["BLA"] == ["", "Percentage", "0", "0"]


def test_it_hides_other_organizations_from_organization_staff(personas, login_as):
    client = login_as(personas.caseworker_a)

    assert client.get(url(EXPORT, scope=f"org:{personas.org_b.pk}")).status_code == 404
    assert client.get(url(EXPORT, scope="network")).status_code == 404
    assert client.get(url(EXPORT, scope=f"org:{personas.org_a.pk},{personas.org_b.pk}")).status_code == 404


def test_it_gives_a_donor_what_it_funds_for_the_whole_period_and_nothing_else(personas, login_as):
    figures(personas)  # received by organization A
    answered(personas, accepted=9, declined=9, to=personas.org_b)
    # Two organizations at least (never one on its own); the other received nothing.
    fund(donor_organization(personas), personas.org_b, personas.org_other)
    client = login_as(personas.donor)

    rows = rows_of(client.get(url(EXPORT, indicator=CODE)))

    assert rows[1][4] == "BLA, GCO"
    assert rows[1][5:9] == ["50.0", "Percentage", "9", "18"]
    assert AuditEvent.objects.get(action="indicators.exported").fields == ["csv", PERIOD.key, "funded", CODE]
    assert client.get(url(EXPORT, scope=f"org:{personas.org_a.pk}")).status_code == 404
    assert client.get(url(EXPORT, scope="network")).status_code == 404
    # Fewer than three organizations funded: never one of them on its own.
    assert client.get(url(EXPORT, dimensions="organization")).status_code == 400


def test_it_tells_a_donor_that_funds_nobody_for_the_period(personas, login_as):
    figures(personas)
    client = login_as(personas.donor)

    rows = rows_of(client.get(url(EXPORT, indicator=CODE)))

    assert rows[1:-1] == []
    assert rows[-1][0] == "Note"


def test_it_refuses_roles_that_see_no_indicators(personas, login_as):
    for user in (personas.monitor_a, personas.unaffiliated):
        client = login_as(user)
        assert client.get(url(EXPORT)).status_code == 403, user.email
    assert AuditEvent.objects.filter(action="access.permission_denied").count() == 2


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(url(EXPORT))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"] or "login" in response["Location"]


def test_it_reads_a_fixed_number_of_queries_whatever_the_data(personas, login_as, django_assert_max_num_queries):
    client = login_as(personas.coordinator)
    answered(personas, accepted=1, declined=1, sex=Sex.FEMALE)
    with django_assert_max_num_queries(50) as small:
        client.get(url(EXPORT, dimensions="sex"))
    for sex in (Sex.MALE, Sex.OTHER, Sex.UNDISCLOSED):
        answered(personas, accepted=6, declined=7, sex=sex)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url(EXPORT, dimensions="sex"))
