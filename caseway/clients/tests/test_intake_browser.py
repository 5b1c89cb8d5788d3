"""The whole intake in Arabic, right to left, in Chromium: from the safety check to the client code.

Chromium is driven from a thread of its own: caseway/tests/test_browser.py keeps a session-wide
Playwright running in the main thread, and Playwright's sync API allows one per thread.
"""

import os
import threading

import pytest
from django_otp.oath import totp

from caseway.clients import consent, instruments
from caseway.clients.models import Case, Client
from caseway.clients.tests.factories import an_area
from caseway.clients.tests.intake_helpers import RISK_ITEMS, WG_ITEMS
from caseway.tests.personas import PASSWORD
from caseway.tests.test_browser import CHROMIUM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"]


def in_own_browser(walk):
    """``walk(page)`` run in a new thread with its own Playwright and Chromium; its failure re-raised."""
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    failures, results = [], []

    def run():
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=BROWSER_ARGS)
                try:
                    page = browser.new_context().new_page()
                    page.set_default_timeout(10_000)
                    results.append(walk(page))
                finally:
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


def sign_in(tab, live_server, user, device):
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.get_by_label("Email address").fill(user.email)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Continue").click()
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    tab.get_by_label("Code").fill(f"{code:0{device.digits}d}")
    tab.get_by_role("button", name="Sign in").click()


def continue_(tab):
    tab.click("#intake-continue")
    tab.wait_for_load_state()
    assert tab.locator("html").get_attribute("dir") == "rtl", tab.url


def choose(tab, name, value):
    tab.check(f"input[name={name}][value='{value}']")


def test_it_walks_the_whole_intake_in_arabic(live_server, personas):
    area = an_area()
    device = personas.caseworker_a.totpdevice_set.get(confirmed=True)
    code_shown = in_own_browser(lambda page: walk_intake(page, live_server, personas.caseworker_a, device, area))

    client = Client.objects.get()
    assert (client.given_name, client.phone, client.has_disability) == ("فاطمة", "+964 770 555 0199", True)
    case = Case.objects.get(client=client)
    assert (case.risk_level, case.safety_plan_required) == ("imminent", True)
    assert client.consents.get(purpose="services").wording.language == "ar"
    assert code_shown == client.code


def walk_intake(page, live_server, user, device, area):
    sign_in(page, live_server, user, device)
    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change").click()
    page.wait_for_function("document.documentElement.dir === 'rtl'")

    page.goto(f"{live_server.url}/clients/intake/")
    page.click("#intake-start")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"

    # Safety first
    choose(page, "safe_now", "yes")
    page.fill("input[name=client_language]", "ar")
    continue_(page)

    # Consent: the wordings are read in Arabic
    services_text = consent.shipped_text("services", "ar")
    assert page.locator("blockquote[lang=ar]").first.inner_text().strip() == services_text
    choose(page, "services", "yes")
    choose(page, "statistics", "yes")
    choose(page, "contact", "yes")
    page.check("input[name=contact_methods][value=sms]")
    page.fill("input[name=safe_times]", "الصباح فقط")
    continue_(page)

    # Registration
    choose(page, "sex", "female")
    page.select_option("select[name=age_band]", "25-59")
    page.select_option("select[name=admin_area]", area.pcode)
    page.fill("input[name=given_name]", "فاطمة")
    page.fill("input[name=family_name]", "الحسن")
    page.fill("input[name=phone]", "+٩٦٤ ٧٧٠ ٥٥٥ ٠١٩٩")
    continue_(page)

    # Needs, disability, risk
    choose(page, "housing", "3")
    choose(page, "health", "2")
    continue_(page)
    for item in WG_ITEMS:
        choose(page, item, "1")
    choose(page, "walking", "3")
    continue_(page)
    for item in RISK_ITEMS:
        choose(page, item, "0")
    choose(page, "fears_killed_tonight", "1")
    continue_(page)

    # Summary in Arabic, then finish
    assert page.locator("#safety-plan-required").is_visible()
    next_steps = page.locator("#next-steps").inner_text()
    assert instruments.action_label("safety_plan_required")["ar"] in next_steps
    assert instruments.action_label("plan_referrals")["ar"] in next_steps
    assert page.locator("#risk-band").inner_text().strip() == instruments.load("risk").band("imminent").label["ar"]
    page.click("#intake-finish")
    page.wait_for_load_state()

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#supervisor-alerted").is_visible()
    return page.locator("#client-code").inner_text().strip()
