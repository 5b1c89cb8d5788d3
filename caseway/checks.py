"""System checks that stop a production instance from starting without its keys."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

REQUIRED_KEYS = {
    "SECRET_KEY": "CASEWAY_SECRET_KEY",
    "VAULT_KEYS": "CASEWAY_VAULT_KEYS",
    "BLIND_INDEX_KEY": "CASEWAY_BLIND_INDEX_KEY",
    "AUDIT_KEY": "CASEWAY_AUDIT_KEY",
}


def _setting(name: str) -> str:
    # Django refuses to even read an empty SECRET_KEY (ImproperlyConfigured); here that is
    # simply "missing", reported below with the variable the operator has to set.
    try:
        return getattr(settings, name, "") or ""
    except ImproperlyConfigured:
        return ""


@checks.register(checks.Tags.security, deploy=False)
def check_keys_and_debug(app_configs, **kwargs):
    if settings.MODE in {"demo", "test"}:
        return []
    errors = []
    for setting_name, variable in REQUIRED_KEYS.items():
        if not _setting(setting_name):
            errors.append(
                checks.Error(
                    f"{variable} (or {variable}_FILE) is not set.",
                    hint="Production refuses to start without explicit keys; see docs/SECURITY.md.",
                    id="caseway.E001",
                )
            )
    if settings.DEBUG:
        errors.append(
            checks.Error(
                "CASEWAY_DEBUG is on outside demo and test mode.",
                hint="Debug pages show settings and data; never run production with it.",
                id="caseway.E002",
            )
        )
    from caseway.lib.crypto import Keyring, VaultError, blind_index

    if _setting("VAULT_KEYS"):
        try:
            Keyring.parse(settings.VAULT_KEYS)
        except VaultError as error:
            errors.append(checks.Error(f"CASEWAY_VAULT_KEYS is invalid: {error}", id="caseway.E003"))
    if _setting("BLIND_INDEX_KEY"):
        # Checked now rather than at the first lookup, which would fail in the middle of someone's work.
        try:
            blind_index("start-up check", purpose="caseway.checks")
        except VaultError as error:
            errors.append(
                checks.Error(
                    f"CASEWAY_BLIND_INDEX_KEY is invalid: {error}",
                    hint="Generate one with: openssl rand -base64 32",
                    id="caseway.E004",
                )
            )
    return errors
