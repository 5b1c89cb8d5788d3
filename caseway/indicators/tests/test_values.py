"""queries.indicator_values: role-scoped, protected by lib.disclosure, from snapshots or live."""

import pytest
from django.http import Http404

from caseway.casework.tests.appointment_helpers import member
from caseway.clients.models import Sex
from caseway.indicators import queries
from caseway.indicators.models import Indicator
from caseway.indicators.periods import Scope
from caseway.indicators.services import snapshot_compute
from caseway.indicators.tests import crafted
from caseway.indicators.tests.crafted import PERIOD, a_client, at, referral
from caseway.referrals.models import Status

pytestmark = pytest.mark.django_db

CODE = "referral_acceptance_rate"


def values(membership=None, **options):
    options.setdefault("indicators", [CODE])
    options.setdefault("period", PERIOD)
    return queries.indicator_values(membership=membership, **options)


def answered(personas, *, accepted, declined, sex=Sex.FEMALE, to=None):
    """Referrals to organization B (default) answered in the period, each of a client of its own
    (thresholds count people)."""
    for status in [Status.ACCEPTED] * accepted + [Status.DECLINED] * declined:
        case = a_client(personas, sex=sex)
        referral(case, to=to or personas.org_b, status=status, sent_at=at(1), answered_at=at(2))


def test_it_gives_a_rate_with_its_numerator_and_denominator(personas):
    answered(personas, accepted=7, declined=5)

    (table,) = values(member(personas.coordinator))

    assert (table.code, table.version, table.source) == (CODE, 1, queries.LIVE)
    assert table.total == queries.Cell(value=58.3, numerator=7, denominator=12)
    assert table.scope == Scope.network()


def test_it_hides_a_rate_whose_part_or_rest_is_small(personas):
    answered(personas, accepted=9, declined=2)

    (table,) = values(member(personas.coordinator))

    assert table.total.value is None
    assert table.total.suppressed
    assert table.total.denominator is None  # with the numerator, it would give the 2 back
    assert table.total.numerator == 9


def test_it_hides_small_cells_and_their_complements_by_one_dimension(personas):
    answered(personas, accepted=7, declined=5, sex=Sex.FEMALE)
    answered(personas, accepted=1, declined=6, sex=Sex.MALE)

    (table,) = values(member(personas.coordinator), dimensions=["sex"])

    rows = dict(zip([key for key, _label in table.rows], table.row_totals, strict=True))
    assert rows["male"].numerator is None and rows["male"].value is None and rows["male"].suppressed
    # The lone small numerator would be given back by the total: its complement is hidden too.
    assert rows["female"].numerator is None and rows["female"].suppressed
    assert table.total.numerator == 8
    assert rows["other"] == queries.Cell(value=None, numerator=0, denominator=0)


def test_it_breaks_down_by_two_dimensions(personas):
    answered(personas, accepted=6, declined=6, sex=Sex.FEMALE)

    (table,) = values(member(personas.coordinator), dimensions=["sex", "age_band"])

    assert [key for key, _label in table.columns][-1] == "unknown"
    female = [key for key, _label in table.rows].index("female")
    adults = [key for key, _label in table.columns].index("25-59")
    assert table.cells[female][adults] == queries.Cell(value=50.0, numerator=6, denominator=12)
    assert table.row_totals[female] == table.cells[female][adults]


def test_it_gives_a_count_and_a_median(personas):
    crafted.clients_served(personas)
    crafted.referral_days_to_service(personas)

    tables = values(member(personas.coordinator), indicators=["clients_served", "referral_days_to_service"])

    by_code = {table.code: table for table in tables}
    assert by_code["clients_served"].total == queries.Cell(value=None, numerator=None, suppressed=True)  # 2 < 5
    assert by_code["referral_days_to_service"].total.value is None  # 3 values < 5


def test_it_shows_a_median_on_enough_values(personas, settings):
    settings.SMALL_CELL_THRESHOLD = 3
    crafted.referral_days_to_service(personas)

    (table,) = values(member(personas.coordinator), indicators=["referral_days_to_service"])

    assert table.total == queries.Cell(value=5.0, denominator=3)


