"""Bad input on every indicators URL answers with a clear error, never a 500: junk in each query
field (period, by, and_by, scope, organization, format, indicator, unknown keys), very long values,
non-ASCII text. Periods Django's dates cannot end (year 9999) are refused by ``Period.parse``
with a translated message, reported under ``period`` by the forms and the API."""

import pytest
from django.urls import reverse

from caseway.api.tests.helpers import bearer, create_token
from caseway.casework.tests.appointment_helpers import member
from caseway.indicators.periods import FIRST_YEAR, LAST_YEAR, Period
from caseway.indicators.tests.published import publish

pytestmark = pytest.mark.django_db

LONG = "9" * 3000
JUNK = [
    {"period": "9999-12"},
    {"period": "9999-Q4"},
    {"period": "9999"},
    {"period": "0000-01"},
    {"period": "1899-12"},
    {"period": "2026-13"},
    {"period": "2026-Q0"},
    {"period": "2026-Q4-01"},
    {"period": LONG},
    {"period": "٢٠٢٦-٠٣"},  # Arabic-Indic digits
    {"period": "2026-03\x00"},
    {"period": ["2026-Q1", "9999-12"]},
    {"by": "nonsense"},
    {"by": "organization", "and_by": "sex"},
    {"by": "sex", "and_by": "sex"},
    {"and_by": "age_band"},
    {"by": "ñandú", "and_by": LONG},
    {"dimensions": "sex,age_band,admin1"},
    {"dimensions": LONG},
    {"scope": "org:abc"},
    {"scope": "org:" + ",".join(str(n) for n in range(100))},
    {"scope": "org:99999999999999999999999"},
    {"scope": "ORG:1;DROP"},
    {"indicator": "nope"},
    {"indicator": LONG},
    {"indicator": "référence,جديد"},
    # Fields no page reads: each page answers as without them (one full page each, so together).
    {"organization": "x", "format": "exe", "for": "network'", "unknown": "1", "ç": "é"},
    {"organization": LONG, "format": LONG, "for": LONG, LONG: LONG},
]

# (URL name, arguments, who asks): every indicators page, download and API endpoint.
PAGES = [
    ("indicators:network", (), "coordinator"),
    ("indicators:organization_home", (), "supervisor_a"),
    ("indicators:organization", ("org_a",), "coordinator"),
    ("indicators:funded", (), "donor"),
    ("indicators:targets", (), "coordinator"),
    ("indicators:funding", (), "coordinator"),
    ("indicators:export_csv", (), "coordinator"),
    ("indicators:export_xlsx", (), "supervisor_a"),
    ("indicators:export_hxl", (), "donor"),
    ("indicators:report", (), "coordinator"),
    ("transparency:index", (), None),
    ("transparency:export_csv", (), None),
    ("transparency:export_xlsx", (), None),
    ("transparency:export_hxl", (), None),
    ("api:indicators", (), "api"),
    ("api:indicator_values", (), "api"),
    ("api:indicator_progress", (), "api"),
]


@pytest.mark.parametrize(("name", "arguments", "who"), PAGES, ids=[page[0] for page in PAGES])
def test_it_never_answers_junk_with_a_500(personas, client, name, arguments, who, login_as):
    publish(breakdowns=[(), ("sex",)])  # the public pages have something to show
    path = reverse(name, args=[getattr(personas, argument).pk for argument in arguments])
    headers = {}
    if who == "api":
        headers = bearer(create_token(personas.coordinator)[1])
    elif who is not None:
        client = login_as(getattr(personas, who))

    for query in JUNK:
        response = client.get(path, query, **headers)
        assert response.status_code < 500, (name, str(query)[:80])


def test_it_refuses_years_whose_periods_dates_cannot_hold():
    for key in ("9999-12", "9999-Q4", "9999", f"{LAST_YEAR + 1}-01", f"{FIRST_YEAR - 1}-12", "0000"):
        with pytest.raises(ValueError, match="Enter a period between"):
            Period.parse(key)
    last = Period.parse(f"{LAST_YEAR}-12")
    assert last.end.isoformat() == f"{LAST_YEAR}-12-31"
    assert Period.parse(str(FIRST_YEAR)).previous().key == f"{FIRST_YEAR - 1}"


def test_it_reports_a_period_out_of_range_under_period_on_pages_downloads_and_the_api(personas, client, login_as):
    publish(breakdowns=[()])
    api = bearer(create_token(personas.coordinator)[1])
    for name in ("api:indicator_values", "api:indicator_progress"):
        response = client.get(reverse(name), {"period": "9999-12"}, **api)
        assert response.status_code == 400, name
        assert list(response.json()) == ["period"], name
        assert "Enter a period between" in response.json()["period"][0]
    for name in ("transparency:export_csv", "transparency:export_xlsx", "transparency:export_hxl"):
        response = client.get(reverse(name), {"period": "9999-12"})
        assert response.status_code == 400, name
        assert "Enter a period between" in response.content.decode()
    staff = login_as(personas.coordinator)
    for name in ("indicators:export_csv", "indicators:report"):
        response = staff.get(reverse(name), {"period": "9999-12"})
        assert response.status_code == 400, name
        assert "Enter a period between" in response.content.decode()
    donor = login_as(personas.donor)
    response = donor.get(reverse("indicators:funded"), {"period": "9999-12"})
    assert response.status_code == 400
    assert 'id="id_period_error"' in response.content.decode()


def test_it_shows_the_organization_page_s_period_error_beside_the_field(personas, login_as):
    organization = member(personas.supervisor_a).organization
    response = login_as(personas.supervisor_a).get(
        reverse("indicators:organization", args=[organization.pk]), {"period": "9999-12"}
    )

    assert response.status_code == 400
    assert 'id="id_period_error"' in response.content.decode()
