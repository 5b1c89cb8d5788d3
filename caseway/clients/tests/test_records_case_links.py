"""The case page links to the case's other pages, only those the viewer may open; the navigation
links to the alerts inbox for those who may see it."""

from contextlib import suppress

import pytest
from django.urls import NoReverseMatch, reverse

from caseway.clients.models import Case, ConsentPurpose, DataCategory
from caseway.clients.tests.factories import give_consent
from caseway.clients.tests.records_helpers import case_at, case_url, member
from caseway.orgs.permissions import Role
from caseway.tests.personas import make_member

pytestmark = pytest.mark.django_db


def page_urls(case) -> dict:
    urls = {
        "assessments": reverse("clients:assessment_list", kwargs={"pk": case.pk}),
        "safety_plan": reverse("clients:safety_plan", kwargs={"pk": case.pk}),
        "incidents": reverse("clients:incident_list", kwargs={"pk": case.pk}),
        "export": reverse("clients:subject_access_page", kwargs={"pk": case.client_id}),
    }
    with suppress(NoReverseMatch):  # the referrals app not installed: its link is left out
        urls["referrals"] = reverse("referrals:case_referrals", kwargs={"case_pk": case.pk})
    with suppress(NoReverseMatch):  # the casework app, linked the same way
        urls["casework"] = reverse("casework:case", kwargs={"case_pk": case.pk})
    return urls


def linked(client, case) -> set:
    response = client.get(case_url(case))
    assert response.status_code == 200
    shown = {url for url, _label in response.context["links"]}
    html = response.content.decode()
    assert all(f'href="{url}"' in html for url in shown)
    return {name for name, url in page_urls(case).items() if url in shown}


def assert_only_openable_pages_linked(client, case, expected: set) -> None:
    """The links are exactly ``expected``, each of them opens, and each page not linked does not.

    (The assessments page opens for anyone who sees the case; without a category of assessment
    visible it lists nothing, so it is not linked.)
    """
    assert linked(client, case) == expected & set(page_urls(case))
    for name, url in page_urls(case).items():
        response = client.get(url)
        if name in expected:
            assert response.status_code == 200, (name, response.status_code)
        elif name == "assessments" and response.status_code == 200:
            assert response.context["sections"] == []
        else:
            assert response.status_code in (403, 404), (name, response.status_code)


@pytest.fixture
def ours(personas):
    return case_at(personas.caseworker_a, given_name="Samira", family_name="Bakri", phone="+235 66 55 44 33")


def test_the_intake_organizations_caseworker_gets_every_page(personas, login_as, ours):
    client = login_as(personas.caseworker_a)

    assert_only_openable_pages_linked(
        client, ours, {"assessments", "safety_plan", "incidents", "referrals", "casework", "export"}
    )


def test_a_caseworker_outside_a_sensitive_cases_team_gets_no_export(personas, login_as):
    other = make_member(personas.org_a, Role.CASEWORKER, "second.caseworker.a@example.org")
    case = case_at(personas.supervisor_a, sensitive=True, caseworker=other, given_name="Samira")
    client = login_as(personas.caseworker_a)

    assert_only_openable_pages_linked(
        client, case, {"assessments", "safety_plan", "incidents", "referrals", "casework"}
    )
    assert_only_openable_pages_linked(
        login_as(other), case, {"assessments", "safety_plan", "incidents", "referrals", "casework", "export"}
    )


def referred(personas, case, categories) -> Case:
    give_consent(
        case.client,
        ConsentPurpose.SHARING,
        recorded_by=member(personas.caseworker_a),
        recipient=personas.org_b,
        categories=list(categories),
    )
    return Case.objects.create(
        organization=personas.org_b, client=case.client, origin=Case.Origin.REFERRAL, caseworker=personas.caseworker_b
    )


def test_a_referred_organization_gets_only_the_pages_of_what_the_client_shared(personas, login_as, ours):
    theirs = referred(personas, ours, [DataCategory.CONTACT])
    client = login_as(personas.caseworker_b)

    assert_only_openable_pages_linked(client, theirs, {"referrals", "casework"})


def test_a_referred_organization_with_needs_and_identity_gets_assessments_and_export(personas, login_as, ours):
    theirs = referred(personas, ours, [DataCategory.NEEDS, DataCategory.IDENTITY])
    client = login_as(personas.caseworker_b)

    assert_only_openable_pages_linked(client, theirs, {"assessments", "referrals", "casework", "export"})


def test_a_referred_organization_with_risk_gets_the_safety_plan_and_incidents(personas, login_as, ours):
    theirs = referred(personas, ours, [DataCategory.RISK])
    client = login_as(personas.caseworker_b)

    assert_only_openable_pages_linked(
        client, theirs, {"assessments", "safety_plan", "incidents", "referrals", "casework"}
    )


# --- the navigation ---------------------------------------------------------------------------


def nav_urls(client) -> list[str]:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return [item["url"] for item in response.context["nav"]]


@pytest.mark.parametrize("name", ["caseworker_a", "supervisor_a", "legal_officer_a"])
def test_the_navigation_links_to_the_alerts_inbox_for_staff_who_see_personal_data(personas, login_as, name):
    client = login_as(personas.all()[name])

    assert reverse("clients:alert_inbox") in nav_urls(client)
    assert client.get(reverse("clients:alert_inbox")).status_code == 200


@pytest.mark.parametrize("name", ["admin_a", "monitor_a", "coordinator", "donor"])
def test_the_navigation_leaves_the_alerts_inbox_out_for_roles_that_may_not_open_it(personas, login_as, name):
    client = login_as(personas.all()[name])

    assert reverse("clients:alert_inbox") not in nav_urls(client)
    assert client.get(reverse("clients:alert_inbox")).status_code == 403
