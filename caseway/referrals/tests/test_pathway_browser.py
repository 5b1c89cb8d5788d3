"""Intake → pathway → the receiving caseworker accepts and reports the outcome → the sender sees it.

The whole flow once, in Chromium, as two people at two organizations: a caseworker of Alpha
Relief registers a new client, records her agreement to be referred to Beta Legal Aid and starts
the pathway "CRSV within 72 hours" from her case; a caseworker of Beta Legal Aid finds the
referral in the inbox, accepts it, starts the service and completes it; back at Alpha Relief the
case's pathway shows the outcome. Chromium runs in a thread of its own (see
caseway/tests/browser.py: one sync Playwright per thread).
"""

import pytest

from caseway.clients.models import Case, Client
from caseway.clients.tests.factories import an_area
from caseway.clients.tests.intake_helpers import RISK_ITEMS, WG_ITEMS
from caseway.directory.models import Taxonomy, TaxonomyTerm
from caseway.directory.taxonomy import load_caseway_taxonomy
from caseway.referrals.models import Outcome, PathwayRun, Status
from caseway.referrals.tests.helpers import an_agreement
from caseway.referrals.tests.pathway_helpers import a_pathway, b_services
from caseway.tests.browser import in_own_browser, new_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, user):
    """A new browser context (its own cookies) with ``user`` signed in with both factors."""
    tab = new_page(browser)
    sign_in(tab, live_server, user)
    tab.get_by_role("heading", name="Welcome").wait_for()
    return tab


def choose(tab, name, value):
    tab.check(f"input[name={name}][value='{value}']")


def continue_(tab):
    tab.click("#intake-continue")
    tab.wait_for_load_state()


def test_it_refers_a_new_client_along_a_pathway_and_brings_the_outcome_back(live_server, personas):
    # A transactional test may follow another that flushed the taxonomy its data migration loaded.
    load_caseway_taxonomy(Taxonomy, TaxonomyTerm)
    area = an_area()
    an_agreement(personas.org_a, personas.org_b)
    b_services(personas)
    a_pathway(personas)

    seen = in_own_browser(lambda browser: walk(browser, live_server, personas, area))

    client = Client.objects.get()
    run = PathwayRun.objects.get()
    assert run.case == Case.objects.get(client=client, organization=personas.org_a)
    first = run.referrals.get(pathway_step__order=1)
    assert (first.status, first.outcome) == (Status.COMPLETED, Outcome.SERVICE_PROVIDED)
    assert first.to_case.organization == personas.org_b
    assert set(run.referrals.exclude(pk=first.pk).values_list("status", flat=True)) == {Status.SENT}
    assert seen["code"] == client.code
    assert "Service provided" in seen["outcome_row"]
    assert "Completed" in seen["outcome_row"]
    assert "step 2, Mental health and psychosocial support" in seen["next"]


def walk(browser, live_server, personas, area):
    sender = signed_in(browser, live_server, personas.caseworker_a)

    # Intake of a new client
    sender.goto(f"{live_server.url}/clients/intake/")
    sender.click("#intake-start")
    sender.wait_for_load_state()
    choose(sender, "safe_now", "yes")
    sender.fill("input[name=client_language]", "en")
    continue_(sender)
    choose(sender, "services", "yes")
    choose(sender, "statistics", "yes")
    choose(sender, "contact", "no")
    continue_(sender)
    choose(sender, "sex", "female")
    sender.select_option("select[name=age_band]", "25-59")
    sender.select_option("select[name=admin_area]", area.pcode)
    sender.fill("input[name=given_name]", "Leyla")
    sender.fill("input[name=family_name]", "Rahimi")
    continue_(sender)
    choose(sender, "health", "3")
    choose(sender, "mental_health", "2")
    continue_(sender)
    for item in WG_ITEMS:
        choose(sender, item, "1")
    continue_(sender)
    for item in RISK_ITEMS:
        choose(sender, item, "0")
    continue_(sender)
    sender.click("#intake-finish")
    sender.wait_for_load_state()
    code = sender.locator("#client-code").inner_text().strip()
    case_url = sender.get_by_role("link", name="Open the case").get_attribute("href")
    consents_url = sender.get_by_role("link", name="Consents").get_attribute("href")

    # The client agrees to be referred to Beta Legal Aid
    sender.goto(f"{live_server.url}{consents_url}new/?purpose=referral&language=en")
    choose(sender, "granted", "yes")
    sender.select_option("select[name=recipient]", str(personas.org_b.pk))
    sender.click("#consent-save")
    sender.wait_for_load_state()

    # From the case, start the pathway: its referrals go at once
    sender.goto(f"{live_server.url}{case_url}")
    sender.get_by_role("link", name="Referrals", exact=True).click()
    sender.get_by_role("link", name="Pathways", exact=True).click()
    sender.get_by_role("link", name="CRSV within 72 hours").click()
    assert sender.locator("#step_1").get_by_role("checkbox", name="Refer now").is_checked()
    sender.click("#pathway-start")
    sender.get_by_text("Pathway started: 3 referrals sent.").wait_for()
    pathway_url = sender.url.split("#")[0]  # the case's pathways, without the fragment of the new run

    # Beta Legal Aid's caseworker accepts the clinical referral and reports the outcome
    receiver = signed_in(browser, live_server, personas.caseworker_b)
    receiver.goto(f"{live_server.url}/referrals/inbox/")
    receiver.locator("tr", has_text="Survivor clinic").get_by_role("link", name=code).click()
    receiver.get_by_role("button", name="Accept").click()
    receiver.get_by_text("Referral accepted.").wait_for()
    receiver.get_by_role("button", name="Service started").click()
    receiver.get_by_text("Marked as in service.").wait_for()
    receiver.get_by_role("link", name="Service completed").click()
    choose(receiver, "outcome", "service_provided")
    receiver.get_by_role("button", name="Save the outcome").click()
    receiver.get_by_text("Service completed. The sender sees the outcome.").wait_for()

    # Back at Alpha Relief: the case's pathway shows the outcome, and what is next
    sender.goto(pathway_url)
    row = sender.locator("tr", has_text="Clinical management of rape")
    return {
        "code": code,
        "outcome_row": row.inner_text(),
        "next": sender.locator(".next-step").inner_text(),
    }
