"""services.target_set and queries.progress: targets and baselines per network or organization
and period, set only by those who answer for them, with progress against them."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from caseway.audit.models import AuditEvent
from caseway.casework.tests.appointment_helpers import member
from caseway.indicators import queries
from caseway.indicators.models import Indicator, Target
from caseway.indicators.periods import Period, Scope
from caseway.indicators.services import target_set
from caseway.indicators.tests.crafted import PERIOD, a_client, at, referral
from caseway.referrals.models import Status

pytestmark = pytest.mark.django_db

CODE = "referral_acceptance_rate"


def rate():
    return Indicator.objects.get(code=CODE, version=1)


def set_target(user, *, organization=None, target="80", baseline="50", period=PERIOD, indicator=None):
    return target_set(
        actor=user,
        membership=member(user),
        indicator=indicator or rate(),
        period=period,
        target=target,
        baseline=baseline,
        organization=organization,
    )


def test_it_sets_a_network_target_and_records_who(personas):
    row = set_target(personas.coordinator)

    assert (row.organization, row.target, row.baseline, row.set_by) == (
        None,
        Decimal(80),
        Decimal(50),
        personas.coordinator,
    )
    event = AuditEvent.objects.filter(action="indicators.target_set").get()
    assert event.fields == ["target", "baseline"]


def test_it_changes_the_target_of_the_same_period_instead_of_adding_one(personas):
    set_target(personas.supervisor_b, organization=personas.org_b)

    set_target(personas.admin_b, organization=personas.org_b, target="90", baseline="")

    row = Target.objects.get()
    assert (row.target, row.baseline, row.set_by) == (Decimal(90), None, personas.admin_b)


def test_it_keeps_network_and_organization_targets_apart(personas):
    set_target(personas.coordinator)
    set_target(personas.coordinator, organization=personas.org_b)
    set_target(personas.coordinator, period=Period.year(PERIOD.start.year))

    assert Target.objects.count() == 3


@pytest.mark.parametrize(
    ("name", "organization"),
    [
        ("supervisor_a", "org_b"),  # another organization
        ("supervisor_a", None),  # the network
        ("caseworker_b", "org_b"),
        ("legal_officer_b", "org_b"),
        ("monitor_b", "org_b"),
        ("donor", None),
        ("unaffiliated", None),
    ],
)
def test_it_refuses_anyone_else(personas, name, organization):
    user = getattr(personas, name)
    membership = user.memberships.select_related("organization").first()

    with pytest.raises(PermissionDenied):
        target_set(
            actor=user,
            membership=membership,
            indicator=rate(),
            period=PERIOD,
            target="80",
            organization=getattr(personas, organization) if organization else None,
        )
    assert not Target.objects.exists()


@pytest.mark.parametrize(
    ("target", "baseline", "field"),
    [
        ("", "10", "target"),
        (None, None, "target"),
        ("lots", "10", "target"),
        ("NaN", "10", "target"),
        ("-1", "10", "target"),
        ("101", "10", "target"),
        ("80", "-5", "baseline"),
        ("80", "120", "baseline"),
        ("80", "many", "baseline"),
    ],
)
def test_it_refuses_bad_numbers_and_writes_nothing(personas, target, baseline, field):
    with pytest.raises(ValidationError) as raised:
        set_target(personas.coordinator, target=target, baseline=baseline)

    assert field in raised.value.message_dict
    assert not Target.objects.exists()
    assert not AuditEvent.objects.filter(action="indicators.target_set").exists()


def test_it_allows_counts_above_one_hundred(personas):
    row = set_target(personas.coordinator, indicator=Indicator.objects.get(code="clients_served"), target="250")

    assert row.target == Decimal(250)


def test_it_gives_progress_against_the_network_target(personas):
    for status in [Status.ACCEPTED] * 14 + [Status.DECLINED] * 6:
        referral(a_client(personas), to=personas.org_b, status=status, sent_at=at(1), answered_at=at(2))
    set_target(personas.coordinator, target="80", baseline="50")

    (found,) = queries.progress(membership=member(personas.coordinator), period=PERIOD)

    assert found.indicator.code == CODE
    assert found.value == 70.0
    assert found.achieved == pytest.approx(0.667)
    assert found.reached is False


def test_it_gives_progress_of_an_organization_to_its_staff_only(personas):
    for status in [Status.ACCEPTED] * 15 + [Status.DECLINED] * 5:
        referral(a_client(personas), to=personas.org_b, status=status, sent_at=at(1), answered_at=at(2))
    set_target(personas.supervisor_b, organization=personas.org_b, target="70", baseline="")
    set_target(personas.coordinator, target="99")

    (found,) = queries.progress(membership=member(personas.caseworker_b), period=PERIOD)

    assert (found.target.organization, found.value, found.reached) == (personas.org_b, 75.0, True)
    assert found.achieved == pytest.approx(1.071)
    with pytest.raises(Http404):
        queries.progress(membership=member(personas.caseworker_a), period=PERIOD, scope=Scope.of(personas.org_b))


def test_it_gives_no_progress_figure_when_the_value_is_hidden(personas):
    case = a_client(personas)
    referral(case, to=personas.org_b, status=Status.ACCEPTED, sent_at=at(1), answered_at=at(2))
    set_target(personas.coordinator)

    (found,) = queries.progress(membership=member(personas.coordinator), period=PERIOD)

    assert (found.value, found.achieved, found.reached) == (None, None, None)


def test_it_reaches_a_lower_is_better_target_from_below(personas, settings):
    settings.SMALL_CELL_THRESHOLD = 3
    from caseway.indicators.tests import crafted

    crafted.referral_days_to_service(personas)  # median 5.0 days on 3 referrals
    indicator = Indicator.objects.get(code="referral_days_to_service")
    set_target(personas.coordinator, indicator=indicator, target="7", baseline="12")

    (found,) = queries.progress(membership=member(personas.coordinator), period=PERIOD)

    assert (found.value, found.reached) == (5.0, True)
    assert found.achieved == pytest.approx(1.4)


def test_it_reads_progress_in_a_fixed_number_of_queries(personas, django_assert_max_num_queries):
    for indicator in Indicator.objects.all():
        set_target(personas.coordinator, indicator=indicator, target="5", baseline="")
    coordinator = member(personas.coordinator)

    with django_assert_max_num_queries(2 + 2 * Indicator.objects.count()):  # live: at most two each
        found = queries.progress(membership=coordinator, period=PERIOD)

    assert len(found) == Indicator.objects.count()
