"""Joint legal work in Chromium: a lawyer of Alpha records a judgment on a matter worked with Beta
as co-counsel; the appeal deadline it starts appears on both organizations' deadline pages; the
lawyer registers a photo as evidence (hashed and sealed on arrival) and hands it over to Beta, which
the chain of custody shows; the client, signed in to the portal, reads the new stage in plain words.

Chromium runs in a thread of its own (caseway/tests/browser.py).
"""

import datetime
import hashlib

import pytest
from django.utils import timezone

from caseway.casework.tests.appointment_helpers import member
from caseway.clients.models import ConsentPurpose
from caseway.clients.tests.factories import give_consent
from caseway.legal import services
from caseway.legal.models import CustodyEvent, Deadline, DeadlineRule, EvidenceItem, Jurisdiction, LegalMatter
from caseway.lib.tests.test_uploads import a_jpeg_with_gps
from caseway.portal.tests.helpers import PIN, a_portal_case, an_account
from caseway.tests.browser import in_own_browser, new_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _court():
    court = Jurisdiction.objects.create(
        code="browser-court",
        name="Court of the walk (fictional)",
        country="XA",
        forum="national_court",
        non_working_weekdays=[5, 6],
    )
    DeadlineRule.objects.create(
        code="browser-appeal",
        jurisdiction=court,
        trigger="judgment_served",
        name="Lodge an appeal",
        offset=30,
        unit="calendar_days",
        roll="forward",
        source="Fictional rule for the browser walk.",
    )
    return court


def test_a_judgment_starts_the_appeal_deadline_for_both_co_counsel_and_the_client_sees_it(
    live_server, personas, tmp_path
):
    lawyer = member(personas.legal_officer_a)
    case = a_portal_case(personas, personas.legal_officer_a)
    give_consent(case.client, ConsentPurpose.LEGAL_REPRESENTATION, recorded_by=lawyer, recipient=personas.org_a)
    matter = services.matter_open(
        actor=personas.legal_officer_a, membership=lawyer, case=case, jurisdiction=_court(), type="civil_claim"
    )
    services.co_counsel_add(
        actor=personas.legal_officer_a, membership=lawyer, matter=matter, organization=personas.org_b, role="co_counsel"
    )
    account = an_account(personas, case)
    photo = tmp_path / "scene.jpg"
    photo.write_bytes(a_jpeg_with_gps())
    served = timezone.localdate() - datetime.timedelta(days=2)

    seen = in_own_browser(lambda browser: walk(browser, live_server, personas, matter, account, photo, served))

    deadline = Deadline.objects.get(matter=matter)
    assert deadline.rule.name == "Lodge an appeal"
    # 30 days on, rolled forward past the court's Saturday-Sunday weekend.
    assert served + datetime.timedelta(days=30) <= deadline.due_on <= served + datetime.timedelta(days=32)
    assert deadline.due_on.weekday() < 5
    matter = LegalMatter.objects.get(pk=matter.pk)
    assert (matter.stage, matter.outcome) == ("judgment", "partly_favourable")
    item = EvidenceItem.objects.get(matter=matter)
    assert item.original_sha256 == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert item.original == photo.read_bytes(), "the original is kept as it arrived"
    assert item.custodian == personas.org_b
    assert list(CustodyEvent.objects.filter(item=item).values_list("kind", flat=True))[-1] == "transfer"
    assert "Lodge an appeal" in seen["beta_deadlines"] and case.client.code in seen["beta_deadlines"]
    assert "There is a decision." in seen["journey"]


def walk(browser, live_server, personas, matter, account, photo, served):
    base = live_server.url
    seen = {}
    alpha = new_page(browser)
    sign_in(alpha, live_server, personas.legal_officer_a)
    alpha.get_by_role("heading", name="Welcome").wait_for()

    alpha.goto(f"{base}/legal/matters/{matter.pk}/")
    alpha.select_option("#id_trigger", "judgment_served")
    alpha.fill("#id_occurred_on", served.isoformat())
    alpha.select_option("#id_outcome", "partly_favourable")
    with alpha.expect_navigation():
        alpha.click("section[aria-labelledby=record-heading] button[type=submit]")
    assert "Lodge an appeal" in alpha.locator("#events-heading + .card").inner_text()
    assert "Judgment" in alpha.locator(".facts").inner_text()

    beta = new_page(browser)
    sign_in(beta, live_server, personas.legal_officer_b)
    beta.get_by_role("heading", name="Welcome").wait_for()
    beta.goto(f"{base}/legal/deadlines/")
    seen["beta_deadlines"] = beta.locator("main").inner_text()

    with alpha.expect_navigation():
        alpha.click("a[href$='/evidence/']")
    with alpha.expect_navigation():
        alpha.click("a[href$='/evidence/add/']")
    alpha.select_option("#id_kind", "photo")
    alpha.set_input_files("#id_file", str(photo))
    alpha.fill("#id_place", "Field office (fictional)")
    with alpha.expect_navigation():
        alpha.click("main form button[type=submit]")
    assert "Chain of custody" in alpha.content(), alpha.url
    alpha.select_option("#id_to", str(personas.org_b.pk))
    alpha.fill("section[aria-labelledby=transfer-heading] #id_place", "Handed over in person (fictional)")
    alpha.fill("section[aria-labelledby=transfer-heading] #id_reason", "Beta files the appeal")
    with alpha.expect_navigation():
        alpha.click("section[aria-labelledby=transfer-heading] button[type=submit]")
    custody = alpha.locator("section[aria-labelledby=custody-heading]").inner_text()
    assert "Transferred" in custody and personas.org_b.name in custody, custody

    client = browser.new_context().new_page()
    client.set_default_timeout(10_000)
    client.goto(f"{base}/portal/login/")
    client.fill("#id_number", account.number)
    client.fill("#id_pin", PIN)
    with client.expect_navigation():
        client.click("main form button[type=submit]")
    client.goto(f"{base}/portal/journey/")
    seen["journey"] = client.locator("main").inner_text()
    return seen
