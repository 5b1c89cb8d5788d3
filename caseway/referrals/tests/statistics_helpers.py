"""Referrals and people for the statistics tests.

Statistics count rows, so referrals are written straight to the table (``bulk_create``): the
state machine and the gate are tested elsewhere, and hundreds of referrals through the services
would make these tests slow. People are registered through the real service and give (or not)
their consent to be counted in anonymous statistics.
"""

import datetime

from django.urls import reverse
from django.utils import timezone

from caseway.clients.models import AgeBand, ConsentPurpose, Sex
from caseway.clients.tests.factories import give_consent
from caseway.referrals.models import Referral, Status, Urgency
from caseway.referrals.tests.helpers import a_sender_case, member

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def coordinator(personas):
    return member(personas.coordinator)


def a_person(personas, *, counted=True, sex=Sex.FEMALE, age_band=AgeBand.AGE_25_59, **values):
    """A client of organization A (her case), agreeing to be counted in statistics or not."""
    case = a_sender_case(personas, sex=sex, age_band=age_band, **values)
    if counted:
        give_consent(case.client, ConsentPurpose.STATISTICS, recorded_by=member(personas.caseworker_a))
    return case


def referrals_of(
    personas,
    case,
    count=1,
    *,
    receiver=None,
    status=Status.SENT,
    urgency=Urgency.NORMAL,
    sent_ago=2 * DAY,
    answered_after=None,
    due_after=72 * HOUR,
    service=None,
    decline_reason="",
):
    """``count`` referrals sent ``sent_ago`` from ``case`` (organization A) to ``receiver`` (B)."""
    sent = timezone.now() - sent_ago
    rows = [
        Referral(
            client=case.client,
            from_case=case,
            from_organization_id=case.organization_id,
            to_organization=receiver or personas.org_b,
            to_service=service,
            data_key_id=case.client.data_key_id,
            urgency=urgency,
            status=status,
            created_at=sent,
            sent_at=None if status == Status.DRAFT else sent,
            due_at=sent + due_after if due_after is not None else None,
            answered_at=sent + answered_after if answered_after is not None else None,
            decline_reason=decline_reason,
        )
        for _ in range(count)
    ]
    return Referral.objects.bulk_create(rows)


def statistics_url(**query) -> str:
    url = reverse("referrals:statistics")
    return url + ("?" + "&".join(f"{name}={value}" for name, value in query.items()) if query else "")


def csv_url(**query) -> str:
    url = reverse("referrals:statistics_csv")
    return url + ("?" + "&".join(f"{name}={value}" for name, value in query.items()) if query else "")


def api_url(**query) -> str:
    url = reverse("api:referral_statistics")
    return url + ("?" + "&".join(f"{name}={value}" for name, value in query.items()) if query else "")
