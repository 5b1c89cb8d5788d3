"""Disclosure control across the tables of one indicator, period and scope, and over people rather
than units: thresholds on distinct clients (review L3), one-way and two-way tables protected
together (L1), stored and live figures never mixed (L2), snapshots frozen and fingerprinted (B1,
L6), honest progress (B3), donors never shown one organization alone."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.casework.models import Goal, Milestone
from caseway.casework.tests.appointment_helpers import member
from caseway.clients.models import CaseStatus, Consent, Sex
from caseway.indicators import funded, measures, queries
from caseway.indicators.dimensions import DIMENSIONS, fingerprint
from caseway.indicators.measures import Context
from caseway.indicators.models import Indicator, Snapshot
from caseway.indicators.periods import Period, PeriodKind, Scope
from caseway.indicators.services import default_dimension_sets, snapshots_compute, target_set
from caseway.indicators.tests import crafted
from caseway.indicators.tests.crafted import PERIOD, a_client, stop_counting
from caseway.indicators.tests.dashboards import answered, donor_organization, fund, one_client_answered

pytestmark = pytest.mark.django_db

CODE = "referral_acceptance_rate"


def acceptance(**options):
    options.setdefault("indicators", [Indicator.objects.get(code=CODE, version=1)])
    options.setdefault("period", PERIOD)
    return queries.indicator_values(**options)[0]


def rows_of(table):
    return {key: cell for (key, _label), cell in zip(table.rows, table.row_totals, strict=True)}


# ---------------------------------------------------------------------------------------------
# L3: people, not units


def test_it_hides_a_cell_of_one_person_however_many_referrals_she_has(personas):
    to = personas.org_b
    answered(personas, to=to, accepted=10, declined=0, sex=Sex.FEMALE)
    one_client_answered(personas, to=to, accepted=5, declined=5, sex=Sex.MALE)  # ONE man, ten referrals

    table = acceptance(public=True, dimensions=("sex",), from_snapshot=False)

    male = rows_of(table)["male"]
    assert (male.value, male.numerator, male.denominator) == (None, None, None)
    assert male.suppressed
    assert rows_of(table)["female"].numerator is None  # its complement: the total is published


def test_it_counts_people_and_units_per_cell_and_margin_in_one_query(personas, django_assert_num_queries):
    to = personas.org_b
    answered(personas, to=to, accepted=3, declined=0, sex=Sex.FEMALE)
    one_client_answered(personas, to=to, accepted=4, declined=0, sex=Sex.MALE)
    context = Context(period=PERIOD, now=timezone.now())
    chosen = (DIMENSIONS["sex"], DIMENSIONS["age_band"])

    with django_assert_num_queries(1):
        found = measures.count(measures.get("referrals_accepted"), context, Scope.network(), chosen)

    assert sum(found.units.values()) == 7
    assert found.people[("*", "*")] == 4
    assert found.people[("male", "*")] == 1
    assert sum(n for key, n in found.units.items() if key[0] == "male") == 4


@pytest.mark.parametrize("code", [CODE, "referral_days_to_service", "clients_served"])
def test_it_computes_every_breakdown_of_an_indicator_in_one_query(personas, code, django_assert_num_queries):
    """The snapshot run computes about 13 breakdowns per indicator, period and scope: they share
    one query, and each gives what computing it alone gives."""
    to = personas.org_b
    answered(personas, to=to, accepted=3, declined=2, sex=Sex.FEMALE)
    one_client_answered(personas, to=to, accepted=4, declined=1, sex=Sex.MALE)
    crafted.referral_days_to_service(personas)
    crafted.clients_served(personas)
    indicator = Indicator.objects.get(code=code, version=1)
    breakdowns = default_dimension_sets(indicator)
    assert len(breakdowns) >= 10
    now = timezone.now()

    with django_assert_num_queries(1):
        together = queries.compute_group(
            indicator, period=PERIOD, scope=Scope.network(), breakdowns=breakdowns, now=now
        )

    assert set(together) == set(breakdowns)
    assert any(together[()].people.values())
    for keys in breakdowns:
        alone = queries.compute(indicator, period=PERIOD, scope=Scope.network(), dimensions=keys, now=now)
        assert together[keys] == alone, keys


def test_it_gives_the_same_figures_where_the_database_cannot_materialize_the_common_table(personas, monkeypatch):
    """SQLite before 3.35 knows no ``AS MATERIALIZED``: the query is then asked without it."""
    from django.db import connection

    one_client_answered(personas, to=personas.org_b, accepted=4, declined=1, sex=Sex.MALE)
    indicator = Indicator.objects.get(code=CODE, version=1)
    now = timezone.now()
    expected = queries.compute(indicator, period=PERIOD, scope=Scope.network(), dimensions=("sex",), now=now)
    if connection.vendor != "sqlite":
        assert measures._materialized(connection) == "MATERIALIZED "
        return
    monkeypatch.setattr(connection.Database, "sqlite_version_info", (3, 34, 1))

    assert measures._materialized(connection) == ""
    assert queries.compute(indicator, period=PERIOD, scope=Scope.network(), dimensions=("sex",), now=now) == expected


def test_it_hides_a_median_resting_on_one_person(personas, settings):
    settings.SMALL_CELL_THRESHOLD = 3
    crafted.referral_days_to_service(personas)  # three referrals, three people: shown
    indicator = Indicator.objects.get(code="referral_days_to_service", version=1)
    shown = acceptance(indicators=[indicator], membership=member(personas.coordinator), from_snapshot=False)
    assert shown.total.value == 5.0

    raw = queries.compute(indicator, period=PERIOD, scope=Scope.network())
    alone = queries.Raw(numerator={}, medians=raw.medians, people={(): 1})
    (_cells, _rows, _columns, total) = queries.protect(indicator, alone, [], 3)
    assert total.value is None and total.suppressed


def test_it_hides_a_public_median_resting_on_one_organization(personas, settings):
    settings.SMALL_CELL_THRESHOLD = 3
    crafted.referral_days_to_service(personas)  # three people, every referral received by org B
    indicator = Indicator.objects.get(code="referral_days_to_service", version=1)
    staff = acceptance(indicators=[indicator], membership=member(personas.coordinator), from_snapshot=False)
    alone = acceptance(indicators=[indicator], public=True, from_snapshot=False)
    assert staff.total.value == 5.0
    assert alone.total.value is None and alone.total.suppressed

    for days in (4, 6, 8):  # three more people, served by org A
        item = crafted.referral(
            a_client(personas),
            to=personas.org_a,
            status=crafted.Status.IN_SERVICE,
            sent_at=crafted.at(0),
            answered_at=crafted.at(0),
        )
        crafted.ReferralEvent.objects.create(
            referral=item, from_status=crafted.Status.ACCEPTED, to_status=crafted.Status.IN_SERVICE, at=crafted.at(days)
        )
    together = acceptance(indicators=[indicator], public=True, from_snapshot=False)
    assert together.total.value == 5.5
    assert queries.compute(indicator, period=PERIOD, scope=Scope.network()).organizations == {(): 2}


def test_it_hides_a_public_median_stored_without_its_organizations(personas, settings):
    settings.SMALL_CELL_THRESHOLD = 3
    crafted.referral_days_to_service(personas)
    indicator = Indicator.objects.get(code="referral_days_to_service", version=1)
    raw = queries.compute(indicator, period=PERIOD, scope=Scope.network())
    older = queries.Raw(numerator={}, medians=raw.medians, people=raw.people, organizations=None)

    (_cells, _rows, _columns, staff) = queries.protect(indicator, older, [], 3)
    (_cells, _rows, _columns, public) = queries.protect(indicator, older, [], 3, public=True)

    assert staff.value == 5.0
    assert public.value is None and public.suppressed


# ---------------------------------------------------------------------------------------------
# L1: one-way and two-way tables together


def review_counts():
    """The review's example: female 18–24 = 20, female 25–59 = 20, male 18–24 = 3, other 60+ = 6."""
    cells = {("female", "18-24"): 20, ("female", "25-59"): 20, ("male", "18-24"): 3, ("other", "60+"): 6}
    people = dict(cells)
    for (sex, age), n in cells.items():
        for key in ((sex, "*"), ("*", age), ("*", "*")):
            people[key] = people.get(key, 0) + n
    return cells, people


