from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "caseway.directory"
    label = "directory"
    verbose_name = "Service directory"
