"""The legal analytics page: coordinators see the network in counts, legal leads their organization
(with its delayed matters by client code); filters validated, small cells hidden, other roles 403."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.clients.models import Sex
from caseway.legal.models import Jurisdiction, Outcome, Stage
from caseway.legal.tests.test_analytics import DAY, EVERY_OTHER_ROLE, a_client, matters_of

pytestmark = pytest.mark.django_db


def url(**query) -> str:
    return reverse("legal:analytics") + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _cells(html) -> dict:
    """Row header → the first value cell after it, as shown (later tables win)."""
    return dict(re.findall(r'<th scope="row">([^<]+)</th><td>([^<]*)</td>', html))


def test_it_shows_coordinators_the_networks_tables_with_small_cells_hidden(personas, login_as, settings):
    settings.LEGAL_DELAY_DAYS = 60
    case = a_client(personas)
    matters_of(case, 7, stage=Stage.FILING, history=[(Stage.INTAKE, 200), (Stage.FILING, 100)])
    matters_of(a_client(personas, lawyer=personas.legal_officer_b), 2, stage=Stage.HEARING, outcome=Outcome.SETTLED)
    client = login_as(personas.coordinator)

    response = client.get(url())

    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["stats"].matters == 9
    assert 'id="t-stage"' in html and 'id="t-sex"' in html and 'id="t-region"' in html
    assert "Median (days)" in html and "<svg" in html
    assert "hidden" in html and "fewer than 5" in html
    assert "A median time is hidden when it rests on fewer than 5 periods." in html
    assert "<caption" in html and 'scope="col"' in html
    assert case.client.code not in html  # the network never gets a client code
    assert "delayed matters of your organization" not in html


def test_it_lists_an_organizations_delayed_matters_by_client_code(personas, login_as, settings):
    settings.LEGAL_DELAY_DAYS = 60
    case = a_client(personas)
    late = matters_of(case, 5, stage=Stage.FILING, history=[(Stage.INTAKE, 200), (Stage.FILING, 100)])
    other = a_client(personas, lawyer=personas.legal_officer_b)
    matters_of(other, 5, stage=Stage.FILING, history=[(Stage.FILING, 100)])
    client = login_as(personas.legal_officer_a)

    html = client.get(url()).content.decode()

    assert "5 delayed matters of your organization, longest first" in html
    assert f'href="{reverse("legal:matter", args=[late[0].pk])}" dir="ltr">{case.client.code}</a>' in html
    assert other.client.code not in html
    assert ">100</td>" in html
    assert "Matters in the same stage for more than 60 days" in html


def test_it_says_when_nothing_matches(personas, login_as):
    html = login_as(personas.supervisor_a).get(url()).content.decode()

    assert "No legal matter matches these filters." in html


def test_it_says_too_few_rather_than_a_page_of_hidden_cells(personas, login_as):
    matters_of(a_client(personas), 3)

    html = login_as(personas.coordinator).get(url()).content.decode()

    assert "Too few matters to show any figure" in html


def test_it_filters_by_period_type_and_forum_and_carries_them_to_the_csv(personas, login_as):
    case = a_client(personas, sex=Sex.MALE)
    matters_of(case, 6, opened_ago=400 * DAY)
    matters_of(case, 5, type="civil_claim", jurisdiction=Jurisdiction.objects.get(code="iachr"))
    client = login_as(personas.coordinator)
    start = (timezone.localdate() - 100 * DAY).isoformat()

    recent = client.get(url(**{"from": start}))
    claims = client.get(url(type="civil_claim", forum="iachr"))
    echr = client.get(url(forum="echr"))

    assert recent.context["stats"].matters == 5
    assert f"from={start}" in recent.context["csv_url"]
    assert claims.context["stats"].matters == 5
    assert "type=civil_claim" in claims.context["csv_url"] and "forum=iachr" in claims.context["csv_url"]
    assert echr.context["stats"].matters == 6


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2025-03-10", "to": "2025-03-01"}, "The period must start on or before the day it ends."),
        ({"from": "2999-03-10"}, "The period must start on or before the day it ends."),
        ({"to": "2999-01-01"}, "The period cannot end after today."),
        ({"from": "yesterday"}, "Enter a valid date."),
        ({"type": "divorce"}, "Select a valid choice."),
        ({"forum": "moon-court"}, "Select a valid choice."),
    ],
)
def test_it_refuses_filters_that_are_not_valid_with_a_clear_message(personas, login_as, query, message):
    response = login_as(personas.coordinator).get(url(**query))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "stats" not in response.context


def test_it_translates_the_errors(personas, login_as):
    response = login_as(personas.coordinator).get(url(to="2999-01-01"), HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    assert "The period cannot end after today." not in response.content.decode()


def test_it_works_right_to_left_with_bars_from_the_right(personas, login_as):
    case = a_client(personas)
    # Intake lasted 50 days, filing has lasted 150: bars of 40 and 120 units.
    matters_of(case, 6, stage=Stage.FILING, history=[(Stage.INTAKE, 200), (Stage.FILING, 150)])
    client = login_as(personas.legal_officer_a)

    english = client.get(url()).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client.get(url(), HTTP_ACCEPT_LANGUAGE="ar")

    assert response.status_code == 200
    arabic = response.content.decode()
    assert 'dir="rtl"' in arabic
    assert '<rect x="0" width="40"' in english and '<rect x="0" width="120"' in english
    assert '<rect x="80" width="40"' in arabic and '<rect x="0" width="120"' in arabic


def test_it_refuses_every_other_role_and_audits_it(personas, login_as):
    for name in EVERY_OTHER_ROLE:
        before = AuditEvent.objects.filter(action="access.permission_denied").count()
        response = login_as(getattr(personas, name)).get(url())
        assert response.status_code == 403, name
        assert AuditEvent.objects.filter(action="access.permission_denied").count() == before + 1, name


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(url())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_it_renders_with_a_fixed_number_of_queries(personas, login_as, django_assert_max_num_queries):
    client = login_as(personas.legal_officer_a)
    case = a_client(personas)
    matters_of(case, 1, stage=Stage.FILING, history=[(Stage.INTAKE, 400), (Stage.FILING, 300)])
    with django_assert_max_num_queries(60) as few:
        client.get(url())
    matters_of(case, 60, stage=Stage.FILING, history=[(Stage.INTAKE, 400), (Stage.FILING, 300)])
    matters_of(a_client(personas, sex=Sex.MALE), 20, stage=Stage.APPEAL, history=[(Stage.APPEAL, 500)])

    with django_assert_max_num_queries(len(few)):
        response = client.get(url())

    assert len(response.context["stats"].delayed_matters) == 81
