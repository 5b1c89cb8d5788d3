import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseway.orgs.models import Membership, Organization
from caseway.orgs.permissions import Action, Role
from caseway.orgs.tests.helpers import (
    NOT_ADMINS,
    assert_forbidden_and_recorded,
    assert_sent_to_sign_in,
)
from caseway.orgs.views import MEMBERS_PER_PAGE
from caseway.tests.personas import make_member, make_user

URL = reverse("orgs:member_list")


def test_it_sends_an_anonymous_visitor_to_sign_in(client, db):
    assert_sent_to_sign_in(client.get(URL), URL)


@pytest.mark.parametrize("persona", NOT_ADMINS)
def test_it_refuses_every_role_but_agency_admin(client, personas, login_as, persona):
    user = getattr(personas, persona)
    login_as(user)

    assert_forbidden_and_recorded(client.get(URL), user, Action.MANAGE_MEMBERS)


def test_it_refuses_a_user_without_organization(client, db, login_as):
    user = make_user("loose@example.org")
    login_as(user)

    assert client.get(URL).status_code == 403


def test_it_lists_the_admins_own_organization_only(client, personas, login_as):
    login_as(personas.admin_a)

    response = client.get(URL)

    assert response.status_code == 200
    text = response.content.decode()
    assert "Members of ALR" in text
    for name in ("caseworker_a", "supervisor_a", "legal_officer_a", "admin_a", "monitor_a"):
        assert getattr(personas, name).email in text
    for name in ("caseworker_b", "admin_b", "coordinator", "donor", "outsider"):
        assert getattr(personas, name).email not in text


def test_it_follows_the_active_organization(client, personas, login_as):
    admin = personas.admin_a
    other = Membership.objects.create(user=admin, organization=personas.org_b, role=Role.CASEWORKER)
    login_as(admin)
    client.post(reverse("orgs:switch"), {"membership": other.pk})

    response = client.get(URL)

    assert response.status_code == 403


def test_it_shows_deactivated_members_last(client, personas, login_as):
    Membership.objects.filter(user=personas.caseworker_a).update(is_active=False)
    login_as(personas.admin_a)

    text = client.get(URL).content.decode()

    assert text.index(personas.supervisor_a.email) < text.index(personas.caseworker_a.email)
    assert "Inactive" in text


def test_it_is_never_stored_by_a_browser(client, personas, login_as):
    login_as(personas.admin_a)

    assert "no-store" in client.get(URL)["Cache-Control"]


def _organization_with_members(count):
    organization = Organization.objects.create(name=f"Org of {count}", type="national_ngo", country="XA")
    admin = make_member(organization, Role.AGENCY_ADMIN, f"admin{count}@example.org")
    for number in range(count - 1):
        user = make_user(f"member{count}-{number}@example.org", with_second_factor=False)
        Membership.objects.create(user=user, organization=organization, role=Role.CASEWORKER)
    return admin


def _queries_for(client, login_as, admin):
    login_as(admin)
    client.get(URL)  # the session settles (last-seen time) on the first request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries), response


def test_it_makes_the_same_number_of_queries_for_one_member_and_thirty(client, db, login_as):
    one, response_one = _queries_for(client, login_as, _organization_with_members(1))
    thirty, response_thirty = _queries_for(client, login_as, _organization_with_members(30))

    assert response_one.content.count(b"/orgs/members/") - response_one.content.count(b"/orgs/members/new/") >= 2
    assert response_thirty.content.count(b"member30-") >= 29 * 2
    assert one == thirty


def test_it_shows_one_page_at_a_time(client, db, login_as):
    admin = _organization_with_members(MEMBERS_PER_PAGE + 5)
    login_as(admin)

    first = client.get(URL).content.decode()
    second = client.get(f"{URL}?page=2").content.decode()

    first_count = first.count("@example.org</td>")
    second_count = second.count("@example.org</td>")
    assert first_count == MEMBERS_PER_PAGE
    assert second_count == 5
    assert 'href="?page=2"' in first
    assert client.get(f"{URL}?page=999").status_code == 200
    assert client.get(f"{URL}?page=nonsense").status_code == 200
