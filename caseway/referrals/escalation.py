"""Unanswered referrals are escalated, so none is silently lost.

A referral awaiting an answer (sent or seen) past its ``due_at`` is escalated in two levels:

1. the receiving organization's supervisors are alerted (a ``ReferralAlert``);
2. ``sender_notice_hours`` later (``ResponseDeadline``, else 1 h / 12 h / 24 h by urgency), the
   person who sent it is told, with the sending organization's supervisors.

An organization with nobody in the role alerted has the alert shown to all its staff who handle
referrals. A referral to an organization outside the network has no receiving supervisors: its
sender is told at once (level 2). Each level is a ``ReferralEvent`` (code ``overdue_receiver_alerted``
or ``overdue_sender_told``) and an audit event ``referrals.referral_escalated``, with no client data.

Run by the task ``tasks.escalate_overdue_referrals`` and ``manage.py referrals_escalate``. Each
referral is handled in its own transaction on its locked row (``select_for_update(skip_locked=True)``:
a second worker skips a row the first holds, then finds it escalated), and the alert is unique per
referral and level: running twice, or two workers at once, alert once.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from caseway import audit
from caseway.orgs.models import Membership
from caseway.orgs.permissions import ROLE_ACTIONS, Action
from caseway.referrals.models import (
    DEFAULT_SENDER_NOTICE_HOURS,
    Referral,
    ReferralAlert,
    ReferralEvent,
    ResponseDeadline,
    Status,
    Urgency,
)
from caseway.referrals.transitions import AWAITING_ANSWER

SYSTEM_ACTOR_LABEL = "task:referrals_escalate"
RECEIVER_ALERTED = "overdue_receiver_alerted"
SENDER_TOLD = "overdue_sender_told"
SUPERVISING_ROLES = tuple(role for role, actions in ROLE_ACTIONS.items() if Action.SUPERVISE_CASES in actions)
HANDLING_ROLES = tuple(role for role, actions in ROLE_ACTIONS.items() if Action.VIEW_PERSONAL_DATA in actions)


def sender_notice_hours() -> dict:
    """{urgency: hours after level 1 before the sender is told}: the network's, else the defaults."""
    hours = {Urgency(urgency): value for urgency, value in DEFAULT_SENDER_NOTICE_HOURS.items()}
    configured = ResponseDeadline.objects.filter(sender_notice_hours__isnull=False).values_list(
        "urgency", "sender_notice_hours"
    )
    for urgency, value in configured:
        hours[Urgency(urgency)] = value
    return hours


def due_for_escalation(*, now, notice_hours=None):
    """Referrals awaiting an answer whose next escalation level is due at ``now``."""
    notice_hours = notice_hours or sender_notice_hours()
    first = Q(escalation_level=0, due_at__lte=now)
    second = Q()
    for urgency, hours in notice_hours.items():
        second |= Q(escalation_level=1, urgency=urgency, escalated_at__lte=now - datetime.timedelta(hours=hours))
    return Referral.objects.filter(status__in=AWAITING_ANSWER, client__erased_at__isnull=True).filter(first | second)


def _has_members(organization_id, roles) -> bool:
    return Membership.objects.filter(organization_id=organization_id, is_active=True, role__in=roles).exists()


def _sender(referral):
    """Who sent the referral, while still handling referrals at the sending organization, or None."""
    event = referral.events.filter(to_status=Status.SENT).only("actor_id").first()
    if event is None or event.actor_id is None:
        return None
    still_there = Membership.objects.filter(
        user_id=event.actor_id, organization_id=referral.from_organization_id, is_active=True, role__in=HANDLING_ROLES
    )
    return event.actor_id if still_there.exists() else None


def _alert(referral, now) -> ReferralAlert:
    """The next level's alert: to the receiver's supervisors, or to the sender."""
    level = referral.escalation_level + 1
    if level == 1 and not _has_members(referral.to_organization_id, HANDLING_ROLES):
        level = 2  # outside the network (nobody of it on Caseway to alert): the sender is told at once
    if level == 1:
        organization_id, assigned_to = referral.to_organization_id, None
        audience = ReferralAlert.Audience.SUPERVISORS
    else:
        organization_id, assigned_to = referral.from_organization_id, _sender(referral)
        audience = ReferralAlert.Audience.SENDER
    if assigned_to is None and not _has_members(organization_id, SUPERVISING_ROLES):
        audience = ReferralAlert.Audience.STAFF
    return ReferralAlert.objects.create(
        referral=referral,
        level=level,
        organization_id=organization_id,
        audience=audience,
        assigned_to_id=assigned_to,
        created_at=now,
    )


def escalate_one(pk, *, now, notice_hours=None) -> ReferralAlert | None:
    """Escalate referral ``pk`` one level if due at ``now``; None when not due (or another worker has it)."""
    with transaction.atomic():
        referral = (
            due_for_escalation(now=now, notice_hours=notice_hours)
            .select_for_update(skip_locked=True, of=("self",))
            .filter(pk=pk)
            .first()
        )
        if referral is None:
            return None
        alert = _alert(referral, now)
        referral.escalation_level = alert.level
        referral.escalated_at = now
        referral.save(update_fields=["escalation_level", "escalated_at"])
        ReferralEvent.objects.create(
            referral=referral,
            from_status=referral.status,
            to_status=referral.status,
            actor=None,
            organization=None,
            at=now,
            code=RECEIVER_ALERTED if alert.level == 1 else SENDER_TOLD,
        )
        audit.record(
            None,
            "referrals.referral_escalated",
            referral,
            fields=["escalation_level", "escalated_at", f"alert.{alert.audience}"],
            organization=alert.organization_id,
            actor_label=SYSTEM_ACTOR_LABEL,
        )
    return alert


@dataclass
class EscalationRun:
    due: int = 0
    receivers_alerted: int = 0
    senders_told: int = 0

    def as_dict(self) -> dict:
        return {"due": self.due, "receivers_alerted": self.receivers_alerted, "senders_told": self.senders_told}


def escalations_run(*, now=None, dry_run=False, progress=None) -> EscalationRun:
    """Escalate every unanswered referral whose next level is due (see the module docstring).

    ``dry_run`` only counts; ``progress(done, total)`` is called as it goes.
    """
    now = now or timezone.now()
    notice_hours = sender_notice_hours()
    due = list(
        due_for_escalation(now=now, notice_hours=notice_hours).order_by("due_at", "pk").values_list("pk", flat=True)
    )
    run = EscalationRun(due=len(due))
    if dry_run:
        return run
    for done, pk in enumerate(due, 1):
        alert = escalate_one(pk, now=now, notice_hours=notice_hours)
        if alert is not None and alert.level == 1:
            run.receivers_alerted += 1
        elif alert is not None:
            run.senders_told += 1
        if progress is not None:
            progress(done, len(due))
    return run


def resolve_alerts(referral, *, at) -> None:
    """The referral left "awaiting an answer": its alerts have nothing left to ask."""
    ReferralAlert.objects.filter(referral=referral, resolved_at__isnull=True).update(resolved_at=at)
