"""LEGAL_DEADLINE_LEAD_DAYS from CASEWAY_LEGAL_DEADLINE_LEAD_DAYS: 30,14,7,1 by default; junk stops the start."""

import json

from caseway.tests.production import production_env, run_python

READ = (
    "import caseway.wsgi, json; from django.conf import settings; print(json.dumps(settings.LEGAL_DEADLINE_LEAD_DAYS))"
)


def test_it_reads_the_lead_days_and_refuses_junk(tmp_path):
    default = run_python(READ, production_env(tmp_path))
    assert default.returncode == 0, default.stderr
    assert json.loads(default.stdout.strip().splitlines()[-1]) == [1, 7, 14, 30]
    chosen = run_python(READ, production_env(tmp_path, CASEWAY_LEGAL_DEADLINE_LEAD_DAYS="60, 21,3"))
    assert json.loads(chosen.stdout.strip().splitlines()[-1]) == [3, 21, 60]
    junk = run_python(READ, production_env(tmp_path, CASEWAY_LEGAL_DEADLINE_LEAD_DAYS="30,soon"))
    assert junk.returncode != 0 and "CASEWAY_LEGAL_DEADLINE_LEAD_DAYS" in junk.stderr
