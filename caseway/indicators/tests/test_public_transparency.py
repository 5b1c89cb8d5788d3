"""The public transparency page: no sign-in, the network only, never an organization named or
identified, no personal data, in its htmx partial as in the page; within the portal's budget
with no script needed; right to left in Arabic. The published quarters only (ended, frozen
snapshots): no month, year or unfinished quarter to subtract from another, nothing computed live."""

import re

import pytest
from django.urls import reverse

from caseway.clients.models import Sex
from caseway.directory.tests.factories import Admin1Factory
from caseway.indicators.models import Snapshot
from caseway.indicators.periods import Period, PeriodKind
from caseway.indicators.tests.dashboards import SVG, svgs, table_after
from caseway.indicators.tests.published import BREAKDOWNS, CODE, QUARTER, answered, publish
from caseway.orgs.models import Organization, OrganizationType
from caseway.tests.test_page_weight import Subresources, gzip_size, static_size

pytestmark = pytest.mark.django_db

PATH = reverse("transparency:index")
PUBLIC_BUDGET = 15 * 1024
TREND = "Referral acceptance rate over time"


@pytest.fixture
def network(personas):
    """Work done by two organizations whose names and acronyms appear nowhere else."""
    quill = Organization.objects.create(
        name="Quillfeather Sanctuary", acronym="QFSX", type=OrganizationType.NATIONAL_NGO
    )
    marrow = Organization.objects.create(name="Marrowgate Clinic", acronym="MGCZ", type=OrganizationType.LEGAL_CLINIC)
    cases = [
        *answered(personas, to=(quill, marrow), accepted=7, declined=5, sex=Sex.FEMALE),
        *answered(personas, to=(marrow, quill), accepted=6, declined=6, sex=Sex.MALE),
    ]
    publish(codes=(CODE, "clients_served"), breakdowns=[*BREAKDOWNS, ("admin2", "displacement")])
    return [quill, marrow], cases


def url(path, **query):
    query.setdefault("period", QUARTER.key)
    query.setdefault("indicator", CODE)
    return path + "?" + "&".join(f"{key}={value}" for key, value in query.items())


def without_tokens(html: str) -> str:
    """The page without its random CSRF token (64 letters and digits, a new one per page), in
    which a three-letter acronym turns up by chance about once in a hundred pages."""
    return re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*', r"\1", html)


def identifiers(organizations, personas):
    every = [*organizations, personas.org_a, personas.org_b]
    words = []
    for organization in every:
        words += [organization.name, organization.acronym, str(organization.hsds_id)]
    words += [f"org:{organization.pk}" for organization in every]
    return words


def test_it_shows_the_network_s_figures_without_sign_in(client, network):
    response = client.get(url(PATH))

    assert response.status_code == 200
    assert table_after(response.content.decode(), TREND)[-1] == [QUARTER.key, "54.2%", "13", "24"]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"by": "sex"},
        {"by": "sex", "and_by": "age_band"},
        {"by": "admin1"},
        {"by": "admin2", "and_by": "displacement"},
        {"by": "disability"},
        {"indicator": "clients_served", "by": "age_band"},
    ],
)
def test_it_names_no_organization_and_no_person(client, network, personas, query):
    organizations, cases = network

    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        html = without_tokens(client.get(url(PATH, **query), **headers).content.decode())
        for word in identifiers(organizations, personas):
            assert not re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", html, re.IGNORECASE), (query, headers)
        for case in cases:
            assert case.client.code not in html


def test_it_never_breaks_down_by_organization(client, network):
    response = client.get(url(PATH, by="organization"))

    assert response.status_code == 400
    assert 'value="organization"' not in client.get(PATH).content.decode()


