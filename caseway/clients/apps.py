from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "caseway.clients"
    label = "clients"
    verbose_name = "Clients"

    def ready(self):
        # The directory's coverage map gains "needs" beside services (the directory cannot import
        # this app, so the measure is added from here).
        from caseway.clients import coverage_needs

        coverage_needs.register()
