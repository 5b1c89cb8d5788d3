import pytest
from django.urls import reverse

from caseway.orgs.models import Organization
from caseway.orgs.permissions import Action
from caseway.orgs.tests.helpers import assert_sent_to_sign_in
from caseway.tests.personas import make_user

URL = reverse("orgs:organization_list")
EVERYONE = [
    "caseworker_a",
    "supervisor_a",
    "legal_officer_a",
    "admin_a",
    "monitor_a",
    "coordinator",
    "donor",
    "outsider",
]


def test_it_sends_an_anonymous_visitor_to_sign_in(client, db):
    assert_sent_to_sign_in(client.get(URL), URL)


@pytest.mark.parametrize("persona", EVERYONE)
def test_it_shows_the_network_to_every_staff_role(client, personas, login_as, persona):
    login_as(getattr(personas, persona))

    response = client.get(URL)

    assert response.status_code == 200
    for organization in Organization.objects.all():
        assert organization.name.encode() in response.content


def test_it_hides_deactivated_organizations(client, personas, login_as):
    personas.org_b.is_active = False
    personas.org_b.save()
    login_as(personas.caseworker_a)

    response = client.get(URL)

    assert b"Beta Legal Aid" not in response.content


def test_it_refuses_someone_without_an_organization(client, db, login_as):
    from caseway.accounts.tests.helpers import audit_events

    user = make_user("loose@example.org")
    login_as(user)

    response = client.get(URL)

    assert response.status_code == 403
    assert audit_events("access.permission_denied", actor_id=user.pk).get().fields == [Action.VIEW_ORGANIZATIONS]