def test_a_two_way_table_hides_what_the_one_way_tables_hide():
    indicator = Indicator(code="x", version=1, unit="count", numerator="clients_served", dimensions=["sex", "age_band"])
    cells, people = review_counts()
    sex = [key for key, _label in DIMENSIONS["sex"].categories(None)]
    age = [key for key, _label in DIMENSIONS["age_band"].categories(None)]
    by_sex = {(s,): sum(n for (s2, _a), n in cells.items() if s2 == s) for s in sex}
    by_sex_people = {(s,): people.get((s, "*"), 0) for s in sex}
    by_sex_people[("*",)] = people[("*", "*")]

    _c, one_way, _col, one_total = queries.protect(
        indicator, queries.Raw(numerator=by_sex, people=by_sex_people), [sex], 5
    )
    _c2, two_way_rows, _col2, two_total = queries.protect(
        indicator, queries.Raw(numerator=cells, people=people), [sex, age], 5
    )

    # Every sex total is shown in both tables or hidden in both: "other" (6) can no longer be
    # subtracted from the total to give the hidden men (3) back.
    assert [cell.value for cell in one_way] == [cell.value for cell in two_way_rows]
    assert one_total.value == two_total.value == 49
    shown = dict(zip(sex, (cell.value for cell in one_way), strict=True))
    assert shown["male"] is None
    assert shown["other"] is None


