from django.apps import AppConfig


class MessagingConfig(AppConfig):
    """Threads, messages, the notification outbox and its channels (floor 9): client threads
    (``thread_services.py``), the outbox with the appointment reminders and new-message notices it
    carries (``reminders.py``, ``notices.py``)."""

    name = "caseway.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self):
        from caseway.messaging import checks, notices, signals  # noqa: F401 (they register themselves)

        signals.connect()
