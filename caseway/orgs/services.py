"""Every change to organizations, memberships and API tokens goes through here."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from caseway import audit
from caseway.accounts import services as account_services
from caseway.orgs.middleware import ACTIVE_MEMBERSHIP_SESSION_KEY
from caseway.orgs.models import ApiToken, Membership
from caseway.orgs.permissions import Action, Role

TOKEN_PREFIX = "cw"  # noqa: S105  (the visible tag of our tokens, not a secret)


def active_organization_switch(*, actor, request, membership: Membership):
    if membership.user_id != actor.pk or not membership.is_active or not membership.organization.is_active:
        raise ValidationError(_("You are not a member of that organization."))
    request.session[ACTIVE_MEMBERSHIP_SESSION_KEY] = membership.pk
    audit.record(actor, "orgs.active_organization_switched", membership.organization, request=request)


@transaction.atomic
def member_invite(*, actor, actor_membership, email: str, display_name: str, role: str, request=None) -> Membership:
    """Adds a person to the admin's own organization and emails them a link to set a password.

    An existing account (someone already in another organization) gets a new membership.
    """
    if not actor_membership.allows(Action.MANAGE_MEMBERS):
        raise ValidationError(_("You may not manage members."))
    if role not in Role.values:
        raise ValidationError(_("Choose a role from the list."))
    user_model = get_user_model()
    email = user_model.objects.normalize_email(email).strip().lower()
    user = user_model.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = user_model.objects.create_user(email=email, display_name=display_name)
    organization = actor_membership.organization
    if Membership.objects.filter(user=user, organization=organization).exists():
        raise ValidationError(_("This person is already a member of your organization."))
    membership = Membership.objects.create(user=user, organization=organization, role=role)
    audit.record(
        actor, "orgs.member_added", membership, fields=["email", "role"], organization=organization, request=request
    )
    if created:
        transaction.on_commit(lambda: _send_invitation(user, organization, request))
    return membership


def _send_invitation(user, organization, request):
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    link = request.build_absolute_uri(path) if request is not None else path
    context = {"organization": organization, "link": link, "site_name": settings.SITE_NAME}
    send_mail(
        subject=render_to_string("orgs/email/invitation_subject.txt", context).strip(),
        message=render_to_string("orgs/email/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def member_update(*, actor, actor_membership, membership: Membership, role: str, is_active: bool, request=None):
    if not actor_membership.allows(Action.MANAGE_MEMBERS):
        raise ValidationError(_("You may not manage members."))
    if role not in Role.values:
        raise ValidationError(_("Choose a role from the list."))
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.organization_id != actor_membership.organization_id:
        raise ValidationError(_("You may not manage members of another organization."))
    if membership.pk == actor_membership.pk and (not is_active or role != membership.role):
        raise ValidationError(_("You cannot change your own role or deactivate yourself. Ask another admin."))
    changed = [name for name, value in (("role", role), ("is_active", is_active)) if getattr(membership, name) != value]
    if not changed:
        return membership
    membership.role = role
    membership.is_active = is_active
    membership.save(update_fields=changed)
    if not is_active:
        membership.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit.record(
        actor, "orgs.member_updated", membership, fields=changed, organization=membership.organization, request=request
    )
    return membership


def member_second_factor_reset(*, actor, actor_membership, membership: Membership, request=None):
    if not actor_membership.allows(Action.MANAGE_MEMBERS):
        raise ValidationError(_("You may not manage members."))
    if membership.organization_id != actor_membership.organization_id:
        raise ValidationError(_("You may not manage members of another organization."))
    # A former member's account is no longer this organization's to reset (they may work elsewhere now).
    if not membership.is_active:
        raise ValidationError(_("This person is no longer an active member of your organization."))
    account_services.second_factor_reset(actor=actor, user=membership.user, request=request)


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor, membership: Membership, name: str, days: int | None = None, request=None):
    """Creates a token for the actor's membership; returns (token, the secret shown once)."""
    if membership.user_id != actor.pk or not membership.allows(Action.MANAGE_API_TOKENS):
        raise ValidationError(_("You may not create API tokens for this organization."))
    if days is None:
        days = settings.API_TOKEN_DEFAULT_DAYS
    if not 1 <= days <= 365:
        raise ValidationError(_("A token lasts between 1 and 365 days."))
    prefix = secrets.token_hex(6)
    secret = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        membership=membership,
        name=name,
        prefix=prefix,
        secret_hash=_hash_secret(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit.record(actor, "orgs.api_token_created", token, organization=membership.organization, request=request)
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken, request=None):
    token = ApiToken.objects.select_for_update().select_related("membership").get(pk=token.pk)
    if token.membership.user_id != actor.pk:
        raise ValidationError(_("You may only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor, "orgs.api_token_revoked", token, organization=token.membership.organization_id, request=request
        )
    return token


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The usable token matching ``raw``, or None. Every kind of failure looks the same."""
    from django.utils.crypto import constant_time_compare

    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = (
        ApiToken.objects.select_related("membership__user", "membership__organization").filter(prefix=parts[1]).first()
    )
    if token is None or not constant_time_compare(token.secret_hash, _hash_secret(raw)):
        return None
    now = timezone.now()
    if not token.is_usable(now) or not token.membership.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
