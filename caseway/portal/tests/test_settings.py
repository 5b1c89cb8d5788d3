"""The portal's settings from the environment: defaults, and no start outside their bounds."""

import json

from caseway.tests.production import production_env, run_python

READ = (
    "import caseway.wsgi, json; from django.conf import settings; print(json.dumps([settings.PORTAL_INVITATION_DAYS,"
    " settings.PORTAL_MAX_ATTEMPTS, settings.PORTAL_LOCKOUT_MINUTES, settings.PORTAL_IDLE_MINUTES,"
    " settings.PORTAL_SHARED_IDLE_MINUTES, settings.MESSAGE_NOTICE_HOURS, settings.UPLOAD_MAX_MB,"
    " settings.PORTAL_SITE_NAME]))"
)


def test_it_starts_with_the_defaults(tmp_path):
    result = run_python(READ, production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [7, 5, 15, 15, 5, 48, 5, "Community services"]


def test_it_refuses_to_start_when_a_client_could_never_be_locked_out(tmp_path):
    result = run_python(READ, production_env(tmp_path, CASEWAY_PORTAL_MAX_ATTEMPTS="1000"))
    assert result.returncode != 0
    assert "CASEWAY_PORTAL_MAX_ATTEMPTS must be from 3 to 10, not 1000" in result.stderr
