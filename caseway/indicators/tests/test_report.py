"""The printable report of one period: every indicator with its definition and version, the
protected figures (hidden ones marked), targets, links to the downloads; a print stylesheet loaded
as a file (the CSP forbids inline styles); audited; the viewer's scope only."""

import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from caseway.audit.models import AuditEvent
from caseway.casework.tests.appointment_helpers import member
from caseway.clients.models import Sex
from caseway.indicators.models import Indicator
from caseway.indicators.services import target_set
from caseway.indicators.tests import published
from caseway.indicators.tests.crafted import PERIOD
from caseway.indicators.tests.dashboards import donor_organization, fund
from caseway.indicators.tests.exported import CODE, answered, figures, url

pytestmark = pytest.mark.django_db

REPORT = "indicators:report"


def section(html: str, code: str) -> str:
    start = html.index(f'id="i-{code}"')
    return html[start : html.index("</section>", start)]


def test_it_prints_every_indicator_with_its_figures_definition_and_target(personas, login_as):
    figures(personas)
    coordinator = personas.coordinator
    target_set(
        actor=coordinator,
        membership=member(coordinator),
        indicator=Indicator.objects.get(code=CODE, version=1),
        period=PERIOD,
        target=Decimal("60"),
        baseline=Decimal("40"),
    )
    client = login_as(coordinator)

    response = client.get(url(REPORT, dimensions="sex"))

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<link rel="stylesheet" href="/static/indicators/print[^"]*\.css" media="print">', html)
    assert "style=" not in html and "<style" not in html
    assert f"Common indicators, {PERIOD.key}" in html
    assert html.count('<section class="indicator"') >= 15
    rate = section(html, CODE)
    assert "Referral acceptance rate" in rate and "version 1" in rate
    assert Indicator.objects.get(code=CODE).localized_definition()[:40] in rate
    assert '<th scope="row">Female</th><td>58.3</td><td>7</td><td>12</td>' in rate
    assert '<th scope="row">Male</th><td>hidden</td><td>hidden</td><td>hidden</td>' in rate
    assert '<th scope="row">Total</th><td>46.7</td><td>14</td><td>30</td>' in rate
    assert "Target: 60" in rate and "Baseline: 40" in rate and "Not reached yet" in rate
    assert f"/indicators/export.csv?period={PERIOD.key}&amp;dimensions=sex" in html
    assert "/indicators/export-hxl.csv?" in html and "/indicators/export.xlsx?" in html
    event = AuditEvent.objects.get(action="indicators.report_viewed")
    assert event.fields[:4] == ["report", PERIOD.key, "network", "by:sex"]


def test_it_shows_organization_staff_their_organization(personas, login_as):
    figures(personas)
    answered(personas, accepted=9, declined=9, to=personas.org_b, sex=Sex.MALE)
    client = login_as(personas.legal_officer_b)

    html = client.get(url(REPORT, indicator=CODE)).content.decode()

    assert "<dd>BLA</dd>" in html
    assert "<td>50.0</td><td>9</td><td>18</td>" in section(html, CODE)


def test_it_prints_a_donor_the_organizations_it_funds(personas, login_as):
    answered(personas, accepted=9, declined=9, to=personas.org_b)
    # Two organizations at least (never one on its own); the other received nothing.
    fund(donor_organization(personas), personas.org_b, personas.org_other)
    client = login_as(personas.donor)

    html = client.get(url(REPORT, indicator=CODE)).content.decode()

    assert "<dd>BLA, GCO</dd>" in html
    assert "<td>50.0</td><td>9</td><td>18</td>" in section(html, CODE)


def test_it_answers_bad_filters_with_the_form_and_a_400(personas, login_as):
    client = login_as(personas.coordinator)

    response = client.get(url(REPORT, period="2026-Q5"))

    assert response.status_code == 400
    assert "Enter a period such as 2026-03" in response.content.decode()
    assert not AuditEvent.objects.filter(action="indicators.report_viewed").exists()


def test_it_refuses_other_organizations_wrong_roles_and_anonymous_visitors(personas, login_as, client):
    response = client.get(url(REPORT))
    assert response.status_code == 302 and "login" in response["Location"]
    login_as(personas.caseworker_a)
    assert client.get(url(REPORT, scope=f"org:{personas.org_b.pk}")).status_code == 404
    login_as(personas.monitor_a)
    assert client.get(url(REPORT)).status_code == 403


def test_it_reads_a_fixed_number_of_queries_whatever_the_data(personas, login_as, django_assert_max_num_queries):
    client = login_as(personas.coordinator)
    answered(personas, accepted=1, declined=1)
    with django_assert_max_num_queries(60) as first:
        client.get(url(REPORT, dimensions="sex"))
    for sex in (Sex.MALE, Sex.OTHER, Sex.UNDISCLOSED):
        answered(personas, accepted=6, declined=7, sex=sex)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(url(REPORT, dimensions="sex"))


def test_it_gives_the_dashboards_links_that_download_what_they_show(personas, login_as):
    figures(personas)
    query = f"period={PERIOD.key}&indicator={CODE}&by=sex&and_by="  # a dashboard's filters
    client = login_as(personas.coordinator)

    links = re.findall(r'href="([^"]+)"', render_to_string("indicators/_export_links.html", {"query": query}))

    assert [link.split("?")[0] for link in links] == [
        "/indicators/export.csv",
        "/indicators/export.xlsx",
        "/indicators/export-hxl.csv",
        "/indicators/report/",
    ]
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
    csv_text = client.get(links[0].replace("&amp;", "&")).content.decode("utf-8-sig")
    assert f"{CODE},Referral acceptance rate,1,{PERIOD.key},The whole network,Female,female,58.3" in csv_text


def test_it_gives_the_public_page_links_that_download_what_it_shows(personas, client):
    published.figures(personas)
    published.publish()
    query = f"period={published.QUARTER.key}&indicator={CODE}&by=sex&and_by="  # the public page's filters

    public_links = re.findall(
        r'href="([^"]+)"', render_to_string("indicators/_export_links.html", {"query": query, "public": True})
    )

    assert [link.split("?")[0] for link in public_links] == [
        "/transparency/export.csv",
        "/transparency/export.xlsx",
        "/transparency/export-hxl.csv",
    ]
    for link in public_links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
    csv_text = client.get(public_links[0].replace("&amp;", "&")).content.decode("utf-8-sig")
    assert f"{CODE},Referral acceptance rate,1,{published.QUARTER.key},The whole network,Female,female,58.3" in csv_text
