"""The periodic jobs of every app, declared where the jobs live.

An app declares its periodic jobs in its ``tasks.py``, next to the tasks themselves::

    from caseway.scheduling.registry import PeriodicJob

    PERIODIC_JOBS = [
        PeriodicJob("clients.retention", apply_retention_policies, every=datetime.timedelta(days=1)),
    ]

``jobs()`` finds them by going through the installed apps (``apps.get_app_configs()``) and
reading ``<app>.tasks.PERIODIC_JOBS`` where the module exists, so this app never imports the apps
above it and a new app only has to declare its list. A job is a Django task (``@task``) enqueued
with JSON keyword arguments; its ``name`` is the stable key of its run record (``JobRun``): rename
it and the job counts as never run.
"""

import datetime
import importlib
import importlib.util
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.tasks import Task

MIN_INTERVAL = datetime.timedelta(minutes=5)  # cron's period (README): a shorter interval could not be kept


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Task
    every: datetime.timedelta
    kwargs: dict = field(default_factory=dict)

    def __post_init__(self):
        if not isinstance(self.task, Task):
            raise ImproperlyConfigured(f"Periodic job {self.name!r}: {self.task!r} is not a task (use @task).")
        if self.every < MIN_INTERVAL:
            raise ImproperlyConfigured(f"Periodic job {self.name!r} runs more often than every {MIN_INTERVAL}.")
        if not self.name or len(self.name) > 100:
            raise ImproperlyConfigured(f"Periodic job name {self.name!r} must have 1 to 100 characters.")


def _declared(app_config) -> list:
    module_name = f"{app_config.name}.tasks"
    if importlib.util.find_spec(module_name) is None:
        return []
    module = importlib.import_module(module_name)
    declared = getattr(module, "PERIODIC_JOBS", [])
    for job in declared:
        if not isinstance(job, PeriodicJob):
            raise ImproperlyConfigured(f"{module_name}.PERIODIC_JOBS holds {job!r}, not a PeriodicJob.")
    return list(declared)


def jobs() -> list[PeriodicJob]:
    """Every declared periodic job, in the order of INSTALLED_APPS; names are unique."""
    found, names = [], set()
    for app_config in apps.get_app_configs():
        for job in _declared(app_config):
            if job.name in names:
                raise ImproperlyConfigured(f"Two periodic jobs are named {job.name!r}.")
            names.add(job.name)
            found.append(job)
    return found
