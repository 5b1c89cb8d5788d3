"""Baseline against follow-up: change, better or worse, meaningful, band change, in a small table."""

import datetime

import pytest
from django.utils import timezone

from caseway.clients.assessment_services import assessment_record
from caseway.clients.models import Assessment, DataCategory
from caseway.clients.tests.assessments_helpers import (
    an_assessment,
    assert_refusals,
    case_at_a,
    count_queries,
    member,
    referral_case,
    url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return case_at_a(personas)


def phq9(user, case, total, *, stage="follow_up", days_ago=0):
    """A PHQ-9 result with score ``total`` (items filled with 3s, then the rest)."""
    answers = {}
    for number in range(1, 10):
        answers[f"q{number}"] = min(3, total)
        total -= answers[f"q{number}"]
    assessment = an_assessment(user, case, stage=stage, **answers)
    if days_ago:
        Assessment.objects.filter(pk=assessment.pk).update(
            assessed_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
    return assessment


def compare_url(case, code="phq9", **params):
    from urllib.parse import urlencode

    return url("assessment_compare", case, code=code) + (f"?{urlencode(params)}" if params else "")


def test_it_refuses_everyone_but_the_organizations_staff(client, personas, case):
    assert_refusals(client, personas, compare_url(case))


def test_it_compares_the_baseline_with_the_latest_follow_up(personas, login_as, case):
    phq9(personas.caseworker_a, case, 15, stage="baseline", days_ago=60)
    phq9(personas.caseworker_a, case, 12, days_ago=30)
    phq9(personas.caseworker_a, case, 8)

    response = login_as(personas.caseworker_a).get(compare_url(case))

    comparison = response.context["comparison"]
    assert (comparison.change, comparison.improved, comparison.meaningful) == (-7, True, True)
    assert comparison.band_change == ("moderately_severe", "mild")
    table = response.content.decode().split('id="comparison"')[1].split("</table>")[0]
    assert ">15</td>" in table and ">8</td>" in table and "<strong>-7</strong>" in table
    assert "Moderately severe depression" in table and "Mild depression" in table
    page = response.content.decode()
    assert "Better." in page and "A meaningful change (at least 5 points)." in page
    assert "From “Moderately severe depression” to “Mild depression”." in page
    assert page.count("<meter") == 3  # every result over time, no chart library
    assert "<script" not in page.split("</head>")[1]


def test_it_says_when_the_change_is_worse_and_not_meaningful(personas, login_as, case):
    phq9(personas.caseworker_a, case, 6, stage="baseline", days_ago=10)
    phq9(personas.caseworker_a, case, 9)
    response = login_as(personas.caseworker_a).get(compare_url(case))
    comparison = response.context["comparison"]
    assert (comparison.change, comparison.improved, comparison.meaningful, comparison.band_change) == (
        3,
        False,
        False,
        None,
    )
    page = response.content.decode()
    assert "Worse." in page and "Less than a meaningful change (5 points)." in page and "+3" in page


def test_a_higher_score_is_better_on_who5(personas, login_as, case):
    low = dict.fromkeys(("q1", "q2", "q3", "q4", "q5"), 1)
    high = dict.fromkeys(("q1", "q2", "q3", "q4", "q5"), 4)
    baseline = an_assessment_of(personas, case, "who5", low, "baseline")
    Assessment.objects.filter(pk=baseline.pk).update(assessed_at=timezone.now() - datetime.timedelta(days=30))
    an_assessment_of(personas, case, "who5", high, "follow_up")

    response = login_as(personas.caseworker_a).get(compare_url(case, "who5"))
    assert (response.context["comparison"].change, response.context["comparison"].improved) == (60, True)
    assert "A higher score is better." in response.content.decode()


def an_assessment_of(personas, case, code, answers, stage):
    user = personas.caseworker_a
    return assessment_record(
        actor=user, membership=member(user), case=case, instrument_code=code, answers=answers, stage=stage
    )


def test_it_compares_the_two_results_chosen(personas, login_as, case):
    first = phq9(personas.caseworker_a, case, 20, stage="baseline", days_ago=60)
    second = phq9(personas.caseworker_a, case, 14, days_ago=30)
    phq9(personas.caseworker_a, case, 2)

    response = login_as(personas.caseworker_a).get(compare_url(case, baseline=first.pk, followup=second.pk))
    assert response.status_code == 200
    assert response.context["comparison"].change == -6


@pytest.mark.parametrize("which", ["same", "reversed", "unknown"])
def test_it_refuses_a_bad_choice_with_an_error_and_shows_the_default(personas, login_as, case, which):
    first = phq9(personas.caseworker_a, case, 20, stage="baseline", days_ago=60)
    second = phq9(personas.caseworker_a, case, 14)
    params = {
        "same": {"baseline": first.pk, "followup": first.pk},
        "reversed": {"baseline": second.pk, "followup": first.pk},
        "unknown": {"baseline": first.pk, "followup": "not-a-result"},
    }[which]
    response = login_as(personas.caseworker_a).get(compare_url(case, **params))
    assert response.status_code == 400
    assert response.context["form"].errors
    assert response.context["comparison"].change == -6  # the default pair


def test_another_cases_result_cannot_be_chosen(personas, login_as, case):
    phq9(personas.caseworker_a, case, 10, stage="baseline", days_ago=3)
    mine = phq9(personas.caseworker_a, case, 5)
    foreign = phq9(personas.caseworker_a, case_at_a(personas), 27)
    response = login_as(personas.caseworker_a).get(compare_url(case, baseline=foreign.pk, followup=mine.pk))
    assert response.status_code == 400
    assert ">27<" not in response.content.decode()


def test_it_asks_for_a_follow_up_when_there_is_only_one_result(personas, login_as, case):
    phq9(personas.caseworker_a, case, 10, stage="baseline")
    response = login_as(personas.caseworker_a).get(compare_url(case))
    assert response.status_code == 200
    assert "Two results are needed to compare" in response.content.decode()


def test_it_answers_404_for_an_instrument_in_a_category_not_shared(personas, login_as, case):
    referred = referral_case(
        case, personas.org_b, categories=[DataCategory.NEEDS], recorded_by=member(personas.caseworker_a)
    )
    client = login_as(personas.caseworker_b)
    assert client.get(compare_url(referred, "phq9")).status_code == 404
    assert client.get(compare_url(referred, "needs")).status_code == 200
    assert client.get(compare_url(referred, "nope")).status_code == 404


def test_it_costs_the_same_number_of_queries_whatever_the_results(personas, login_as, case):
    client = login_as(personas.caseworker_a)
    phq9(personas.caseworker_a, case, 10, stage="baseline", days_ago=10)
    phq9(personas.caseworker_a, case, 5)
    few, _response = count_queries(lambda: client.get(compare_url(case)))
    for total in range(6):
        phq9(personas.caseworker_a, case, total)
    many, _response = count_queries(lambda: client.get(compare_url(case)))
    assert many == few


def test_a_baseline_recorded_last_is_not_compared_with_itself(personas, login_as, case):
    phq9(personas.caseworker_a, case, 12, days_ago=20)
    phq9(personas.caseworker_a, case, 4, stage="baseline")
    response = login_as(personas.caseworker_a).get(compare_url(case))
    assert response.context["comparison"].change == -8
