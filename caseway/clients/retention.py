"""Retention: each organization decides how long it keeps closed cases; a task erases older ones.

A blank policy keeps closed cases. A policy of N days erases, at each run, every case of the
organization closed more than N days before the run, through the same path as an approved
erasure request (``erasure.client_erase``): the same cross-organization rule, the same audit
events, with no person as the actor and "retention policy" as the reason. Runs are idempotent:
an erased case is gone (or its client is a stub) and is never picked up again.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway import audit
from caseway.clients.erasure import RETENTION_REASON, Outcome, client_erase, require
from caseway.clients.models import Case, CaseStatus, RetentionPolicy
from caseway.orgs.permissions import Action

MAX_DAYS = 36500  # a hundred years: longer is "keep", which is a blank policy


def policy_of(organization_id) -> RetentionPolicy | None:
    return RetentionPolicy.objects.filter(organization_id=organization_id).first()


def retention_policy_set(*, actor, membership, days: int | None, request=None, now=None) -> RetentionPolicy:
    """Set how many days ``membership``'s organization keeps closed cases (None: keep them)."""
    require(membership, Action.MANAGE_RETENTION)
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise ValidationError(
            {"erase_closed_after_days": _("Enter a number of days from 1 to %(max)d.") % {"max": MAX_DAYS}}
        )
    with transaction.atomic():
        policy, _created = RetentionPolicy.objects.select_for_update().get_or_create(
            organization_id=membership.organization_id
        )
        changed = policy.erase_closed_after_days != days
        policy.erase_closed_after_days = days
        policy.updated_by = actor
        policy.updated_at = now or timezone.now()
        policy.save()
        if changed:
            audit.record(
                actor,
                "clients.retention_policy_changed",
                policy,
                fields=["erase_closed_after_days"],
                organization=membership.organization_id,
                request=request,
            )
    return policy


def cases_due(policy: RetentionPolicy | None, *, now=None):
    """The organization's cases that the policy erases at a run at ``now``."""
    if policy is None or policy.erase_closed_after_days is None:
        return Case.objects.none()
    cutoff = (now or timezone.now()) - datetime.timedelta(days=policy.erase_closed_after_days)
    return Case.objects.filter(
        organization_id=policy.organization_id,
        status=CaseStatus.CLOSED,
        closed_at__lte=cutoff,
        client__erased_at__isnull=True,
    )


@dataclass
class RetentionReport:
    dry_run: bool
    due: int = 0
    outcomes: Counter = field(default_factory=Counter)
    organizations: int = 0

    @property
    def erased(self) -> int:
        return sum(count for outcome, count in self.outcomes.items() if outcome != Outcome.NOTHING)

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "organizations": self.organizations,
            "due": self.due,
            "erased": self.erased,
            **{str(outcome): self.outcomes.get(outcome, 0) for outcome in Outcome},
        }


def retention_run(*, now=None, dry_run=False, progress=None) -> RetentionReport:
    """Erase, for every organization with a policy, the closed cases it no longer keeps.

    Each case is erased in its own transaction, so a long run holds no lock for long and what
    was done stays done if the run stops. ``progress(done, total)`` is called after each case.
    """
    now = now or timezone.now()
    report = RetentionReport(dry_run=dry_run)
    policies = RetentionPolicy.objects.filter(erase_closed_after_days__isnull=False).order_by("organization_id")
    work = []
    for policy in policies:
        report.organizations += 1
        due = list(cases_due(policy, now=now).order_by("closed_at", "pk").values_list("client_id", flat=True))
        work.extend((policy.organization_id, client_id) for client_id in due)
    report.due = len(work)
    if dry_run:
        return report
    for done, (organization_id, client_id) in enumerate(work, 1):
        result = client_erase(
            actor=None, organization_id=organization_id, client_id=client_id, reason=RETENTION_REASON, now=now
        )
        report.outcomes[result.outcome] += 1
        if progress is not None:
            progress(done, len(work))
    return report
