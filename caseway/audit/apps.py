from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "caseway.audit"
    label = "audit"
