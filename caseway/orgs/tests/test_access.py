import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from caseway.orgs import access
from caseway.orgs.models import Membership
from caseway.orgs.permissions import Role


def _membership(user):
    return Membership.objects.get(user=user)


def test_it_lists_only_active_memberships_in_active_organizations(personas):
    user = personas.coordinator
    Membership.objects.create(user=user, organization=personas.org_a, role=Role.SUPERVISOR, is_active=False)
    in_b = Membership.objects.create(user=user, organization=personas.org_b, role=Role.SUPERVISOR)
    personas.org_b.is_active = False
    personas.org_b.save()

    memberships = list(access.active_memberships_of(user))

    assert memberships == [_membership_in(user, personas.org_other)]
    assert in_b not in memberships


def test_it_shows_the_network_to_staff_and_nothing_to_anonymous(personas):
    assert access.visible_organizations(AnonymousUser()).count() == 0
    assert personas.org_a in access.visible_organizations(personas.donor)


def test_it_lets_an_admin_manage_their_own_organization_only(personas):
    managed = access.managed_memberships(_membership(personas.admin_a))

    assert set(managed.values_list("organization_id", flat=True)) == {personas.org_a.pk}
    assert managed.count() == Membership.objects.filter(organization=personas.org_a).count()


@pytest.mark.parametrize("persona", ["caseworker_a", "supervisor_a", "monitor_a", "coordinator"])
def test_it_gives_other_roles_nothing_to_manage(personas, persona):
    assert access.managed_memberships(_membership(getattr(personas, persona))).count() == 0


def test_it_gives_a_deactivated_admin_nothing_to_manage(personas):
    membership = _membership(personas.admin_a)
    membership.is_active = False

    assert access.managed_memberships(membership).count() == 0
    assert access.managed_memberships(None).count() == 0


@pytest.mark.parametrize("pk", [999_999, "abc", None])
def test_it_answers_404_for_a_member_that_cannot_be_reached(personas, pk):
    with pytest.raises(Http404):
        access.get_managed_membership(_membership(personas.admin_a), pk)


def test_it_answers_404_for_another_organizations_member(personas):
    with pytest.raises(Http404):
        access.get_managed_membership(_membership(personas.admin_b), _membership(personas.caseworker_a).pk)


def test_it_answers_404_for_someone_elses_token(personas):
    from caseway.orgs.services import api_token_create

    token, _ = api_token_create(actor=personas.caseworker_a, membership=_membership(personas.caseworker_a), name="t")

    assert access.get_api_token_for_user(personas.caseworker_a, token.pk) == token
    with pytest.raises(Http404):
        access.get_api_token_for_user(personas.supervisor_a, token.pk)


def _membership_in(user, organization):
    return Membership.objects.get(user=user, organization=organization)
