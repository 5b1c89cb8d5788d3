"""Every dashboard links to the downloads of the figures it shows, with its filters (and, for an
organization's page, its scope); the public page to the public downloads only."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from caseway.casework.tests.appointment_helpers import member
from caseway.indicators.tests.published import QUARTER, publish

pytestmark = pytest.mark.django_db


def test_the_network_dashboard_links_to_its_exports_with_its_filters(personas, login_as):
    page = login_as(personas.coordinator).get(reverse("indicators:network"), {"by": "sex"}).content.decode()
    assert reverse("indicators:export_csv") + "?" in page and "by=sex" in page
    assert reverse("indicators:report") in page


def test_an_organizations_dashboard_exports_its_own_scope(personas, login_as):
    organization = member(personas.supervisor_a).organization
    client = login_as(personas.supervisor_a)
    page = client.get(reverse("indicators:organization", args=[organization.pk])).content.decode()
    assert f"scope=org%3A{organization.pk}" in page
    link = re.search(r'href="(/indicators/export\.csv\?[^"]+)"', page).group(1).replace("&amp;", "&")
    download = client.get(link)
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")


def test_the_public_page_links_to_the_public_downloads_only(db):
    publish(breakdowns=[(), ("sex",)])
    page = Client().get(reverse("transparency:index")).content.decode()
    assert reverse("transparency:export_csv") + f"?period={QUARTER.key}" in page
    assert reverse("indicators:export_csv") not in page and reverse("indicators:report") not in page
