"""The retention background task, through the Django tasks interface (immediate in tests)."""

import datetime

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone

from caseway.clients.models import Client, RetentionPolicy
from caseway.clients.tasks import apply_retention_policies
from caseway.clients.tests.erasure_helpers import close, identified_case

pytestmark = pytest.mark.django_db


def test_it_runs_the_retention_policies_when_enqueued(personas):
    RetentionPolicy.objects.create(organization=personas.org_a, erase_closed_after_days=30)
    case = close(identified_case(personas), days_ago=31)

    result = apply_retention_policies.enqueue()

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["erased"] == 1 and result.return_value["stub"] == 1
    assert Client.objects.get(pk=case.client_id).is_erased


def test_it_acts_as_of_the_time_it_is_given(personas):
    RetentionPolicy.objects.create(organization=personas.org_a, erase_closed_after_days=30)
    case = close(identified_case(personas), days_ago=10)
    later = timezone.now() + datetime.timedelta(days=25)

    result = apply_retention_policies.enqueue(now=later.isoformat())

    assert result.return_value["erased"] == 1
    assert Client.objects.get(pk=case.client_id).erased_at == later