# ---------------------------------------------------------------------------------------------
# L2: stored and live figures never mixed


def test_a_withdrawal_after_the_snapshot_shows_in_no_table_of_the_period(personas):
    # Received by two organizations: a public cell of one organization's work is hidden anyway.
    cases = [
        case
        for to in [personas.org_b, personas.org_other] * 6
        for case in answered(personas, to=to, accepted=1, declined=0, sex=Sex.FEMALE)
    ]
    indicator = Indicator.objects.get(code=CODE, version=1)
    snapshots_compute(periods=[PERIOD], scopes=[Scope.network()], indicators=[indicator])
    stop_counting(cases[0], personas)  # one woman withdraws statistics consent afterwards

    whole = acceptance(public=True, dimensions=())
    by_sex = acceptance(public=True, dimensions=("sex",))
    pair = acceptance(public=True, dimensions=("sex", "age_band"))
    turned = acceptance(public=True, dimensions=("age_band", "sex"))

    assert {table.source for table in (whole, by_sex, pair, turned)} == {queries.SNAPSHOT}
    assert whole.total.numerator == by_sex.total.numerator == pair.total.numerator == 12
    assert rows_of(pair)["female"].numerator == rows_of(by_sex)["female"].numerator == 12
    assert turned.column_totals == pair.row_totals
    assert turned.cells == tuple(zip(*pair.cells, strict=True))


def test_it_refuses_a_breakdown_not_stored_for_a_period_that_has_snapshots(personas):
    answered(personas, to=personas.org_b, accepted=6, declined=6)
    indicator = Indicator.objects.get(code=CODE, version=1)
    snapshots_compute(periods=[PERIOD], scopes=[Scope.network()], indicators=[indicator], dimension_sets=[(), ("sex",)])

    with pytest.raises(queries.Unavailable, match="never mixed"):
        acceptance(public=True, dimensions=("sex", "age_band"))
    assert acceptance(public=True, dimensions=("sex", "age_band"), from_snapshot=False).source == queries.LIVE


def test_it_says_the_totals_are_out_of_date_when_only_a_stale_snapshot_holds_them(personas):
    answered(personas, to=personas.org_b, accepted=6, declined=6)
    indicator = Indicator.objects.get(code=CODE, version=1)
    snapshots_compute(periods=[PERIOD], scopes=[Scope.network()], indicators=[indicator], dimension_sets=[()])
    Snapshot.objects.update(fingerprint="stored-in-an-older-format")

    with pytest.raises(queries.Unavailable, match=f"The totals stored for {PERIOD.key} are out of date"):
        acceptance(public=True)


def test_it_offers_pairs_with_sex_only_with_a_clear_message(personas):
    with pytest.raises(ValueError, match="only with Sex"):
        acceptance(membership=member(personas.coordinator), dimensions=("age_band", "disability"))


