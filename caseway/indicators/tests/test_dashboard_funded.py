"""The donor dashboard: the organizations a donor funds for the whole period, added up; never by
organization unless it funds several; nothing of what it does not fund; other roles 403."""

import datetime

import pytest
from django.urls import reverse

from caseway.indicators import funded
from caseway.indicators.tests.crafted import PERIOD
from caseway.indicators.tests.dashboards import (
    answered,
    donor_organization,
    fund,
    queries_of,
    table_after,
    url,
)
from caseway.orgs.models import Organization, OrganizationType
from caseway.orgs.permissions import Role
from caseway.tests.personas import make_member

pytestmark = pytest.mark.django_db

PATH = reverse("indicators:funded")
TREND = "Referral acceptance rate over time"


def test_it_shows_a_donor_what_it_funds_only(personas, login_as):
    fund(donor_organization(personas), personas.org_b, personas.org_other)
    answered(personas, to=personas.org_b, accepted=7, declined=5)
    answered(personas, to=personas.org_a, accepted=2, declined=9, user=personas.caseworker_b)

    response = login_as(personas.donor).get(url(PATH))

    assert response.status_code == 200
    html = response.content.decode()
    assert table_after(html, TREND)[-1] == [PERIOD.key, "58.3%", "7", "12"]  # org B's only
    assert personas.org_b.name in html  # the donor is told whose figures these are
    assert personas.org_a.name not in html


def test_it_never_shows_a_donor_one_organization_on_its_own(personas, login_as):
    fund(donor_organization(personas), personas.org_b)
    answered(personas, to=personas.org_b, accepted=7, declined=5)

    html = login_as(personas.donor).get(url(PATH)).content.decode()

    assert "You fund fewer than two organizations for the whole of this period" in html
    assert "58.3%" not in html


def test_it_shows_nothing_for_a_period_the_funding_does_not_cover_whole(personas, login_as):
    fund(donor_organization(personas), personas.org_b, starts_on=PERIOD.start + datetime.timedelta(days=1))
    answered(personas, to=personas.org_b, accepted=7, declined=5)

    response = login_as(personas.donor).get(url(PATH))

    html = response.content.decode()
    assert response.status_code == 200
    assert "You fund fewer than two organizations for the whole of this period" in html
    assert "58.3%" not in html
    assert "Nothing to show for this period." in html


def test_it_shows_another_donor_nothing_of_this_one(personas, login_as):
    fund(donor_organization(personas), personas.org_b, personas.org_other)
    answered(personas, to=personas.org_b, accepted=7, declined=5)
    other = Organization.objects.create(name="Omicron Trust", type=OrganizationType.DONOR)
    other_donor = make_member(other, Role.DONOR, "donor.omicron@example.org")

    html = login_as(other_donor).get(url(PATH)).content.decode()

    assert "58.3%" not in html
    assert personas.org_b.name not in html


def test_it_never_breaks_down_by_organization_for_fewer_than_several(personas, login_as):
    fund(donor_organization(personas), personas.org_a, personas.org_b)
    signed_in = login_as(personas.donor)

    assert 'value="organization"' not in signed_in.get(url(PATH)).content.decode()
    response = signed_in.get(url(PATH, by="organization"))
    assert response.status_code == 400
    with pytest.raises(ValueError):
        funded.funded_values(membership=personas.donor.memberships.get(), period=PERIOD, dimensions=["organization"])


def test_it_breaks_down_by_organization_when_it_funds_several(personas, login_as):
    third = Organization.objects.create(name="Sigma Care", acronym="SGC", type=OrganizationType.NATIONAL_NGO)
    fund(donor_organization(personas), personas.org_a, personas.org_b, third)
    answered(personas, to=personas.org_b, accepted=7, declined=5)
    answered(personas, to=personas.org_a, accepted=6, declined=6, user=personas.caseworker_b)

    response = login_as(personas.donor).get(url(PATH, by="organization"))

    assert response.status_code == 200
    rows = table_after(response.content.decode(), "Referral acceptance rate by Organization")
    assert ["BLA", "58.3%", "7", "12"] in rows
    assert ["ALR", "50.0%", "6", "12"] in rows
    assert all(row[0] != personas.org_other.acronym for row in rows)  # only the funded ones


def test_it_refuses_everyone_but_donors(personas, client, login_as):
    assert client.get(PATH).status_code == 302
    for user in (personas.coordinator, personas.supervisor_a, personas.caseworker_b, personas.monitor_a):
        assert login_as(user).get(PATH).status_code == 403, user


def test_it_costs_the_same_queries_whatever_the_data(personas, login_as):
    fund(donor_organization(personas), personas.org_a, personas.org_b)
    signed_in = login_as(personas.donor)
    page = url(PATH, by="sex")
    answered(personas, to=personas.org_b, accepted=5, declined=6)
    signed_in.get(page)
    few, _response = queries_of(signed_in, page)

    for _i in range(3):
        answered(personas, to=personas.org_a, accepted=6, declined=7, user=personas.caseworker_b)
    many, response = queries_of(signed_in, page)

    assert response.status_code == 200
    assert many == few
