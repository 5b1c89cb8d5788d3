"""Helpers for the inbox and outbox page tests."""

import datetime

from django.urls import reverse
from django.utils import timezone

from caseway.referrals.models import Referral

HOUR = datetime.timedelta(hours=1)


def inbox_url(**query):
    return _with_query(reverse("referrals:inbox"), query)


def outbox_url(**query):
    return _with_query(reverse("referrals:outbox"), query)


def _with_query(url, query):
    if not query:
        return url
    return url + "?" + "&".join(f"{name}={value}" for name, value in query.items())


def due_in(referral, delta):
    """Move the referral's answer deadline to now + ``delta`` (negative: overdue)."""
    due = timezone.now() + delta
    Referral.objects.filter(pk=referral.pk).update(due_at=due)
    referral.due_at = due
    return referral


def codes(response) -> list[str]:
    return [row["code"] for row in response.context["rows"]]


def code_of(referral) -> str:
    return referral.client.code
