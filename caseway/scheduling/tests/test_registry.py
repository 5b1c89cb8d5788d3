"""The registry: each app's tasks.PERIODIC_JOBS, found through the installed apps."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured

from caseway.scheduling import registry
from caseway.scheduling.registry import PeriodicJob
from caseway.scheduling.tests.fakeapp.tasks import count


def test_it_finds_the_jobs_the_installed_apps_declare():
    declared = {job.name: job for job in registry.jobs()}

    assert declared["clients.retention"].every == datetime.timedelta(days=1)
    assert declared["clients.retention"].task.module_path == "caseway.clients.tasks.apply_retention_policies"
    assert declared["clients.safety_plan_reviews"].every == datetime.timedelta(days=1)
    assert declared["clients.safety_plan_reviews"].task.module_path == (
        "caseway.clients.safety_tasks.safety_plan_reviews"
    )
    assert declared["clients.abandoned_intakes"].every == datetime.timedelta(hours=1)


def test_a_new_app_only_declares_its_list(only_fake_app):
    assert [(job.name, job.kwargs) for job in registry.jobs()] == [
        ("tests.hourly", {"label": "hourly"}),
        ("tests.daily", {"label": "daily"}),
    ]


def test_an_app_without_tasks_module_declares_nothing(monkeypatch):
    monkeypatch.setattr(registry.apps, "get_app_configs", lambda: [SimpleNamespace(name="caseway.lib")])

    assert registry.jobs() == []


def test_two_jobs_of_one_name_are_refused(monkeypatch):
    fake = SimpleNamespace(name="caseway.scheduling.tests.fakeapp")
    monkeypatch.setattr(registry.apps, "get_app_configs", lambda: [fake, fake])

    with pytest.raises(ImproperlyConfigured, match=r"tests\.hourly"):
        registry.jobs()


def test_something_else_in_the_list_is_refused(monkeypatch):
    from caseway.scheduling.tests.fakeapp import tasks

    monkeypatch.setattr(tasks, "PERIODIC_JOBS", [*tasks.PERIODIC_JOBS, "clients.retention"])
    monkeypatch.setattr(
        registry.apps, "get_app_configs", lambda: [SimpleNamespace(name="caseway.scheduling.tests.fakeapp")]
    )

    with pytest.raises(ImproperlyConfigured, match="not a PeriodicJob"):
        registry.jobs()


def test_a_job_must_be_a_task_run_no_more_often_than_cron():
    with pytest.raises(ImproperlyConfigured):
        PeriodicJob("tests.too_often", count, every=datetime.timedelta(minutes=1))
    with pytest.raises(ImproperlyConfigured):
        PeriodicJob("tests.plain_function", count.func, every=datetime.timedelta(hours=1))
    with pytest.raises(ImproperlyConfigured):
        PeriodicJob("", count, every=datetime.timedelta(hours=1))
