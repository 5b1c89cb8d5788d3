"""Every write of the indicators app: snapshots (computed values kept) and targets.

Snapshots are written by the background task and ``manage.py indicators_compute``, not by people:
one row per indicator version, period, scope and disaggregation, the breakdowns of one indicator,
period and scope computed as of one moment and stored together, recomputed in place while the
period is recent; each run freezes the snapshots of periods over for ``INDICATOR_FREEZE_DAYS``
days, which are then never recomputed (unless asked explicitly, audited), so a published figure
stays what it was. A changed definition is a new ``Indicator`` version with its own snapshots:
the old version's stay as they were.
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
from caseway.indicators.dimensions import BY_ORGANIZATION, PAIRED_WITH, fingerprint, resolve
from caseway.indicators.models import Indicator, Snapshot, Target, Unit
from caseway.indicators.periods import Period, PeriodKind, Scope
from caseway.indicators.queries import compute_group, current_indicators, dimensions_key
from caseway.orgs.models import Organization

PERCENT_MAX = Decimal(100)


def is_frozen_period(period: Period, today: datetime.date) -> bool:
    return period.after + datetime.timedelta(days=settings.INDICATOR_FREEZE_DAYS) <= today


def snapshot_compute(*, indicator: Indicator, period: Period, scope: Scope, dimensions=(), now=None) -> Snapshot | None:
    """Compute and store one snapshot; None (nothing written) when the indicator's snapshots of this
    period and scope are frozen. ``snapshot_group_compute`` stores several breakdowns together."""
    stored = snapshot_group_compute(
        indicator=indicator, period=period, scope=scope, dimension_sets=[tuple(dimensions)], now=now
    )
    return None if stored is None else stored[0]


def snapshot_group_compute(
    *,
    indicator: Indicator,
    period: Period,
    scope: Scope,
    dimension_sets: Iterable[tuple[str, ...]],
    now=None,
    recompute_frozen: bool = False,
) -> list[Snapshot] | None:
    """Compute ``indicator`` for ``period`` and ``scope`` by every set of ``dimension_sets``, all
    as of the same ``now``, and store them together (one transaction), so that the breakdowns of
    one period agree with each other. None (nothing written) when any of the indicator's snapshots
    of this period and scope is frozen: a frozen group is never recomputed nor added to (a
    breakdown added later would count consents as of another day), unless ``recompute_frozen``
    (``indicators_compute --recompute-frozen``: audited by the caller)."""
    now = now or timezone.now()
    sets = [tuple(keys) for keys in dimension_sets]
    group = {
        "indicator": indicator,
        "period_kind": period.kind,
        "period_start": period.start,
        "scope": scope.key,
    }
    if not recompute_frozen and Snapshot.objects.filter(**group, frozen_at__isnull=False).exists():
        return None
    results = compute_group(indicator, period=period, scope=scope, breakdowns=sets, now=now)
    frozen_at = now if is_frozen_period(period, timezone.localdate(now)) else None
    for _attempt in range(2):
        try:
            with transaction.atomic():
                existing = {row.dimensions: row for row in Snapshot.objects.select_for_update().filter(**group)}
                if not recompute_frozen and any(row.frozen_at is not None for row in existing.values()):
                    return None  # frozen while we computed
                new, changed = [], []
                for keys, raw in results.items():
                    key = dimensions_key(keys)
                    values = {
                        "cells": raw.to_json(),
                        "computed_at": now,
                        "frozen_at": frozen_at,
                        "fingerprint": fingerprint(keys),
                    }
                    snapshot = existing.get(key)
                    if snapshot is None:
                        new.append(Snapshot(**group, dimensions=key, **values))
                        continue
                    for name, value in values.items():
                        setattr(snapshot, name, value)
                    changed.append(snapshot)
                # One statement each for the group's new and changed rows, not one per breakdown.
                Snapshot.objects.bulk_update(changed, ["cells", "computed_at", "frozen_at", "fingerprint"])
                return changed + Snapshot.objects.bulk_create(new)
        except IntegrityError:
            continue  # another worker stored them at the same moment: update theirs
    raise RuntimeError(f"Could not store the snapshots of {indicator} {period} {scope.key}.")


def default_dimension_sets(indicator: Indicator, scope: Scope | None = None) -> list[tuple[str, ...]]:
    """What the task keeps ready: the whole, each allowed dimension alone, and sex with each other
    allowed dimension (the only pairs offered: ``dimensions.PAIRED_WITH``); for the network (or
    ``scope`` None), also each other dimension by organization, from which coordinators read one
    organization's figures (``queries.organization_tables``)."""
    sets = [(), *((key,) for key in indicator.dimensions)]
    if PAIRED_WITH in indicator.dimensions:
        sets += [(PAIRED_WITH, key) for key in indicator.dimensions if key != PAIRED_WITH]
    if (scope is None or scope.is_network) and BY_ORGANIZATION in indicator.dimensions:
        sets += [(key, BY_ORGANIZATION) for key in indicator.dimensions if key not in (PAIRED_WITH, BY_ORGANIZATION)]
    return sets


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


