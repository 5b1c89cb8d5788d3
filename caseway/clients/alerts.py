"""Alerts and tasks that a recorded result requires: one place, so every path raises the same ones.

``CaseAlert`` rows carry a coded kind, never client data. An alert of a kind already open on the
case for the same audience is not repeated. Callers run inside their own transaction, with the
case locked, and name what was written in their audit event (the returned ``alert.<kind>.<audience>``).
"""

import datetime

from django.utils import timezone

from caseway.clients.models import CaseAlert

TASK_DUE = datetime.timedelta(hours=24)


def alert_once(case, kind, audience, *, assigned_to_id=None, is_task=False, due_at=None, now=None) -> list[str]:
    """Open an alert (or a task) of ``kind`` for ``audience`` on ``case`` unless one is open already."""
    open_one = CaseAlert.objects.filter(case=case, kind=kind, audience=audience, resolved_at__isnull=True)
    if open_one.exists():
        return []
    CaseAlert.objects.create(
        case=case,
        kind=kind,
        audience=audience,
        assigned_to_id=assigned_to_id,
        is_task=is_task,
        due_at=due_at,
        created_at=now or timezone.now(),
    )
    return [f"alert.{kind}.{audience}"]


def urgent_health_need(case, *, actor, now, due_at=None) -> list[str]:
    """Violence within 72 hours: post-exposure prophylaxis is urgent.

    Sets ``case.urgent_health_need`` (saved), gives the caseworker (else ``actor``) a task due
    within a day (or ``due_at``), and alerts the supervisors (the case's supervisor, else every
    supervisor of the organization through the inbox). The GBV incident record and any assessment
    whose result requires urgent medical care both come here.
    """
    written = []
    if not case.urgent_health_need:
        case.urgent_health_need = True
        case.save(update_fields=["urgent_health_need"])
        written.append("case.urgent_health_need")
    written += alert_once(
        case,
        CaseAlert.Kind.URGENT_HEALTH,
        CaseAlert.Audience.CASEWORKER,
        assigned_to_id=case.caseworker_id or actor.pk,
        is_task=True,
        due_at=due_at or now + TASK_DUE,
        now=now,
    )
    written += alert_once(
        case, CaseAlert.Kind.URGENT_HEALTH, CaseAlert.Audience.SUPERVISOR, assigned_to_id=case.supervisor_id, now=now
    )
    return written


def suicide_risk_protocol(case, *, actor, now) -> list[str]:
    """Suicide-risk protocol: an alert to the supervisors and a task, due within a day, for the caseworker."""
    written = alert_once(
        case, CaseAlert.Kind.SUICIDE_RISK, CaseAlert.Audience.SUPERVISOR, assigned_to_id=case.supervisor_id, now=now
    )
    written += alert_once(
        case,
        CaseAlert.Kind.SUICIDE_RISK,
        CaseAlert.Audience.CASEWORKER,
        assigned_to_id=case.caseworker_id or actor.pk,
        is_task=True,
        due_at=now + TASK_DUE,
        now=now,
    )
    return written


def imminent_risk(case, *, now) -> list[str]:
    """Imminent risk: the supervisors are alerted (the safety plan requirement is set by the caller)."""
    return alert_once(
        case, CaseAlert.Kind.IMMINENT_RISK, CaseAlert.Audience.SUPERVISOR, assigned_to_id=case.supervisor_id, now=now
    )
