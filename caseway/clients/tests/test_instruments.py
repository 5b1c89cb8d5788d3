"""The shipped instrument definitions and their loader: everything loads, is translated, is gapless;
broken definitions are refused with a message that says where."""

import copy
import json
import shutil

import pytest
from django.conf import settings

from caseway.clients import instruments
from caseway.clients.scoring import LANGUAGES, DefinitionError, Text, parse_definition
from caseway.directory.models import Accessibility

SHIPPED_DIRECTORY = instruments.DIRECTORY
SHIPPED = ("gad7", "needs", "phq9", "risk", "wg_ss", "who5")
ARABIC = range(0x0600, 0x0700)


def texts_of(definition):
    """(where, Text) for every translated text of a definition."""
    yield "name", definition.name
    if definition.instructions:
        yield "instructions", definition.instructions
    for item in definition.items:
        yield f"{item.code}.label", item.label
        if item.help:
            yield f"{item.code}.help", item.help
        for option in item.options:
            yield f"{item.code}.option {option.value}", option.label
    for band in definition.bands:
        yield f"band {band.code}", band.label
        if band.description:
            yield f"band {band.code} description", band.description
    for flag in definition.flags:
        yield f"flag {flag.code}", flag.label
    for override in definition.overrides:
        yield f"override {override.code}", override.label


# ---------------------------------------------------------------------------------------------
# What is shipped


def test_it_ships_the_six_instruments():
    assert instruments.available() == tuple(instruments.InstrumentRef(code, 1) for code in SHIPPED)


@pytest.mark.parametrize("ref", instruments.available(), ids=str)
def test_it_loads_every_shipped_file(ref):
    definition = instruments.load(ref.code, ref.version)
    assert (definition.code, definition.version) == ref
    assert definition.items
    assert definition.source["citation"]


def test_it_loads_the_latest_version_by_default():
    assert instruments.load("phq9") is instruments.load("phq9", 1)


@pytest.mark.parametrize("definition", instruments.load_all(), ids=str)
def test_it_translates_every_label_into_every_language(definition):
    for where, text in texts_of(definition):
        assert isinstance(text, Text), where
        assert tuple(text) == LANGUAGES, where
        assert all(text[language].strip() for language in LANGUAGES), where
        assert any(ord(char) in ARABIC for char in text["ar"]), f"{where}: Arabic text has no Arabic letters"
    assert set(definition.translation_status) == {"fr", "ar", "es"}


def test_it_supports_the_languages_of_the_site():
    assert {code for code, _name in settings.LANGUAGES} == set(LANGUAGES)


def test_it_translates_every_action():
    for code, label in instruments.actions().items():
        assert tuple(label) == LANGUAGES, code
        assert any(ord(char) in ARABIC for char in label["ar"]), code


def test_it_labels_the_actions_in_the_active_language():
    assert instruments.action_label("alert_supervisor")["en"] == "Alert a supervisor now"
    with pytest.raises(instruments.InstrumentNotFound):
        instruments.action_label("panic")


@pytest.mark.parametrize("definition", instruments.load_all(), ids=str)
def test_it_covers_every_possible_score_with_exactly_one_band(definition):
    low, high = definition.score_range
    assert definition.bands[0].min == low
    assert definition.bands[-1].max == high
    for before, after in zip(definition.bands, definition.bands[1:], strict=False):
        assert after.min == before.max + 1
    for value in range(low, high + 1):
        assert sum(band.min <= value <= band.max for band in definition.bands) == 1


@pytest.mark.parametrize(
    ("code", "category", "score_range", "direction", "meaningful_change"),
    [
        ("phq9", "psychosocial", (0, 27), "lower_is_better", 5),
        ("gad7", "psychosocial", (0, 21), "lower_is_better", 4),
        ("who5", "psychosocial", (0, 100), "higher_is_better", 10),
        ("wg_ss", "health", (0, 6), "none", None),
        ("needs", "needs", (0, 10), "lower_is_better", 1),
        ("risk", "risk", (0, 26), "lower_is_better", 5),
    ],
)
def test_it_describes_each_instrument(code, category, score_range, direction, meaningful_change):
    definition = instruments.load(code)
    assert definition.category == category
    assert definition.score_range == score_range
    assert definition.comparison.direction == direction
    assert definition.comparison.meaningful_change == meaningful_change


def test_it_says_the_risk_tool_is_not_a_validated_scale():
    source = instruments.load("risk").source
    assert source["validated"] is False
    assert "NOT a validated scale" in source["citation"]
    assert "Caseway" in source["citation"]


