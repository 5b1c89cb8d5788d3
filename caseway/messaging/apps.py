from django.apps import AppConfig


class MessagingConfig(AppConfig):
    """Threads, messages, the notification outbox and its channels (floor 9). For now: the outbox and
    the appointment reminders it carries (``reminders.py``)."""

    name = "caseway.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self):
        from caseway.messaging import checks, signals  # noqa: F401 (checks register themselves)

        signals.connect()
