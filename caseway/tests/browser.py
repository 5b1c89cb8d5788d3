"""Chromium for the browser tests: where it is, a browser of its own for a test in a thread of its own, signing in.

caseway/tests/test_browser.py keeps a session-wide Playwright running in the main thread (its
``browser`` fixture), and Playwright's sync API allows one per thread: a test that walks a flow in
a browser of its own runs it with ``in_own_browser``, in a new thread.
"""

import os
import threading
from pathlib import Path

import pytest
from django.db import connections
from django_otp.oath import totp

from caseway.tests.personas import PASSWORD

CHROMIUM = Path(os.environ.get("CASEWAY_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"]


def require_chromium():
    """Skip the test where Chromium is not installed; fail it on CI (``CI=true``), which must run it."""
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium) to run browser tests"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def in_own_browser(walk):
    """``walk(browser)`` in a new thread with its own Playwright and Chromium: its result, or its failure re-raised."""
    require_chromium()
    failures, results = [], []

    def run():
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
                try:
                    results.append(walk(browser))
                finally:
                    # The walk reads the database (sign_in's authenticator code) on a connection of
                    # its own, which would outlive the test and keep PostgreSQL from dropping the
                    # test database at the end ("being accessed by other users"). Closed here,
                    # inside the Playwright block: Django keeps connections per context, and
                    # Playwright's greenlets give the walk another context than this function's.
                    connections.close_all()
                    browser.close()
        except BaseException as error:  # handed to the test's thread
            failures.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=240)
    assert not thread.is_alive(), "the browser walk did not finish"
    if failures:
        raise failures[0]
    return results[0]


def new_page(browser):
    """A page in a new context of ``browser`` (its own cookies), waiting 10 s at most for anything."""
    page = browser.new_context().new_page()
    page.set_default_timeout(10_000)
    return page


def current_code(user):
    device = user.totpdevice_set.get(confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def sign_in(page, live_server, user):
    """Sign ``user`` in with both factors: the password, then the authenticator's current code."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code").fill(current_code(user))
    page.get_by_role("button", name="Sign in").click()
