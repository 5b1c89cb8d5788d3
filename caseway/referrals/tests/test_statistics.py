"""statistics.network_statistics: counted in the database, suppressed, consent respected, coordinators only."""

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caseway.clients.models import AgeBand, ConsentPurpose, Sex
from caseway.clients.tests.factories import give_consent
from caseway.directory.tests.factories import Admin1Factory, Admin2Factory, ServiceFactory, term
from caseway.referrals import statistics
from caseway.referrals.models import DeclineReason, Status, Urgency
from caseway.referrals.statistics import Filters, Period
from caseway.referrals.tests.helpers import member
from caseway.referrals.tests.statistics_helpers import DAY, HOUR, a_person, coordinator, referrals_of

pytestmark = pytest.mark.django_db


def _stats(personas, **filters):
    filters.setdefault("period", Period.default())
    return statistics.network_statistics(membership=coordinator(personas), filters=Filters(**filters))


def _table(result, key):
    return next(table for table in result.count_tables if table.key == key)


def _values(table) -> dict:
    return {line.key: line.value for line in table.lines}


def _figure(result, key):
    return next(figure.value for figure in result.figures if figure.key == key)


def test_it_counts_referrals_by_status_and_urgency_and_hides_small_cells(personas, settings):
    settings.SMALL_CELL_THRESHOLD = 5
    case = a_person(personas)
    referrals_of(personas, case, 12, status=Status.SENT)
    referrals_of(personas, case, 7, status=Status.COMPLETED, urgency=Urgency.HIGH, answered_after=HOUR)
    referrals_of(personas, case, 2, status=Status.WITHDRAWN)

    result = _stats(personas)

    status = _values(_table(result, "status"))
    assert status[Status.SENT] == 12
    assert status[Status.DECLINED] == 0  # a true zero is shown
    # 2 withdrawn is small; alone it would come back as 21 − 12 − 7, so the 7 is hidden with it.
    assert status[Status.WITHDRAWN] is None
    assert status[Status.COMPLETED] is None
    assert _table(result, "status").total == 21
    assert result.referrals == 21
    assert _values(_table(result, "urgency")) == {"emergency": 0, "high": 7, "normal": 14}


def test_it_never_counts_drafts_or_referrals_sent_outside_the_period(personas):
    case = a_person(personas)
    referrals_of(personas, case, 6)
    referrals_of(personas, case, 9, status=Status.DRAFT)
    referrals_of(personas, case, 8, sent_ago=120 * DAY)

    assert _stats(personas).referrals == 6
    today = timezone.localdate()
    longer = Period(start=today - datetime.timedelta(days=200), end=today)
    assert _stats(personas, period=longer).referrals == 14


def test_a_period_counts_its_first_and_last_days_whole(personas):
    case = a_person(personas)
    now = timezone.localtime()
    since_midnight = now - now.replace(hour=0, minute=0, second=0, microsecond=0)
    # Half-way through today so far: a run just after midnight still sends them today.
    referrals_of(personas, case, 5, sent_ago=since_midnight / 2)
    today = timezone.localdate(now)

    assert _stats(personas, period=Period(start=today, end=today)).referrals == 5
    yesterday = today - datetime.timedelta(days=1)
    assert _stats(personas, period=Period(start=yesterday, end=yesterday)).referrals == 0


def test_it_says_too_few_when_every_cell_is_small(personas):
    referrals_of(personas, a_person(personas), 3)

    result = _stats(personas)

    assert result.referrals is None
    assert all(table.all_hidden or table.total == 0 for table in result.referral_tables)
    assert _table(result, "decline_reason").total == 0


