"""Every shipped indicator against a small crafted data set with known answers (``crafted.py``),
counting only clients who agreed to statistics, with a fixed number of queries."""

import pytest

from caseway.indicators import measures, queries
from caseway.indicators.models import Indicator, Unit
from caseway.indicators.periods import Scope
from caseway.indicators.tests import crafted
from caseway.indicators.tests.crafted import PERIOD

pytestmark = pytest.mark.django_db


def _answer(indicator, raw) -> dict:
    if indicator.unit == Unit.MEDIAN_DAYS:
        return {"median": raw.medians.get(())}
    answer = {indicator.numerator: raw.numerator.get((), 0)}
    if indicator.denominator:
        answer[indicator.denominator] = raw.denominator.get((), 0)
    return answer


def test_it_ships_at_least_fifteen_indicators_each_with_a_crafted_test():
    codes = set(Indicator.objects.values_list("code", flat=True))

    assert len(codes) >= 15
    assert codes == set(crafted.BUILDERS)


def test_it_ships_indicators_whose_measures_and_dimensions_exist():
    for indicator in Indicator.objects.all():
        assert indicator.numerator in measures.REGISTRY
        assert not indicator.denominator or indicator.denominator in measures.REGISTRY
        assert measures.REGISTRY[indicator.numerator].median is (indicator.unit == Unit.MEDIAN_DAYS)
        queries.check_dimensions(indicator, ())
        for key in indicator.dimensions:
            queries.check_dimensions(indicator, (key,))
        assert indicator.localized_name("en") and indicator.localized_definition("en")
        assert indicator.hxl.startswith("#")


@pytest.mark.parametrize("code", sorted(crafted.BUILDERS))
def test_it_computes_each_indicator_on_crafted_data(personas, code, django_assert_max_num_queries):
    expected = crafted.BUILDERS[code](personas)
    indicator = Indicator.objects.get(code=code, version=1)

    with django_assert_max_num_queries(2):
        raw = queries.compute(indicator, period=PERIOD, scope=Scope.network())

    assert _answer(indicator, raw) == expected


@pytest.mark.parametrize("code", sorted(crafted.BUILDERS))
def test_it_never_counts_clients_without_statistics_consent(personas, code):
    crafted.BUILDERS[code](personas)
    indicator = Indicator.objects.get(code=code, version=1)
    before = queries.compute(indicator, period=PERIOD, scope=Scope.network())
    assert any(_answer(indicator, before).values())
    from caseway.clients.models import Case

    for case in Case.objects.select_related("client"):
        crafted.stop_counting(case, personas)

    after = queries.compute(indicator, period=PERIOD, scope=Scope.network())

    assert set(_answer(indicator, after).values()) <= {0, None}


@pytest.mark.parametrize("code", sorted(crafted.BUILDERS))
def test_it_computes_each_indicator_by_two_dimensions_in_the_same_number_of_queries(
    personas, code, django_assert_max_num_queries
):
    crafted.BUILDERS[code](personas)
    indicator = Indicator.objects.get(code=code, version=1)
    whole = queries.compute(indicator, period=PERIOD, scope=Scope.network())
    keys = tuple(indicator.dimensions[:2])

    with django_assert_max_num_queries(2):
        split = queries.compute(indicator, period=PERIOD, scope=Scope.network(), dimensions=keys)

    if indicator.unit == Unit.MEDIAN_DAYS:
        assert split.medians[("*", "*")] == whole.medians[()]
    else:
        assert sum(split.numerator.values()) == whole.numerator[()]
        if indicator.denominator:
            assert sum(split.denominator.values()) == whole.denominator[()]


def test_it_shows_names_and_definitions_in_the_active_language_falling_back_to_english():
    from django.utils import translation

    indicator = Indicator.objects.get(code="referral_acceptance_rate", version=1)
    # Arabic left out on purpose (the library has it since 0004) to see the fallback to English.
    indicator.definition = {"en": indicator.definition["en"], "fr": "Part des orientations acceptées."}

    with translation.override("fr"):
        assert indicator.localized_name() == "Taux d'acceptation des orientations"
        assert indicator.localized_definition() == "Part des orientations acceptées."
    with translation.override("ar"):
        assert indicator.localized_name() == "معدل قبول الإحالات"
        assert indicator.localized_definition() == indicator.definition["en"]
    assert indicator.localized_name("sw") == "Referral acceptance rate"


def test_it_keeps_every_version_of_an_indicator_and_refuses_a_duplicate():
    from django.db import IntegrityError, transaction

    first = Indicator.objects.get(code="deadlines_met", version=1)
    first.pk, first.version = None, 2
    first.save()

    assert list(Indicator.objects.filter(code="deadlines_met").values_list("version", flat=True)) == [1, 2]
    first.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        first.save()
