from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.orgs.models import ApiToken, Membership
from caseway.orgs.services import api_token_authenticate, api_token_create, api_token_revoke


def _membership(user):
    return user.memberships.select_related("organization").get()


def _create(user, **kwargs):
    return api_token_create(actor=user, membership=_membership(user), name="sync", **kwargs)


@pytest.mark.django_db
def test_it_creates_a_token_shown_once_and_scoped_to_one_membership(personas):
    user = personas.caseworker_a
    before = timezone.now()

    token, secret = _create(user)

    keyword, prefix, random_part = secret.split("_", 2)
    assert keyword == "cw"
    assert prefix == token.prefix
    assert len(random_part) >= 40
    assert token.membership == _membership(user)
    assert before + timedelta(days=settings.API_TOKEN_DEFAULT_DAYS) <= token.expires_at
    assert token.expires_at <= timezone.now() + timedelta(days=settings.API_TOKEN_DEFAULT_DAYS)
    assert token.revoked_at is None


@pytest.mark.django_db
def test_it_never_stores_the_secret_in_clear(personas):
    token, secret = _create(personas.caseworker_a)
    random_part = secret.split("_", 2)[2]

    table = connection.ops.quote_name(ApiToken._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [token.pk])  # noqa: S608 (quoted table name)
        row = cursor.fetchone()
    stored = " ".join(str(value) for value in row)

    assert random_part not in stored
    assert secret not in stored
    assert token.secret_hash != secret
    assert len(token.secret_hash) == 64


@pytest.mark.django_db
def test_it_makes_a_different_secret_every_time(personas):
    secrets = {_create(personas.caseworker_a)[1] for _ in range(5)}
    assert len(secrets) == 5


@pytest.mark.django_db
def test_it_audits_creation_without_the_secret(personas):
    token, secret = _create(personas.caseworker_a)

    event = AuditEvent.objects.get(action="orgs.api_token_created")
    assert event.actor_id == personas.caseworker_a.pk
    assert event.target_id == str(token.pk)
    assert event.organization_id == personas.org_a.pk
    assert secret.split("_", 2)[2] not in str(event.fields) + event.reason


@pytest.mark.django_db
@pytest.mark.parametrize("days", [1, 7, 365])
def test_it_honours_a_chosen_lifetime(personas, days):
    token, _secret = _create(personas.caseworker_a, days=days)
    assert timedelta(days=days) - timedelta(minutes=1) < token.expires_at - timezone.now() <= timedelta(days=days)


@pytest.mark.django_db
@pytest.mark.parametrize("days", [-1, 366, 10_000])
def test_it_refuses_lifetimes_outside_one_day_to_a_year(personas, days):
    with pytest.raises(ValidationError):
        _create(personas.caseworker_a, days=days)
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_it_refuses_to_create_a_token_for_someone_elses_membership(personas):
    with pytest.raises(ValidationError):
        api_token_create(actor=personas.admin_a, membership=_membership(personas.caseworker_a), name="steal")
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_it_refuses_to_create_a_token_for_an_inactive_membership(personas):
    membership = _membership(personas.caseworker_a)
    Membership.objects.filter(pk=membership.pk).update(is_active=False)
    membership.refresh_from_db()
    with pytest.raises(ValidationError):
        api_token_create(actor=personas.caseworker_a, membership=membership, name="late")


@pytest.mark.django_db
def test_it_authenticates_a_valid_token_and_stamps_its_use(personas):
    token, secret = _create(personas.caseworker_a)

    found = api_token_authenticate(secret)

    assert found == token
    assert found.membership.user == personas.caseworker_a
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.django_db
def test_it_stamps_use_at_most_every_few_minutes(personas):
    token, secret = _create(personas.caseworker_a)
    api_token_authenticate(secret)
    token.refresh_from_db()
    first_use = token.last_used_at

    api_token_authenticate(secret)

    token.refresh_from_db()
    assert token.last_used_at == first_use


@pytest.mark.django_db
def test_it_refuses_an_expired_token(personas):
    token, secret = _create(personas.caseworker_a)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api_token_authenticate(secret) is None


@pytest.mark.django_db
def test_it_refuses_a_revoked_token(personas):
    token, secret = _create(personas.caseworker_a)
    api_token_revoke(actor=personas.caseworker_a, token=token)
    assert api_token_authenticate(secret) is None


@pytest.mark.django_db
def test_it_refuses_a_wrong_secret_with_the_right_prefix(personas):
    token, secret = _create(personas.caseworker_a)
    keyword, prefix, random_part = secret.split("_", 2)
    other_random = _create(personas.caseworker_a)[1].split("_", 2)[2]

    assert api_token_authenticate(f"{keyword}_{prefix}_{other_random}") is None
    assert api_token_authenticate(f"{keyword}_{prefix}_{random_part[:-1]}") is None
    assert api_token_authenticate(f"{keyword}_{prefix}_{random_part}x") is None
    assert api_token_authenticate(secret) == token


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    ["", "cw", "cw_", "cw__", "cw_nope", "xx_{prefix}_{rest}", "CW_{prefix}_{rest}", "{prefix}_{rest}", "cw_{prefix}_"],
)
def test_it_refuses_malformed_tokens(personas, raw):
    _token, secret = _create(personas.caseworker_a)
    _keyword, prefix, rest = secret.split("_", 2)
    assert api_token_authenticate(raw.format(prefix=prefix, rest=rest)) is None


@pytest.mark.django_db
def test_it_refuses_the_token_of_a_deactivated_membership(personas):
    token, secret = _create(personas.caseworker_a)
    Membership.objects.filter(pk=token.membership_id).update(is_active=False)
    assert api_token_authenticate(secret) is None


@pytest.mark.django_db
def test_it_refuses_the_token_of_a_deactivated_user(personas):
    _token, secret = _create(personas.caseworker_a)
    type(personas.caseworker_a).objects.filter(pk=personas.caseworker_a.pk).update(is_active=False)
    assert api_token_authenticate(secret) is None


@pytest.mark.django_db
def test_it_refuses_the_token_of_a_deactivated_organization(personas):
    _token, secret = _create(personas.caseworker_a)
    type(personas.org_a).objects.filter(pk=personas.org_a.pk).update(is_active=False)
    assert api_token_authenticate(secret) is None


@pytest.mark.django_db
def test_it_revokes_once_and_audits_once(personas):
    token, _secret = _create(personas.caseworker_a)

    api_token_revoke(actor=personas.caseworker_a, token=token)
    token.refresh_from_db()
    revoked_at = token.revoked_at
    api_token_revoke(actor=personas.caseworker_a, token=token)
    token.refresh_from_db()

    assert revoked_at is not None
    assert token.revoked_at == revoked_at
    assert AuditEvent.objects.filter(action="orgs.api_token_revoked").count() == 1


@pytest.mark.django_db
def test_it_refuses_to_revoke_someone_elses_token(personas):
    token, secret = _create(personas.caseworker_a)

    with pytest.raises(ValidationError):
        api_token_revoke(actor=personas.supervisor_a, token=token)

    token.refresh_from_db()
    assert token.revoked_at is None
    assert api_token_authenticate(secret) == token