def test_it_answers_htmx_with_the_results_only(client, network):
    response = client.get(url(PATH, by="sex"), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html
    assert "58.3%" in html


def test_it_keeps_within_the_portal_budget_and_needs_no_script(client, network):
    for query in ({}, {"by": "sex", "and_by": "age_band"}, {"by": "admin2"}):
        html = client.get(url(PATH, **query)).content
        parser = Subresources()
        parser.feed(html.decode())
        total = gzip_size(html) + sum(static_size(source) for source in parser.urls)
        assert total <= PUBLIC_BUDGET, (query, total)
        assert not any("htmx" in source for source in parser.urls)
        assert b'<form method="get"' in html  # the filters work as a plain form


def test_it_reads_right_to_left_in_arabic(client, network):
    response = client.get(url(PATH, by="sex"), HTTP_ACCEPT_LANGUAGE="ar")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html
    drawn = svgs(response.content)
    assert drawn and all(svg.get("direction") == "rtl" for svg in drawn)
    bars = next(svg for svg in drawn if list(svg.iter(f"{SVG}rect")))
    for rect in bars.iter(f"{SVG}rect"):
        assert float(rect.get("x")) + float(rect.get("width")) == float(bars.get("width"))


def test_it_shows_nothing_rather_than_a_label_that_names_an_organization(client, network):
    Admin1Factory(name="Quillfeather Sanctuary")  # an area named like an organization

    assert client.get(url(PATH, by="admin1")).status_code == 404
    assert client.get(url(PATH, by="sex")).status_code == 200


def test_it_is_linked_from_the_sign_in_page(client, db):
    assert f'href="{PATH}"' in client.get(reverse("accounts:login")).content.decode()


def test_it_offers_only_the_published_quarters(client, network):
    current = Period.containing(PeriodKind.QUARTER, QUARTER.after)
    publish(current)  # stored, frozen even: a quarter under way is never published
    publish(QUARTER.previous(), frozen=False)  # stored, not final yet

    html = client.get(PATH).content.decode()

    select = html[html.index('name="period"') : html.index("</select>", html.index('name="period"'))]
    assert f'value="{QUARTER.key}"' in select
    assert select.count("<option") == 1
    assert f'<h2 id="summary-heading">Every indicator, {QUARTER.key}</h2>' in html


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("month", "whole quarters that have ended"),
        ("year", "whole quarters that have ended"),
        ("current", "whole quarters that have ended"),
        ("unfrozen", "are not published yet"),
        ("9999-Q1", "Enter a period between"),
        ("2026-13", "Enter a period such as 2026-03"),
    ],
)
def test_it_refuses_any_other_period_with_a_clear_message(client, network, period, message):
    publish(QUARTER.previous(), frozen=False)
    key = {
        "month": QUARTER.start.strftime("%Y-%m"),
        "year": str(QUARTER.start.year),
        "current": Period.containing(PeriodKind.QUARTER, QUARTER.after).key,
        "unfrozen": QUARTER.previous().key,
    }.get(period, period)

    response = client.get(url(PATH, period=key))

    assert response.status_code == 400
    assert message in response.content.decode()


def test_it_shows_the_frozen_figures_and_computes_nothing_live(client, network, personas):
    answered(personas, to=personas.org_a, accepted=0, declined=12, sex=Sex.FEMALE)  # after publication
    stored = Snapshot.objects.count()

    html = client.get(url(PATH, by="sex")).content.decode()

    assert table_after(html, TREND)[-1] == [QUARTER.key, "54.2%", "13", "24"]
    assert "58.3%" in html  # women: 7 of 12, as published
    assert Snapshot.objects.count() == stored
    summary = html[html.index('id="summary-heading"') : html.index("</section>", html.index('id="summary-heading"'))]
    assert summary.count('<th scope="row">') == 2  # the two indicators published, no other


def test_it_says_so_while_nothing_is_published(client, personas):
    answered(personas, to=personas.org_a, accepted=7, declined=5)
    publish(frozen=False)

    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.get(PATH, **headers)
        assert response.status_code == 200
        assert "No figures are published yet" in response.content.decode()
        assert "54.2%" not in response.content.decode() and "58.3%" not in response.content.decode()


def test_it_shows_nothing_rather_than_a_label_with_an_organization_s_other_name(client, network):
    quill = network[0][0]
    quill.alternate_name = "Featherquill Refuge"
    quill.save(update_fields=["alternate_name"])
    Admin1Factory(name="Featherquill Refuge")

    assert client.get(url(PATH, by="admin1")).status_code == 404


def test_it_says_so_when_a_breakdown_is_not_published(client, network):
    html = client.get(url(PATH, by="sex", and_by="disability")).content.decode()

    assert "This indicator is not published broken down that way." in html
