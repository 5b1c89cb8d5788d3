"""Loaded with ``-p`` (pyproject.toml) before pytest-django configures Django, so settings.py
reads test mode: throwaway keys, immediate tasks, cheap Argon2."""

import os

os.environ["CASEWAY_MODE"] = "test"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


def pytest_addoption(parser):
    parser.addoption(
        "--second-database",
        action="store_true",
        help=(
            "This run repeats the suite on a second database (make test's PostgreSQL leg): leave out the"
            " tests that never open the database and the checks of the demo network, which make demo"
            " seeds into SQLite only; both ran in the SQLite leg."
        ),
    )
