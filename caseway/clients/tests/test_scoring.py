"""Scoring of the shipped instruments against their published scoring rules, and the engine itself."""

import json

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from caseway.clients import instruments
from caseway.clients.scoring import AnswerError, Comparison, Result, Text, compare, parse_definition, score

PHQ9 = instruments.load("phq9")
GAD7 = instruments.load("gad7")
WHO5 = instruments.load("who5")
WG_SS = instruments.load("wg_ss")
NEEDS = instruments.load("needs")
RISK = instruments.load("risk")


def answers_summing_to(total, count, *, maximum=3, prefix="q", last_zero=False):
    """Answers q1..q<count> (0..maximum) adding up to ``total``, filled from the first item."""
    answers = {}
    remaining = total
    for number in range(1, count + 1):
        value = 0 if (last_zero and number == count) else min(maximum, remaining)
        answers[f"{prefix}{number}"] = value
        remaining -= value
    assert remaining == 0, "total out of reach"
    return answers


def phq9_answers(*values, **extra):
    return {f"q{number}": value for number, value in enumerate(values, 1)} | extra


def risk_answers(*yes):
    return {item.code: ("yes" if item.code in yes else "no") for item in RISK.items}


# ---------------------------------------------------------------------------------------------
# PHQ-9


def test_it_adds_up_phq9_items():
    result = score(PHQ9, phq9_answers(1, 2, 0, 3, 1, 1, 2, 0, 1))
    assert result.score == 11
    assert result.band == "moderate"
    assert result.instrument == "phq9"
    assert result.version == 1


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "none_minimal"),
        (4, "none_minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (24, "severe"),
    ],
)
def test_it_puts_phq9_totals_in_the_published_severity_bands(total, band):
    result = score(PHQ9, answers_summing_to(total, 9, last_zero=True))
    assert (result.score, result.band) == (total, band)


def test_it_reaches_the_phq9_maximum_of_27():
    result = score(PHQ9, answers_summing_to(27, 9))
    assert (result.score, result.band) == (27, "severe")


def test_it_flags_suicide_risk_when_phq9_item_9_is_above_zero():
    flagged = score(PHQ9, phq9_answers(0, 0, 0, 0, 0, 0, 0, 0, 1))
    assert flagged.flags == ("suicide_risk",)
    assert flagged.band == "none_minimal"  # the flag does not depend on the total
    assert "suicide_risk_assessment" in flagged.required_actions
    assert "alert_supervisor" in flagged.required_actions


def test_it_does_not_flag_suicide_risk_when_phq9_item_9_is_zero():
    result = score(PHQ9, phq9_answers(3, 3, 3, 3, 3, 3, 3, 3, 0))
    assert result.flags == ()
    assert "suicide_risk_assessment" not in result.required_actions


def test_it_keeps_the_phq9_difficulty_question_out_of_the_score():
    without = score(PHQ9, phq9_answers(1, 1, 1, 1, 1, 1, 1, 1, 0))
    with_answer = score(PHQ9, phq9_answers(1, 1, 1, 1, 1, 1, 1, 1, 0, difficulty=3))
    assert without.score == with_answer.score == 8
    assert with_answer.details["unscored"] == {"difficulty": 3}
    assert without.details["unscored"] == {}


def test_it_accepts_the_difficulty_answer_by_its_code():
    result = score(PHQ9, phq9_answers(1, 1, 1, 1, 1, 1, 1, 1, 0, difficulty="very_difficult"))
    assert result.details["unscored"] == {"difficulty": 2}


# ---------------------------------------------------------------------------------------------
# GAD-7


def test_it_adds_up_gad7_items():
    result = score(GAD7, {"q1": 2, "q2": 3, "q3": 2, "q4": 1, "q5": 0, "q6": 1, "q7": 3})
    assert (result.score, result.band) == (12, "moderate")


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_it_puts_gad7_totals_in_the_published_severity_bands(total, band):
    result = score(GAD7, answers_summing_to(total, 7))
    assert (result.score, result.band) == (total, band)


# ---------------------------------------------------------------------------------------------
# WHO-5


def test_it_multiplies_the_who5_raw_score_by_four():
    result = score(WHO5, {"q1": 3, "q2": 3, "q3": 2, "q4": 2, "q5": 2})
    assert result.details["raw"] == 12
    assert result.score == 48


