"""The retention policy page: agency admins set how long closed cases are kept, after re-authentication."""

import pytest
from django.urls import reverse

from caseway.accounts.tests.helpers import audit_events, mark_reauthenticated
from caseway.clients.models import RetentionPolicy
from caseway.clients.tests.erasure_helpers import close, identified_case

pytestmark = pytest.mark.django_db
URL = reverse("clients:retention")


def days_of(organization):
    policy = RetentionPolicy.objects.filter(organization=organization).first()
    return policy and policy.erase_closed_after_days


def test_it_sets_and_clears_the_policy(personas, login_as):
    client = login_as(personas.admin_a)

    assert client.post(URL, {"erase_closed_after_days": "1825"}).status_code == 302
    assert days_of(personas.org_a) == 1825
    assert client.post(URL, {"erase_closed_after_days": ""}).status_code == 302
    assert days_of(personas.org_a) is None
    assert audit_events("clients.retention_policy_changed").count() == 2
    assert days_of(personas.org_b) is None


def test_it_shows_how_many_closed_cases_the_next_run_erases(personas, login_as):
    RetentionPolicy.objects.create(organization=personas.org_a, erase_closed_after_days=30)
    close(identified_case(personas), days_ago=31)

    response = login_as(personas.admin_a).get(URL)

    assert response.status_code == 200
    assert response.context["due"] == 1
    assert "1 closed case is due at the next run." in response.content.decode()


def test_it_audits_nothing_when_nothing_changes(personas, login_as):
    client = login_as(personas.admin_a)
    client.post(URL, {"erase_closed_after_days": "90"})
    client.post(URL, {"erase_closed_after_days": "90"})

    assert audit_events("clients.retention_policy_changed").count() == 1


@pytest.mark.parametrize("value", ["0", "-5", "36501", "soon"])
def test_it_refuses_nonsense(personas, login_as, value):
    response = login_as(personas.admin_a).post(URL, {"erase_closed_after_days": value})

    assert response.status_code == 400
    assert "erase_closed_after_days" in response.context["form"].errors
    assert days_of(personas.org_a) is None


def test_it_asks_to_confirm_identity_first(personas, login_as):
    client = login_as(personas.admin_a)
    mark_reauthenticated(client, seconds_ago=3600)

    response = client.post(URL, {"erase_closed_after_days": "1"})

    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert days_of(personas.org_a) is None


def test_it_sends_anonymous_visitors_to_sign_in(client):
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize("who", ["caseworker_a", "supervisor_a", "monitor_a", "donor"])
def test_it_refuses_roles_that_cannot_manage_retention(personas, login_as, who):
    response = login_as(getattr(personas, who)).post(URL, {"erase_closed_after_days": "1"})

    assert response.status_code == 403
    assert not RetentionPolicy.objects.exists()


def test_another_organizations_admin_only_changes_their_own(personas, login_as):
    RetentionPolicy.objects.create(organization=personas.org_a, erase_closed_after_days=365)

    login_as(personas.admin_b).post(URL, {"erase_closed_after_days": "1"})

    assert (days_of(personas.org_a), days_of(personas.org_b)) == (365, 1)
