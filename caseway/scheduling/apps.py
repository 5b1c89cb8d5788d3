from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    """Periodic jobs: each app's ``tasks.py`` declares them, ``manage.py run_periodic`` enqueues the due ones."""

    name = "caseway.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"
