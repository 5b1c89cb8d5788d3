"""An organization's dashboard: its staff see their organization only (another's: 404), a
coordinator any organization; other roles 403."""

import pytest
from django.urls import reverse

from caseway.indicators.tests.crafted import PERIOD
from caseway.indicators.tests.dashboards import answered, queries_of, table_after, url

pytestmark = pytest.mark.django_db


def path(organization):
    return reverse("indicators:organization", args=[organization.pk])


def test_it_shows_staff_their_own_organization_s_figures_only(personas, login_as):
    answered(personas, to=personas.org_a, accepted=7, declined=5, user=personas.caseworker_b)
    answered(personas, to=personas.org_b, accepted=1, declined=9)

    response = login_as(personas.caseworker_a).get(url(path(personas.org_a)))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Indicators of {personas.org_a.name}" in html
    assert table_after(html, "Referral acceptance rate over time")[-1] == [PERIOD.key, "58.3%", "7", "12"]
    assert 'value="organization"' not in html  # one organization: no breakdown by organization


@pytest.mark.parametrize("name", ["caseworker_a", "supervisor_a", "legal_officer_a", "admin_a"])
def test_it_lets_every_staff_role_in(personas, login_as, name):
    assert login_as(getattr(personas, name)).get(path(personas.org_a)).status_code == 200


def test_it_hides_another_organization_s_dashboard(personas, login_as):
    for user in (personas.caseworker_b, personas.supervisor_b, personas.outsider):
        assert login_as(user).get(path(personas.org_a)).status_code == 404, user


def test_it_refuses_roles_without_indicators(personas, client, login_as):
    assert client.get(path(personas.org_a)).status_code == 302
    for user in (personas.monitor_a, personas.donor, personas.unaffiliated):
        assert login_as(user).get(path(personas.org_a)).status_code == 403, user


def test_it_shows_a_coordinator_any_organization(personas, login_as):
    answered(personas, to=personas.org_b, accepted=7, declined=5)

    response = login_as(personas.coordinator).get(url(path(personas.org_b)))

    assert response.status_code == 200
    assert table_after(response.content.decode(), "Referral acceptance rate over time")[-1][1] == "58.3%"
    assert login_as(personas.coordinator).get(reverse("indicators:organization", args=[999999])).status_code == 404


def test_it_sends_staff_from_the_menu_to_their_organization(personas, login_as):
    response = login_as(personas.legal_officer_b).get(reverse("indicators:organization_home"))

    assert response.status_code == 302
    assert response["Location"] == path(personas.org_b)
    assert login_as(personas.coordinator).get(reverse("indicators:organization_home")).status_code == 403


def test_it_links_to_targets_for_those_who_set_them(personas, login_as):
    targets = reverse("indicators:targets") + f"?for={personas.org_a.pk}"
    assert targets in login_as(personas.supervisor_a).get(path(personas.org_a)).content.decode()
    assert targets not in login_as(personas.caseworker_a).get(path(personas.org_a)).content.decode()


def test_it_costs_the_same_queries_whatever_the_data(personas, login_as):
    signed_in = login_as(personas.supervisor_a)
    page = url(path(personas.org_a), by="age_band")
    answered(personas, to=personas.org_a, accepted=5, declined=6, user=personas.caseworker_b)
    signed_in.get(page)
    few, _response = queries_of(signed_in, page)

    for _i in range(3):
        answered(personas, to=personas.org_a, accepted=6, declined=7, user=personas.caseworker_b)
    many, response = queries_of(signed_in, page)

    assert response.status_code == 200
    assert many == few


def test_it_offers_a_coordinator_one_breakdown_at_a_time_and_its_staff_two(personas, login_as):
    """A coordinator reads an organization out of the network's tables by organization: one
    breakdown at a time (``queries.organization_tables``)."""
    answered(personas, to=personas.org_a, accepted=7, declined=5)

    staff = login_as(personas.caseworker_a).get(path(personas.org_a)).content.decode()
    coordinator = login_as(personas.coordinator).get(path(personas.org_a))
    pair = login_as(personas.coordinator).get(url(path(personas.org_a), by="sex", and_by="age_band"))

    assert 'name="and_by"' in staff
    assert coordinator.status_code == 200
    assert 'name="and_by"' not in coordinator.content.decode()
    assert pair.status_code == 200  # the second breakdown is not a field: it is left out
