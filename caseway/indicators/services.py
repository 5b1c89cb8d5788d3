"""Every write of the indicators app: snapshots (computed values kept) and targets.

Snapshots are written by the background task and ``manage.py indicators_compute``, not by people:
one row per indicator version, period, scope and disaggregation, recomputed in place until the
period has been over for ``INDICATOR_FREEZE_DAYS`` days; then it is frozen and never recomputed,
so a published figure stays what it was. A changed definition is a new ``Indicator`` version with
its own snapshots: the old version's stay as they were.
"""

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway import audit
from caseway.indicators import access
from caseway.indicators.models import Indicator, Snapshot, Target, Unit
from caseway.indicators.periods import Period, PeriodKind, Scope
from caseway.indicators.queries import compute, current_indicators, dimensions_key
from caseway.orgs.models import Organization

PERCENT_MAX = Decimal(100)


def is_frozen_period(period: Period, today: datetime.date) -> bool:
    return period.after + datetime.timedelta(days=settings.INDICATOR_FREEZE_DAYS) <= today


def snapshot_compute(*, indicator: Indicator, period: Period, scope: Scope, dimensions=(), now=None) -> Snapshot | None:
    """Compute and store one snapshot; None (nothing written) when a frozen one exists."""
    now = now or timezone.now()
    key = dimensions_key(dimensions)
    identity = {
        "indicator": indicator,
        "period_kind": period.kind,
        "period_start": period.start,
        "scope": scope.key,
        "dimensions": key,
    }
    if Snapshot.objects.filter(**identity, frozen_at__isnull=False).exists():
        return None
    raw = compute(indicator, period=period, scope=scope, dimensions=dimensions, now=now)
    frozen_at = now if is_frozen_period(period, timezone.localdate(now)) else None
    for _attempt in range(2):
        try:
            with transaction.atomic():
                snapshot = Snapshot.objects.select_for_update().filter(**identity).first()
                if snapshot is None:
                    return Snapshot.objects.create(
                        **identity, cells=raw.to_json(), computed_at=now, frozen_at=frozen_at
                    )
                if snapshot.frozen_at is not None:
                    return None  # frozen while we computed
                snapshot.cells, snapshot.computed_at, snapshot.frozen_at = raw.to_json(), now, frozen_at
                snapshot.save(update_fields=["cells", "computed_at", "frozen_at"])
                return snapshot
        except IntegrityError:
            continue  # another worker stored it at the same moment: update theirs
    raise RuntimeError(f"Could not store the snapshot of {indicator} {period} {scope.key} [{key}].")


def default_dimension_sets(indicator: Indicator) -> list[tuple[str, ...]]:
    """What the task keeps ready: the whole, and each allowed dimension alone (pairs are computed
    live when asked)."""
    return [(), *((key,) for key in indicator.dimensions)]


def default_scopes() -> list[Scope]:
    """The network and every active organization."""
    ids = Organization.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    return [Scope.network(), *(Scope.of(pk) for pk in ids)]


def default_periods(today: datetime.date) -> list[Period]:
    """The current and the previous month, quarter and year."""
    periods = []
    for kind in PeriodKind:
        current = Period.containing(kind, today)
        periods += [current, current.previous()]
    return periods


def snapshots_compute(
    *,
    periods: Iterable[Period],
    scopes: Iterable[Scope] | None = None,
    indicators: Iterable[Indicator] | None = None,
    dimension_sets: Iterable[tuple[str, ...]] | None = None,
    now=None,
    report: Callable | None = None,
) -> dict:
    """Snapshots for every combination; ``report(done, total, label)`` after each one.

    ``indicators``: default, the version in force at each period's end. ``dimension_sets``:
    default ``default_dimension_sets`` (sets an indicator does not allow are skipped).
    """
    now = now or timezone.now()
    periods, scopes = list(periods), list(scopes) if scopes is not None else default_scopes()
    given = list(indicators) if indicators is not None else None
    plan = []
    for period in periods:
        for indicator in given if given is not None else current_indicators(on=period.end):
            sets = list(dimension_sets) if dimension_sets is not None else default_dimension_sets(indicator)
            allowed = [keys for keys in sets if all(key in indicator.dimensions for key in keys)]
            plan += [(indicator, period, scope, keys) for scope in scopes for keys in allowed]
    written = frozen = 0
    for done, (indicator, period, scope, keys) in enumerate(plan, start=1):
        snapshot = snapshot_compute(indicator=indicator, period=period, scope=scope, dimensions=keys, now=now)
        if snapshot is None:
            frozen += 1
        else:
            written += 1
        if report is not None:
            report(done, len(plan), f"{indicator} {period} {scope.key} [{dimensions_key(keys)}]")
    return {"written": written, "frozen": frozen}


# ---------------------------------------------------------------------------------------------
# Targets


def _number(value, field, errors) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors[field] = _("Enter a number.")
        return None
    if not number.is_finite():
        errors[field] = _("Enter a number.")
        return None
    return number


def _check_value(number, field, unit, errors):
    if number is None or field in errors:
        return
    if number < 0:
        errors[field] = _("Enter zero or more.")
    elif unit == Unit.PERCENT and number > PERCENT_MAX:
        errors[field] = _("A percentage cannot be above 100.")
    elif number >= Decimal("1e8"):
        errors[field] = _("Enter a smaller number.")


def target_set(
    *,
    actor,
    membership,
    indicator: Indicator,
    period: Period,
    target,
    baseline=None,
    organization: Organization | None = None,
    request=None,
) -> Target:
    """Set (or change) the target and baseline of ``indicator`` for ``period``, for the network
    (``organization`` None) or one organization. ``PermissionDenied`` for anyone who may not;
    ``ValidationError`` (nothing written) for a missing, negative or out-of-range number."""
    organization_id = organization.pk if organization is not None else None
    if not access.may_manage_targets(membership, organization_id):
        raise PermissionDenied
    errors = {}
    goal = _number(target, "target", errors)
    if goal is None and "target" not in errors:
        errors["target"] = _("Enter the target.")
    start = _number(baseline, "baseline", errors)
    _check_value(goal, "target", indicator.unit, errors)
    _check_value(start, "baseline", indicator.unit, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = (
            Target.objects.select_for_update()
            .filter(
                indicator=indicator,
                organization_id=organization_id,
                period_kind=period.kind,
                period_start=period.start,
            )
            .first()
        )
        now = timezone.now()
        if existing is None:
            row = Target.objects.create(
                indicator=indicator,
                organization_id=organization_id,
                period_kind=period.kind,
                period_start=period.start,
                target=goal,
                baseline=start,
                set_by=actor,
                set_at=now,
            )
        else:
            existing.target, existing.baseline, existing.set_by, existing.set_at = goal, start, actor, now
            existing.save(update_fields=["target", "baseline", "set_by", "set_at"])
            row = existing
        audit.record(
            actor,
            "indicators.target_set",
            row,
            fields=["target", "baseline"],
            organization=membership.organization,
            request=request,
        )
    return row
