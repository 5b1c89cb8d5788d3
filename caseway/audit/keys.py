"""The audit signing key: 32 random bytes, base64, from settings.AUDIT_KEY (never stored in the database)."""

import base64
import binascii

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 32


def parse_audit_key(value: str) -> bytes:
    if not value:
        raise ImproperlyConfigured("CASEWAY_AUDIT_KEY is not set.")
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ImproperlyConfigured("CASEWAY_AUDIT_KEY is not valid base64.") from error
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(f"CASEWAY_AUDIT_KEY must decode to {KEY_BYTES} bytes, not {len(key)}.")
    return key


def audit_key() -> bytes:
    # Read on every use rather than cached, so tests (and a restart after rotation) see the current setting.
    return parse_audit_key(settings.AUDIT_KEY)