def test_it_marks_the_published_instruments_as_validated():
    for code in ("phq9", "gad7", "who5", "wg_ss"):
        assert instruments.load(code).source["validated"] is True, code


def test_it_has_the_published_items():
    assert [item.code for item in instruments.load("phq9").items] == [f"q{n}" for n in range(1, 10)] + ["difficulty"]
    assert [item.code for item in instruments.load("gad7").items if item.scored] == [f"q{n}" for n in range(1, 8)]
    assert len(instruments.load("who5").items) == 5
    assert [item.code for item in instruments.load("wg_ss").items] == [
        "seeing",
        "hearing",
        "walking",
        "cognition",
        "self_care",
        "communication",
    ]
    assert instruments.load("phq9").item("q9").label["en"].startswith("Thoughts that you would be better off dead")
    assert instruments.load("who5").item("q1").label["en"] == "I have felt cheerful and in good spirits"


def test_it_uses_the_needs_domains_of_the_client_record():
    assert [item.code for item in instruments.load("needs").items] == [
        "safety",
        "health",
        "mental_health",
        "legal",
        "housing",
        "childcare",
        "education",
        "livelihoods",
        "civil_documentation",
        "basic_needs",
    ]
    assert [option.code for option in instruments.load("needs").item("safety").options] == [
        "none",
        "low",
        "medium",
        "high",
    ]


def test_it_maps_wg_domains_to_accessibility_features_of_the_directory():
    mapping = instruments.load("wg_ss").mappings[0]
    assert mapping.name == "accessibility_features"
    directory_features = {code for code, _label in Accessibility.Feature.choices}
    assert set(instruments.ACCESSIBILITY_FEATURES) <= directory_features
    assert {code for codes in mapping.map.values() for code in codes} == set(instruments.ACCESSIBILITY_FEATURES)
    assert set(mapping.map["hearing"]) == {"sign_language", "hearing_loop"}
    assert "wheelchair" in mapping.map["walking"]


def test_it_uses_only_known_actions():
    known = set(instruments.actions())
    used = set()
    for definition in instruments.load_all():
        for band in definition.bands:
            used |= set(band.required_actions)
        for flag in definition.flags:
            used |= set(flag.required_actions)
    assert used <= known
    assert {"alert_supervisor", "safety_plan_required"} <= set(
        instruments.load("risk").band("imminent").required_actions
    )
    assert "safety_plan_required" in instruments.load("risk").band("high").required_actions


def test_it_gives_the_exact_document_back_with_a_stable_digest():
    definition = instruments.load("who5")
    data = definition.to_data()
    assert data == json.loads((instruments.DIRECTORY / "who5.v1.json").read_text(encoding="utf-8"))
    again = instruments.parse(data)
    assert again.sha256 == definition.sha256
    data["items"][0]["label"]["en"] = "changed"
    assert instruments.parse(data).sha256 != definition.sha256
    assert definition.to_data()["items"][0]["label"]["en"] != "changed"  # the cached definition is untouched


# ---------------------------------------------------------------------------------------------
# The loader


def test_it_refuses_an_unknown_instrument():
    with pytest.raises(instruments.InstrumentNotFound, match="phq9"):
        instruments.load("beck")


def test_it_refuses_an_unknown_version():
    with pytest.raises(instruments.InstrumentNotFound, match="shipped versions: 1"):
        instruments.load("phq9", 2)


@pytest.mark.parametrize("code", ["../settings", "PHQ9", "phq9.v1", "", None])
def test_it_refuses_codes_that_could_name_other_files(code):
    with pytest.raises(instruments.InstrumentNotFound):
        instruments.load(code)


@pytest.mark.parametrize("version", [0, -1, "1", True, 1.0])
def test_it_refuses_bad_versions(version):
    with pytest.raises(instruments.InstrumentNotFound):
        instruments.load("phq9", version)


@pytest.fixture
def instrument_dir(tmp_path, monkeypatch):
    """An empty instruments directory (with the actions), loader caches cleared around the test."""
    shutil.copy(instruments.ACTIONS_FILE, tmp_path / "actions.json")
    monkeypatch.setattr(instruments, "DIRECTORY", tmp_path)
    instruments._load.cache_clear()
    yield tmp_path
    instruments._load.cache_clear()


def shipped_document(code):
    return json.loads((SHIPPED_DIRECTORY / f"{code}.v1.json").read_text(encoding="utf-8"))


