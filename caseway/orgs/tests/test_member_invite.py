import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from caseway.accounts.models import User
from caseway.accounts.tests.helpers import audit_events, mark_reauthenticated, new_client, post_password
from caseway.orgs.models import Membership
from caseway.orgs.permissions import Action, Role
from caseway.orgs.tests.helpers import NOT_ADMINS, assert_forbidden_and_recorded, assert_sent_to_sign_in

URL = reverse("orgs:member_invite")
NEW_PERSON = {"email": "Fatima.Said@Example.org", "display_name": "Fatima Said", "role": Role.CASEWORKER}


@pytest.fixture
def invite(client, django_capture_on_commit_callbacks):
    def send(data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, data or NEW_PERSON)

    return send


def test_it_sends_an_anonymous_visitor_to_sign_in(client, db):
    assert_sent_to_sign_in(client.get(URL), URL)
    assert_sent_to_sign_in(client.post(URL, NEW_PERSON), URL)
    assert not User.objects.filter(email="fatima.said@example.org").exists()


@pytest.mark.parametrize("persona", NOT_ADMINS)
def test_it_refuses_every_role_but_agency_admin(client, personas, login_as, persona):
    user = getattr(personas, persona)
    login_as(user)

    response = client.post(URL, NEW_PERSON)

    assert_forbidden_and_recorded(response, user, Action.MANAGE_MEMBERS)
    assert not User.objects.filter(email="fatima.said@example.org").exists()
    assert mail.outbox == []


def test_it_shows_the_form(client, personas, login_as):
    login_as(personas.admin_a)

    response = client.get(URL)

    assert response.status_code == 200
    assert b'name="email"' in response.content
    assert b'name="role"' in response.content


def test_it_adds_a_new_person_with_no_password_and_emails_them(client, personas, login_as, invite):
    login_as(personas.admin_a)

    response = invite()

    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:member_list")
    user = User.objects.get(email="fatima.said@example.org")
    assert user.display_name == "Fatima Said"
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert membership.organization == personas.org_a
    assert membership.role == Role.CASEWORKER
    assert membership.is_active
    event = audit_events("orgs.member_added", actor_id=personas.admin_a.pk).get()
    assert event.organization_id == personas.org_a.pk
    assert event.fields == ["email", "role"]
    assert "fatima" not in str(event.fields).lower()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["fatima.said@example.org"]
    assert f"ALR added you to {settings.SITE_NAME}." in mail.outbox[0].body
    assert mail.outbox[0].subject == f"You have been added to {settings.SITE_NAME}"


def test_it_sends_a_link_that_sets_the_password_and_leads_to_two_step_set_up(client, personas, login_as, invite):
    login_as(personas.admin_a)
    invite()
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", mail.outbox[0].body).group(1)

    newcomer = new_client()
    form_page = newcomer.get(link)
    assert form_page.status_code == 302
    response = newcomer.post(
        form_page["Location"], {"new_password1": "my own long passphrase", "new_password2": "my own long passphrase"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")

    response = post_password(newcomer, "fatima.said@example.org", "my own long passphrase")
    assert response["Location"].startswith(reverse("accounts:enroll"))
    assert b"This link does not work any more" in newcomer.get(link).content


def test_it_adds_an_existing_account_without_making_a_new_one(client, personas, login_as, invite):
    existing = personas.caseworker_b
    users_before = User.objects.count()
    login_as(personas.admin_a)

    response = invite({"email": existing.email.upper(), "display_name": "Someone Else", "role": Role.SUPERVISOR})

    assert response.status_code == 302
    assert User.objects.count() == users_before
    membership = Membership.objects.get(user=existing, organization=personas.org_a)
    assert membership.role == Role.SUPERVISOR
    existing.refresh_from_db()
    assert existing.display_name != "Someone Else"
    assert existing.has_usable_password()
    assert Membership.objects.get(user=existing, organization=personas.org_b).is_active
    assert mail.outbox == []


def test_it_refuses_someone_who_is_already_a_member(client, personas, login_as, invite):
    login_as(personas.admin_a)

    response = invite({"email": personas.caseworker_a.email, "display_name": "X", "role": Role.SUPERVISOR})

    assert response.status_code == 200
    assert b"This person is already a member of your organization." in response.content
    assert Membership.objects.get(user=personas.caseworker_a).role == Role.CASEWORKER
    assert not audit_events("orgs.member_added").exists()


def test_it_refuses_a_role_not_in_the_list(client, personas, login_as, invite):
    login_as(personas.admin_a)

    response = invite({**NEW_PERSON, "role": "superuser"})

    assert response.status_code == 200
    assert not User.objects.filter(email="fatima.said@example.org").exists()


def test_it_refuses_an_invalid_email(client, personas, login_as, invite):
    login_as(personas.admin_a)

    response = invite({**NEW_PERSON, "email": "not an email"})

    assert response.status_code == 200
    assert User.objects.filter(display_name="Fatima Said").count() == 0


def test_it_adds_to_the_admins_organization_whatever_is_posted(client, personas, login_as, invite):
    login_as(personas.admin_a)

    invite({**NEW_PERSON, "organization": personas.org_b.pk})

    assert Membership.objects.get(user__email="fatima.said@example.org").organization == personas.org_a


def test_it_asks_for_proof_again_when_the_last_is_old(client, personas, login_as, invite):
    login_as(personas.admin_a)
    mark_reauthenticated(client, seconds_ago=3600)

    response = invite()

    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert not User.objects.filter(email="fatima.said@example.org").exists()
    assert mail.outbox == []