def test_it_filters_by_urgency_receiver_and_category(personas):
    case = a_person(personas)
    legal = ServiceFactory(organization=personas.org_b, categories=["legal.counselling"])
    health = ServiceFactory(organization=personas.org_other, categories=["health.cmr"])
    both = ServiceFactory(organization=personas.org_b, categories=["legal.counselling", "mhpss.counselling"])
    referrals_of(personas, case, 6, service=legal, urgency=Urgency.HIGH)
    referrals_of(personas, case, 7, service=health, receiver=personas.org_other)
    referrals_of(personas, case, 5, service=both)
    referrals_of(personas, case, 8)  # to organization B, no service named

    assert _stats(personas, urgency=Urgency.HIGH).referrals == 6
    assert _stats(personas, organization=personas.org_other).referrals == 7
    assert _stats(personas, category=term("legal")).referrals == 11
    categories = _values(_table(_stats(personas), "category"))
    assert categories["legal"] == 6
    assert categories["health"] == 7
    assert categories[statistics.SEVERAL] == 5
    assert categories[statistics.NOT_STATED] == 8
    assert categories["childcare"] == 0


def test_it_counts_by_month_with_every_month_of_the_period(personas):
    case = a_person(personas)
    today = timezone.localdate()
    referrals_of(personas, case, 6, sent_ago=DAY)

    period = Period(start=(today.replace(day=1) - datetime.timedelta(days=40)).replace(day=1), end=today)
    months = _table(_stats(personas, period=period), "month")

    assert len(months.lines) == 3
    assert months.lines[-1].key == f"{today.year:04d}-{today.month:02d}"
    assert [line.value for line in months.lines] in ([0, 0, 6], [0, 6, 0])  # the day before may be last month


def test_it_works_out_the_key_figures(personas):
    case = a_person(personas)
    referrals_of(personas, case, 10, status=Status.ACCEPTED, answered_after=2 * HOUR, due_after=24 * HOUR)
    referrals_of(personas, case, 5, status=Status.COMPLETED, answered_after=30 * HOUR, due_after=24 * HOUR)
    referrals_of(
        personas,
        case,
        5,
        status=Status.DECLINED,
        answered_after=4 * HOUR,
        due_after=24 * HOUR,
        decline_reason=DeclineReason.NO_CAPACITY,
    )
    referrals_of(personas, case, 6, status=Status.VIEWED, due_after=HOUR)  # overdue now

    result = _stats(personas)

    assert _figure(result, "acceptance_rate") == pytest.approx(15 / 20)
    assert _figure(result, "median_hours_to_answer") == 3.0  # the 10th and 11th of 2, 2, … 4, 4, … 30
    assert _figure(result, "answered_in_time") == pytest.approx(15 / 20)
    assert _figure(result, "overdue_now") == 6
    assert _values(_table(result, "decline_reason"))[DeclineReason.NO_CAPACITY] == 5


def test_it_hides_figures_over_too_few_referrals_or_that_give_back_a_small_count(personas):
    case = a_person(personas)
    referrals_of(personas, case, 18, status=Status.ACCEPTED, answered_after=HOUR)
    referrals_of(
        personas, case, 2, status=Status.DECLINED, answered_after=HOUR, decline_reason=DeclineReason.NOT_ELIGIBLE
    )
    referrals_of(personas, case, 3, status=Status.SENT, due_after=-HOUR)

    result = _stats(personas)

    assert _figure(result, "acceptance_rate") is None  # 18 of 20 would say 2 were declined
    assert _figure(result, "median_hours_to_answer") == 1.0
    assert _figure(result, "overdue_now") is None  # 3
    declines = _table(result, "decline_reason")
    assert declines.total is None  # the status table hides the 2 declined: so does this one
    assert declines.all_hidden


def test_it_lists_organization_pairs_suppressed_as_a_whole_table(personas):
    case = a_person(personas)
    referrals_of(personas, case, 9)
    referrals_of(personas, case, 2, receiver=personas.org_other)

    pairs = _table(_stats(personas), "organizations")

    values = {line.labels: line.value for line in pairs.lines}
    assert values[("ALR", "GCO")] is None
    assert values[("ALR", "BLA")] is None  # 11 − 9 would give the 2 back
    assert pairs.total == 11


