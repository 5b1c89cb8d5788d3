"""Alerts before legal deadlines, for every party organization of a matter (lead and co-counsel).

Run daily (``tasks.py``): for each open deadline still to come, the smallest of the lead times
(``LEGAL_DEADLINE_LEAD_DAYS``: 30, 14, 7 and 1 days by default) that its remaining days have
reached gives one alert per party organization, once. A day the job missed does not pile up
alerts: only the most urgent lead time reached is alerted. Met deadlines alert nobody.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from caseway.legal.models import CoCounsel, Deadline, DeadlineAlert


def lead_time_reached(days_left: int) -> int | None:
    reached = [lead for lead in settings.LEGAL_DEADLINE_LEAD_DAYS if days_left <= lead]
    return min(reached) if reached else None


def deadline_alerts_run(*, today=None) -> int:
    """Create the alerts now due; returns how many were created."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=max(settings.LEGAL_DEADLINE_LEAD_DAYS))
    due = Deadline.objects.filter(
        status=Deadline.Status.OPEN,
        due_on__gte=today,
        due_on__lte=horizon,
        matter__client__erased_at__isnull=True,
    ).select_related("matter")
    parties = {}
    for matter_id, organization_id in CoCounsel.objects.filter(matter__in=due.values("matter")).values_list(
        "matter_id", "organization_id"
    ):
        parties.setdefault(matter_id, set()).add(organization_id)
    alerts = []
    for deadline in due:
        lead = lead_time_reached((deadline.due_on - today).days)
        if lead is None:
            continue
        for organization_id in {deadline.matter.lead_organization_id} | parties.get(deadline.matter_id, set()):
            alerts.append(DeadlineAlert(deadline=deadline, organization_id=organization_id, lead_days=lead))
    with transaction.atomic():
        before = DeadlineAlert.objects.count()
        DeadlineAlert.objects.bulk_create(alerts, ignore_conflicts=True)
        return DeadlineAlert.objects.count() - before
