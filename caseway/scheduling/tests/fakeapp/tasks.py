"""A stand-in app's tasks.py for the scheduling tests: two periodic jobs that count their runs."""

import datetime

from django.tasks import task

from caseway.scheduling.registry import PeriodicJob

CALLS: list[str] = []


@task
def count(label: str = "") -> int:
    CALLS.append(label)
    return len(CALLS)


@task
def fail() -> None:
    raise RuntimeError("A job that always fails (tests).")


PERIODIC_JOBS = [
    PeriodicJob("tests.hourly", count, every=datetime.timedelta(hours=1), kwargs={"label": "hourly"}),
    PeriodicJob("tests.daily", count, every=datetime.timedelta(days=1), kwargs={"label": "daily"}),
]
