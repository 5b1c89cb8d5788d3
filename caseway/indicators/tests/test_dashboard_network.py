"""The network dashboard (coordinators): every indicator of a period, one in detail over time and
broken down, progress against the network's targets; htmx swaps the results, links work alone."""

import pytest
from django.urls import reverse

from caseway.casework.tests.appointment_helpers import member
from caseway.clients.models import Sex
from caseway.indicators.models import Indicator
from caseway.indicators.services import target_set
from caseway.indicators.tests.crafted import PERIOD
from caseway.indicators.tests.dashboards import (
    CODE,
    answered,
    bar_chart_figures,
    queries_of,
    svgs,
    table_after,
    url,
)
from caseway.lib import disclosure

pytestmark = pytest.mark.django_db

PATH = reverse("indicators:network")
MARKER = str(disclosure.MARKER)


def test_it_shows_the_network_s_figures_to_a_coordinator(personas, login_as):
    answered(personas, to=personas.org_b, accepted=7, declined=5)
    answered(personas, to=personas.org_a, accepted=3, declined=5, user=personas.caseworker_b)

    response = login_as(personas.coordinator).get(url(PATH))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Network indicators" in html
    summary = table_after(html, "Referral acceptance rate over time")
    assert summary[-1] == [PERIOD.key, "50.0%", "10", "20"]  # 10 of 20, both organizations


def test_it_refuses_everyone_but_coordinators(personas, client, login_as):
    response = client.get(PATH)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    for user in (personas.supervisor_a, personas.caseworker_b, personas.admin_a, personas.donor, personas.monitor_a):
        assert login_as(user).get(PATH).status_code == 403, user


def test_it_breaks_down_by_one_dimension_with_a_chart_that_agrees_with_its_table(personas, login_as):
    answered(personas, to=personas.org_b, accepted=7, declined=5, sex=Sex.FEMALE)
    answered(personas, to=personas.org_b, accepted=6, declined=6, sex=Sex.MALE)

    response = login_as(personas.coordinator).get(url(PATH, by="sex"))

    html = response.content.decode()
    caption = "Referral acceptance rate by Sex"
    rows = table_after(html, caption)
    chart = next(svg for svg in svgs(response.content) if svg.get("aria-label") == caption)
    assert bar_chart_figures(chart) == [(row[0], row[1]) for row in rows]
    assert rows[:2] == [["Female", "58.3%", "7", "12"], ["Male", "50.0%", "6", "12"]]


def test_it_draws_small_multiples_for_two_dimensions(personas, login_as):
    answered(personas, to=personas.org_b, accepted=7, declined=5, sex=Sex.FEMALE)

    response = login_as(personas.coordinator).get(url(PATH, by="sex", and_by="age_band"))

    panels = [svg for svg in svgs(response.content) if ": " in (svg.get("aria-label") or "")]
    assert [svg.get("aria-label").split(": ")[1] for svg in panels][:2] == ["Female", "Male"]
    female = bar_chart_figures(panels[0])
    assert ("25–59 years", "58.3%") in female
    html = response.content.decode()
    rows = table_after(html, "Referral acceptance rate by Sex and Age group")
    assert rows[0][0] == "Female"
    assert [text for _label, text in female] == rows[0][1:-1]


def test_it_hides_small_figures_in_the_chart_and_the_table(personas, login_as):
    answered(personas, to=personas.org_b, accepted=9, declined=2)

    response = login_as(personas.coordinator).get(url(PATH))

    html = response.content.decode()
    assert table_after(html, "Referral acceptance rate over time")[-1][1] == MARKER
    trend = next(svg for svg in svgs(response.content) if svg.get("aria-label").endswith("over time"))
    assert MARKER in [text.text for text in trend.iter("{http://www.w3.org/2000/svg}text")]
    assert "58.3%" not in html and "81.8%" not in html
    assert disclosure.legend() in html


def test_it_answers_htmx_with_the_results_only(personas, login_as):
    response = login_as(personas.coordinator).get(url(PATH, by="sex"), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_it_works_as_plain_links(personas, login_as):
    response = login_as(personas.coordinator).get(url(PATH, by="sex"))

    html = response.content.decode()
    assert f'href="?period={PERIOD.key}&amp;indicator=clients_served&amp;by=sex&amp;and_by="' in html
    assert 'method="get"' in html
    assert f'hx-get="{PATH}"' in html
    assert "{# exports #}" not in html  # the slot is a template comment


def test_it_refuses_bad_filters_with_a_clear_message(personas, login_as):
    signed_in = login_as(personas.coordinator)

    for query in (
        {"period": "2026-13"},
        {"indicator": "nope"},
        {"by": "", "and_by": "sex"},
        {"by": "sex", "and_by": "sex"},
    ):
        response = signed_in.get(url(PATH, **query))
        assert response.status_code == 400, query
        assert "Some choices need correcting" in response.content.decode()
    assert "Choose two different breakdowns." in signed_in.get(url(PATH, by="sex", and_by="sex")).content.decode()


def test_it_offers_the_breakdown_by_organization_to_coordinators(personas, login_as):
    answered(personas, to=personas.org_b, accepted=7, declined=5)

    response = login_as(personas.coordinator).get(url(PATH, by="organization"))

    rows = table_after(response.content.decode(), "Referral acceptance rate by Organization")
    assert [personas.org_b.acronym, "58.3%", "7", "12"] in rows
    assert f'href="{reverse("indicators:organization", args=[personas.org_a.pk])}"' in response.content.decode()


def test_it_shows_progress_against_the_network_s_targets(personas, login_as):
    answered(personas, to=personas.org_b, accepted=7, declined=5)
    coordinator = member(personas.coordinator)
    indicator = Indicator.objects.get(code=CODE, version=1)
    target_set(
        actor=personas.coordinator, membership=coordinator, indicator=indicator, period=PERIOD, target=70, baseline=40
    )

    response = login_as(personas.coordinator).get(url(PATH))

    html = response.content.decode()
    rows = table_after(html, "Progress towards the targets")
    assert rows == [["Referral acceptance rate", "40", "70", "58.3%", "61%"]]  # (58.3 − 40) / (70 − 40)
    chart = next(svg for svg in svgs(response.content) if svg.get("aria-label") == "Progress towards the targets")
    assert bar_chart_figures(chart) == [("Referral acceptance rate", "61%")]
    assert reverse("indicators:targets") + "?for=network" in html


def test_it_costs_the_same_queries_whatever_the_data(personas, login_as):
    signed_in = login_as(personas.coordinator)
    path = url(PATH, by="sex", and_by="age_band")
    answered(personas, to=personas.org_b, accepted=6, declined=5)
    signed_in.get(path)
    few, _response = queries_of(signed_in, path)

    for sex in (Sex.FEMALE, Sex.MALE, Sex.OTHER):
        answered(personas, to=personas.org_a, accepted=8, declined=9, sex=sex, user=personas.caseworker_b)
    many, response = queries_of(signed_in, path)

    assert response.status_code == 200
    assert many == few
    assert few <= 80
