"""A malformed audit key is refused at start-up, not at the first audited event (a login)."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from caseway.audit.keys import parse_audit_key


@checks.register(checks.Tags.security)
def check_audit_key(app_configs, **kwargs):
    # An empty key is caseway.checks' concern (E001, production only); this one checks its shape.
    if not settings.AUDIT_KEY:
        return []
    try:
        parse_audit_key(settings.AUDIT_KEY)
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), hint="Generate one with: openssl rand -base64 32", id="caseway.audit.E001")]
    return []
