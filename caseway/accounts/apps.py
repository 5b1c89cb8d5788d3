from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "caseway.accounts"
    label = "accounts"

    def ready(self):
        from caseway.accounts import signals  # noqa: F401  (connects the audit receivers)
