"""System checks that stop a production instance from starting without its keys."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=False)
def check_keys_and_debug(app_configs, **kwargs):
    if settings.MODE in {"demo", "test"}:
        return []
    errors = []
    required = {
        "SECRET_KEY": "CASEWAY_SECRET_KEY",
        "VAULT_KEYS": "CASEWAY_VAULT_KEYS",
        "BLIND_INDEX_KEY": "CASEWAY_BLIND_INDEX_KEY",
        "AUDIT_KEY": "CASEWAY_AUDIT_KEY",
    }
    for setting_name, variable in required.items():
        if not getattr(settings, setting_name):
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
    if settings.VAULT_KEYS:
        from caseway.lib.crypto import Keyring, VaultError

        try:
            Keyring.parse(settings.VAULT_KEYS)
        except VaultError as error:
            errors.append(checks.Error(f"CASEWAY_VAULT_KEYS is invalid: {error}", id="caseway.E003"))
    return errors