def _offered(keys) -> bool:
    try:
        resolve(keys, stored=True)
    except ValueError:
        return False
    return True


def snapshots_freeze(*, now=None) -> int:
    """Freeze every snapshot not frozen yet whose period has been over for
    ``INDICATOR_FREEZE_DAYS``, as it stands (the figures published since it stopped being
    recomputed). Every breakdown of a period is frozen at once. Returns how many were frozen."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    unfrozen = Snapshot.objects.filter(frozen_at__isnull=True).values_list("period_kind", "period_start").distinct()
    frozen = 0
    for kind, start in sorted(set(unfrozen)):
        if is_frozen_period(Period(kind, start), today):
            frozen += Snapshot.objects.filter(period_kind=kind, period_start=start, frozen_at__isnull=True).update(
                frozen_at=now
            )
    return frozen


def snapshots_compute(
    *,
    periods: Iterable[Period],
    scopes: Iterable[Scope] | None = None,
    indicators: Iterable[Indicator] | None = None,
    codes: Iterable[str] | None = None,
    dimension_sets: Iterable[tuple[str, ...]] | None = None,
    now=None,
    report: Callable | None = None,
    recompute_frozen: bool = False,
    actor=None,
) -> dict:
    """Freeze what is due (``snapshots_freeze``), then compute snapshots for every combination,
    each indicator's breakdowns of one period and scope together; ``report(done, total, label)``
    after each snapshot.

    ``indicators``: exact versions; ``codes``: the version in force at each period's end of these
    indicators; default, every indicator's version in force at each period's end.
    ``dimension_sets``: default ``default_dimension_sets`` (sets an indicator does not allow, and
    pairs that are not offered, are skipped). Frozen snapshots are left as they are, unless
    ``recompute_frozen``, which is audited (``actor``: who asked, or None for the system).
    """
    now = now or timezone.now()
    newly_frozen = snapshots_freeze(now=now)
    periods, scopes = list(periods), list(scopes) if scopes is not None else default_scopes()
    given = list(indicators) if indicators is not None else None
    codes = list(codes) if codes is not None else None
    plan = []
    for period in periods:
        chosen = given if given is not None else current_indicators(codes, on=period.end)
        for indicator in chosen:
            for scope in scopes:
                sets = list(dimension_sets) if dimension_sets is not None else default_dimension_sets(indicator, scope)
                allowed = [keys for keys in sets if _offered(keys) and all(key in indicator.dimensions for key in keys)]
                if allowed:
                    plan.append((indicator, period, scope, allowed))
    total = sum(len(sets) for *_rest, sets in plan)
    written = frozen = recomputed = done = 0
    for indicator, period, scope, sets in plan:
        was_frozen = (
            recompute_frozen
            and Snapshot.objects.filter(
                indicator=indicator,
                period_kind=period.kind,
                period_start=period.start,
                scope=scope.key,
                frozen_at__isnull=False,
            ).exists()
        )
        stored = snapshot_group_compute(
            indicator=indicator,
            period=period,
            scope=scope,
            dimension_sets=sets,
            now=now,
            recompute_frozen=recompute_frozen,
        )
        if stored is None:
            frozen += len(sets)
        else:
            written += len(stored)
            if was_frozen:
                recomputed += len(stored)
                audit.record(
                    actor,
                    "indicators.frozen_snapshots_recomputed",
                    indicator,
                    fields=[f"period:{period.key}", f"scope:{scope.key}"],
                    reason="indicators_compute --recompute-frozen",
                )
        for keys in sets:
            done += 1
            if report is not None:
                report(done, total, f"{indicator} {period} {scope.key} [{dimensions_key(keys)}]")
    return {"written": written, "frozen": frozen, "newly_frozen": newly_frozen, "recomputed_frozen": recomputed}


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
        # One target per indicator *code*: a target set on another version of the same indicator is
        # this one (moved to this version), or progress would list the indicator twice.
        found = list(
            Target.objects.select_for_update()
            .filter(
                indicator__code=indicator.code,
                organization_id=organization_id,
                period_kind=period.kind,
                period_start=period.start,
            )
            .order_by("-set_at", "-pk")
        )
        existing = next((row for row in found if row.indicator_id == indicator.pk), found[0] if found else None)
        Target.objects.filter(pk__in=[row.pk for row in found if row is not existing]).delete()
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
            existing.indicator = indicator
            existing.save(update_fields=["indicator", "target", "baseline", "set_by", "set_at"])
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
