"""run_periodic: every due job enqueued once per its interval, however often cron calls it."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.tasks import TaskResultStatus

from caseway.scheduling.models import JobRun
from caseway.scheduling.registry import PeriodicJob
from caseway.scheduling.services import run_due_jobs, run_job_if_due
from caseway.scheduling.tests.fakeapp.tasks import fail

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 2, 2, 1, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def enqueued(outcomes) -> list[str]:
    return [outcome.name for outcome in outcomes if outcome.enqueued]


def test_the_first_run_enqueues_every_job_and_records_it(only_fake_app):
    outcomes = run_due_jobs(now=T0)

    assert enqueued(outcomes) == ["tests.hourly", "tests.daily"]
    assert only_fake_app == ["hourly", "daily"]  # the immediate backend ran them
    assert {outcome.status for outcome in outcomes} == {TaskResultStatus.SUCCESSFUL}
    rows = {row.name: row for row in JobRun.objects.all()}
    assert (rows["tests.hourly"].last_run_at, rows["tests.hourly"].next_due_at) == (T0, T0 + HOUR)
    assert (rows["tests.daily"].last_run_at, rows["tests.daily"].next_due_at) == (T0, T0 + DAY)
    assert rows["tests.daily"].runs == 1 and rows["tests.daily"].last_task_id


def test_cron_firing_every_five_minutes_runs_each_job_once_per_interval(only_fake_app):
    for minutes in range(0, 24 * 60, 5):
        run_due_jobs(now=T0 + minutes * MINUTE)

    assert only_fake_app.count("hourly") == 24
    assert only_fake_app.count("daily") == 1
    assert JobRun.objects.get(name="tests.hourly").runs == 24


def test_cron_firing_twice_in_the_same_minute_enqueues_nothing_the_second_time(only_fake_app):
    run_due_jobs(now=T0)

    again = run_due_jobs(now=T0)

    assert enqueued(again) == []
    assert only_fake_app == ["hourly", "daily"]


def test_a_late_cron_does_not_make_the_job_drift(only_fake_app):
    run_due_jobs(now=T0)

    run_due_jobs(now=T0 + DAY + 4 * MINUTE)

    assert JobRun.objects.get(name="tests.daily").next_due_at == T0 + 2 * DAY


def test_missed_runs_are_not_caught_up_in_a_burst(only_fake_app):
    run_due_jobs(now=T0)
    later = T0 + 10 * DAY + 7 * MINUTE

    run_due_jobs(now=later)
    run_due_jobs(now=later + 5 * MINUTE)

    assert only_fake_app.count("daily") == 2
    assert JobRun.objects.get(name="tests.daily").next_due_at == later + DAY


def test_a_dry_run_says_what_is_due_and_changes_nothing(only_fake_app):
    outcomes = run_due_jobs(now=T0, dry_run=True)

    assert [(outcome.name, outcome.due, outcome.enqueued) for outcome in outcomes] == [
        ("tests.hourly", True, False),
        ("tests.daily", True, False),
    ]
    assert only_fake_app == []
    assert not JobRun.objects.exists()


def test_the_command_reports_each_job(only_fake_app):
    first, second = StringIO(), StringIO()

    call_command("run_periodic", stdout=first)
    call_command("run_periodic", stdout=second)

    assert "tests.hourly: enqueued" in first.getvalue()
    assert "tests.daily: enqueued" in first.getvalue()
    assert "tests.hourly: not due until" in second.getvalue()
    assert only_fake_app == ["hourly", "daily"]


def test_the_command_runs_only_the_jobs_named(only_fake_app):
    call_command("run_periodic", job=["tests.daily"], stdout=StringIO())

    assert only_fake_app == ["daily"]
    with pytest.raises(CommandError, match=r"tests\.weekly"):
        call_command("run_periodic", job=["tests.weekly"], stdout=StringIO())


def test_the_command_lists_the_declared_jobs(only_fake_app):
    out = StringIO()

    call_command("run_periodic", list_jobs=True, stdout=out)

    assert "tests.hourly\tevery 1:00:00\tcaseway.scheduling.tests.fakeapp.tasks.count" in out.getvalue()
    assert only_fake_app == []


def test_a_failing_job_counts_as_run_and_is_tried_again_at_its_next_interval(only_fake_app):
    job = PeriodicJob("tests.failing", fail, every=HOUR)

    outcome = run_job_if_due(job, now=T0)
    again = run_job_if_due(job, now=T0 + 5 * MINUTE)
    later = run_job_if_due(job, now=T0 + HOUR)

    assert (outcome.enqueued, outcome.status) == (True, TaskResultStatus.FAILED)
    assert not again.enqueued
    assert later.enqueued
    assert JobRun.objects.get(name="tests.failing").runs == 2
