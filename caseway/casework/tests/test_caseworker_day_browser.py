"""A caseworker's day in Chromium, through the pages only: home, appointment, note, task, plan approval.

Set up through the services: a client with a case of caseworker_a, a plan with a goal and a task
due today, an appointment that began earlier today with childcare needed and a transport stipend
planned. Then, as a user would, by links and forms: the caseworker signs in and finds the
appointment and the task on the home page (client code, never the name); records the visit as
attended with childcare provided and the stipend given (a support payment waiting for approval);
writes a contact note; marks the task done and submits the plan. The supervisor, in a browser
context of their own, approves the plan from the caseload and the payment from the case's payments
page. The caseworker reloads the case page: the plan approved, in the timeline too, the payment
approved. Last, the calendar (no name either) in Arabic, right to left.

Chromium runs in a thread of its own (caseway/tests/browser.py: one sync Playwright per thread).
"""

import datetime

import pytest
from django.utils import timezone

from caseway.casework import appointment_services, plan_services
from caseway.casework.models import Appointment, CaseNote, CasePlan, Domain, SupportPayment, Task
from caseway.clients.tests.factories import a_case
from caseway.tests.browser import in_own_browser, new_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GIVEN, FAMILY = "Zahra", "Qasimova"  # fictional
NOTE_TEXT = "Talked through the week: the crèche worked, the bus fare is the worry."
TASK_TITLE = "Call the training centre about the sewing course."


def member(user):
    return user.memberships.select_related("organization").get()


def a_day(personas):
    """The case, its plan (a goal, a task due today) and today's appointment, through the services."""
    caseworker = personas.caseworker_a
    membership = member(caseworker)
    case = a_case(membership, given_name=GIVEN, family_name=FAMILY)
    goal = plan_services.goal_add(
        actor=caseworker, membership=membership, case=case, domain=Domain.LIVELIHOODS, description="Paid work."
    )
    plan_services.task_add(
        actor=caseworker,
        membership=membership,
        case=case,
        title=TASK_TITLE,
        assignee=caseworker,
        due_on=timezone.localdate(),
        goal=goal,
    )
    # Begun a little while ago (so it may be recorded as attended), and still today.
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    starts_at = max(midnight, now - datetime.timedelta(minutes=30))
    appointment_services.appointment_book(
        actor=caseworker,
        membership=membership,
        case=case,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=1),
        kind=Appointment.Kind.CASEWORK,
        childcare_needed=True,
        transport_needed=True,
        transport_support=Appointment.TransportSupport.STIPEND,
        transport_amount="5.00",
        transport_currency="USD",
    )
    return case


def test_it_walks_a_caseworkers_day_to_the_supervisors_approval(live_server, personas):
    case = a_day(personas)
    code = case.client.code

    seen = in_own_browser(lambda browser: walk(browser, live_server, personas, code))

    appointment = Appointment.objects.get(case=case)
    assert (appointment.status, appointment.childcare_provided) == (Appointment.Status.ATTENDED, True)
    payment = SupportPayment.objects.get(case=case)
    assert (payment.kind, payment.amount, payment.currency) == (SupportPayment.Kind.TRANSPORT_STIPEND, 5, "USD")
    assert payment.approved_by == personas.supervisor_a
    note = CaseNote.objects.get(case=case)
    assert (note.kind, note.author) == (CaseNote.Kind.CONTACT, personas.caseworker_a)
    assert Task.objects.get(case=case).done_by == personas.caseworker_a
    plan = CasePlan.objects.get(case=case)
    assert (plan.status, plan.submitted_by, plan.decided_by) == (
        CasePlan.Status.APPROVED,
        personas.caseworker_a,
        personas.supervisor_a,
    )
    for page, text in seen["no_names"].items():
        assert code in text, page
        assert GIVEN not in text and FAMILY not in text, page


def page_ready(tab, lang="en"):
    """Every page says its language and direction."""
    tab.wait_for_load_state()
    html = tab.locator("html")
    direction = "rtl" if lang == "ar" else "ltr"
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == (lang, direction), tab.url


def signed_in(browser, live_server, user):
    tab = new_page(browser)
    sign_in(tab, live_server, user)
    tab.get_by_role("heading", name="Welcome").wait_for()
    page_ready(tab)
    return tab


def main_nav(tab, name):
    tab.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()
    page_ready(tab)


def click(tab, locator):
    locator.click()
    page_ready(tab)


