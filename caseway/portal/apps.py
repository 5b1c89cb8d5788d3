from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The survivor-facing site under /portal/ (floor 10): accounts, sign-in, messages."""

    name = "caseway.portal"
    label = "portal"
    verbose_name = "Portal"

    def ready(self):
        from caseway.portal import signals

        signals.connect()
