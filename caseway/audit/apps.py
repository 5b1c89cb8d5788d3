from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "caseway.audit"
    label = "audit"

    def ready(self):
        from caseway.audit import checks  # noqa: F401  (registers the key check)
