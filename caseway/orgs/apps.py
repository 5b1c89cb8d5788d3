from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "caseway.orgs"
    label = "orgs"