def test_it_counts_only_the_scope(personas):
    answered(personas, accepted=7, declined=5, to=personas.org_b)
    answered(personas, accepted=5, declined=5, to=personas.org_a)

    (network,) = values(member(personas.coordinator))
    (only_b,) = values(member(personas.coordinator), scope=Scope.of(personas.org_b))
    (own,) = values(member(personas.supervisor_b))

    assert network.total.denominator == 22
    assert only_b.total.denominator == 12
    assert (own.scope, own.total) == (only_b.scope, only_b.total)


def test_it_leaves_out_indicators_not_broken_down_that_way(personas):
    tables = values(member(personas.coordinator), indicators=["clients_served", CODE], dimensions=["organization"])

    assert [table.code for table in tables] == [CODE]


@pytest.mark.parametrize("name", ["caseworker_b", "supervisor_b", "admin_b", "legal_officer_b"])
def test_it_shows_organization_staff_their_own_organization_only(personas, name):
    membership = member(getattr(personas, name))

    (table,) = values(membership)
    assert table.scope == Scope.of(personas.org_b)
    with pytest.raises(Http404):
        values(membership, scope=Scope.network())
    with pytest.raises(Http404):
        values(membership, scope=Scope.of(personas.org_a))
    with pytest.raises(Http404):
        values(membership, scope=Scope.of(personas.org_a, personas.org_b))


def test_it_shows_a_caseworker_of_another_organization_none_of_ours(personas):
    outsider = member(personas.outsider)

    for organization in (personas.org_a, personas.org_b):
        with pytest.raises(Http404):
            values(outsider, scope=Scope.of(organization))


@pytest.mark.parametrize("name", ["donor", "monitor_a", "unaffiliated"])
def test_it_shows_nothing_to_other_roles(personas, name):
    membership = getattr(personas, name).memberships.select_related("organization").first()

    with pytest.raises(Http404):
        values(membership)


def test_it_shows_nothing_without_a_membership(personas):
    with pytest.raises(Http404):
        values(None)


def test_it_shows_the_public_the_network_only_never_by_organization(personas):
    answered(personas, accepted=4, declined=3)
    answered(personas, accepted=3, declined=2, to=personas.org_other)

    (table,) = values(public=True)
    assert table.total.numerator == 7
    with pytest.raises(Http404):
        values(public=True, scope=Scope.of(personas.org_b))
    with pytest.raises(Http404):
        values(public=True, dimensions=["organization"])


def test_it_hides_from_the_public_a_figure_of_a_single_organization(personas):
    answered(personas, accepted=7, declined=5)  # all received by organization B

    (public,) = values(public=True)
    (staff,) = values(member(personas.coordinator))

    assert (public.total.numerator, public.total.value) == (None, None)
    assert public.total.suppressed
    assert staff.total.numerator == 7


def test_it_refuses_unknown_or_too_many_dimensions(personas):
    coordinator = member(personas.coordinator)

    with pytest.raises(ValueError):
        values(coordinator, dimensions=["shoe_size"])
    with pytest.raises(ValueError):
        values(coordinator, dimensions=["sex", "age_band", "disability"])
    with pytest.raises(ValueError):
        values(coordinator, dimensions=["sex", "sex"])


def test_it_reads_snapshots_in_a_fixed_number_of_queries(personas, django_assert_max_num_queries):
    answered(personas, accepted=7, declined=5)
    coordinator = member(personas.coordinator)
    for indicator in Indicator.objects.all():
        keys = ("sex",) if "sex" in indicator.dimensions else ()
        snapshot_compute(indicator=indicator, period=PERIOD, scope=Scope.network(), dimensions=keys)

    with django_assert_max_num_queries(2):
        tables = values(coordinator, indicators=None, dimensions=["sex"])

    assert len(tables) == Indicator.objects.count()
    assert {table.source for table in tables} == {queries.SNAPSHOT}
    by_code = {table.code: table for table in tables}
    assert by_code[CODE].total == queries.Cell(value=58.3, numerator=7, denominator=12)


def test_it_computes_live_when_asked_even_with_a_snapshot(personas):
    answered(personas, accepted=7, declined=5)
    indicator = Indicator.objects.get(code=CODE)
    snapshot_compute(indicator=indicator, period=PERIOD, scope=Scope.network())
    answered(personas, accepted=5, declined=0)

    (stored,) = values(member(personas.coordinator))
    (live,) = values(member(personas.coordinator), from_snapshot=False)

    assert (stored.source, stored.total.denominator) == (queries.SNAPSHOT, 12)
    assert (live.source, live.total.denominator) == (queries.LIVE, 17)
