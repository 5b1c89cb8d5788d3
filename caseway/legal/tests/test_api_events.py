"""GET+POST /api/v1/legal/matters/{id}/events/: a matter's events with their deadlines (never the
notes); recording one goes through ``services.event_record`` (deadlines, stage, outcome) as the page
does. Other organizations 404 and nothing is written; other roles 403."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from caseway.legal.models import Deadline, LegalMatter, MatterEvent, StageChange
from caseway.legal.tests.object_urls_legal import a_matter
from caseway.legal.tests.test_api_deadlines import a_decision
from caseway.legal.tests.test_api_matters import as_, with_co_counsel

pytestmark = pytest.mark.django_db
NOTE = "Fictional note: the witness from Oldtown called"


def url(matter):
    return reverse("api:legal_matter_events", args=[matter.pk])


def post(client, matter, user, **data):
    return client.post(url(matter), data, content_type="application/json", **as_(user))


def test_co_counsel_records_a_decision_and_its_deadline_stage_and_outcome_follow(client, personas):
    matter = with_co_counsel(a_matter(personas), personas.legal_officer_a, personas.org_b)
    decided = timezone.localdate() - datetime.timedelta(days=3)

    response = post(
        client,
        matter,
        personas.legal_officer_b,
        trigger="judgment_served",
        occurred_on=decided.isoformat(),
        note=NOTE,
        outcome="partly_favourable",
    )

    assert response.status_code == 201
    body = response.json()
    event = MatterEvent.objects.get()
    assert body["id"] == str(event.pk) and body["trigger"] == "judgment_served"
    assert (body["occurred_on"], body["outcome"]) == (decided.isoformat(), "partly_favourable")
    assert "note" not in body and "Oldtown" not in response.content.decode()
    assert event.note == NOTE and event.recorded_by == personas.legal_officer_b
    matter.refresh_from_db()
    assert (matter.stage, matter.outcome) == ("judgment", "partly_favourable")
    assert StageChange.objects.filter(matter=matter, stage="judgment", entered_on=decided).exists()


def test_it_lists_the_events_latest_first_with_their_deadlines_and_no_note(client, personas):
    matter = a_matter(personas)
    deadline = a_decision(personas.legal_officer_a, matter, datetime.date(2025, 3, 14))
    post(client, matter, personas.legal_officer_a, trigger="complaint_filed", occurred_on="2025-06-01", note=NOTE)

    response = client.get(url(matter), **as_(personas.legal_officer_a))

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["trigger"] for row in rows] == ["complaint_filed", "final_domestic_decision"]
    assert rows[0]["deadlines"] == []
    assert rows[1]["deadlines"] == [
        {
            "id": str(deadline.pk),
            "rule": {"code": deadline.rule.code, "name": deadline.rule.name},
            "due_on": deadline.due_on.isoformat(),
            "status": "open",
            "met_on": None,
        }
    ]
    assert "Oldtown" not in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"trigger": "bribe_paid", "occurred_on": "2025-03-01"}, "trigger"),
        ({"trigger": "complaint_filed"}, "occurred_on"),
        ({"trigger": "complaint_filed", "occurred_on": "2999-01-01"}, "occurred_on"),
        ({"trigger": "complaint_filed", "occurred_on": "2025-03-01", "outcome": "favourable"}, "outcome"),
        ({"trigger": "complaint_filed", "occurred_on": "2025-03-01", "note": "x" * 2001}, "note"),
    ],
)
def test_it_refuses_an_event_that_is_not_valid_naming_the_field_and_writes_nothing(client, personas, data, field):
    matter = a_matter(personas)

    response = post(client, matter, personas.legal_officer_a, **data)

    assert response.status_code == 400
    assert field in response.json()
    assert not MatterEvent.objects.exists() and not Deadline.objects.exists()


def test_it_lists_with_a_fixed_number_of_queries(client, personas, django_assert_max_num_queries):
    matter = a_matter(personas)
    headers = as_(personas.legal_officer_a)
    a_decision(personas.legal_officer_a, matter, datetime.date(2025, 1, 3))
    with django_assert_max_num_queries(30) as few:
        client.get(url(matter), **headers)
    for month in range(2, 7):
        a_decision(personas.legal_officer_a, matter, datetime.date(2025, month, 3))

    with django_assert_max_num_queries(len(few)):
        response = client.get(url(matter), **headers)

    assert response.json()["count"] == 6


def test_other_organizations_get_404_and_write_nothing_other_roles_403(client, personas):
    matter = a_matter(personas)
    data = {"trigger": "complaint_filed", "occurred_on": "2025-03-01"}

    assert client.get(url(matter), **as_(personas.legal_officer_b)).status_code == 404
    assert post(client, matter, personas.legal_officer_b, **data).status_code == 404
    for user in (personas.caseworker_a, personas.coordinator):
        assert client.get(url(matter), **as_(user)).status_code == 403
        assert post(client, matter, user, **data).status_code == 403
    assert client.post(url(matter), data, content_type="application/json").status_code == 401
    assert not MatterEvent.objects.exists()
    assert LegalMatter.objects.get().stage == "intake"
