"""Donors and what they fund, until the funding app (floor 13) records grants: who may see what,
how coordinators record it, and the donor's protected tables.

The rule: a donor sees the indicators of the organizations it funds *for the whole* of a period
(``FundedOrganization.covers``), added up together as one scope, like a small network. Never a
person; never one organization's figures on their own: a donor that funds fewer than
``TOGETHER_MINIMUM`` organizations for the whole of a period sees nothing for it, and the breakdown
by organization is offered only when it funds at least ``BREAKDOWN_MINIMUM`` (with the usual
disclosure control on every cell). Not prevented: differencing
periods in which a donor funds different sets (A and B, then A and C); each period is protected
on its own. Everyone else: 404, like something that does not exist.

Temporary by design: the funding app should replace ``FundedOrganization`` and this module (the
donor's scope then comes from its grants); ``access.check_scope`` should then admit donors for the
scope of their grants, so that ``queries.indicator_values`` serves them directly.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway import audit
from caseway.indicators import queries
from caseway.indicators.access import active_membership
from caseway.indicators.dimensions import resolve
from caseway.indicators.models import FundedOrganization
from caseway.indicators.periods import Period, Scope
from caseway.orgs.models import Organization, OrganizationType
from caseway.orgs.permissions import Action

# A donor sees its grantees one by one only when it funds at least this many in the period.
BREAKDOWN_MINIMUM = 3
# A donor sees figures only of at least this many organizations together.
TOGETHER_MINIMUM = 2


# ---------------------------------------------------------------------------------------------
# Access


def may_view_funded(membership) -> bool:
    if not active_membership(membership):
        return False
    return membership.allows(Action.VIEW_FUNDED_INDICATORS)


def may_record_funding(membership) -> bool:
    if not active_membership(membership):
        return False
    return membership.allows(Action.RECORD_FUNDING)


def funded_organization_ids(membership, period: Period) -> list[int]:
    """The organizations the membership's donor funds for the whole of ``period`` (active ones),
    sorted; none when it funds fewer than ``TOGETHER_MINIMUM`` (their figures would be one
    organization's on their own). ``Http404`` for anyone who is not a donor. One query."""
    if not may_view_funded(membership):
        raise Http404
    links = FundedOrganization.objects.filter(
        donor_id=membership.organization_id,
        organization__is_active=True,
        starts_on__lte=period.start,
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=period.end))
    ids = sorted(set(links.values_list("organization_id", flat=True)))
    return ids if len(ids) >= TOGETHER_MINIMUM else []


def may_break_down_by_organization(organization_ids) -> bool:
    return len(organization_ids) >= BREAKDOWN_MINIMUM


def funded_scope(membership, period: Period) -> Scope | None:
    """The donor's scope for ``period``; None when it funds nobody for the whole period."""
    ids = funded_organization_ids(membership, period)
    return Scope.of(*ids) if ids else None


# ---------------------------------------------------------------------------------------------
# The donor's tables


def funded_values(
    *,
    membership,
    period: Period,
    indicators=None,
    dimensions=(),
    from_snapshot: bool = True,
    now: datetime.datetime | None = None,
) -> tuple[Scope | None, tuple]:
    """(scope, protected tables) of what the donor funds for ``period``: ``queries.indicator_values``
    for the donor's scope, through the same ``lib.disclosure`` protection. (None, ()) when it funds
    nobody for the period. ``Http404`` for anyone but a donor; ``ValueError`` for a breakdown by
    organization of fewer than ``BREAKDOWN_MINIMUM`` organizations."""
    ids = funded_organization_ids(membership, period)
    chosen_dimensions = resolve(dimensions)
    if not ids:
        return None, ()
    by_organization = any(dimension.key == "organization" for dimension in chosen_dimensions)
    if by_organization and not may_break_down_by_organization(ids):
        raise ValueError(_("Figures by organization are shown when you fund several organizations."))
    scope = Scope.of(*ids)
    return scope, queries.protected_tables(
        indicators=indicators,
        period=period,
        scope=scope,
        dimensions=chosen_dimensions,
        from_snapshot=from_snapshot,
        now=now,
    )


# ---------------------------------------------------------------------------------------------
# Recording who funds whom (coordinators)


def funding_links():
    """Every link, newest first, with both organizations (one query)."""
    return FundedOrganization.objects.select_related("donor", "organization").order_by("-starts_on", "pk")


def funding_record(
    *,
    actor,
    membership,
    donor: Organization,
    organization: Organization,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    request=None,
) -> FundedOrganization:
    """Record that ``donor`` funds ``organization`` from ``starts_on`` (until ``ends_on``, the last
    day funded, or open-ended). Coordinators only (``PermissionDenied``); ``ValidationError``,
    nothing written, for a donor that is not a donor organization, oneself, an end before the start
    or a time already recorded for the same two organizations."""
    if not may_record_funding(membership):
        raise PermissionDenied
    errors = {}
    if donor.type != OrganizationType.DONOR:
        errors["donor"] = _("Choose an organization registered as a donor.")
    if organization.pk == donor.pk:
        errors["organization"] = _("A donor cannot be recorded as funding itself.")
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("The funding cannot end before it starts.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Two coordinators recording the same link at once: the donor's row serializes them.
        Organization.objects.select_for_update().filter(pk=donor.pk).first()
        overlapping = FundedOrganization.objects.filter(donor=donor, organization=organization).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
        )
        if ends_on is not None:
            overlapping = overlapping.filter(starts_on__lte=ends_on)
        if overlapping.exists():
            raise ValidationError({"starts_on": _("This funding overlaps one already recorded for them.")})
        link = FundedOrganization.objects.create(
            donor=donor,
            organization=organization,
            starts_on=starts_on,
            ends_on=ends_on,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        audit.record(
            actor,
            "indicators.funding_record",
            link,
            fields=["donor", "organization", "starts_on", "ends_on"],
            organization=membership.organization,
            request=request,
        )
    return link


def funding_end(*, actor, membership, link: FundedOrganization, ends_on: datetime.date, request=None):
    """End a funding on ``ends_on`` (its last day funded). Coordinators only; ``ValidationError``
    for a day before it started."""
    if not may_record_funding(membership):
        raise PermissionDenied
    with transaction.atomic():
        link = FundedOrganization.objects.select_for_update().get(pk=link.pk)
        if ends_on < link.starts_on:
            raise ValidationError({"ends_on": _("The funding cannot end before it starts.")})
        link.ends_on = ends_on
        link.save(update_fields=["ends_on"])
        audit.record(
            actor,
            "indicators.funding_end",
            link,
            fields=["ends_on"],
            organization=membership.organization,
            request=request,
        )
    return link
