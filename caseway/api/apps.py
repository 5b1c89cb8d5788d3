from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "caseway.api"
    label = "api"

    def ready(self):
        # drf-spectacular finds extensions by subclassing: they must be imported before any schema is built.
        from caseway.api import schema  # noqa: F401
