"""BREAK_GLASS_MINUTES: how long a break-glass opening lasts, from CASEWAY_BREAK_GLASS_MINUTES.

Settings are read once per process, so the environment is tried in a fresh interpreter.
"""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from caseway.clients.models import BreakGlassAccess
from caseway.clients.tests.records_helpers import case_at
from caseway.orgs.permissions import Role
from caseway.tests.personas import make_member
from caseway.tests.production import production_env, run_python

READ = "import caseway.wsgi, json; from django.conf import settings; print(json.dumps(settings.BREAK_GLASS_MINUTES))"


def read_setting(tmp_path, **env):
    return run_python(READ, production_env(tmp_path, **env))


def test_it_lasts_30_minutes_by_default(tmp_path):
    result = read_setting(tmp_path)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == 30


def test_it_reads_the_minutes_from_the_environment(tmp_path):
    result = read_setting(tmp_path, CASEWAY_BREAK_GLASS_MINUTES="45")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == 45


@pytest.mark.parametrize("value", ["0", "-5", "1441", "half an hour"])
def test_it_refuses_to_start_with_a_duration_out_of_bounds(tmp_path, value):
    result = read_setting(tmp_path, CASEWAY_BREAK_GLASS_MINUTES=value)

    assert result.returncode != 0
    assert "CASEWAY_BREAK_GLASS_MINUTES" in result.stderr


@pytest.mark.django_db
def test_an_opening_lasts_what_the_setting_says(personas, login_as, settings):
    settings.BREAK_GLASS_MINUTES = 7
    other = make_member(personas.org_a, Role.CASEWORKER, "second.caseworker.a@example.org")
    case = case_at(personas.supervisor_a, sensitive=True, caseworker=other, given_name="Huda")
    client = login_as(personas.caseworker_a)
    before = timezone.now()

    client.post(
        reverse("clients:break_glass", args=[case.pk]),
        {"reason": "The client is here and her caseworker cannot be reached today."},
    )

    opened = BreakGlassAccess.objects.get(case=case)
    assert before + datetime.timedelta(minutes=7) <= opened.expires_at <= timezone.now() + datetime.timedelta(minutes=7)
    page = client.get(reverse("clients:case_detail", args=[case.pk])).content.decode()
    assert "Huda" in page
