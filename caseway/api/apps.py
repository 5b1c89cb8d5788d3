from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "caseway.api"
    label = "api"
