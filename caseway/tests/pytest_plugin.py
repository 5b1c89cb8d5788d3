"""Loaded with ``-p`` (pyproject.toml) before pytest-django configures Django, so settings.py
reads test mode: throwaway keys, immediate tasks, cheap Argon2."""

import os

os.environ["CASEWAY_MODE"] = "test"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
