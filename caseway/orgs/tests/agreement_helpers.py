"""Shared bits of the data-sharing agreement tests."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from caseway.orgs.models import DataSharingAgreement
from caseway.orgs.tests.agreement_factories import an_agreement

NOT_ADMINS = ("caseworker_a", "supervisor_a", "legal_officer_a", "monitor_a", "coordinator", "donor")


def membership(user):
    return user.memberships.select_related("organization").get()


def proposal(personas, *, proposer=None, partner=None, **values):
    """A waiting proposal from org A (by default) to org B."""
    return an_agreement(
        proposer or personas.org_a, partner or personas.org_b, status=DataSharingAgreement.Status.PROPOSED, **values
    )


def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


def assert_refused(client, login_as, personas, url, method="get", data=None, *, others=()):
    """Anonymous → sign in; not a party → 404; roles other than agency admin → 403."""
    client.logout()
    response = getattr(client, method)(url, data or {})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))
    for name in others:
        login_as(getattr(personas, name))
        assert getattr(client, method)(url, data or {}).status_code == 404, name
    for name in NOT_ADMINS:
        login_as(getattr(personas, name))
        assert getattr(client, method)(url, data or {}).status_code == 403, name