def test_it_counts_people_only_with_their_consent_to_statistics_each_once(personas):
    counted = [a_person(personas, sex=Sex.FEMALE, age_band=AgeBand.AGE_18_24) for _ in range(6)]
    not_asked = a_person(personas, counted=False, sex=Sex.MALE)
    refused = a_person(personas, counted=False, sex=Sex.MALE)
    give_consent(refused.client, ConsentPurpose.STATISTICS, recorded_by=member(personas.caseworker_a), granted=False)
    for case in [*counted, not_asked, refused]:
        referrals_of(personas, case, 2)

    result = _stats(personas)

    assert result.referrals == 16
    assert result.people == 6
    cross = result.sex_and_age
    female = [key for key, _label in cross.rows].index(Sex.FEMALE)
    band = [key for key, _label in cross.columns].index(AgeBand.AGE_18_24)
    assert cross.cells[female][band] == 6
    assert cross.row_totals[[key for key, _label in cross.rows].index(Sex.MALE)] == 0
    assert _table(result, "disability").total == 6


def test_a_revoked_consent_to_statistics_stops_the_counting_at_once(personas):
    cases = [a_person(personas) for _ in range(6)]
    for case in cases:
        referrals_of(personas, case)
    assert _stats(personas).people == 6

    answer = cases[0].client.consents.get(purpose=ConsentPurpose.STATISTICS)
    answer.revoked_at = timezone.now() - datetime.timedelta(seconds=1)
    answer.save(update_fields=["revoked_at"])

    result = _stats(personas)
    assert result.people == 5
    assert result.referrals == 6


def test_it_counts_people_by_region_and_disability(personas):
    north, south = Admin1Factory(name="North"), Admin1Factory(name="South")
    district = Admin2Factory(parent=north)
    for _ in range(5):
        referrals_of(personas, a_person(personas, admin_area=district, has_disability=True))
    for _ in range(6):
        referrals_of(personas, a_person(personas, admin_area=south, has_disability=False))

    result = _stats(personas)

    regions = _values(_table(result, "region"))
    assert regions[north.pcode] == 5
    assert regions[south.pcode] == 6
    assert _values(_table(result, "disability")) == {"yes": 5, "no": 6, "unknown": 0}


def test_nothing_about_a_client_leaves_the_module(personas):
    cases = [a_person(personas, given_name="Zarifa") for _ in range(6)]
    for case in cases:
        referrals_of(personas, case, 2)

    text = repr(_stats(personas))

    for case in cases:
        assert case.client.code not in text
        assert str(case.client.pk) not in text
        assert str(case.client.pk.hex) not in text
        assert str(case.pk) not in text
    assert "Zarifa" not in text


def _queries(personas, **filters) -> int:
    with CaptureQueriesContext(connection) as queries:
        _stats(personas, **filters)
    return len(queries)


def test_it_counts_with_the_same_number_of_queries_whatever_the_number_of_referrals(personas):
    legal = ServiceFactory(organization=personas.org_b, categories=["legal.counselling"])
    referrals_of(personas, a_person(personas), 6, status=Status.ACCEPTED, answered_after=HOUR, service=legal)
    few = _queries(personas)
    few_filtered = _queries(personas, category=term("legal"), urgency=Urgency.NORMAL)

    health = ServiceFactory(organization=personas.org_other, categories=["health.cmr"])
    for index in range(12):
        case = a_person(personas, counted=index % 3 > 0, has_disability=index % 2 == 0)
        referrals_of(personas, case, 3, status=Status.DECLINED, answered_after=3 * HOUR, decline_reason="other")
        referrals_of(personas, case, 2, receiver=personas.org_other, service=health, urgency=Urgency.HIGH)

    assert _queries(personas) == few
    assert _queries(personas, category=term("legal"), urgency=Urgency.NORMAL) == few_filtered
    assert few <= 16


@pytest.mark.parametrize(
    "name", ["caseworker_a", "supervisor_a", "legal_officer_a", "admin_a", "monitor_a", "donor", "outsider"]
)
def test_it_answers_404_to_every_role_but_coordinators(personas, name):
    with pytest.raises(Http404):
        statistics.network_statistics(
            membership=member(getattr(personas, name)), filters=Filters(period=Period.default())
        )


def test_it_answers_404_to_a_deactivated_coordinator_and_to_nobody(personas):
    membership = coordinator(personas)
    membership.is_active = False
    with pytest.raises(Http404):
        statistics.network_statistics(membership=membership, filters=Filters(period=Period.default()))
    with pytest.raises(Http404):
        statistics.network_statistics(membership=None, filters=Filters(period=Period.default()))
