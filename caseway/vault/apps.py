from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "caseway.vault"
    label = "vault"
