"""The whole intake in Arabic, right to left, in Chromium: from the safety check to the client code.

Chromium is driven from a thread of its own (caseway/tests/browser.py: one sync Playwright per
thread, and caseway/tests/test_browser.py keeps one running in the main thread).
"""

import pytest

from caseway.clients import consent, instruments
from caseway.clients.models import Case, Client
from caseway.clients.tests.factories import an_area
from caseway.clients.tests.intake_helpers import RISK_ITEMS, WG_ITEMS
from caseway.tests.browser import in_own_browser, new_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def continue_(tab):
    tab.click("#intake-continue")
    tab.wait_for_load_state()
    assert tab.locator("html").get_attribute("dir") == "rtl", tab.url


def choose(tab, name, value):
    tab.check(f"input[name={name}][value='{value}']")


def test_it_walks_the_whole_intake_in_arabic(live_server, personas):
    area = an_area()
    code_shown = in_own_browser(
        lambda browser: walk_intake(new_page(browser), live_server, personas.caseworker_a, area)
    )

    client = Client.objects.get()
    assert (client.given_name, client.phone, client.has_disability) == ("فاطمة", "+964 770 555 0199", True)
    case = Case.objects.get(client=client)
    assert (case.risk_level, case.safety_plan_required) == ("imminent", True)
    assert client.consents.get(purpose="services").wording.language == "ar"
    assert code_shown == client.code


def walk_intake(page, live_server, user, area):
    sign_in(page, live_server, user)
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