@pytest.mark.parametrize(
    ("raw", "percentage", "band"),
    [(0, 0, "poor"), (12, 48, "poor"), (13, 52, "adequate"), (25, 100, "adequate")],
)
def test_it_bands_who5_at_a_raw_score_of_13(raw, percentage, band):
    result = score(WHO5, answers_summing_to(raw, 5, maximum=5))
    assert (result.details["raw"], result.score, result.band) == (raw, percentage, band)


def test_it_recommends_depression_screening_for_a_poor_who5_score():
    result = score(WHO5, {"q1": 3, "q2": 3, "q3": 2, "q4": 2, "q5": 2})
    assert result.required_actions == ("depression_assessment",)


def test_it_flags_a_who5_item_answered_0_or_1_even_with_an_adequate_score():
    for low in (0, 1):
        result = score(WHO5, {"q1": 5, "q2": 5, "q3": 5, "q4": low, "q5": 5})
        assert result.band == "adequate"
        assert result.flags == ("depression_screening",)
        assert result.required_actions == ("depression_assessment",)


def test_it_does_not_flag_who5_when_every_item_is_2_or_more():
    result = score(WHO5, {"q1": 2, "q2": 3, "q3": 3, "q4": 3, "q5": 2})
    assert result.flags == ()
    assert (result.score, result.band) == (52, "adequate")
    assert result.required_actions == ()


# ---------------------------------------------------------------------------------------------
# Washington Group Short Set

WG_NONE = dict.fromkeys(("seeing", "hearing", "walking", "cognition", "self_care", "communication"), 1)


def test_it_identifies_disability_from_one_domain_with_a_lot_of_difficulty():
    result = score(WG_SS, WG_NONE | {"walking": 3})
    assert result.band == "disability"
    assert result.score == 1
    assert result.details["difficulties"] == [{"item": "walking", "value": 3, "option": "a_lot_of_difficulty"}]
    assert result.details["accessibility_features"] == ["wheelchair", "accessible_toilet"]
    assert result.required_actions == ("accessibility_adjustments",)


def test_it_identifies_disability_from_a_domain_that_cannot_be_done_at_all():
    result = score(WG_SS, WG_NONE | {"hearing": "cannot_do_at_all"})
    assert result.band == "disability"
    assert result.details["accessibility_features"] == ["sign_language", "hearing_loop"]


def test_it_finds_no_disability_when_every_domain_has_only_some_difficulty():
    result = score(WG_SS, dict.fromkeys(WG_NONE, 2))
    assert result.band == "no_disability"
    assert result.score == 0
    assert result.details["difficulties"] == []
    assert result.details["accessibility_features"] == []


def test_it_lists_every_wg_domain_at_3_or_more_and_their_features_once():
    result = score(WG_SS, {**WG_NONE, "seeing": 4, "cognition": 3, "communication": 3, "self_care": 2})
    assert result.score == 3
    assert [entry["item"] for entry in result.details["difficulties"]] == ["seeing", "cognition", "communication"]
    assert result.details["accessibility_features"] == ["easy_read"]


# ---------------------------------------------------------------------------------------------
# Needs

NO_NEEDS = {item.code: "none" for item in NEEDS.items}


def test_it_counts_high_needs_and_lists_needs_by_priority():
    result = score(NEEDS, NO_NEEDS | {"housing": "low", "legal": "high", "health": "medium", "childcare": "high"})
    assert result.score == 2
    assert result.band == "high_needs"
    assert [(entry["item"], entry["option"]) for entry in result.details["needs"]] == [
        ("legal", "high"),
        ("childcare", "high"),
        ("health", "medium"),
        ("housing", "low"),
    ]
    assert result.required_actions == ("plan_referrals",)


def test_it_maps_needs_to_directory_service_categories():
    result = score(NEEDS, NO_NEEDS | {"civil_documentation": "medium", "mental_health": "low"})
    assert result.details["service_categories"] == ["legal.civil_documentation", "mhpss"]  # by priority


def test_it_has_no_high_needs_band_without_high_needs():
    result = score(NEEDS, NO_NEEDS | {"education": "medium"})
    assert (result.score, result.band) == (0, "no_high_needs")


def test_it_reaches_ten_high_needs():
    result = score(NEEDS, dict.fromkeys(NO_NEEDS, "high"))
    assert (result.score, result.band) == (10, "high_needs")


def test_it_flags_a_safety_need_for_a_risk_assessment():
    assert score(NEEDS, NO_NEEDS | {"safety": "medium"}).flags == ("safety_concern",)
    assert score(NEEDS, NO_NEEDS | {"safety": "low"}).flags == ()


