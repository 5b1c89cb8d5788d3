"""Browser tests: the main flows once, in Debian's Chromium driven by Playwright."""

import pytest

from caseway.tests.browser import CHROMIUM, require_chromium, sign_in
from caseway.tests.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_it_signs_in_with_password_and_authenticator_code(page, live_server, personas):
    sign_in(page, live_server, personas.caseworker_a)
    page.get_by_role("heading", name="Welcome").wait_for()
    assert page.url == f"{live_server.url}/"


def test_it_switches_to_arabic_right_to_left(page, live_server, personas):
    sign_in(page, live_server, personas.caseworker_a)
    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change").click()
    page.wait_for_function("document.documentElement.dir === 'rtl'")
    assert page.locator("html").get_attribute("lang") == "ar"


def test_it_quick_exits_without_a_way_back(page, live_server, personas, settings):
    settings.QUICK_EXIT_URL = f"{live_server.url}/healthz"
    sign_in(page, live_server, personas.caseworker_a)
    page.get_by_role("heading", name="Welcome").wait_for()
    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url(f"{live_server.url}/healthz")
    page.go_back()
    page.wait_for_load_state()
    assert "Welcome" not in page.content()
    assert "/accounts/login/" in page.url


def test_it_quick_exits_on_escape_pressed_twice(page, live_server, personas, settings):
    settings.QUICK_EXIT_URL = f"{live_server.url}/healthz"
    sign_in(page, live_server, personas.caseworker_a)
    page.get_by_role("heading", name="Welcome").wait_for()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(f"{live_server.url}/healthz")


def test_it_locks_out_after_repeated_failures(page, live_server, personas):
    for _attempt in range(5):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email address").fill(personas.caseworker_a.email)
        page.get_by_label("Password").fill("not the password at all")
        page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Too many attempts").wait_for()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(personas.caseworker_a.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Too many attempts").wait_for()
