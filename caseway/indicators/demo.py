"""Demo indicators: the Common Fund for Recovery funds two organizations of the network, and the
coordinators and one organization's supervisor have set targets for this year, through the real
services (audited). Figures themselves are computed from the demo's own data when a dashboard is
opened (or by ``manage.py indicators_compute``): nothing here is a number about people.
Idempotent: a funding link or a target already there is left alone."""

import datetime

from django.utils import timezone

from caseway.indicators import funded, services
from caseway.indicators.models import FundedOrganization, Indicator, Target
from caseway.indicators.periods import Period, PeriodKind
from caseway.orgs.models import Membership
from caseway.orgs.permissions import Role

DEMO_DOMAIN = "demo.example.org"
DONOR = "CFR"
FUNDED = ("HWN", "SPI")
# (indicator code, network target, baseline); percentages and medians as the indicator's unit says.
NETWORK_TARGETS = [
    ("referral_acceptance_rate", 85, 70),
    ("referrals_answered_in_time", 90, 60),
    ("retention_90_days", 75, 55),
    ("deadlines_met", 100, 90),
]
ORGANIZATION_TARGETS = {"HWN": [("goals_achieved", 60, 40), ("attendance_with_childcare", 80, 65)]}


def _member(organization, role):
    return (
        Membership.objects.filter(
            organization=organization, role=role, is_active=True, user__email__endswith=DEMO_DOMAIN
        )
        .select_related("user", "organization")
        .first()
    )


def _targets(membership, targets, period, organization=None):
    for code, target, baseline in targets:
        indicator = Indicator.objects.filter(code=code).order_by("-version").first()
        if indicator is None:
            continue
        if Target.objects.filter(
            indicator__code=code, organization=organization, period_kind=period.kind, period_start=period.start
        ).exists():
            continue
        services.target_set(
            actor=membership.user,
            membership=membership,
            indicator=indicator,
            period=period,
            target=target,
            baseline=baseline,
            organization=organization,
        )


def seed(network: dict) -> None:
    organizations = network["organizations"]
    coordinator = _member(organizations.get("RSM"), Role.COORDINATOR) if "RSM" in organizations else None
    if coordinator is None:
        return
    today = timezone.localdate()
    year = Period.containing(PeriodKind.YEAR, today)
    if DONOR in organizations:
        for acronym in FUNDED:
            if acronym not in organizations:
                continue
            if FundedOrganization.objects.filter(
                donor=organizations[DONOR], organization=organizations[acronym]
            ).exists():
                continue
            funded.funding_record(
                actor=coordinator.user,
                membership=coordinator,
                donor=organizations[DONOR],
                organization=organizations[acronym],
                starts_on=datetime.date(today.year - 1, 1, 1),
            )
    _targets(coordinator, NETWORK_TARGETS, year)
    for acronym, targets in ORGANIZATION_TARGETS.items():
        supervisor = _member(organizations.get(acronym), Role.SUPERVISOR) if acronym in organizations else None
        if supervisor is not None:
            _targets(supervisor, targets, year, organization=organizations[acronym])
