from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    """Feedback, complaints, surveys and the advisory board (floor 14). For now: what clients send
    from the portal, kept simple for the grievance handling that comes later."""

    name = "caseway.feedback"
    label = "feedback"
    verbose_name = "Feedback"

    def ready(self):
        from caseway.feedback import signals

        signals.connect()
