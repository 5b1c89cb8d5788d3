"""The portal in Chromium, as a client on a phone: the invitation code, a PIN, a message read and
answered, a photo sent, an appointment asked for, then quick exit, after which Back shows nothing
of the portal. Once in English and once in Arabic, right to left. Selectors are the pages' own ids
and addresses, so the same walk reads both languages.

Chromium is driven from a thread of its own (caseway/tests/browser.py).
"""

import pytest

from caseway.casework.tests.appointment_helpers import member
from caseway.lib.tests.test_uploads import a_jpeg_with_gps
from caseway.messaging import thread_services
from caseway.messaging.models import Message
from caseway.portal.models import AppointmentRequest, Document, PortalAccount
from caseway.portal.tests.helpers import PIN, a_portal_case, invite
from caseway.tests.browser import in_own_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FROM_TEAM = "Hello, this is your caseworker. How are you?"
REPLY = "I am fine, thank you."


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_client_walks_the_portal_and_leaves_without_a_trace(live_server, personas, settings, tmp_path, language):
    settings.QUICK_EXIT_URL = f"{live_server.url}/healthz"
    case = a_portal_case(personas)
    invitation = invite(personas, case)
    thread_services.message_to_client(
        actor=personas.caseworker_a, membership=member(personas.caseworker_a), case=case, body=FROM_TEAM
    )
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(a_jpeg_with_gps())

    seen = in_own_browser(lambda browser: walk(browser, live_server.url, invitation, photo, language))

    account = PortalAccount.objects.get(pk=invitation.account.pk)
    assert account.status == PortalAccount.Status.ACTIVE
    assert Message.objects.filter(thread__case=case, from_client=True).get().body == REPLY
    document = Document.objects.get(account=account)
    assert document.kind == "photo" and b"FictionalCam" not in document.content
    assert AppointmentRequest.objects.get(account=account).childcare_needed
    assert seen["number"] == f"{account.number[:4]} {account.number[4:]}"
    assert seen["after_back"].endswith("/portal/login/")


def walk(browser, base, invitation, photo, language):
    page = browser.new_context(locale=language).new_page()
    page.set_default_timeout(10_000)
    seen = {}

    def go(selector):
        with page.expect_navigation():
            page.click(selector)

    def opened(path):
        page.wait_for_load_state()
        assert page.url.startswith(f"{base}{path}"), (page.url, page.content()[-3000:])
        if language == "ar":
            assert page.locator("html").get_attribute("dir") == "rtl", page.url
        assert page.title() == "Community services", page.url

    page.goto(f"{base}/portal/start/")
    if language == "ar":
        page.select_option("#language", "ar")
        go("header form button[type=submit]")
    opened("/portal/start/")
    page.fill("#id_code", invitation.code_for_reading)
    page.fill("#id_pin", PIN)
    page.fill("#id_pin_again", PIN)
    go("main form button[type=submit]")
    opened("/portal/welcome/")
    seen["number"] = page.locator(".number").inner_text().strip()
    go("main a.big-link")
    opened("/portal/")

    go("a[href='/portal/messages/']")
    opened("/portal/messages/")
    assert FROM_TEAM in page.locator(".chat").inner_text()
    page.fill("#id_body", REPLY)
    go("main form button[type=submit]")
    opened("/portal/messages/")
    assert REPLY in page.locator(".chat").inner_text()

    page.goto(f"{base}/portal/documents/")
    opened("/portal/documents/")
    page.check("input[name=kind][value=photo]")
    page.set_input_files("input[type=file]", str(photo))
    go("main form button[type=submit]")
    opened("/portal/documents/")
    assert page.locator("main .cards li").count() == 1

    page.goto(f"{base}/portal/appointments/")
    go("a[href='/portal/appointments/new/']")
    opened("/portal/appointments/new/")
    page.fill("#id_preferred_times", "Monday morning")
    page.check("#id_childcare_needed")
    go("main form button[type=submit]")
    opened("/portal/appointments/")

    page.click("#quick-exit")
    page.wait_for_url(f"{base}/healthz")
    page.go_back()
    page.wait_for_load_state()
    seen["after_back"] = page.url
    assert REPLY not in page.content() and "Monday morning" not in page.content()
    return seen
