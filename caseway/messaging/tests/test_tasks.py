"""The reminder job: registered with the periodic jobs, run by the task and the command; the lead
time setting: 24 hours by default, 1 to 168, else the service does not start."""

import json

import pytest
from django.core.management import call_command

from caseway.messaging import tasks
from caseway.messaging.models import Notification
from caseway.messaging.tests.helpers import a_day, a_reminded_case, an_appointment_on
from caseway.scheduling.registry import jobs
from caseway.tests.production import production_env, run_python

READ = "import caseway.wsgi, json; from django.conf import settings; print(json.dumps(settings.REMINDER_HOURS))"


def test_it_is_a_periodic_job_every_five_minutes():
    job = next(job for job in jobs() if job.name == "messaging.appointment_reminders")
    assert job.task is tasks.appointment_reminders
    assert job.every.total_seconds() == 300


@pytest.mark.django_db
def test_the_task_queues_then_sends(personas):
    an_appointment_on(personas, a_reminded_case(personas, safe_times="10:00-12:00"), a_day(2, hour=15))
    result = tasks.appointment_reminders.enqueue(now=a_day(2, hour=10, minute=30).isoformat()).return_value
    assert result == {"queued": {"due": 1, "pending": 1}, "sent": {"due": 1, "sent": 1}}
    assert Notification.objects.get().status == Notification.Status.SENT


@pytest.mark.django_db
def test_the_command_counts_without_changing_anything_in_a_dry_run(personas, capsys):
    call_command("messaging_reminders", "--dry-run")
    assert "Nothing was changed" in capsys.readouterr().out
    call_command("messaging_reminders")
    assert "Reminders: 0 due" in capsys.readouterr().out


def test_it_reminds_twenty_four_hours_ahead_by_default_or_what_the_environment_says(tmp_path):
    for env, expected in (({}, 24), ({"CASEWAY_REMINDER_HOURS": "48"}, 48)):
        result = run_python(READ, production_env(tmp_path, **env))
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout.strip().splitlines()[-1]) == expected


@pytest.mark.parametrize("value", ["0", "169", "day"])
def test_it_refuses_to_start_with_a_lead_time_out_of_bounds(tmp_path, value):
    result = run_python(READ, production_env(tmp_path, CASEWAY_REMINDER_HOURS=value))
    assert result.returncode != 0
    assert "CASEWAY_REMINDER_HOURS" in result.stderr
