import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseway.accounts.tests.helpers import audit_events, is_signed_in, mark_reauthenticated, new_client, post_password
from caseway.orgs.models import Membership
from caseway.orgs.permissions import Action, Role
from caseway.orgs.tests.helpers import (
    NOT_ADMINS,
    assert_forbidden_and_recorded,
    assert_not_found,
    assert_sent_to_sign_in,
)
from caseway.tests.personas import login


def _url(user, organization=None):
    membership = Membership.objects.get(user=user, **({"organization": organization} if organization else {}))
    return reverse("orgs:member_second_factor_reset", kwargs={"pk": membership.pk})


def _has_second_factor(user):
    return TOTPDevice.objects.filter(user=user).exists() or StaticDevice.objects.filter(user=user).exists()


def test_it_sends_an_anonymous_visitor_to_sign_in(client, personas):
    url = _url(personas.caseworker_a)

    assert_sent_to_sign_in(client.post(url), url)
    assert _has_second_factor(personas.caseworker_a)


@pytest.mark.parametrize("persona", NOT_ADMINS)
def test_it_refuses_every_role_but_agency_admin(client, personas, login_as, persona):
    user = getattr(personas, persona)
    login_as(user)

    response = client.post(_url(personas.supervisor_a))

    assert_forbidden_and_recorded(response, user, Action.MANAGE_MEMBERS)
    assert _has_second_factor(personas.supervisor_a)


def test_it_answers_not_found_for_another_organizations_member(client, personas, login_as):
    login_as(personas.admin_b)

    assert_not_found(client.post(_url(personas.caseworker_a)))
    assert _has_second_factor(personas.caseworker_a)
    assert not audit_events("accounts.second_factor_reset").exists()


def test_it_refuses_a_get(client, personas, login_as):
    login_as(personas.admin_a)

    assert client.get(_url(personas.caseworker_a)).status_code == 405
    assert _has_second_factor(personas.caseworker_a)


def test_it_removes_the_authenticator_and_backup_codes_and_ends_the_members_sessions(client, personas, login_as):
    member = personas.caseworker_a
    members_phone = new_client()
    login(members_phone, member)
    login_as(personas.admin_a)

    response = client.post(_url(member))

    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:member_detail", kwargs={"pk": Membership.objects.get(user=member).pk})
    assert not _has_second_factor(member)
    assert not is_signed_in(members_phone)
    assert is_signed_in(client)
    event = audit_events("accounts.second_factor_reset", actor_id=personas.admin_a.pk).get()
    assert event.target_id == str(member.pk)
    assert event.organization_id == personas.org_a.pk


def test_it_makes_the_member_set_up_a_new_authenticator_at_next_sign_in(client, personas, login_as):
    member = personas.caseworker_a
    login_as(personas.admin_a)
    client.post(_url(member))

    browser = new_client()
    response = post_password(browser, member.email)

    assert response["Location"].startswith(reverse("accounts:enroll"))
    assert browser.get("/")["Location"].startswith(reverse("accounts:enroll"))


def test_it_leaves_other_members_alone(client, personas, login_as):
    login_as(personas.admin_a)

    client.post(_url(personas.caseworker_a))

    assert _has_second_factor(personas.supervisor_a)
    assert _has_second_factor(personas.admin_a)


def test_it_refuses_a_former_member(client, personas, login_as):
    person = personas.caseworker_b
    former = Membership.objects.create(user=person, organization=personas.org_a, role=Role.CASEWORKER, is_active=False)
    login_as(personas.admin_a)

    response = client.post(reverse("orgs:member_second_factor_reset", kwargs={"pk": former.pk}), follow=True)

    assert b"no longer an active member" in response.content
    assert _has_second_factor(person)
    assert not audit_events("accounts.second_factor_reset").exists()


def test_it_asks_for_proof_again_when_the_last_is_old(client, personas, login_as):
    login_as(personas.admin_a)
    mark_reauthenticated(client, seconds_ago=3600)

    response = client.post(_url(personas.caseworker_a))

    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert _has_second_factor(personas.caseworker_a)
