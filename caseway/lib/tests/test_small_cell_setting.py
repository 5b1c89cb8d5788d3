"""SMALL_CELL_THRESHOLD, from CASEWAY_SMALL_CELL_THRESHOLD: 5 by default, 3 to 100, else no start.

Settings are read once per process, so the environment is tried in a fresh interpreter.
"""

import json

import pytest

from caseway.tests.production import production_env, run_python

READ = "import caseway.wsgi, json; from django.conf import settings; print(json.dumps(settings.SMALL_CELL_THRESHOLD))"


def read_setting(tmp_path, **env):
    return run_python(READ, production_env(tmp_path, **env))


def test_it_hides_counts_below_five_by_default(tmp_path):
    result = read_setting(tmp_path)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == 5


def test_it_reads_the_threshold_from_the_environment(tmp_path):
    result = read_setting(tmp_path, CASEWAY_SMALL_CELL_THRESHOLD="11")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == 11


def test_it_accepts_the_floor_of_three(tmp_path):
    result = read_setting(tmp_path, CASEWAY_SMALL_CELL_THRESHOLD="3")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == 3


@pytest.mark.parametrize("value", ["2", "1", "0", "-5", "101", "five"])
def test_it_refuses_to_start_with_a_threshold_out_of_bounds(tmp_path, value):
    result = read_setting(tmp_path, CASEWAY_SMALL_CELL_THRESHOLD=value)

    assert result.returncode != 0
    assert "CASEWAY_SMALL_CELL_THRESHOLD" in result.stderr