def test_it_loads_the_highest_version_shipped(instrument_dir):
    document = shipped_document("gad7")
    (instrument_dir / "gad7.v1.json").write_text(json.dumps(document), encoding="utf-8")
    (instrument_dir / "gad7.v2.json").write_text(json.dumps(document | {"version": 2}), encoding="utf-8")
    assert instruments.versions("gad7") == (1, 2)
    assert instruments.load("gad7").version == 2


def test_it_refuses_a_file_whose_content_does_not_match_its_name(instrument_dir):
    document = shipped_document("gad7")
    (instrument_dir / "gad7.v3.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"gad7\.v3\.json: the file holds gad7 v1"):
        instruments.load("gad7", 3)


def test_it_refuses_a_file_that_is_not_json(instrument_dir):
    (instrument_dir / "broken.v1.json").write_text("{", encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"broken\.v1\.json: not valid JSON"):
        instruments.load("broken")


def test_it_names_the_file_of_an_invalid_definition(instrument_dir):
    document = shipped_document("gad7")
    document["bands"][1]["min"] = 6
    (instrument_dir / "gad7.v1.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"gad7\.v1\.json: bands\[1\]\.min"):
        instruments.load_all()


# ---------------------------------------------------------------------------------------------
# Validation


def broken(code, change):
    document = copy.deepcopy(shipped_document(code))
    change(document)
    return document


def invalid(document, message):
    with pytest.raises(DefinitionError, match=message):
        instruments.parse(document, origin="test.json")


def test_it_refuses_unknown_keys():
    invalid(broken("phq9", lambda d: d.update(scoring={})), r"test\.json: \$: unknown key\(s\): scoring")
    invalid(broken("phq9", lambda d: d["items"][2].update(lable="x")), r"items\[2\]: unknown key\(s\): lable")
    invalid(broken("phq9", lambda d: d["bands"][0].update(colour="red")), r"bands\[0\]: unknown key")
    invalid(broken("phq9", lambda d: d["score"].update(round=True)), r"score: unknown key\(s\): round")


def test_it_refuses_missing_keys():
    invalid(broken("phq9", lambda d: d.pop("comparison")), r"missing key\(s\): comparison")
    invalid(broken("phq9", lambda d: d.pop("higher_is_worse")), "higher_is_worse")


def test_it_refuses_a_missing_or_extra_translation():
    invalid(
        broken("gad7", lambda d: d["items"][0]["label"].pop("ar")), r"items\[0\]\.label: missing translation\(s\): ar"
    )
    invalid(broken("gad7", lambda d: d["name"].update(de="x")), r"name: unknown language\(s\): de")
    invalid(broken("gad7", lambda d: d["name"].update(fr=" ")), r"name\.fr: expected a non-empty string")
    invalid(broken("gad7", lambda d: d["name"].update(es=None)), r"name\.es")


def test_it_refuses_rules_it_does_not_know():
    invalid(broken("phq9", lambda d: d.update(score="sum(q1, q2, q3)")), "expected a rule with type")
    invalid(broken("phq9", lambda d: d["score"].update(type="product")), "expected a rule with type")
    invalid(broken("wg_ss", lambda d: d["score"].update(op="=~")), r"score\.op: unknown operator")
    invalid(broken("phq9", lambda d: d["score"].update(multiplier=0)), r"score\.multiplier: expected an integer ≥ 1")
    invalid(broken("phq9", lambda d: d["score"].update(weights={"q1": 1.5})), r"score\.weights\.q1")
    invalid(broken("phq9", lambda d: d["score"].update(weights={"q42": 2})), r"score\.weights: unknown key")


def test_it_refuses_a_rule_that_leaves_out_a_scored_item():
    invalid(broken("gad7", lambda d: d["score"].update(items=["q1", "q2"])), r"not used by the rule: q3")


def test_it_refuses_a_rule_over_an_unscored_item():
    document = broken("phq9", lambda d: d["score"].update(items=[f"q{n}" for n in range(1, 10)] + ["difficulty"]))
    invalid(document, "'difficulty' is not scored")


def test_it_refuses_a_scored_item_that_is_optional():
    invalid(broken("phq9", lambda d: d["items"][0].update(required=False)), "a scored item must be required")


def test_it_refuses_bands_with_a_gap_or_an_overlap():
    invalid(broken("phq9", lambda d: d["bands"][2].update(min=11)), r"bands\[2\]\.min: expected 10 \(gapless")
    invalid(broken("phq9", lambda d: d["bands"][2].update(min=9)), r"bands\[2\]\.min: expected 10")
    invalid(broken("phq9", lambda d: d["bands"][1].update(min=9, max=8)), r"bands\[1\]: min 9 is above max 8")


def test_it_refuses_bands_that_miss_possible_scores():
    invalid(broken("phq9", lambda d: d["bands"][-1].update(max=26)), "the highest possible score is 27")
    invalid(broken("phq9", lambda d: d["bands"][0].update(min=1)), "the lowest possible score is 0")
    invalid(broken("who5", lambda d: d["bands"][-1].update(max=99)), "the highest possible score is 100")


def test_it_refuses_duplicate_codes():
    invalid(broken("gad7", lambda d: d["items"][1].update(code="q1")), "duplicate item 'q1'")
    invalid(broken("gad7", lambda d: d["bands"][1].update(code="minimal")), "duplicate band 'minimal'")


def test_it_refuses_conditions_on_unknown_items():
    invalid(broken("phq9", lambda d: d["flags"][0]["when"].update(item="q10")), r"flags\[0\]\.when\.item: unknown item")


def test_it_refuses_conditions_that_can_never_or_always_hold():
    invalid(broken("phq9", lambda d: d["flags"][0]["when"].update(value=3, op=">")), "is never met by item 'q9'")
    invalid(broken("phq9", lambda d: d["flags"][0]["when"].update(value=0, op=">=")), "is always met by item 'q9'")


def test_it_refuses_values_that_are_not_options():
    invalid(broken("phq9", lambda d: d["flags"][0]["when"].update(op="==", value=9)), "9 is not an option of item 'q9'")
    invalid(broken("who5", lambda d: d["flags"][0]["when"].update(value=[0, 6])), "6 is not an option")


def test_it_refuses_a_condition_it_cannot_read():
    invalid(broken("phq9", lambda d: d["flags"][0].update(when={"expr": "q9 > 0"})), "a condition needs one of")
    invalid(broken("phq9", lambda d: d["flags"][0].update(when="q9 > 0")), "expected a condition")


def test_it_refuses_unknown_actions():
    invalid(
        broken("risk", lambda d: d["bands"][3]["required_actions"].append("call_police")),
        "unknown action 'call_police'",
    )


def test_it_refuses_unknown_accessibility_features_and_mappings():
    invalid(
        broken("wg_ss", lambda d: d["mappings"]["accessibility_features"]["map"].update(seeing=["braille"])),
        "unknown accessibility_features code 'braille'",
    )
    invalid(
        broken("wg_ss", lambda d: d["mappings"].update(colours=d["mappings"]["accessibility_features"])),
        "unknown mapping",
    )
    invalid(
        broken("needs", lambda d: d["mappings"]["service_categories"]["map"].update(housing=["housing"])),
        "unknown service_categories code 'housing'",
    )


def test_it_refuses_an_override_to_an_unknown_band():
    invalid(broken("risk", lambda d: d["overrides"][0].update(at_least="critical")), "unknown band 'critical'")


def test_it_refuses_a_direction_that_contradicts_the_bands():
    invalid(broken("who5", lambda d: d.update(higher_is_worse=True)), "contradicts comparison.direction")


def test_it_refuses_a_comparison_without_a_meaningful_change():
    invalid(broken("phq9", lambda d: d["comparison"].pop("meaningful_change")), "meaningful_change")
    invalid(broken("wg_ss", lambda d: d["comparison"].update(meaningful_change=1)), "meaningless without a direction")


def test_it_refuses_bad_metadata():
    invalid(broken("phq9", lambda d: d.update(category="mood")), "category: expected one of")
    invalid(broken("phq9", lambda d: d.update(version=0)), "version: expected an integer ≥ 1")
    invalid(broken("phq9", lambda d: d.update(code="PHQ-9")), "code: expected a code")
    invalid(broken("phq9", lambda d: d["translation_status"].update(fr="machine")), r"translation_status\.fr")
    invalid(broken("phq9", lambda d: d["source"].pop("validated")), r"source: missing key\(s\): validated")


def test_it_refuses_an_item_with_a_single_option():
    def one_option(document):
        document["items"][0]["options"] = document["option_sets"]["frequency"][:1]

    invalid(broken("phq9", one_option), "at least two options")


def test_it_refuses_an_unknown_option_set():
    invalid(broken("phq9", lambda d: d["items"][0].update(options="often")), "unknown option set 'often'")


def test_it_checks_vocabularies_only_when_given_them():
    document = broken("risk", lambda d: d["bands"][0]["required_actions"].append("local_action"))
    assert parse_definition(document).band("low").required_actions[-1] == "local_action"
    with pytest.raises(DefinitionError):
        parse_definition(document, vocabularies=instruments.vocabularies())