# ---------------------------------------------------------------------------------------------
# Risk


def weights(*yes):
    return sum(RISK.rule.weights[code] for code in yes)


@pytest.mark.parametrize(
    ("yes", "band"),
    [
        ((), "low"),
        (("escalation", "children_at_risk"), "low"),  # 4
        (("threats_to_kill", "escalation"), "medium"),  # 5
        (("threats_to_kill", "escalation", "children_at_risk", "recent_violence_72h"), "medium"),  # 9
        (("escalation", "children_at_risk", "recent_violence_72h", "suicidal_thoughts", "fears_for_life"), "high"),
        (
            (
                "weapon",
                "escalation",
                "children_at_risk",
                "recent_violence_72h",
                "suicidal_thoughts",
                "fears_for_life",
                "perpetrator_access",
            ),
            "high",
        ),  # 15
        (
            (
                "threats_to_kill",
                "strangulation",
                "escalation",
                "children_at_risk",
                "recent_violence_72h",
                "suicidal_thoughts",
                "fears_for_life",
            ),
            "imminent",
        ),  # 16
    ],
)
def test_it_bands_risk_scores_on_both_sides_of_each_bound(yes, band):
    result = score(RISK, risk_answers(*yes))
    assert result.score == weights(*yes)
    assert result.details["band_from_score"] == band


def test_it_knows_the_risk_bounds_it_is_tested_at():
    assert [(band.min, band.max) for band in RISK.bands] == [(0, 4), (5, 9), (10, 15), (16, 26)]


def test_it_forces_imminent_on_threats_to_kill_with_access_and_no_safe_place_tonight():
    result = score(RISK, risk_answers("threats_to_kill", "perpetrator_access", "no_safe_place_tonight"))
    assert result.score == 7
    assert result.details["band_from_score"] == "medium"
    assert result.band == "imminent"
    assert result.details["overrides"] == ["threat_access_no_safe_place"]
    assert {"alert_supervisor", "safety_plan_required"} <= set(result.required_actions)


def test_it_does_not_force_imminent_on_two_of_the_three():
    result = score(RISK, risk_answers("threats_to_kill", "perpetrator_access"))
    assert result.band == "medium"
    assert result.details["overrides"] == []


def test_it_forces_imminent_when_the_client_fears_being_killed_tonight():
    result = score(RISK, risk_answers("fears_killed_tonight"))
    assert result.details["band_from_score"] == "low"
    assert result.band == "imminent"
    assert result.required_actions[:2] == ("alert_supervisor", "safety_plan_required")


def test_it_raises_threats_with_a_weapon_to_at_least_high():
    result = score(RISK, risk_answers("threats_to_kill", "weapon"))
    assert (result.score, result.details["band_from_score"], result.band) == (6, "medium", "high")


def test_it_never_lowers_a_band_with_an_override():
    yes = ("threats_to_kill", "strangulation", "escalation", "children_at_risk", "recent_violence_72h")
    result = score(RISK, risk_answers(*yes, "suicidal_thoughts", "fears_for_life"))
    assert result.details["overrides"] == ["strangulation"]  # at least high
    assert result.band == "imminent"


def test_it_flags_risk_items_that_call_for_their_own_protocols():
    result = score(RISK, risk_answers("suicidal_thoughts", "children_at_risk", "recent_violence_72h"))
    assert result.flags == ("suicide_risk", "children_at_risk", "recent_violence")
    assert {"suicide_risk_assessment", "child_protection_referral", "urgent_medical_care"} <= set(
        result.required_actions
    )
    assert [entry["item"] for entry in result.details["risk_factors"]] == [
        "children_at_risk",
        "recent_violence_72h",
        "suicidal_thoughts",
    ]


def test_it_lists_required_actions_once_band_first():
    result = score(RISK, risk_answers("fears_killed_tonight", "suicidal_thoughts"))
    assert result.required_actions.count("alert_supervisor") == 1
    assert result.required_actions[: len(RISK.band("imminent").required_actions)] == (
        RISK.band("imminent").required_actions
    )


# ---------------------------------------------------------------------------------------------
# Invalid answers


def test_it_names_a_missing_item():
    answers = phq9_answers(1, 1, 1, 1, 1, 1, 1, 1)
    with pytest.raises(ValueError, match="q9") as raised:
        score(PHQ9, answers)
    assert (raised.value.item, raised.value.reason) == ("q9", "missing")


