"""Shared helpers of the client-records tests (list, search, case page, break-glass, visibility, links)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.clients.models import Case
from caseway.clients.tests.factories import a_case

WRONG_ROLES = ("admin_a", "monitor_a", "coordinator", "donor", "unaffiliated")


def member(user):
    return user.memberships.get()


def case_at(user, *, sensitive=False, caseworker="unchanged", **values):
    """A registered client with a case at ``user``'s organization (registered by ``user``)."""
    case = a_case(member(user), sensitive=sensitive, **values)
    if caseworker != "unchanged":
        Case.objects.filter(pk=case.pk).update(caseworker=caseworker)
        case.refresh_from_db()
    return case


def referral_case(case, organization, *, origin=Case.Origin.REFERRAL, **fields) -> Case:
    """``organization``'s own case on ``case``'s client (a referral or a link)."""
    return Case.objects.create(organization=organization, client=case.client, origin=origin, **fields)


def case_url(case) -> str:
    return reverse("clients:case_detail", kwargs={"pk": case.pk})


def list_url(**params) -> str:
    from urllib.parse import urlencode

    return reverse("clients:client_list") + (f"?{urlencode(params)}" if params else "")


def events(action, **filters):
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("seq"))


def count_queries(function):
    with CaptureQueriesContext(connection) as captured:
        result = function()
    return len(captured.captured_queries), result