def test_the_dashboard_form_refuses_a_pair_without_sex_with_a_clear_message(personas, login_as):
    signed_in = login_as(personas.coordinator)
    path = reverse("indicators:network") + f"?period={PERIOD.key}&indicator={CODE}"

    refused = signed_in.get(path + "&by=age_band&and_by=disability")
    turned = signed_in.get(path + "&by=age_band&and_by=sex")

    assert refused.status_code == 400
    assert "offered together only with Sex" in refused.content.decode()
    assert turned.status_code == 200


def test_the_daily_run_stores_sex_with_every_other_dimension_and_for_the_network_each_by_organization(personas):
    indicator = Indicator.objects.get(code=CODE, version=1)
    with_sex = [("sex", key) for key in indicator.dimensions if key != "sex"]
    by_organization = [(key, "organization") for key in indicator.dimensions if key not in ("sex", "organization")]

    for_one = [keys for keys in default_dimension_sets(indicator, Scope.of(1)) if len(keys) == 2]
    for_network = [keys for keys in default_dimension_sets(indicator, Scope.network()) if len(keys) == 2]

    assert for_one == with_sex
    assert for_network == with_sex + by_organization
    with pytest.raises(ValueError, match="only with Sex"):
        queries.indicator_values(
            membership=member(personas.coordinator), period=PERIOD, dimensions=("age_band", "organization")
        )


# ---------------------------------------------------------------------------------------------
# Coordinators across scopes: an organization's figures are its column of the network's table


def three_organizations_by_sex(personas):
    """Accepted referrals of women: 10 at A, 8 at B, 2 at the third; of men, 6 at each."""
    third = personas.org_other
    for to, women in ((personas.org_a, 10), (personas.org_b, 8), (third, 2)):
        answered(personas, to=to, accepted=women, declined=0, sex=Sex.FEMALE)
        answered(personas, to=to, accepted=6, declined=0, sex=Sex.MALE)
    return (personas.org_a, personas.org_b, third)


def test_a_coordinator_cannot_take_the_other_organizations_from_the_network(personas):
    """Protected on their own, A's and B's tables showed 10 and 8 women and the network 20: the
    third organization's hidden 2 was 20 − 10 − 8."""
    organizations = three_organizations_by_sex(personas)
    coordinator = member(personas.coordinator)

    network = acceptance(membership=coordinator, dimensions=("sex",))
    own = {
        organization.pk: rows_of(acceptance(membership=coordinator, scope=Scope.of(organization), dimensions=("sex",)))
        for organization in organizations
    }

    assert rows_of(network)["female"].numerator == 20
    women = [own[organization.pk]["female"].numerator for organization in organizations]
    assert women[2] is None
    assert women.count(None) >= 2  # never exactly one hidden where the network's cell is shown
    assert all(value in (None, 10, 8, 2) for value in women)
    staff = rows_of(acceptance(membership=member(personas.caseworker_b), dimensions=("sex",)))
    assert staff["female"].numerator == 8  # the organization's own staff: its table alone


def test_an_organization_s_total_for_a_coordinator_agrees_with_the_network_by_organization(personas):
    organizations = three_organizations_by_sex(personas)
    coordinator = member(personas.coordinator)
    by_organization = rows_of(acceptance(membership=coordinator, dimensions=("organization",)))

    for organization in organizations:
        alone = acceptance(membership=coordinator, scope=Scope.of(organization))
        assert alone.total == by_organization[str(organization.pk)]
        assert alone.scope == Scope.of(organization)


def test_a_coordinator_sees_one_organization_and_one_breakdown_at_a_time(personas):
    coordinator = member(personas.coordinator)
    both = Scope.of(personas.org_a, personas.org_b)

    with pytest.raises(ValueError, match="one organization at a time"):
        acceptance(membership=coordinator, scope=both)
    with pytest.raises(ValueError, match="one disaggregation at a time"):
        acceptance(membership=coordinator, scope=Scope.of(personas.org_a), dimensions=("sex", "age_band"))
    pair = acceptance(membership=member(personas.caseworker_b), dimensions=("sex", "age_band"))
    assert pair.scope == Scope.of(personas.org_b)  # the organization's own staff keep their pairs


