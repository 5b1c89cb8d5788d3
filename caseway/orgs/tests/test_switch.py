import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from caseway.accounts.tests.helpers import audit_events
from caseway.orgs import services
from caseway.orgs.middleware import ACTIVE_MEMBERSHIP_SESSION_KEY
from caseway.orgs.models import Membership
from caseway.orgs.permissions import Role
from caseway.orgs.tests.helpers import assert_sent_to_sign_in

URL = reverse("orgs:switch")


@pytest.fixture
def two_hats(personas):
    """The coordinator also works as a supervisor at Alpha Relief."""
    user = personas.coordinator
    extra = Membership.objects.create(user=user, organization=personas.org_a, role=Role.SUPERVISOR)
    return user, Membership.objects.get(user=user, organization=personas.org_other), extra


def _active(client):
    return client.get("/").wsgi_request.membership


def test_it_sends_an_anonymous_visitor_to_sign_in(client, two_hats):
    _, _, extra = two_hats

    assert_sent_to_sign_in(client.post(URL, {"membership": extra.pk}), URL)


def test_it_refuses_a_get(client, two_hats, login_as):
    login_as(two_hats[0])

    assert client.get(URL).status_code == 405


def test_it_starts_with_the_first_organization_by_name(client, two_hats, login_as):
    user, _, supervision = two_hats
    login_as(user)

    assert _active(client) == supervision  # "Alpha Relief" before "Gamma Coordination"


def test_it_switches_to_another_organization_of_the_user(client, two_hats, login_as):
    user, coordination, _ = two_hats
    login_as(user)

    response = client.post(URL, {"membership": coordination.pk})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[ACTIVE_MEMBERSHIP_SESSION_KEY] == coordination.pk
    assert _active(client) == coordination
    event = audit_events("orgs.active_organization_switched", actor_id=user.pk).get()
    assert event.target_id == str(coordination.organization_id)


def test_it_offers_the_switch_in_the_page_header(client, two_hats, login_as):
    user, coordination, supervision = two_hats
    login_as(user)

    html = client.get("/").content.decode()

    assert 'name="membership"' in html
    assert f'value="{coordination.pk}"' in html
    assert f'value="{supervision.pk}"' in html


def test_it_refuses_an_organization_the_user_is_not_in(client, two_hats, personas, login_as):
    user, _, supervision = two_hats
    login_as(user)
    someone_elses = Membership.objects.get(user=personas.admin_b)

    response = client.post(URL, {"membership": someone_elses.pk}, follow=True)

    assert b"You are not a member of that organization." in response.content
    assert client.session.get(ACTIVE_MEMBERSHIP_SESSION_KEY) != someone_elses.pk
    assert _active(client) == supervision
    assert not audit_events("orgs.active_organization_switched").exists()


def test_it_refuses_a_deactivated_membership(client, two_hats, login_as):
    user, coordination, supervision = two_hats
    Membership.objects.filter(pk=coordination.pk).update(is_active=False)
    login_as(user)

    client.post(URL, {"membership": coordination.pk})

    assert _active(client) == supervision


def test_it_refuses_a_deactivated_organization(client, two_hats, login_as):
    user, coordination, supervision = two_hats
    coordination.organization.is_active = False
    coordination.organization.save()
    login_as(user)

    client.post(URL, {"membership": coordination.pk})

    assert _active(client) == supervision


@pytest.mark.parametrize("value", ["", "abc", "999999", "-1"])
def test_it_refuses_nonsense(client, two_hats, login_as, value):
    user, _, supervision = two_hats
    login_as(user)

    response = client.post(URL, {"membership": value})

    assert response.status_code == 302
    assert _active(client) == supervision


def test_it_falls_back_when_the_chosen_membership_is_deactivated_later(client, two_hats, login_as):
    user, coordination, supervision = two_hats
    login_as(user)
    client.post(URL, {"membership": coordination.pk})

    Membership.objects.filter(pk=coordination.pk).update(is_active=False)

    assert _active(client) == supervision


def test_it_refuses_the_service_call_for_someone_elses_membership(two_hats, personas):
    user, _, _ = two_hats
    request = RequestFactory().post(URL)
    request.session = {}

    with pytest.raises(ValidationError):
        services.active_organization_switch(
            actor=user, request=request, membership=Membership.objects.get(user=personas.admin_b)
        )
    assert request.session == {}
