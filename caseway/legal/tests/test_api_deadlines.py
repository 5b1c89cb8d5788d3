"""GET /api/v1/legal/deadlines/: every deadline of the matters the organization works on, soonest
first, filtered by status and due days; other organizations see none, other roles 403."""

import datetime

import pytest
from django.urls import reverse

from caseway.casework.tests.appointment_helpers import member
from caseway.legal import services
from caseway.legal.models import Deadline
from caseway.legal.tests.object_urls_legal import a_matter
from caseway.legal.tests.test_api_matters import a_matter_of, as_, with_co_counsel

pytestmark = pytest.mark.django_db
URL = "api:legal_deadlines"


def a_decision(lawyer, matter, day=datetime.date(2025, 3, 14)):
    """A final domestic decision on an ECHR matter: one deadline (lodge within four months)."""
    event = services.event_record(
        actor=lawyer, membership=member(lawyer), matter=matter, trigger="final_domestic_decision", occurred_on=day
    )
    return event.deadlines.select_related("rule").get()


def test_it_lists_the_deadlines_of_the_organizations_matters_soonest_first(client, personas):
    early = a_decision(personas.legal_officer_a, a_matter(personas), datetime.date(2025, 1, 10))
    late = a_decision(personas.legal_officer_a, a_matter(personas), datetime.date(2025, 3, 14))
    shared = a_matter_of(personas.legal_officer_b, jurisdiction="echr", type="human_rights_body")
    with_co_counsel(shared, personas.legal_officer_b, personas.org_a)
    theirs = a_decision(personas.legal_officer_b, shared, datetime.date(2025, 2, 1))
    a_decision(personas.legal_officer_b, a_matter_of(personas.legal_officer_b, jurisdiction="echr"))

    response = client.get(reverse(URL), **as_(personas.legal_officer_a))

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [str(early.pk), str(theirs.pk), str(late.pk)]
    first = rows[0]
    assert first["matter"] == str(early.matter_id) and first["client_code"] == early.matter.client.code
    assert first["rule"] == {"code": early.rule.code, "name": early.rule.name}
    assert first["event"]["trigger"] == "final_domestic_decision" and first["event"]["occurred_on"] == "2025-01-10"
    assert (first["due_on"], first["status"], first["met_on"]) == (early.due_on.isoformat(), "open", None)


def test_it_filters_by_status_and_due_days(client, personas):
    lawyer = personas.legal_officer_a
    met = a_decision(lawyer, a_matter(personas), datetime.date(2025, 1, 10))
    services.deadline_met(actor=lawyer, membership=member(lawyer), deadline=met, met_on=datetime.date(2025, 2, 1))
    open_one = a_decision(lawyer, a_matter(personas), datetime.date(2025, 3, 14))
    headers = as_(lawyer)

    def ids(**query):
        return [row["id"] for row in client.get(reverse(URL), query, **headers).json()["results"]]

    assert ids(status="met") == [str(met.pk)]
    assert ids(status="open") == [str(open_one.pk)]
    assert ids(due_from=open_one.due_on.isoformat()) == [str(open_one.pk)]
    assert ids(due_to=(open_one.due_on - datetime.timedelta(days=1)).isoformat()) == [str(met.pk)]
    assert ids(due_from=met.due_on.isoformat(), due_to=open_one.due_on.isoformat()) == [str(met.pk), str(open_one.pk)]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "late"}, "status"),
        ({"due_from": "soon"}, "due_from"),
        ({"due_from": "2025-05-02", "due_to": "2025-05-01"}, "due_from"),
    ],
)
def test_it_refuses_filters_that_are_not_valid_naming_them(client, personas, query, field):
    response = client.get(reverse(URL), query, **as_(personas.legal_officer_a))

    assert response.status_code == 400
    assert field in response.json()


def test_it_lists_with_a_fixed_number_of_queries(client, personas, django_assert_max_num_queries):
    lawyer = personas.legal_officer_a
    headers = as_(lawyer)
    a_decision(lawyer, a_matter(personas))
    with django_assert_max_num_queries(30) as few:
        client.get(reverse(URL), **headers)
    for _ in range(4):
        a_decision(lawyer, a_matter(personas))

    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse(URL), **headers)

    assert response.json()["count"] == 5 == Deadline.objects.count()


def test_it_shows_other_organizations_nothing_and_refuses_other_roles(client, personas):
    a_decision(personas.legal_officer_a, a_matter(personas))

    assert client.get(reverse(URL), **as_(personas.legal_officer_b)).json()["count"] == 0
    for user in (personas.caseworker_a, personas.coordinator, personas.admin_a):
        assert client.get(reverse(URL), **as_(user)).status_code == 403
    assert client.get(reverse(URL)).status_code == 401