def test_a_coordinator_reads_an_organization_from_the_network_s_stored_tables(personas):
    organizations = three_organizations_by_sex(personas)
    indicator = Indicator.objects.get(code=CODE, version=1)
    snapshots_compute(periods=[PERIOD], scopes=[Scope.network()], indicators=[indicator])
    coordinator = member(personas.coordinator)

    table = acceptance(membership=coordinator, scope=Scope.of(organizations[0]), dimensions=("age_band",))

    assert table.source == queries.SNAPSHOT
    assert table.total.numerator == 16


# ---------------------------------------------------------------------------------------------
# B1: months frozen; frozen figures never silently rewritten


def test_each_run_freezes_the_snapshots_of_periods_over_long_enough(personas, settings):
    settings.INDICATOR_FREEZE_DAYS = 60
    answered(personas, to=personas.org_b, accepted=6, declined=6)
    indicator = Indicator.objects.get(code=CODE, version=1)
    soon_after = timezone.make_aware(datetime.datetime.combine(PERIOD.after, datetime.time(12)))
    snapshots_compute(periods=[PERIOD], scopes=[Scope.network()], indicators=[indicator], now=soon_after)
    assert not Snapshot.objects.filter(frozen_at__isnull=False).exists()

    later = soon_after + datetime.timedelta(days=61)
    next_month = Period.containing(PeriodKind.MONTH, later.date())
    result = snapshots_compute(periods=[next_month], scopes=[Scope.network()], indicators=[indicator], now=later)

    assert result["newly_frozen"] == Snapshot.objects.filter(period_start=PERIOD.start).count() > 0
    assert not Snapshot.objects.filter(period_start=PERIOD.start, frozen_at__isnull=True).exists()


def test_the_command_leaves_frozen_figures_alone_unless_told_and_audits_it(personas, settings):
    settings.INDICATOR_FREEZE_DAYS = 0
    answered(personas, to=personas.org_b, accepted=6, declined=6)
    arguments = ["--period", PERIOD.key, "--network", "--indicator", CODE, "--dimensions", ""]
    call_command("indicators_compute", *arguments, stdout=StringIO())
    answered(personas, to=personas.org_b, accepted=5, declined=0)

    out = StringIO()
    call_command("indicators_compute", *arguments, stdout=out)
    assert "frozen and were left as they were" in out.getvalue()
    assert acceptance(membership=member(personas.coordinator)).total.denominator == 12
    assert not AuditEvent.objects.filter(action="indicators.frozen_snapshots_recomputed").exists()

    out = StringIO()
    call_command("indicators_compute", *arguments, "--recompute-frozen", stdout=out)
    assert "frozen snapshots recomputed" in out.getvalue()
    assert acceptance(membership=member(personas.coordinator)).total.denominator == 17
    assert AuditEvent.objects.filter(action="indicators.frozen_snapshots_recomputed").count() == 1


# ---------------------------------------------------------------------------------------------
# L6: categories changed since a snapshot


def test_a_median_of_merged_keys_is_hidden():
    indicator = Indicator(
        code="x", version=1, unit="median_days", numerator="referral_days_to_service", dimensions=["age_band"]
    )
    medians = {("0-17",): (20, 10.0), ("18-59",): (15, 12.0), ("unknown",): (2, 93.0), ("*",): (37, 11.0)}
    people = {key: base for key, (base, _days) in medians.items()}
    bands = [key for key, _label in DIMENSIONS["age_band"].categories(None)]

    _cells, rows, _columns, total = queries.protect(
        indicator, queries.Raw(numerator={}, medians=medians, people=people), [bands], 5
    )

    unknown = dict(zip(bands, rows, strict=True))["unknown"]
    assert unknown.denominator == 37
    assert unknown.value is None and unknown.suppressed
    assert total.value == 11.0


def test_a_snapshot_stored_under_other_age_bands_is_not_read(personas, settings):
    answered(personas, to=personas.org_b, accepted=6, declined=6)
    indicator = Indicator.objects.get(code=CODE, version=1)
    snapshots_compute(periods=[PERIOD], scopes=[Scope.network()], indicators=[indicator])
    before = fingerprint(("age_band",))
    settings.INDICATOR_AGE_BANDS = (("0-17", ("0-4", "5-11", "12-17")), ("18+", ("18-24", "25-59", "60+")))

    assert fingerprint(("age_band",)) != before
    assert acceptance(public=True, dimensions=("sex",)).source == queries.SNAPSHOT
    with pytest.raises(queries.Unavailable):
        acceptance(public=True, dimensions=("age_band",))


