"""retention_run: closed cases older than each organization's policy are erased, with a clock we control."""

import datetime

import pytest
from django.utils import timezone

from caseway.accounts.tests.helpers import audit_events
from caseway.clients import erasure, retention
from caseway.clients.models import Case, CaseStatus, Client, ErasureRequest, RetentionPolicy
from caseway.clients.tests.erasure_helpers import close, identified_case, member, referred_to_b, second_admin
from caseway.clients.tests.factories import a_case
from caseway.vault.models import DataKey

pytestmark = pytest.mark.django_db
# The clock of the runs: later than anything the tests record (consents are asked "as of" the run).
NOW = timezone.now().replace(microsecond=0) + datetime.timedelta(hours=1)


def policy(organization, days):
    return RetentionPolicy.objects.create(organization=organization, erase_closed_after_days=days)


def run(**kwargs):
    return retention.retention_run(now=NOW, **kwargs)


def test_it_erases_only_cases_closed_longer_than_the_policy(personas):
    policy(personas.org_a, 365)
    old = close(identified_case(personas), days_ago=366, now=NOW)
    boundary = close(a_case(member(personas.caseworker_a)), days_ago=365, now=NOW)
    recent = close(a_case(member(personas.caseworker_a)), days_ago=364, now=NOW)
    still_open = a_case(member(personas.caseworker_a))
    Case.objects.filter(pk=still_open.pk).update(opened_at=NOW - datetime.timedelta(days=4000))

    report = run()

    assert (report.due, report.erased, report.organizations) == (2, 2, 1)
    assert report.outcomes == {erasure.Outcome.STUB: 1, erasure.Outcome.DELETED: 1}
    assert Client.objects.get(pk=old.client_id).is_erased  # consented to statistics: a stub
    assert not Client.objects.filter(pk=boundary.client_id).exists()  # no statistics consent: deleted
    assert not Client.objects.get(pk=recent.client_id).is_erased
    assert not Client.objects.get(pk=still_open.client_id).is_erased


def test_it_keeps_everything_without_a_policy_or_with_a_blank_one(personas):
    policy(personas.org_a, None)
    case_a = close(identified_case(personas), days_ago=9000, now=NOW)

    report = run()

    assert (report.due, report.erased, report.organizations) == (0, 0, 0)
    assert not DataKey.objects.get(pk=case_a.client.data_key_id).is_destroyed


def test_each_organization_has_its_own_policy(personas):
    policy(personas.org_b, 30)
    case_a = close(identified_case(personas), days_ago=100, now=NOW)  # org A keeps its closed cases
    case_b = close(a_case(member(personas.caseworker_b)), days_ago=31, now=NOW)

    report = run()

    assert report.erased == 1
    assert Case.objects.filter(pk=case_a.pk).exists()
    assert not Case.objects.filter(pk=case_b.pk).exists()


def test_it_erases_only_the_organizations_case_when_another_still_works_with_the_client(personas):
    policy(personas.org_a, 30)
    case_a = close(identified_case(personas), days_ago=31, now=NOW)
    case_b = referred_to_b(personas, case_a)

    report = run()

    assert report.outcomes == {erasure.Outcome.CASE_ONLY: 1}
    assert not Case.objects.filter(pk=case_a.pk).exists()
    assert Case.objects.filter(pk=case_b.pk).exists()
    assert not DataKey.objects.get(pk=case_a.client.data_key_id).is_destroyed


def test_it_is_idempotent(personas):
    policy(personas.org_a, 30)
    close(identified_case(personas), days_ago=31, now=NOW)
    run()

    again = run()

    assert (again.due, again.erased) == (0, 0)
    assert audit_events("clients.client_erased").count() == 1


def test_a_dry_run_counts_and_changes_nothing(personas):
    policy(personas.org_a, 30)
    case_a = close(identified_case(personas), days_ago=31, now=NOW)

    report = run(dry_run=True)

    assert (report.dry_run, report.due, report.erased) == (True, 1, 0)
    assert not DataKey.objects.get(pk=case_a.client.data_key_id).is_destroyed
    assert not audit_events("clients.client_erased").exists()


def test_it_audits_as_the_system_with_the_retention_reason(personas):
    policy(personas.org_a, 30)
    case_a = close(identified_case(personas), days_ago=31, now=NOW)

    run()

    event = audit_events("clients.client_erased").get()
    assert (event.actor_id, event.actor_label, event.reason) == (None, "system:retention", "retention policy")
    assert event.target_id == str(case_a.client_id)
    assert audit_events("vault.data_key_destroyed").get().reason == "retention policy"
    assert Client.objects.get(pk=case_a.client_id).erased_at == NOW


def test_it_settles_a_pending_erasure_request_of_the_client(personas):
    policy(personas.org_a, 30)
    case_a = close(identified_case(personas), days_ago=31, now=NOW)
    requester = second_admin(personas.org_a)
    request = erasure.erasure_request(
        actor=requester, membership=member(requester), case=case_a, reason_code="client_asked", reason="asked"
    )

    run()

    request.refresh_from_db()
    assert (request.status, request.decided_by, request.decided_at) == (ErasureRequest.Status.APPROVED, None, NOW)


def test_it_reports_progress(personas):
    policy(personas.org_a, 30)
    for _number in range(3):
        close(a_case(member(personas.caseworker_a)), days_ago=40, now=NOW)
    seen = []

    run(progress=lambda done, total: seen.append((done, total)))

    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_the_report_reads_as_plain_counts(personas):
    policy(personas.org_a, 30)
    close(identified_case(personas), days_ago=31, now=NOW)

    assert run().as_dict() == {
        "dry_run": False,
        "organizations": 1,
        "due": 1,
        "erased": 1,
        "stub": 1,
        "deleted": 0,
        "case_only": 0,
        "nothing": 0,
    }


def test_cases_due_needs_a_closing_date(personas):
    rule = policy(personas.org_a, 30)
    case_a = a_case(member(personas.caseworker_a))
    Case.objects.filter(pk=case_a.pk).update(status=CaseStatus.CLOSED, closed_at=None)

    assert not retention.cases_due(rule, now=NOW).exists()
    assert not retention.cases_due(None, now=NOW).exists()
