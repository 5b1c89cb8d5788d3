"""GBVIMS incident classification (first yes wins, in the tool's order) and the PEP window."""

import datetime

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from caseway.clients import gbvims

UTC = datetime.UTC
ALL_NO = dict.fromkeys(gbvims.QUESTION_KEYS, False)


def test_it_asks_the_six_questions_in_the_order_of_the_classification_tool():
    assert [question.incident_type for question in gbvims.QUESTIONS] == [
        "rape",
        "sexual_assault",
        "physical_assault",
        "forced_marriage",
        "denial_of_resources",
        "psychological_abuse",
    ]


@pytest.mark.parametrize("position", range(6))
def test_it_classifies_by_the_first_yes(position):
    question = gbvims.QUESTIONS[position]
    answers = ALL_NO | {question.key: True}
    assert gbvims.classify(answers) == question.incident_type


@pytest.mark.parametrize("position", range(6))
def test_it_ignores_every_answer_after_the_first_yes(position):
    question = gbvims.QUESTIONS[position]
    answers = ALL_NO | dict.fromkeys(gbvims.QUESTION_KEYS[position:], True)
    assert gbvims.classify(answers) == question.incident_type


def test_it_classifies_rape_with_beatings_and_threats_as_rape():
    answers = ALL_NO | {"penetration": True, "physical_assault": True, "psychological_abuse": True}
    assert gbvims.classify(answers) == gbvims.RAPE


def test_it_needs_no_answer_after_the_first_yes():
    assert gbvims.classify({"penetration": False, "unwanted_sexual_contact": True}) == gbvims.SEXUAL_ASSAULT
    assert gbvims.classify({"penetration": True}) == gbvims.RAPE


def test_it_classifies_an_incident_with_no_yes_as_not_gbv():
    assert gbvims.classify(ALL_NO) == gbvims.NON_GBV


def test_it_refuses_to_guess_when_an_earlier_question_is_unanswered():
    with pytest.raises(ValueError, match="unwanted_sexual_contact"):
        gbvims.classify({"penetration": False, "unwanted_sexual_contact": None, "physical_assault": True})
    with pytest.raises(ValueError, match="psychological_abuse"):
        gbvims.classify(dict.fromkeys(gbvims.QUESTION_KEYS[:5], False))


def test_it_refuses_unknown_questions_and_answers_that_are_not_yes_or_no():
    with pytest.raises(ValueError, match="rape"):
        gbvims.classify(ALL_NO | {"rape": True})
    with pytest.raises(ValueError, match="penetration"):
        gbvims.classify(ALL_NO | {"penetration": "yes"})
    with pytest.raises(ValueError, match="penetration"):
        gbvims.classify(ALL_NO | {"penetration": 1})
    with pytest.raises(ValueError):
        gbvims.classify([True])


def test_it_labels_every_type_and_context():
    assert set(gbvims.INCIDENT_TYPES) == {*gbvims.GBV_TYPES, gbvims.NON_GBV}
    assert set(gbvims.CONTEXTS) == {
        "crsv",
        "intimate_partner_violence",
        "trafficking",
        "child_sexual_abuse",
        "early_marriage",
        "harmful_traditional_practice",
        "sexual_exploitation_abuse",
        "other",
    }
    assert str(gbvims.incident_type_label("rape")) == "Rape"
    assert str(gbvims.context_label("crsv")) == "Conflict-related sexual violence"
    with translation.override("fr"):
        assert all(str(label) for _code, label in gbvims.INCIDENT_TYPE_CHOICES + gbvims.CONTEXT_CHOICES)
    with pytest.raises(ValueError):
        gbvims.incident_type_label("assault")
    with pytest.raises(ValueError):
        gbvims.context_label("war")


def test_it_keeps_codes_within_the_width_of_the_incident_fields():
    assert max(len(code) for code in gbvims.INCIDENT_TYPES) <= 24
    assert max(len(code) for code in gbvims.CONTEXTS) <= 30


def test_it_cleans_context_codes():
    assert gbvims.clean_contexts(["other", "crsv", "crsv"]) == ["crsv", "other"]
    assert gbvims.clean_contexts([]) == []
    with pytest.raises(ValueError, match="war"):
        gbvims.clean_contexts(["crsv", "war"])


# ---------------------------------------------------------------------------------------------
# PEP window

