from django.apps import AppConfig


class LegalConfig(AppConfig):
    """Legal aid coordination (floor 8): matters, deadlines, reviews, requests, remedies, evidence."""

    name = "caseway.legal"
    label = "legal"
    verbose_name = "Legal"

    def ready(self):
        from caseway.legal import evidence  # noqa: F401 (connects the guard that seals evidence originals)
