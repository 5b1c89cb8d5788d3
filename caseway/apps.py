from django.apps import AppConfig


class CasewayConfig(AppConfig):
    """The project itself: shell pages, middleware, system checks, the demo network."""

    name = "caseway"
    label = "caseway"
    verbose_name = "Caseway"

    def ready(self):
        from caseway import checks  # noqa: F401  (registers the system checks)