def test_it_treats_an_empty_answer_as_missing():
    with pytest.raises(AnswerError, match="q3") as raised:
        score(PHQ9, phq9_answers(1, 1, "", 1, 1, 1, 1, 1, 1))
    assert raised.value.reason == "missing"


@pytest.mark.parametrize("value", [4, -1, "4", "3.0", 2.0, True, "often", [1]])
def test_it_refuses_a_value_out_of_range_or_of_the_wrong_kind(value):
    with pytest.raises(AnswerError, match="q4") as raised:
        score(PHQ9, phq9_answers(1, 1, 1, value, 1, 1, 1, 1, 1))
    assert (raised.value.item, raised.value.reason) == ("q4", "invalid")


def test_it_refuses_an_unknown_item():
    with pytest.raises(ValueError, match="q10") as raised:
        score(PHQ9, phq9_answers(1, 1, 1, 1, 1, 1, 1, 1, 1, q10=1))
    assert (raised.value.item, raised.value.reason) == ("q10", "unknown")


def test_it_refuses_answers_that_are_not_a_mapping():
    with pytest.raises(AnswerError):
        score(PHQ9, [1, 1, 1, 1, 1, 1, 1, 1, 1])


def test_it_accepts_decimal_strings_as_from_a_form():
    assert score(PHQ9, {f"q{n}": " 2 " for n in range(1, 10)}).score == 18


def test_it_refuses_an_invalid_optional_answer():
    with pytest.raises(AnswerError, match="difficulty"):
        score(PHQ9, phq9_answers(1, 1, 1, 1, 1, 1, 1, 1, 1, difficulty=7))


def test_it_names_the_item_in_a_translated_message_too():
    with translation.override("ar"), pytest.raises(AnswerError, match="q9"):
        score(PHQ9, phq9_answers(1, 1, 1, 1, 1, 1, 1, 1))


# ---------------------------------------------------------------------------------------------
# Comparison


def who5_result(raw):
    return score(WHO5, answers_summing_to(raw, 5, maximum=5))


def test_it_compares_who5_in_percentage_points():
    comparison = compare(WHO5, who5_result(10), who5_result(13))
    assert comparison == Comparison(change=12, improved=True, meaningful=True, band_change=("poor", "adequate"))


def test_it_finds_a_who5_change_under_10_points_not_meaningful():
    comparison = compare(WHO5, who5_result(15), who5_result(17))
    assert (comparison.change, comparison.improved, comparison.meaningful, comparison.band_change) == (
        8,
        True,
        False,
        None,
    )


def test_it_sees_a_falling_who5_score_as_worse():
    comparison = compare(WHO5, who5_result(20), who5_result(15))
    assert (comparison.change, comparison.improved, comparison.meaningful) == (-20, False, True)


def test_it_compares_phq9_where_lower_is_better_with_a_5_point_threshold():
    baseline = score(PHQ9, answers_summing_to(15, 9, last_zero=True))
    four_less = compare(PHQ9, baseline, score(PHQ9, answers_summing_to(11, 9, last_zero=True)))
    five_less = compare(PHQ9, baseline, score(PHQ9, answers_summing_to(10, 9, last_zero=True)))
    assert (four_less.change, four_less.improved, four_less.meaningful) == (-4, True, False)
    assert (five_less.change, five_less.improved, five_less.meaningful) == (-5, True, True)
    assert five_less.band_change == ("moderately_severe", "moderate")


def test_it_reports_no_improvement_either_way_without_change():
    result = score(GAD7, answers_summing_to(8, 7))
    assert compare(GAD7, result, result) == Comparison(change=0, improved=None, meaningful=False, band_change=None)


def test_it_does_not_judge_wg_ss_changes():
    comparison = compare(WG_SS, score(WG_SS, WG_NONE), score(WG_SS, WG_NONE | {"seeing": 3}))
    assert (comparison.change, comparison.improved, comparison.meaningful) == (1, None, False)
    assert comparison.band_change == ("no_disability", "disability")


def test_it_compares_stored_results():
    baseline = json.loads(json.dumps(who5_result(10).as_dict()))
    followup = json.loads(json.dumps(who5_result(13).as_dict()))
    assert compare(WHO5, baseline, followup).improved is True


def test_it_refuses_to_compare_results_of_another_instrument():
    with pytest.raises(ValueError, match="gad7"):
        compare(PHQ9, score(GAD7, answers_summing_to(3, 7)), score(PHQ9, answers_summing_to(3, 9)))


