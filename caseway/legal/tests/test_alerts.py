"""Deadline alerts at lead times, for every party organization, once (legal/alerts.py)."""

import datetime

import pytest
from django.urls import reverse

from caseway.casework.tests.appointment_helpers import member
from caseway.legal import services
from caseway.legal.alerts import deadline_alerts_run
from caseway.legal.models import DeadlineAlert
from caseway.legal.tests.object_urls_legal import a_matter

pytestmark = pytest.mark.django_db
D = datetime.date
DECIDED = D(2025, 3, 14)  # the ECHR application is due Monday 14 July 2025


def _deadline(personas, *, co_counsel=True):
    matter = a_matter(personas)
    lead = member(personas.legal_officer_a)
    if co_counsel:
        services.co_counsel_add(
            actor=personas.legal_officer_a, membership=lead, matter=matter, organization=personas.org_b, role="expert"
        )
    event = services.event_record(
        actor=personas.legal_officer_a,
        membership=lead,
        matter=matter,
        trigger="final_domestic_decision",
        occurred_on=DECIDED,
    )
    return event.deadlines.get()


def test_both_parties_are_alerted_once_at_each_lead_time_reached(personas, settings):
    settings.LEGAL_DEADLINE_LEAD_DAYS = [1, 7, 14, 30]
    _deadline(personas)
    assert deadline_alerts_run(today=D(2025, 6, 1)) == 0  # 43 days left
    assert deadline_alerts_run(today=D(2025, 6, 20)) == 2  # 24 days left: the 30-day alert, both parties
    assert deadline_alerts_run(today=D(2025, 6, 21)) == 0  # once
    assert deadline_alerts_run(today=D(2025, 7, 10)) == 2  # 4 days left: the 7-day one (14 was missed: skipped)
    alerts = DeadlineAlert.objects.order_by("lead_days", "organization_id")
    assert [(alert.lead_days, alert.organization_id) for alert in alerts] == [
        (7, personas.org_a.pk),
        (7, personas.org_b.pk),
        (30, personas.org_a.pk),
        (30, personas.org_b.pk),
    ]


def test_a_met_or_past_deadline_alerts_nobody(personas):
    deadline = _deadline(personas)
    deadline.status = "met"
    deadline.save(update_fields=["status"])
    assert deadline_alerts_run(today=D(2025, 7, 10)) == 0
    deadline.status = "open"
    deadline.save(update_fields=["status"])
    assert deadline_alerts_run(today=D(2025, 7, 15)) == 0  # already past: the overdue list shows it


def test_each_organization_sees_its_alerts_and_marks_them_seen(personas, login_as):
    _deadline(personas)
    deadline_alerts_run(today=D(2025, 7, 10))
    lawyer_b = login_as(personas.legal_officer_b)
    page = lawyer_b.get(reverse("legal:deadlines")).content.decode()
    assert "Lodge the application with the Court" in page and "Coming close" in page
    alert_b = DeadlineAlert.objects.get(organization=personas.org_b)
    alert_a = DeadlineAlert.objects.get(organization=personas.org_a)
    assert lawyer_b.post(reverse("legal:alert_seen", args=[alert_a.pk])).status_code == 404  # not theirs
    assert lawyer_b.post(reverse("legal:alert_seen", args=[alert_b.pk])).status_code == 302
    alert_b.refresh_from_db()
    assert alert_b.resolved_by == personas.legal_officer_b
    assert "Coming close" not in lawyer_b.get(reverse("legal:deadlines")).content.decode()
    assert "Coming close" in login_as(personas.legal_officer_a).get(reverse("legal:deadlines")).content.decode()
