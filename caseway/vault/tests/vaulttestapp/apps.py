from django.apps import AppConfig


class VaultTestAppConfig(AppConfig):
    """Test-only models for the encrypted fields; no migrations, so the test database syncs it."""

    name = "caseway.vault.tests.vaulttestapp"
    label = "vaulttestapp"
    default_auto_field = "django.db.models.BigAutoField"
