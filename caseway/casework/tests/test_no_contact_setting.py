"""NO_CONTACT_DAYS, from CASEWAY_NO_CONTACT_DAYS: 30 by default, 1 to 365, else no start."""

import json

import pytest

from caseway.tests.production import production_env, run_python

READ = "import caseway.wsgi, json; from django.conf import settings; print(json.dumps(settings.NO_CONTACT_DAYS))"


def read_setting(tmp_path, **env):
    return run_python(READ, production_env(tmp_path, **env))


def test_it_counts_thirty_days_by_default_or_what_the_environment_says(tmp_path):
    for env, expected in (({}, 30), ({"CASEWAY_NO_CONTACT_DAYS": "45"}, 45)):
        result = read_setting(tmp_path, **env)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout.strip().splitlines()[-1]) == expected


@pytest.mark.parametrize("value", ["0", "-1", "366", "thirty"])
def test_it_refuses_to_start_with_a_value_out_of_bounds(tmp_path, value):
    result = read_setting(tmp_path, CASEWAY_NO_CONTACT_DAYS=value)
    assert result.returncode != 0
    assert "CASEWAY_NO_CONTACT_DAYS" in result.stderr
