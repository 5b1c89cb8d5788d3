import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseway import audit
from caseway.audit.models import AuditEvent
from caseway.audit.tests.helpers import clock_at, record_many

URL = reverse("audit:event_list")


def actions_shown(response) -> list[str]:
    return re.findall(r"<code>([a-z0-9_.]+)</code>", response.content.decode())


def test_it_sends_anonymous_visitors_to_sign_in(client, personas):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["caseworker_a", "supervisor_a", "legal_officer_a", "coordinator", "donor"])
def test_it_refuses_roles_without_the_audit_permission_and_records_the_denial(login_as, personas, name):
    user = getattr(personas, name)
    audit.record(None, "orgs.member_added", organization=personas.org_a)

    response = login_as(user).get(URL)

    assert response.status_code == 403
    assert "orgs.member_added" not in response.content.decode()
    denial = AuditEvent.objects.get(action="access.permission_denied")
    assert (denial.actor_id, denial.fields) == (user.pk, ["audit.view_log"])
    assert denial.organization_id == user.memberships.get().organization_id


def test_it_shows_a_monitor_only_their_organizations_events(login_as, personas):
    audit.record(personas.admin_a, "orgs.member_added", personas.caseworker_a, organization=personas.org_a)
    audit.record(personas.admin_b, "orgs.member_removed", personas.caseworker_b, organization=personas.org_b)
    audit.record(None, "accounts.login_failed", actor_label="someone@example.org")

    response = login_as(personas.monitor_a).get(URL)

    assert response.status_code == 200
    assert actions_shown(response) == ["orgs.member_added"]
    assert "admin.a@example.org" in response.content.decode()
    assert "admin.b@example.org" not in response.content.decode()


def test_it_shows_an_agency_admin_none_of_another_organizations_events(login_as, personas):
    audit.record(personas.admin_a, "orgs.member_added", personas.caseworker_a, organization=personas.org_a)

    response = login_as(personas.admin_b).get(URL)

    assert response.status_code == 200
    assert actions_shown(response) == []
    assert "No events match." in response.content.decode()


def test_it_shows_time_actor_action_target_field_names_and_reason(login_as, personas):
    with clock_at(datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)):
        audit.record(
            personas.admin_a,
            "orgs.member_updated",
            personas.caseworker_a,
            fields=["role", "is_active"],
            reason="left the programme",
            organization=personas.org_a,
        )

    page = login_as(personas.admin_a).get(URL).content.decode()

    assert "2026-03-04 05:06:07" in page
    assert "admin.a@example.org" in page
    assert f"accounts.user #{personas.caseworker_a.pk}" in page
    assert "role, is_active" in page
    assert "left the programme" in page


def test_it_does_not_audit_reading_the_log(login_as, personas):
    client = login_as(personas.monitor_a)
    before = AuditEvent.objects.count()

    client.get(URL)
    client.get(URL, {"action": "orgs."})

    assert AuditEvent.objects.count() == before


def test_it_filters_by_action_prefix(login_as, personas):
    for action in ("accounts.password_changed", "orgs.member_added", "orgs.member_updated"):
        audit.record(None, action, organization=personas.org_a)

    response = login_as(personas.monitor_a).get(URL, {"action": "orgs.member_"})

    assert actions_shown(response) == ["orgs.member_updated", "orgs.member_added"]


def test_it_filters_by_actor_email(login_as, personas):
    audit.record(personas.admin_a, "orgs.member_added", organization=personas.org_a)
    audit.record(personas.caseworker_a, "orgs.api_token_created", organization=personas.org_a)

    response = login_as(personas.monitor_a).get(URL, {"actor": "CASEWORKER.a"})

    assert actions_shown(response) == ["orgs.api_token_created"]


def test_it_filters_by_target_type(login_as, personas):
    audit.record(None, "orgs.organization_updated", personas.org_a, organization=personas.org_a)
    audit.record(None, "orgs.member_viewed", personas.monitor_a.memberships.get(), organization=personas.org_a)

    response = login_as(personas.monitor_a).get(URL, {"target_type": "orgs.membership"})

    assert actions_shown(response) == ["orgs.member_viewed"]


def test_it_filters_by_whole_days(login_as, personas):
    for day, action in ((1, "orgs.day_one"), (2, "orgs.day_two"), (3, "orgs.day_three")):
        with clock_at(datetime(2026, 5, day, 23, 59, 59, tzinfo=UTC)):
            audit.record(None, action, organization=personas.org_a)

    client = login_as(personas.monitor_a)

    assert actions_shown(client.get(URL, {"date_from": "2026-05-02"})) == ["orgs.day_three", "orgs.day_two"]
    assert actions_shown(client.get(URL, {"date_to": "2026-05-02"})) == ["orgs.day_two", "orgs.day_one"]
    assert actions_shown(client.get(URL, {"date_from": "2026-05-02", "date_to": "2026-05-02"})) == ["orgs.day_two"]


def test_it_shows_no_events_and_says_why_when_the_filters_are_invalid(login_as, personas):
    audit.record(None, "orgs.member_added", organization=personas.org_a)

    response = login_as(personas.monitor_a).get(URL, {"date_from": "2026-05-03", "date_to": "2026-05-01"})

    assert response.status_code == 200
    assert actions_shown(response) == []
    assert "The start date is after the end date." in response.content.decode()


def test_it_pages_fifty_events_at_a_time_and_keeps_the_filters(login_as, personas):
    record_many(60, action="orgs.member_viewed", organization=personas.org_a)
    audit.record(None, "accounts.login", organization=personas.org_a)
    client = login_as(personas.monitor_a)

    first = client.get(URL, {"action": "orgs."})
    second = client.get(URL, {"action": "orgs.", "page": 2})

    assert len(actions_shown(first)) == 50
    assert len(actions_shown(second)) == 10
    assert set(actions_shown(first) + actions_shown(second)) == {"orgs.member_viewed"}
    assert 'href="?action=orgs.&amp;page=2"' in first.content.decode()
    assert 'href="?action=orgs.&amp;page=1"' in second.content.decode()


def count_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries)


def test_it_costs_the_same_queries_for_one_event_or_sixty(login_as, personas):
    client = login_as(personas.monitor_a)
    audit.record(
        personas.admin_a, "orgs.member_added", personas.caseworker_a, fields=["email"], organization=personas.org_a
    )
    with_one = count_queries(client)
    for _ in range(59):
        audit.record(
            personas.admin_a, "orgs.member_added", personas.caseworker_a, fields=["email"], organization=personas.org_a
        )

    assert count_queries(client) == with_one
