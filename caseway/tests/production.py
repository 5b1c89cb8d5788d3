"""Runs Python in a fresh interpreter configured like a production server.

Settings are read once per process, so production behaviour (HSTS, secure cookies, the task
backend, the refusal to start without keys) can only be seen from a separate interpreter.
Each run costs a second or two: ``production_facts()`` runs once and is shared by every test.
"""

import base64
import json
import os
import subprocess
import sys
import tempfile
from functools import cache

from django.conf import settings


def random_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def production_keys() -> dict[str, str]:
    return {
        "CASEWAY_SECRET_KEY": base64.urlsafe_b64encode(os.urandom(48)).decode(),
        "CASEWAY_VAULT_KEYS": "1:" + random_key(),
        "CASEWAY_BLIND_INDEX_KEY": random_key(),
        "CASEWAY_AUDIT_KEY": random_key(),
    }


def production_env(var_dir, *, keys: bool = True, **extra: str) -> dict[str, str]:
    """The current environment without any CASEWAY_ variable, then production mode under ``var_dir``."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("CASEWAY_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update({"CASEWAY_MODE": "production", "CASEWAY_VAR_DIR": str(var_dir), "PYTHONDONTWRITEBYTECODE": "1"})
    if keys:
        env.update(production_keys())
        env["CASEWAY_ALLOWED_HOSTS"] = "example.org"
    env.update(extra)
    return env


def run_python(code: str, env: dict[str, str], *, timeout: int = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


FACTS_SCRIPT = """
import json
import caseway.wsgi
from django.conf import settings
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

call_command("collectstatic", interactive=False, verbosity=0)
hashed_css = static("caseway/caseway.css")
# https and a configured host: what a browser behind the TLS proxy sends.
response = Client().get(hashed_css, secure=True, headers={"host": "example.org"})
print(json.dumps({
    "static": {"url": hashed_css, "status": response.status_code, "cache_control": response.get("Cache-Control", "")},
    "MODE": settings.MODE,
    "DEBUG": settings.DEBUG,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "LANGUAGE_COOKIE_SECURE": settings.LANGUAGE_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "TASK_BACKEND": settings.TASKS["default"]["BACKEND"],
    "STATICFILES_BACKEND": settings.STORAGES["staticfiles"]["BACKEND"],
    "PASSWORD_HASHERS": settings.PASSWORD_HASHERS,
}))
"""


@cache
def production_facts() -> dict:
    """Imports caseway.wsgi under production settings with every key, reports the settings, and
    fetches a collected (hashed) static file through WhiteNoise."""
    with tempfile.TemporaryDirectory() as var_dir:
        env = production_env(var_dir, CASEWAY_STATIC_ROOT=f"{var_dir}/static")
        result = run_python(FACTS_SCRIPT, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
