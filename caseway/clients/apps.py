from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "caseway.clients"
    label = "clients"
    verbose_name = "Clients"