# ---------------------------------------------------------------------------------------------
# B3: progress


def test_no_progress_figure_for_lower_is_better_without_a_baseline_and_negative_progress_shown(personas, settings):
    settings.SMALL_CELL_THRESHOLD = 3
    crafted.referral_days_to_service(personas)  # median 5.0 days
    coordinator = member(personas.coordinator)
    days = Indicator.objects.get(code="referral_days_to_service", version=1)
    target_set(actor=personas.coordinator, membership=coordinator, indicator=days, period=PERIOD, target="4")

    (found,) = queries.progress(membership=coordinator, period=PERIOD)
    assert (found.value, found.achieved, found.reached) == (5.0, None, False)

    target_set(
        actor=personas.coordinator, membership=coordinator, indicator=days, period=PERIOD, target="2", baseline="4"
    )
    (found,) = queries.progress(membership=coordinator, period=PERIOD)
    assert found.achieved == -0.5  # worse than the baseline: said so, not 0 %


def test_a_target_is_one_per_indicator_whatever_the_version(personas):
    coordinator = member(personas.coordinator)
    first = Indicator.objects.get(code=CODE, version=1)
    second = Indicator.objects.get(pk=first.pk)
    second.pk, second.version = None, 2
    second.save()
    target_set(actor=personas.coordinator, membership=coordinator, indicator=first, period=PERIOD, target="50")
    target_set(actor=personas.coordinator, membership=coordinator, indicator=second, period=PERIOD, target="60")

    found = queries.progress(membership=coordinator, period=PERIOD)

    assert [(entry.indicator.version, entry.target.target) for entry in found] == [(2, 60)]


# ---------------------------------------------------------------------------------------------
# Donors


def test_a_donor_funding_one_organization_sees_none_of_its_figures(personas):
    answered(personas, to=personas.org_b, accepted=9, declined=9)
    donor = member(personas.donor)
    fund(donor_organization(personas), personas.org_b)

    assert funded.funded_values(membership=donor, period=PERIOD, indicators=[CODE]) == (None, ())

    fund(donor_organization(personas), personas.org_a)
    scope, (table,) = funded.funded_values(membership=donor, period=PERIOD, indicators=[CODE])
    assert scope == Scope.of(personas.org_a, personas.org_b)
    assert table.total.denominator == 18


# ---------------------------------------------------------------------------------------------
# B4: definitions


def test_a_goal_not_yet_due_is_not_counted_as_due(personas):
    case = a_client(personas)
    crafted.goal(case, target_date=PERIOD.start, status=Goal.Status.IN_PROGRESS)  # passed: due
    crafted.goal(case, target_date=PERIOD.end, status=Goal.Status.ACHIEVED)  # achieved early: due
    crafted.goal(case, target_date=PERIOD.end, status=Goal.Status.IN_PROGRESS)  # still ahead: not yet
    middle = timezone.make_aware(datetime.datetime.combine(PERIOD.start + datetime.timedelta(days=10), datetime.time()))
    Consent.objects.filter(client=case.client).update(recorded_at=middle - datetime.timedelta(days=5))

    found = measures.count(measures.get("goals_due"), Context(period=PERIOD, now=middle), Scope.network())

    assert found.units[()] == 2


def test_employment_counts_six_months_after_closure_even_over_a_year(personas):
    year = Period.containing(PeriodKind.YEAR, PERIOD.start).previous()
    case = a_client(personas)
    closed = timezone.make_aware(datetime.datetime.combine(year.start, datetime.time(12))) - datetime.timedelta(
        days=measures.SIX_MONTHS - 10
    )
    crafted.update(case, status=CaseStatus.CLOSED, closed_at=closed)
    crafted.milestone(case, Milestone.Kind.EMPLOYED, closed.date() + datetime.timedelta(days=300))
    context = Context(period=year, now=timezone.now())

    closed_count = measures.count(measures.get("closed_6_months_ago"), context, Scope.network()).units[()]
    employed = measures.count(measures.get("employed_6_months_after_closure"), context, Scope.network()).units[()]

    assert (closed_count, employed) == (1, 0)
