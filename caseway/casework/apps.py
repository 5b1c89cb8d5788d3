from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    """The work done on a case (floor 7): plans, goals, tasks, milestones, notes, appointments,
    support payments, approvals and closure. The ``Case`` itself lives in ``clients``."""

    name = "caseway.casework"
    label = "casework"
    verbose_name = "Casework"

    def ready(self):
        from caseway.casework import signals

        signals.connect()
