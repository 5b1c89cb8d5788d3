"""The whole intake in Arabic, right to left, in Chromium: from the safety check to the client code."""

import pytest

from caseway.clients import consent, instruments
from caseway.clients.models import Case, Client
from caseway.clients.tests.factories import an_area
from caseway.clients.tests.intake_helpers import RISK_ITEMS, WG_ITEMS
from caseway.tests.test_browser import browser, page, sign_in  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def continue_(tab):
    tab.click("#intake-continue")
    tab.wait_for_load_state()
    assert tab.locator("html").get_attribute("dir") == "rtl", tab.url


def choose(tab, name, value):
    tab.check(f"input[name={name}][value='{value}']")


def test_it_walks_the_whole_intake_in_arabic(page, live_server, personas):  # noqa: F811
    area = an_area()
    sign_in(page, live_server, personas.caseworker_a)
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
    client = Client.objects.get()
    assert page.locator("#client-code").inner_text().strip() == client.code
    assert (client.given_name, client.phone, client.has_disability) == ("فاطمة", "+964 770 555 0199", True)
    case = Case.objects.get(client=client)
    assert (case.risk_level, case.safety_plan_required) == ("imminent", True)
    assert client.consents.get(purpose="services").wording.language == "ar"