REPORTED = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def test_it_flags_an_incident_exactly_72_hours_before_the_report():
    assert gbvims.is_within_pep_window(REPORTED - datetime.timedelta(hours=72), REPORTED)


def test_it_does_not_flag_an_incident_just_over_72_hours_before():
    assert not gbvims.is_within_pep_window(REPORTED - datetime.timedelta(hours=72, seconds=1), REPORTED)


def test_it_flags_an_incident_reported_at_once():
    assert gbvims.is_within_pep_window(REPORTED, REPORTED)


def test_it_compares_times_in_different_zones():
    kabul = datetime.timezone(datetime.timedelta(hours=4, minutes=30))
    incident = datetime.datetime(2026, 3, 7, 13, 30, tzinfo=kabul)  # 09:00 UTC, 72 h before
    assert gbvims.is_within_pep_window(incident, REPORTED)
    assert not gbvims.is_within_pep_window(incident - datetime.timedelta(seconds=1), REPORTED)


def test_it_counts_a_date_without_time_as_late_as_that_day_ends_anywhere():
    # 7 March ends last at UTC−12, at 8 March 12:00 UTC; 72 h later is 11 March 12:00 UTC.
    day = datetime.date(2026, 3, 7)
    assert gbvims.is_within_pep_window(day, datetime.datetime(2026, 3, 11, 12, 0, tzinfo=UTC))
    assert not gbvims.is_within_pep_window(day, datetime.datetime(2026, 3, 11, 12, 0, 1, tzinfo=UTC))


def test_it_flags_a_date_three_days_before_the_report():
    assert gbvims.is_within_pep_window(datetime.date(2026, 3, 7), REPORTED)
    assert gbvims.is_within_pep_window(datetime.date(2026, 3, 10), REPORTED)
    assert not gbvims.is_within_pep_window(datetime.date(2026, 3, 5), REPORTED)


def test_it_handles_naive_times_without_zones():
    reported = datetime.datetime(2026, 3, 10, 9, 0)
    assert gbvims.is_within_pep_window(datetime.datetime(2026, 3, 7, 9, 0), reported)
    assert gbvims.is_within_pep_window(datetime.date(2026, 3, 7), reported)
    assert not gbvims.is_within_pep_window(datetime.date(2026, 3, 6), reported)


def test_it_refuses_an_incident_after_the_report():
    with pytest.raises(ValueError):
        gbvims.is_within_pep_window(REPORTED + datetime.timedelta(minutes=1), REPORTED)
    with pytest.raises(ValueError):
        gbvims.is_within_pep_window(datetime.date(2026, 3, 12), REPORTED)


def test_it_refuses_mixing_aware_and_naive_times():
    with pytest.raises(ValueError):
        gbvims.is_within_pep_window(datetime.datetime(2026, 3, 9, 9, 0), REPORTED)


def test_it_refuses_what_is_not_a_date():
    with pytest.raises(TypeError):
        gbvims.is_within_pep_window("2026-03-09", REPORTED)
    with pytest.raises(TypeError):
        gbvims.is_within_pep_window(datetime.date(2026, 3, 9), datetime.date(2026, 3, 10))


def test_it_knows_the_emergency_contraception_window_of_120_hours():
    assert gbvims.is_within_emergency_contraception_window(REPORTED - datetime.timedelta(hours=120), REPORTED)
    assert not gbvims.is_within_emergency_contraception_window(REPORTED - datetime.timedelta(hours=121), REPORTED)


@given(
    reported=st.datetimes(
        min_value=datetime.datetime(2020, 1, 1), max_value=datetime.datetime(2030, 1, 1), timezones=st.just(UTC)
    ),
    elapsed=st.timedeltas(min_value=datetime.timedelta(0), max_value=datetime.timedelta(hours=72)),
    offset_minutes=st.integers(min_value=-12 * 60, max_value=14 * 60),
)
def test_it_flags_every_date_whose_incident_may_be_within_72_hours(reported, elapsed, offset_minutes):
    """Whatever the local time zone of the incident, its local date is flagged if its time would be."""
    zone = datetime.timezone(datetime.timedelta(minutes=offset_minutes))
    incident = (reported - elapsed).astimezone(zone)
    assert gbvims.is_within_pep_window(incident, reported)
    assert gbvims.is_within_pep_window(incident.date(), reported)
