"""Forums and their calendars: a closure a user enters moves the open deadlines that fell on it, for
every organization at once; removing it moves them back; met deadlines stay as they were met."""

import datetime

import pytest
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.casework.tests.appointment_helpers import member
from caseway.legal import services
from caseway.legal.models import CourtClosure, DeadlineRule, Jurisdiction
from caseway.legal.tests.object_urls_legal import a_matter

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def court():
    court = Jurisdiction.objects.create(
        code="test-court",
        name="Test court (fictional)",
        country="XA",
        forum="national_court",
        non_working_weekdays=[5, 6],
    )
    DeadlineRule.objects.create(
        code="test-appeal",
        jurisdiction=court,
        trigger="judgment_served",
        name="Lodge an appeal",
        offset=10,
        unit="calendar_days",
        roll="forward",
        source="Fictional rule for a test.",
    )
    return court


def _matter_in(personas, court):
    matter = a_matter(personas)
    matter.jurisdiction = court
    matter.save(update_fields=["jurisdiction"])
    return matter


def test_a_closure_moves_the_open_deadline_on_it_and_removing_it_moves_it_back(personas, login_as, court):
    matter = _matter_in(personas, court)
    event = services.event_record(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        matter=matter,
        trigger="judgment_served",
        occurred_on=D(2025, 3, 3),  # a Monday: + 10 days = Thursday 13 March
    )
    deadline = event.deadlines.get()
    assert deadline.due_on == D(2025, 3, 13)
    other_lawyer = login_as(personas.legal_officer_b)
    response = other_lawyer.post(
        reverse("legal:jurisdiction", args=[court.code]), {"day": "2025-03-13", "note": "Strike"}
    )
    assert response.status_code == 302
    deadline.refresh_from_db()
    assert deadline.due_on == D(2025, 3, 14), "moved to the next working day, whoever entered the closure"
    assert AuditEvent.objects.filter(action="legal.closure_added").count() == 1
    again = other_lawyer.post(reverse("legal:jurisdiction", args=[court.code]), {"day": "2025-03-13"})
    assert again.status_code == 400 and "already a closure" in again.content.decode()
    closure = CourtClosure.objects.get()
    other_lawyer.post(reverse("legal:closure_remove", args=[closure.pk]))
    deadline.refresh_from_db()
    assert deadline.due_on == D(2025, 3, 13)


def test_a_met_deadline_stays_as_it_was_met(personas, court):
    matter = _matter_in(personas, court)
    lawyer = member(personas.legal_officer_a)
    event = services.event_record(
        actor=personas.legal_officer_a,
        membership=lawyer,
        matter=matter,
        trigger="judgment_served",
        occurred_on=D(2025, 3, 3),
    )
    deadline = services.deadline_met(
        actor=personas.legal_officer_a, membership=lawyer, deadline=event.deadlines.get(), met_on=D(2025, 3, 10)
    )
    services.closure_add(actor=personas.legal_officer_a, membership=lawyer, jurisdiction=court, day=D(2025, 3, 13))
    deadline.refresh_from_db()
    assert deadline.due_on == D(2025, 3, 13)


def test_the_forum_pages_show_rules_with_sources_and_refuse_other_roles(personas, login_as, court):
    lawyer = login_as(personas.legal_officer_a)
    listing = lawyer.get(reverse("legal:jurisdictions")).content.decode()
    assert "Test court (fictional)" in listing and "European Court of Human Rights" in listing
    page = lawyer.get(reverse("legal:jurisdiction", args=[court.code])).content.decode()
    assert "Fictional rule for a test." in page and "Saturday, Sunday" in page
    assert login_as(personas.caseworker_a).get(reverse("legal:jurisdictions")).status_code == 403
    assert (
        login_as(personas.caseworker_a)
        .post(reverse("legal:jurisdiction", args=[court.code]), {"day": "2025-03-13"})
        .status_code
        == 403
    )
    assert not CourtClosure.objects.exists()
    lawyer = login_as(personas.legal_officer_a)
    assert lawyer.get(reverse("legal:jurisdiction", args=["no-such-forum"])).status_code == 404