def test_it_round_trips_a_result_through_json():
    result = score(RISK, risk_answers("threats_to_kill", "perpetrator_access", "no_safe_place_tonight"))
    again = Result.from_dict(json.loads(json.dumps(result.as_dict())))
    assert again == result


# ---------------------------------------------------------------------------------------------
# The engine with other definitions


def small_definition(rule, bands, **extra):
    label = {"en": "x", "fr": "x", "ar": "x", "es": "x"}
    options = [{"value": value, "label": label} for value in range(4)]
    return {
        "code": "small",
        "version": 1,
        "name": label,
        "category": "health",
        "source": {"citation": "test", "validated": False},
        "translation_status": {"fr": "unofficial", "ar": "unofficial", "es": "unofficial"},
        "items": [{"code": code, "label": label, "options": options} for code in ("a", "b", "c")],
        "score": rule,
        "higher_is_worse": True,
        "bands": [{"code": f"band{i}", "label": label, "min": low, "max": high} for i, (low, high) in enumerate(bands)],
        "comparison": {"direction": "lower_is_better", "meaningful_change": 1},
        **extra,
    }


def test_it_scores_any_item_in_a_set_of_values():
    definition = parse_definition(small_definition({"type": "any", "values": [2, 3]}, [(0, 0), (1, 1)]))
    assert score(definition, {"a": 0, "b": 1, "c": 1}).score == 0
    result = score(definition, {"a": 0, "b": 3, "c": 2})
    assert (result.score, result.band, result.details["items_counted"]) == (1, "band1", ["b", "c"])


def test_it_applies_weights_and_a_multiplier():
    rule = {"type": "sum", "weights": {"a": 2}, "multiplier": 3}
    definition = parse_definition(small_definition(rule, [(0, 20), (21, 36)]))
    assert definition.score_range == (0, 36)
    result = score(definition, {"a": 3, "b": 1, "c": 0})
    assert (result.score, result.details["raw"], result.band) == (21, 7, "band1")


def test_it_scores_a_raw_definition_document_too():
    document = small_definition({"type": "count", "op": ">=", "value": 2}, [(0, 1), (2, 3)])
    assert score(document, {"a": 2, "b": 2, "c": 0}).band == "band1"


def test_it_evaluates_nested_conditions():
    flag = {
        "code": "combo",
        "label": {"en": "x", "fr": "x", "ar": "x", "es": "x"},
        "when": {
            "any_of": [
                {"all_of": [{"item": "a", "op": ">=", "value": 2}, {"not": {"item": "b", "op": "==", "value": 0}}]},
                {"items": ["a", "b", "c"], "match": "all", "op": "in", "value": [3]},
            ]
        },
    }
    definition = parse_definition(small_definition({"type": "sum"}, [(0, 9)], flags=[flag]))
    assert score(definition, {"a": 2, "b": 1, "c": 0}).flags == ("combo",)
    assert score(definition, {"a": 2, "b": 0, "c": 0}).flags == ()
    assert score(definition, {"a": 3, "b": 3, "c": 3}).flags == ("combo",)
    assert score(definition, {"a": 1, "b": 3, "c": 3}).flags == ()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=3), min_size=9, max_size=9))
def test_it_always_gives_phq9_the_sum_and_its_band(values):
    result = score(PHQ9, phq9_answers(*values))
    assert result.score == sum(values)
    band = PHQ9.band(result.band)
    assert band.min <= result.score <= band.max
    assert ("suicide_risk" in result.flags) == (values[8] > 0)


@settings(max_examples=200, deadline=None)
@given(st.sets(st.sampled_from([item.code for item in RISK.items])))
def test_it_never_bands_risk_below_its_score_band(yes):
    result = score(RISK, risk_answers(*yes))
    assert RISK.severity(result.band) >= RISK.severity(RISK.band_for(result.score).code)
    assert 0 <= result.score <= 26


# ---------------------------------------------------------------------------------------------
# Labels


def test_it_shows_labels_in_the_active_language():
    label = PHQ9.band("severe").label
    with translation.override("fr"):
        assert str(label) == "Dépression sévère"
    with translation.override("es"):
        assert str(label) == "Depresión grave"
    with translation.override("ar"):
        assert str(label) == label["ar"]
    with translation.override("pt"):
        assert str(label) == "Severe depression"


def test_it_falls_back_from_a_regional_language_to_its_base():
    assert Text({"en": "a", "fr": "b", "ar": "c", "es": "d"}).in_language("fr-CA") == "b"
    assert Text({"en": "a", "fr": "b", "ar": "c", "es": "d"}).in_language(None) == "a"
