from django.apps import AppConfig


class LegalConfig(AppConfig):
    """Legal aid coordination (floor 8). For now: the deadline engine (``deadlines.py``)."""

    name = "caseway.legal"
    label = "legal"
    verbose_name = "Legal"