def walk(browser, live_server, personas, code):
    seen = {"no_names": {}}
    worker = signed_in(browser, live_server, personas.caseworker_a)

    # 2. Home: today's appointment and the task due today, by client code only.
    seen["no_names"]["home"] = worker.locator("main").inner_text()
    today = worker.locator("section[aria-labelledby=home-today]")
    visit = today.get_by_role("listitem").filter(has_text=code)
    visit_text = visit.inner_text()
    assert "Casework meeting" in visit_text
    assert "childcare needed" in visit_text
    assert "transport: Stipend" in visit_text
    tasks = worker.locator("section[aria-labelledby=home-tasks]")
    assert "1 due today" in tasks.inner_text()
    assert code in tasks.get_by_role("listitem").filter(has_text="Livelihoods").inner_text()

    # 3. My cases → the client → the case work page → its appointments: she came.
    click(worker, tasks.get_by_role("link", name="My cases"))
    click(worker, worker.get_by_role("link", name=code, exact=True))
    click(worker, worker.get_by_role("link", name="Case work: plan, notes, timeline"))
    case_url = worker.url
    assert worker.locator("h1").inner_text().startswith(code)
    click(worker, worker.get_by_role("link", name="Appointments", exact=True))
    row = worker.locator("tbody tr").filter(has_text="Casework meeting")
    row.get_by_label("Childcare was provided").check()
    assert row.get_by_label("The transport support was given").is_checked()
    click(worker, row.get_by_role("button", name="Came"))
    worker.get_by_text("Recorded: the client came.").wait_for()
    row = worker.locator("tbody tr").filter(has_text="Casework meeting")
    assert "Attended" in row.inner_text()
    assert "Childcare ✓" in row.inner_text()

    # The stipend is a support payment on the case, waiting for a supervisor.
    click(worker, worker.locator("main").get_by_role("link", name="Support payments"))
    stipend = worker.locator("tbody tr").filter(has_text="Transport stipend")
    assert "5.00 USD" in stipend.inner_text()
    assert "Not approved yet" in stipend.inner_text()
    assert stipend.get_by_role("button", name="Approve").count() == 0  # not for the caseworker

    # 4. A contact note, from the case work page; the timeline shows its kind, not its text.
    click(worker, worker.get_by_role("link", name="Back to the case"))
    assert worker.url == case_url
    click(worker, worker.get_by_role("link", name="Write a note"))
    worker.select_option("select[name=kind]", CaseNote.Kind.CONTACT)
    worker.fill("textarea[name=text]", NOTE_TEXT)
    click(worker, worker.get_by_role("button", name="Save"))
    click(worker, worker.get_by_role("link", name="Back to the case"))
    timeline = worker.locator("ol.timeline")
    assert timeline.get_by_role("link", name="Note: Contact with the client").count() == 1
    assert NOTE_TEXT not in worker.locator("main").inner_text()

    # 5. The task done and the plan sent for approval, from the plan page.
    click(worker, worker.get_by_role("link", name="Plan, tasks and milestones"))
    tasks_section = worker.locator("section[aria-labelledby=tasks-heading]")
    click(worker, tasks_section.get_by_role("listitem").filter(has_text=TASK_TITLE).get_by_role("button", name="Done"))
    assert "No open tasks." in tasks_section.inner_text()
    assert TASK_TITLE in tasks_section.locator("h3 + ul").inner_text()  # done lately
    click(worker, worker.get_by_role("button", name="Submit for approval"))
    assert worker.locator("dl.facts dd").first.inner_text() == "Waiting for approval"

    # 6. The supervisor: caseload → the plan's decision page → approve; then the payment.
    boss = signed_in(browser, live_server, personas.supervisor_a)
    main_nav(boss, "Caseloads")
    waiting = boss.locator("section[aria-labelledby=plans-heading]")
    click(boss, waiting.get_by_role("link", name=code, exact=True))
    assert "Paid work." in boss.locator("main").inner_text()
    boss.check("input[name=decision][value=approve]")
    click(boss, boss.get_by_role("button", name="Record the decision"))
    boss.get_by_text("Plan approved.").wait_for()
    click(boss, boss.locator("main").get_by_role("link", name="Support payments"))
    stipend = boss.locator("tbody tr").filter(has_text="Transport stipend")
    click(boss, stipend.get_by_role("button", name="Approve"))
    boss.get_by_text("Payment approved.").wait_for()
    assert personas.supervisor_a.email in boss.locator("tbody tr").filter(has_text="Transport stipend").inner_text()

    # 7. Back at the caseworker's: the plan approved, the approval in the timeline, the payment approved.
    worker.goto(case_url)
    page_ready(worker)
    facts = worker.locator("section[aria-labelledby=case-heading] dl.facts")
    assert facts.locator("dt:text-is('Plan') + dd").inner_text() == "Approved"
    timeline_text = worker.locator("ol.timeline").inner_text()
    for entry in ("Plan approved", "Plan submitted for approval", "Task done", "Note: Contact with the client"):
        assert entry in timeline_text, entry
    assert "Appointment: Casework meeting" in timeline_text
    click(worker, worker.locator("main").get_by_role("link", name="Support payments"))
    approved = worker.locator("tbody tr").filter(has_text="Transport stipend").inner_text()
    assert personas.supervisor_a.email in approved
    assert "Not approved yet" not in approved

    # The week calendar: the client by code, never by name; then the same page in Arabic, right to left.
    main_nav(worker, "My calendar")
    seen["no_names"]["calendar"] = worker.locator("main").inner_text()
    worker.get_by_label("Language").select_option("ar")
    worker.get_by_role("button", name="Change").click()
    worker.wait_for_function("document.documentElement.dir === 'rtl'")
    page_ready(worker, lang="ar")
    assert "/cases/calendar/" in worker.url
    assert code in worker.locator("main").inner_text()
    return seen
