"""The free text of erasure requests does not outlive the erasure; the coded reason does.

A request's reason and a rejection's note may identify the client ("she moved in with her aunt in
the market district"). When the erasure is carried out they are deleted, with the request's link
to the client, from every request about the client; the coded reason stays (in the audit log).
"""

import pytest
from django.urls import reverse

from caseway.clients import erasure, retention
from caseway.clients.models import ErasureRequest
from caseway.clients.tests.erasure_helpers import (
    close,
    identified_case,
    member,
    raw_database_text,
    referred_to_b,
    second_admin,
)

pytestmark = pytest.mark.django_db

REASON = "She moved in with her aunt near the Qasr market and asked us to forget her."
NOTE = "Her cousin at the Qasr market still needs the file: wait."


def ask(personas, organization, case, *, reason=REASON, code=erasure.ErasureReason.SAFETY):
    requester = second_admin(organization)
    return erasure.erasure_request(
        actor=requester, membership=member(requester), case=case, reason_code=code, reason=reason
    )


def admin_of(personas, organization):
    return personas.admin_a if organization == personas.org_a else personas.admin_b


def approve(personas, organization, request):
    admin = admin_of(personas, organization)
    return erasure.erasure_approve(actor=admin, membership=member(admin), erasure=request)


def reject(personas, organization, request, note=NOTE):
    admin = admin_of(personas, organization)
    return erasure.erasure_reject(actor=admin, membership=member(admin), erasure=request, note=note)


@pytest.mark.parametrize("statistics", [True, False], ids=["stub", "deleted"])
def test_a_complete_erasure_shreds_every_requests_free_text_and_keeps_the_coded_reason(personas, statistics):
    case = identified_case(personas, statistics=statistics)
    rejected = reject(personas, personas.org_a, ask(personas, personas.org_a, case, code="other"))
    approved = ask(personas, personas.org_a, case, reason="The client asked again, after the move to Bel-Amar.")

    result = approve(personas, personas.org_a, approved)

    assert result.is_complete
    for request in (rejected, approved):
        request.refresh_from_db()
        assert (request.reason, request.decision_note, request.client_id) == ("", "", None)
    assert (rejected.status, approved.status) == (ErasureRequest.Status.REJECTED, ErasureRequest.Status.APPROVED)
    assert erasure.coded_reasons([rejected, approved]) == {
        rejected.pk: erasure.ErasureReason.OTHER,
        approved.pk: erasure.ErasureReason.SAFETY,
    }
    stored = raw_database_text()
    assert "Qasr" not in stored
    assert "Bel-Amar" not in stored


def test_erasing_only_the_organizations_case_shreds_its_own_requests_and_no_one_elses(personas):
    case_a = identified_case(personas)
    case_b = referred_to_b(personas, case_a)
    theirs = reject(personas, personas.org_b, ask(personas, personas.org_b, case_b, reason="Asked at the Qasr office."))
    ours = ask(personas, personas.org_a, case_a)

    result = approve(personas, personas.org_a, ours)

    assert result.outcome == erasure.Outcome.CASE_ONLY
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.reason, ours.client_id) == ("", None)
    assert erasure.coded_reasons([ours]) == {ours.pk: erasure.ErasureReason.SAFETY}
    # B still holds the client: its own request about them is B's record, untouched.
    assert (theirs.reason, theirs.decision_note, theirs.client_id) == (
        "Asked at the Qasr office.",
        NOTE,
        case_a.client_id,
    )


def test_a_rejected_request_keeps_its_text_while_the_client_is_not_erased(personas):
    case = identified_case(personas)

    request = reject(personas, personas.org_a, ask(personas, personas.org_a, case))

    request.refresh_from_db()
    assert (request.reason, request.decision_note, request.client_id) == (REASON, NOTE, case.client_id)


def test_the_retention_policy_shreds_the_text_of_earlier_requests(personas):
    case = identified_case(personas)
    request = reject(personas, personas.org_a, ask(personas, personas.org_a, case))
    retention.retention_policy_set(actor=personas.admin_a, membership=member(personas.admin_a), days=30)
    close(case, days_ago=31)

    report = retention.retention_run()

    assert report.erased == 1
    request.refresh_from_db()
    assert (request.reason, request.decision_note, request.client_id) == ("", "", None)


def test_the_detail_page_shows_the_coded_reason_and_no_longer_the_text(personas, login_as):
    case = identified_case(personas)
    request = ask(personas, personas.org_a, case)
    client = login_as(personas.admin_a)
    before = client.get(reverse("clients:erasure_detail", args=[request.pk])).content.decode()

    approve(personas, personas.org_a, request)
    after = client.get(reverse("clients:erasure_detail", args=[request.pk])).content.decode()

    assert "Keeping the record puts the client at risk" in before
    assert "Qasr market" in before
    assert "Keeping the record puts the client at risk" in after
    assert "Qasr" not in after
    assert "Its details were deleted with the client" in after
