"""Snapshots: stored per indicator version, period, scope and disaggregation; a new definition is
a new version and leaves old snapshots as they were; frozen periods are never recomputed; the
daily task and ``manage.py indicators_compute`` write them."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from caseway.casework.tests.appointment_helpers import member
from caseway.indicators import queries
from caseway.indicators.models import Indicator, Snapshot
from caseway.indicators.periods import Period, PeriodKind, Scope
from caseway.indicators.services import default_periods, snapshot_compute, snapshots_compute
from caseway.indicators.tasks import recompute_snapshots
from caseway.indicators.tests.crafted import PERIOD, a_client, at, referral
from caseway.orgs.models import Organization
from caseway.referrals.models import Status
from caseway.scheduling.registry import jobs

pytestmark = pytest.mark.django_db

CODE = "referral_acceptance_rate"


def answered(personas, accepted, declined):
    for status in [Status.ACCEPTED] * accepted + [Status.DECLINED] * declined:
        referral(a_client(personas), to=personas.org_b, status=status, sent_at=at(1), answered_at=at(2))


def new_version(code, **changes) -> Indicator:
    old = Indicator.objects.filter(code=code).order_by("-version").first()
    old.pk, old.version, old.valid_from = None, old.version + 1, PERIOD.start
    for name, value in changes.items():
        setattr(old, name, value)
    old.save()
    return old


def table(personas, indicators=(CODE,)):
    (found,) = queries.indicator_values(membership=member(personas.coordinator), indicators=indicators, period=PERIOD)
    return found


def test_it_keeps_an_old_snapshot_when_the_definition_changes(personas):
    answered(personas, accepted=7, declined=5)
    first = Indicator.objects.get(code=CODE, version=1)
    old = snapshot_compute(indicator=first, period=PERIOD, scope=Scope.network())
    stored = dict(old.cells)
    # Version 2 counts every referral answered as its numerator: a different definition.
    second = new_version(CODE, numerator="referrals_answered")
    snapshot_compute(indicator=second, period=PERIOD, scope=Scope.network())
    answered(personas, accepted=5, declined=0)

    old.refresh_from_db()
    assert old.cells == stored
    assert old.indicator_id == first.pk
    assert table(personas, [first]).total == queries.Cell(value=58.3, numerator=7, denominator=12)
    current = table(personas)
    assert (current.version, current.source) == (2, queries.SNAPSHOT)
    assert current.total == queries.Cell(value=100.0, numerator=12, denominator=12)


def test_it_uses_the_version_valid_at_the_end_of_the_period(personas):
    later = new_version(CODE)
    Indicator.objects.filter(pk=later.pk).update(valid_from=PERIOD.after + datetime.timedelta(days=1))

    assert table(personas).version == 1


def test_it_recomputes_a_snapshot_in_place_until_its_period_is_frozen(personas, settings):
    settings.INDICATOR_FREEZE_DAYS = 3660
    indicator = Indicator.objects.get(code=CODE, version=1)
    answered(personas, accepted=7, declined=5)
    snapshot_compute(indicator=indicator, period=PERIOD, scope=Scope.network())
    answered(personas, accepted=3, declined=0)

    again = snapshot_compute(indicator=indicator, period=PERIOD, scope=Scope.network())

    assert Snapshot.objects.count() == 1
    assert again.frozen_at is None
    assert table(personas).total.denominator == 15


def test_it_never_recomputes_a_frozen_snapshot(personas, settings):
    settings.INDICATOR_FREEZE_DAYS = 0
    indicator = Indicator.objects.get(code=CODE, version=1)
    answered(personas, accepted=7, declined=5)
    first = snapshot_compute(indicator=indicator, period=PERIOD, scope=Scope.network())
    answered(personas, accepted=3, declined=0)

    assert first.frozen_at is not None
    assert snapshot_compute(indicator=indicator, period=PERIOD, scope=Scope.network()) is None
    assert table(personas).total.denominator == 12


def test_it_stores_each_scope_and_disaggregation_apart(personas):
    answered(personas, accepted=7, declined=5)
    indicator = Indicator.objects.get(code=CODE, version=1)

    result = snapshots_compute(
        periods=[PERIOD],
        scopes=[Scope.network(), Scope.of(personas.org_b)],
        indicators=[indicator],
        dimension_sets=[(), ("sex",), ("sex", "organization")],
    )

    assert (result["written"], result["frozen"]) == (6, 0)
    stored = set(Snapshot.objects.values_list("scope", "dimensions"))
    org_b = Scope.of(personas.org_b).key
    assert stored == {(s, d) for s in ("network", org_b) for d in ("", "sex", "sex,organization")}


def test_it_skips_disaggregations_an_indicator_does_not_allow(personas):
    indicator = Indicator.objects.get(code="clients_served", version=1)

    result = snapshots_compute(
        periods=[PERIOD], scopes=[Scope.network()], indicators=[indicator], dimension_sets=[(), ("organization",)]
    )

    assert (result["written"], result["frozen"]) == (1, 0)


def test_it_recomputes_through_the_background_task(personas):
    answered(personas, accepted=7, declined=5)
    # Every active organization gets its own snapshots: the three the test reads keep the run short.
    Organization.objects.exclude(pk__in=[personas.org_a.pk, personas.org_b.pk, personas.org_other.pk]).update(
        is_active=False
    )

    result = recompute_snapshots.enqueue(periods=[PERIOD.key]).return_value

    # The whole, each dimension alone, and sex with each other one; for the network, also each
    # dimension but sex by organization (what coordinators read one organization from).
    library = queries.current_indicators(on=PERIOD.end)
    every = sum(
        1 + len(indicator.dimensions) + ("sex" in indicator.dimensions) * (len(indicator.dimensions) - 1)
        for indicator in library
    )
    by_organization = sum(len(i.dimensions) - 2 for i in library if "organization" in i.dimensions)
    organizations = Organization.objects.filter(is_active=True).count()
    assert by_organization > 0
    assert (result["written"], result["frozen"]) == (every * (1 + organizations) + by_organization, 0)
    assert table(personas).source == queries.SNAPSHOT


def test_it_declares_the_daily_job():
    job = next(job for job in jobs() if job.name == "indicators.recompute_snapshots")

    assert job.task is recompute_snapshots
    assert job.every == datetime.timedelta(days=1)


def test_it_recomputes_the_current_and_previous_periods_by_default():
    periods = default_periods(datetime.date(2026, 1, 15))

    assert [period.key for period in periods] == ["2026-01", "2025-12", "2026-Q1", "2025-Q4", "2026", "2025"]


def test_it_computes_from_the_command_with_progress(personas):
    answered(personas, accepted=7, declined=5)
    out = StringIO()

    call_command(
        "indicators_compute",
        "--period",
        PERIOD.key,
        "--network",
        "--indicator",
        CODE,
        "--dimensions",
        "",
        "--dimensions",
        "sex,age_band",
        "--every",
        "1",
        stdout=out,
    )

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("1 of 2 snapshots")
    assert lines[1].startswith("2 of 2 snapshots")
    assert "2 snapshots written" in lines[-1]
    assert set(Snapshot.objects.values_list("dimensions", flat=True)) == {"", "sex,age_band"}


@pytest.mark.parametrize(
    "arguments",
    [
        ["--period", "2026-13"],
        ["--period", "soon"],
        ["--indicator", "happiness"],
        ["--organization", "999999"],
        ["--organization", "abc"],
        ["--dimensions", "shoe_size"],
        ["--every", "0"],
    ],
)
def test_it_refuses_bad_command_arguments(personas, arguments):
    with pytest.raises(CommandError):
        call_command("indicators_compute", *arguments, stdout=StringIO())
    assert not Snapshot.objects.exists()


def test_it_computes_the_organizations_named(personas):
    call_command(
        "indicators_compute",
        "--period",
        PERIOD.key,
        "--organization",
        str(personas.org_a.pk),
        "--indicator",
        CODE,
        "--dimensions",
        "",
        stdout=StringIO(),
    )

    assert list(Snapshot.objects.values_list("scope", flat=True)) == [Scope.of(personas.org_a).key]


def test_it_reads_periods_and_scopes_back_from_their_keys():
    for key in ("2026-03", "2026-Q2", "2026"):
        assert Period.parse(key).key == key
    quarter = Period.parse("2026-Q4")
    assert (quarter.kind, quarter.start, quarter.end) == (
        PeriodKind.QUARTER,
        datetime.date(2026, 10, 1),
        datetime.date(2026, 12, 31),
    )
    assert Period.parse("2026-01").previous().key == "2025-12"
    assert Scope.parse(Scope.of(3, 1).key) == Scope.of(1, 3)
    assert Scope.of(3, 1).key == "org:1,3"
    assert Scope.parse("network").is_network
    for bad in ("2026-00", "2026-Q5", "26", ""):
        with pytest.raises(ValueError):
            Period.parse(bad)
