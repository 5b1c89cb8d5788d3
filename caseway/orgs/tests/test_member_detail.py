from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from caseway.accounts.tests.helpers import audit_events
from caseway.orgs import services
from caseway.orgs.models import ApiToken, Membership
from caseway.orgs.permissions import Action, Role
from caseway.orgs.tests.helpers import (
    NOT_ADMINS,
    assert_forbidden_and_recorded,
    assert_not_found,
    assert_sent_to_sign_in,
)


def _membership(user):
    return Membership.objects.get(user=user)


def _url(membership):
    return reverse("orgs:member_detail", kwargs={"pk": membership.pk})


def test_it_sends_an_anonymous_visitor_to_sign_in(client, personas):
    url = _url(_membership(personas.caseworker_a))

    assert_sent_to_sign_in(client.get(url), url)
    assert_sent_to_sign_in(client.post(url, {"role": Role.AGENCY_ADMIN, "is_active": "on"}), url)
    assert _membership(personas.caseworker_a).role == Role.CASEWORKER


@pytest.mark.parametrize("persona", NOT_ADMINS)
def test_it_refuses_every_role_but_agency_admin(client, personas, login_as, persona):
    user = getattr(personas, persona)
    login_as(user)
    target = _membership(personas.supervisor_a)

    response = client.post(_url(target), {"role": Role.AGENCY_ADMIN, "is_active": "on"})

    assert_forbidden_and_recorded(response, user, Action.MANAGE_MEMBERS)
    assert _membership(personas.supervisor_a).role == Role.SUPERVISOR


def test_it_answers_not_found_for_another_organizations_member(client, personas, login_as):
    login_as(personas.admin_b)
    target = _membership(personas.caseworker_a)

    assert_not_found(client.get(_url(target)))
    assert_not_found(client.post(_url(target), {"role": Role.AGENCY_ADMIN}))
    target.refresh_from_db()
    assert target.role == Role.CASEWORKER
    assert target.is_active


def test_it_answers_not_found_for_a_member_that_does_not_exist(client, personas, login_as):
    login_as(personas.admin_a)

    assert_not_found(client.get(reverse("orgs:member_detail", kwargs={"pk": 999_999})))


def test_it_shows_the_member(client, personas, login_as):
    login_as(personas.admin_a)

    response = client.get(_url(_membership(personas.caseworker_a)))

    assert response.status_code == 200
    assert personas.caseworker_a.email.encode() in response.content
    assert b'<option value="caseworker" selected>' in response.content


def test_it_changes_the_role(client, personas, login_as):
    login_as(personas.admin_a)
    target = _membership(personas.caseworker_a)

    response = client.post(_url(target), {"role": Role.SUPERVISOR, "is_active": "on"})

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.SUPERVISOR
    event = audit_events("orgs.member_updated", actor_id=personas.admin_a.pk).get()
    assert event.fields == ["role"]
    assert event.target_id == str(target.pk)
    assert event.organization_id == personas.org_a.pk


def test_it_records_nothing_when_nothing_changes(client, personas, login_as):
    login_as(personas.admin_a)

    client.post(_url(_membership(personas.caseworker_a)), {"role": Role.CASEWORKER, "is_active": "on"})

    assert not audit_events("orgs.member_updated").exists()


def test_it_deactivates_a_member_and_revokes_their_api_tokens(client, personas, login_as):
    target = _membership(personas.caseworker_a)
    token, secret = services.api_token_create(actor=personas.caseworker_a, membership=target, name="export")
    assert services.api_token_authenticate(secret) is not None
    login_as(personas.admin_a)

    response = client.post(_url(target), {"role": Role.CASEWORKER})

    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert services.api_token_authenticate(secret) is None
    assert audit_events("orgs.member_updated").get().fields == ["is_active"]


def test_it_leaves_the_members_tokens_in_other_organizations_alone(client, personas, login_as):
    person = personas.caseworker_b
    in_a = Membership.objects.create(user=person, organization=personas.org_a, role=Role.CASEWORKER)
    kept, _ = services.api_token_create(actor=person, membership=_membership_in(person, personas.org_b), name="b")
    login_as(personas.admin_a)

    client.post(_url(in_a), {"role": Role.CASEWORKER})

    kept.refresh_from_db()
    assert kept.revoked_at is None


def test_it_does_not_bring_revoked_tokens_back_on_reactivation(client, personas, login_as):
    target = _membership(personas.caseworker_a)
    token, _ = services.api_token_create(actor=personas.caseworker_a, membership=target, name="export")
    login_as(personas.admin_a)
    client.post(_url(target), {"role": Role.CASEWORKER})

    client.post(_url(target), {"role": Role.CASEWORKER, "is_active": "on"})

    target.refresh_from_db()
    token.refresh_from_db()
    assert target.is_active
    assert token.revoked_at is not None


def test_it_keeps_an_already_revoked_tokens_date(client, personas, login_as):
    target = _membership(personas.caseworker_a)
    token, _ = services.api_token_create(actor=personas.caseworker_a, membership=target, name="export")
    long_ago = timezone.now() - timedelta(days=30)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=long_ago)
    login_as(personas.admin_a)

    client.post(_url(target), {"role": Role.CASEWORKER})

    token.refresh_from_db()
    assert token.revoked_at == long_ago


def test_it_does_not_let_an_admin_deactivate_themself(client, personas, login_as):
    login_as(personas.admin_a)
    own = _membership(personas.admin_a)

    response = client.post(_url(own), {"role": Role.AGENCY_ADMIN})

    assert response.status_code == 200
    assert b"You cannot change your own role or deactivate yourself." in response.content
    own.refresh_from_db()
    assert own.is_active
    assert not audit_events("orgs.member_updated").exists()


def test_it_does_not_let_an_admin_demote_themself(client, personas, login_as):
    login_as(personas.admin_a)
    own = _membership(personas.admin_a)

    response = client.post(_url(own), {"role": Role.CASEWORKER, "is_active": "on"})

    assert response.status_code == 200
    assert b"You cannot change your own role or deactivate yourself." in response.content
    own.refresh_from_db()
    assert own.role == Role.AGENCY_ADMIN


def test_it_refuses_a_role_not_in_the_list(client, personas, login_as):
    login_as(personas.admin_a)
    target = _membership(personas.caseworker_a)

    response = client.post(_url(target), {"role": "superuser", "is_active": "on"})

    assert response.status_code == 200
    target.refresh_from_db()
    assert target.role == Role.CASEWORKER


def test_it_refuses_the_service_call_from_someone_who_may_not_manage_members(personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.member_update(
            actor=personas.caseworker_a,
            actor_membership=_membership(personas.caseworker_a),
            membership=_membership(personas.supervisor_a),
            role=Role.AGENCY_ADMIN,
            is_active=True,
        )
    with pytest.raises(ValidationError):
        services.member_update(
            actor=personas.admin_a,
            actor_membership=_membership(personas.admin_a),
            membership=_membership(personas.supervisor_a),
            role="superuser",
            is_active=True,
        )
    with pytest.raises(ValidationError):
        services.member_update(
            actor=personas.admin_b,
            actor_membership=_membership(personas.admin_b),
            membership=_membership(personas.supervisor_a),
            role=Role.CASEWORKER,
            is_active=False,
        )
    assert _membership(personas.supervisor_a).role == Role.SUPERVISOR
    assert _membership(personas.supervisor_a).is_active


def _membership_in(user, organization):
    return Membership.objects.get(user=user, organization=organization)
