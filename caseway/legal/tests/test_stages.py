"""Events move a matter through its stages (from the event's day), decisions carry an outcome, and
a stage can be set by hand; the history is what time-in-stage is measured on."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.casework.tests.appointment_helpers import member
from caseway.legal import services
from caseway.legal.models import StageChange
from caseway.legal.tests.object_urls_legal import a_matter

pytestmark = pytest.mark.django_db
D = datetime.date


def _event(personas, matter, trigger, day, **values):
    return services.event_record(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        matter=matter,
        trigger=trigger,
        occurred_on=day,
        **values,
    )


def _history(matter):
    return list(StageChange.objects.filter(matter=matter).values_list("stage", "entered_on"))


def test_it_opens_a_matter_at_intake_and_events_move_it_from_their_day(personas):
    matter = a_matter(personas)
    today = timezone.localdate()
    assert _history(matter) == [("intake", today)]
    _event(personas, matter, "complaint_filed", D(2025, 1, 10))
    _event(personas, matter, "hearing_held", D(2025, 4, 2))
    _event(personas, matter, "judgment_served", D(2025, 6, 5), outcome="unfavourable")
    matter.refresh_from_db()
    assert (matter.stage, matter.outcome, matter.outcome_on) == ("judgment", "unfavourable", D(2025, 6, 5))
    assert _history(matter) == [
        ("intake", D(2025, 1, 10)),
        ("filing", D(2025, 1, 10)),
        ("hearing", D(2025, 4, 2)),
        ("judgment", D(2025, 6, 5)),
    ], "a matter opened here after it began: its intake starts no later than its first event"


def test_the_current_stage_is_the_latest_by_day_and_a_second_hearing_adds_no_change(personas):
    matter = a_matter(personas)
    StageChange.objects.filter(matter=matter).update(entered_on=D(2024, 12, 1))
    _event(personas, matter, "hearing_held", D(2025, 4, 2))
    _event(personas, matter, "hearing_held", D(2025, 5, 2))
    _event(personas, matter, "appeal_lodged", D(2025, 7, 1))
    matter.refresh_from_db()
    assert matter.stage == "appeal"
    assert [stage for stage, _day in _history(matter)] == ["intake", "hearing", "appeal"]


def test_moving_an_event_moves_the_stage_it_led_to(personas):
    matter = a_matter(personas)
    StageChange.objects.filter(matter=matter).update(entered_on=D(2024, 12, 1))
    appeal = _event(personas, matter, "appeal_lodged", D(2025, 7, 1))
    _event(personas, matter, "enforcement_started", D(2025, 8, 1))
    services.event_change(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        event=appeal,
        occurred_on=D(2025, 9, 1),
    )
    matter.refresh_from_db()
    assert matter.stage == "appeal"
    assert ("appeal", D(2025, 9, 1)) in _history(matter)


def test_only_a_hearing_lies_in_the_future_and_only_a_decision_has_an_outcome(personas):
    matter = a_matter(personas)
    later = timezone.localdate() + datetime.timedelta(days=20)
    with pytest.raises(ValidationError) as error:
        _event(personas, matter, "judgment_served", later)
    assert "occurred_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _event(personas, matter, "hearing_held", D(2025, 1, 1), outcome="favourable")
    assert error.value.message_dict == {"outcome": ["Only a decision or a judgment has an outcome."]}
    hearing = _event(personas, matter, "hearing_scheduled", later)
    matter.refresh_from_db()
    assert matter.stage == "intake", "a hearing set for later does not move the matter yet"
    assert hearing.stage_changes.count() == 0


def test_a_lawyer_sets_a_stage_by_hand_and_it_is_audited(personas, login_as):
    matter = a_matter(personas)
    lawyer = login_as(personas.legal_officer_a)
    url = reverse("legal:stage_set", args=[matter.pk])
    day = timezone.localdate()
    response = lawyer.post(url, {"stage": "investigation", "entered_on": day.isoformat()})
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.stage == "investigation"
    assert AuditEvent.objects.filter(action="legal.stage_set").count() == 1
    again = lawyer.post(url, {"stage": "investigation", "entered_on": day.isoformat()}, follow=True)
    assert "The matter was already at this stage on that day." in again.content.decode()
    later = lawyer.post(url, {"stage": "filing", "entered_on": (day + datetime.timedelta(days=3)).isoformat()})
    assert later.status_code == 302
    matter.refresh_from_db()
    assert matter.stage == "investigation"


def test_the_matter_page_shows_the_next_hearing_and_the_outcome(personas, login_as):
    matter = a_matter(personas)
    later = timezone.localdate() + datetime.timedelta(days=20)
    _event(personas, matter, "hearing_scheduled", later)
    _event(personas, matter, "admissibility_decided", timezone.localdate(), outcome="inadmissible")
    page = login_as(personas.legal_officer_a).get(reverse("legal:matter", args=[matter.pk])).content.decode()
    assert "Next hearing" in page and later.isoformat() in page
    assert "Declared inadmissible" in page


def test_setting_a_stage_is_refused_to_other_organizations_and_roles(personas, login_as):
    matter = a_matter(personas)
    url = reverse("legal:stage_set", args=[matter.pk])
    data = {"stage": "investigation", "entered_on": timezone.localdate().isoformat()}
    assert login_as(personas.legal_officer_b).post(url, data).status_code == 404
    assert login_as(personas.caseworker_a).post(url, data).status_code == 403
    matter.refresh_from_db()
    assert matter.stage == "intake"


def test_a_lawyer_corrects_an_events_day_on_the_page_and_its_deadline_follows(personas, login_as):
    matter = a_matter(personas)
    event = _event(personas, matter, "final_domestic_decision", D(2025, 3, 14))
    before = event.deadlines.get().due_on
    url = reverse("legal:event_change", args=[event.pk])
    assert login_as(personas.legal_officer_b).post(url, {"occurred_on": "2025-04-14"}).status_code == 404
    assert login_as(personas.caseworker_a).post(url, {"occurred_on": "2025-04-14"}).status_code == 403
    lawyer = login_as(personas.legal_officer_a)
    assert lawyer.post(url, {"occurred_on": "2025-04-14"}).status_code == 302
    event.refresh_from_db()
    assert event.occurred_on == D(2025, 4, 14) and event.deadlines.get().due_on > before
    later = timezone.localdate() + datetime.timedelta(days=3)
    refused = lawyer.post(url, {"occurred_on": later.isoformat()}, follow=True).content.decode()
    assert "Only a hearing can be recorded for a day still to come." in refused
    event.refresh_from_db()
    assert event.occurred_on == D(2025, 4, 14)


def test_co_counsel_is_added_once_and_an_alert_is_marked_seen_once(personas):
    from caseway.legal.alerts import deadline_alerts_run
    from caseway.legal.models import DeadlineAlert

    matter = a_matter(personas)
    lawyer = member(personas.legal_officer_a)
    services.co_counsel_add(
        actor=personas.legal_officer_a, membership=lawyer, matter=matter, organization=personas.org_b, role="expert"
    )
    with pytest.raises(ValidationError) as error:
        services.co_counsel_add(
            actor=personas.legal_officer_a, membership=lawyer, matter=matter, organization=personas.org_b, role="expert"
        )
    assert error.value.message_dict == {"organization": ["This organization is already co-counsel on the matter."]}
    assert AuditEvent.objects.filter(action="legal.co_counsel_added").count() == 1
    _event(personas, matter, "final_domestic_decision", D(2025, 3, 14))
    deadline_alerts_run(today=D(2025, 7, 10))
    alert = DeadlineAlert.objects.get(organization=personas.org_a)
    services.alert_seen(actor=personas.legal_officer_a, membership=lawyer, alert=alert)
    with pytest.raises(Http404):  # gone from the organization's open alerts
        services.alert_seen(actor=personas.legal_officer_a, membership=lawyer, alert=alert)
    assert AuditEvent.objects.filter(action="legal.alert_seen").count() == 1


def test_moving_the_first_event_earlier_moves_the_intake_with_it(personas):
    matter = a_matter(personas)
    filed = _event(personas, matter, "complaint_filed", D(2025, 1, 10))
    services.event_change(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        event=filed,
        occurred_on=D(2024, 11, 2),
    )
    assert _history(matter) == [("intake", D(2024, 11, 2)), ("filing", D(2024, 11, 2))]
