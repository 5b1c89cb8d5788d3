"""Sign-in events go to the audit log. Attempted usernames are staff emails, never client data."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from caseway import audit


@receiver(user_logged_in, dispatch_uid="caseway.audit_login")
def audit_login(sender, request, user, **kwargs):
    audit.record(user, "accounts.login", user, request=request)


@receiver(user_logged_out, dispatch_uid="caseway.audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(user, "accounts.logout", user, request=request)


@receiver(user_login_failed, dispatch_uid="caseway.audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    audit.record(
        None, "accounts.login_failed", None, actor_label=str(credentials.get("username", ""))[:254], request=request
    )


@receiver(user_locked_out, dispatch_uid="caseway.audit_locked_out")
def audit_locked_out(sender, request, username, ip_address, **kwargs):
    audit.record(None, "accounts.locked_out", None, actor_label=str(username or "")[:254], request=request)
