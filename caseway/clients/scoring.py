"""Scoring of assessment instruments: definitions are data, scoring is declarative (no ``eval``).

An instrument version is a JSON document (the shipped ones are ``clients/instruments/<code>.v<n>.json``,
loaded and validated by ``caseway.clients.instruments``). ``parse_definition`` turns such a document
into a read-only ``Definition`` and refuses anything it does not understand, with the JSON path of
the problem; ``score`` applies a definition to answers; ``compare`` tells what changed between a
baseline and a follow-up.

The definition schema (every object refuses unknown keys; ``note`` is free text, never shown):

- ``code`` (``[a-z][a-z0-9_]*``), ``version`` (integer ≥ 1), ``name`` (a *text*), ``category``
  (``needs``, ``risk``, ``health`` or ``psychosocial``: the data category it belongs to),
  ``source`` (``citation``, ``validated`` (bool), optional ``url``, ``licence``, ``attribution``,
  ``note``), ``translation_status`` (``{"fr"|"ar"|"es": "official"|"unofficial"}``), optional
  ``instructions`` (a text).
- A *text* is ``{"en": ..., "fr": ..., "ar": ..., "es": ...}``: all four, nothing else.
- ``option_sets``: named lists of options, which items may name instead of listing options.
- ``items``: ``code``, ``label`` (text), ``options`` (a list of ``{"value": int, "label": text,
  "code"?: str}`` or the name of an option set), ``scored`` (default true: counted in the score;
  every scored item is required), ``required`` (default true), ``help`` (text).
- ``score`` — one rule over the scored items (``"items"``: ``"*"`` = all scored items, or their
  list; every scored item must be used):

  - ``{"type": "sum", "weights"?: {item: int ≥ 1}, "multiplier"?: int ≥ 1}`` — Σ weight × answer,
    times the multiplier (``details["raw"]`` keeps the sum before the multiplier);
  - ``{"type": "count", "op": ..., "value": ...}`` — the number of items meeting the test;
  - ``{"type": "any", "values": [...]}`` — 1 if any item's answer is in ``values``, else 0.

  Both ``count`` and ``any`` name the items that met the test in ``details["items_counted"]``.
- ``bands``: ``code``, ``label`` (text), ``min``, ``max`` (inclusive), ``required_actions``
  (action codes), ``description`` (text). In ascending order, gapless, covering exactly the range
  the score rule can produce. ``higher_is_worse`` (bool) is required with bands.
- ``flags``: ``code``, ``label``, ``when`` (a condition), ``required_actions``.
- ``overrides``: ``code``, ``label``, ``when``, ``at_least`` (a band code): when the condition
  holds the band is at least that severe, whatever the score.
- ``lists``: ``{name: {"items"?, "op", "value", "order"?: "definition"|"value_desc"}}`` — the
  answered items meeting the test, in ``details[name]`` as ``{"item", "value", "option"}``.
- ``mappings``: ``{name: {"list": list name, "map": {item: [code, ...]}}}`` — the codes of the
  items in that list, in ``details[name]`` (e.g. accessibility features from WG-SS domains).
- ``comparison``: ``direction`` (``higher_is_better``, ``lower_is_better`` or ``none``) and
  ``meaningful_change`` (a positive number of score points; required unless direction is none).

A *condition* is one of ``{"item": code, "op": op, "value": v}``, ``{"items": "*"|[codes],
"match"?: "any"|"all", "op": op, "value": v}``, ``{"all_of": [conditions]}``, ``{"any_of":
[conditions]}`` or ``{"not": condition}``; ``op`` is one of ``== != < <= > >= in not_in`` (``in``
and ``not_in`` take a list). An unanswered (optional) item never meets a test. Values named by
``==``, ``!=``, ``in`` and ``not_in`` must be options of the items, and each tested item must be
able both to meet and to fail the test: a condition that can never (or always) hold is a mistake.

Answers are ``{item code: value}``; a value is the option's integer, its decimal string, or the
option's ``code``. ``None`` or ``""`` count as unanswered. Anything else is refused with an
``AnswerError`` (a ``ValueError`` whose translated message names the item).
"""

import copy
import hashlib
import json
import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from django.utils.translation import get_language
from django.utils.translation import gettext as _

LANGUAGES = ("en", "fr", "ar", "es")
TRANSLATED_LANGUAGES = ("fr", "ar", "es")
CATEGORIES = ("needs", "risk", "health", "psychosocial")
DIRECTIONS = ("higher_is_better", "lower_is_better", "none")
TRANSLATION_STATUSES = ("official", "unofficial")
ORDERS = ("definition", "value_desc")
ALL_SCORED = "*"
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,29}$")  # 30 characters: the width of the model fields
RESERVED_DETAILS = frozenset({"raw", "items_counted", "band_from_score", "overrides", "unscored"})

_OPERATORS = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": lambda answer, values: answer in values,
    "not_in": lambda answer, values: answer not in values,
}
_SET_OPERATORS = frozenset({"in", "not_in"})
_OPTION_OPERATORS = frozenset({"==", "!=", "in", "not_in"})
_INTEGER = re.compile(r"^[+-]?[0-9]+$")


class DefinitionError(ValueError):
    """An instrument definition that cannot be used; the message names the file and JSON path."""


class AnswerError(ValueError):
    """Answers that cannot be scored. ``item`` is the item's code, ``reason`` one of
    ``missing``, ``unknown``, ``invalid`` (``""`` when the answers as a whole are wrong)."""

    def __init__(self, message: str, *, item: str = "", reason: str = ""):
        super().__init__(message)
        self.item = item
        self.reason = reason


class Text(Mapping):
    """A label in every language: ``text["fr"]``, or ``str(text)`` in the active language."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, str]):
        self._values = dict(values)

    def __getitem__(self, language: str) -> str:
        return self._values[language]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._values.items())))

    def __repr__(self) -> str:
        return f"Text({self._values!r})"

    def __str__(self) -> str:
        return self.in_language(get_language())

    def in_language(self, language: str | None) -> str:
        """The text in ``language`` ("fr", "fr-ca"...), falling back to English."""
        if language:
            language = language.lower()
            for candidate in (language, language.split("-")[0]):
                if candidate in self._values:
                    return self._values[candidate]
        return self._values["en"]


# ---------------------------------------------------------------------------------------------
# Conditions


@dataclass(frozen=True)
class ItemCondition:
    item: str
    op: str
    value: int | frozenset

    def holds(self, answers: Mapping[str, int]) -> bool:
        answer = answers.get(self.item)
        return answer is not None and _OPERATORS[self.op](answer, self.value)


@dataclass(frozen=True)
class ItemsCondition:
    items: tuple[str, ...]
    match: str
    op: str
    value: int | frozenset

    def matching(self, answers: Mapping[str, int]) -> list[str]:
        test = _OPERATORS[self.op]
        return [item for item in self.items if answers.get(item) is not None and test(answers[item], self.value)]

    def holds(self, answers: Mapping[str, int]) -> bool:
        met = self.matching(answers)
        return bool(met) if self.match == "any" else len(met) == len(self.items)


@dataclass(frozen=True)
class AllOf:
    conditions: tuple

    def holds(self, answers: Mapping[str, int]) -> bool:
        return all(condition.holds(answers) for condition in self.conditions)


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple

    def holds(self, answers: Mapping[str, int]) -> bool:
        return any(condition.holds(answers) for condition in self.conditions)


@dataclass(frozen=True)
class Not:
    condition: object

    def holds(self, answers: Mapping[str, int]) -> bool:
        return not self.condition.holds(answers)


# ---------------------------------------------------------------------------------------------
# Score rules


@dataclass(frozen=True)
class SumRule:
    items: tuple[str, ...]
    weights: Mapping[str, int]
    multiplier: int = 1
    type: str = "sum"

    def apply(self, answers: Mapping[str, int]) -> tuple[int, dict]:
        raw = sum(self.weights[item] * answers[item] for item in self.items)
        return raw * self.multiplier, ({"raw": raw} if self.multiplier != 1 else {})

    def bounds(self, items: Mapping[str, "Item"]) -> tuple[int, int]:
        low = sum(self.weights[code] * min(items[code].values) for code in self.items)
        high = sum(self.weights[code] * max(items[code].values) for code in self.items)
        return low * self.multiplier, high * self.multiplier


@dataclass(frozen=True)
class CountRule:
    items: tuple[str, ...]
    op: str
    value: int | frozenset
    type: str = "count"

    def _meets(self, value: int) -> bool:
        return _OPERATORS[self.op](value, self.value)

    def apply(self, answers: Mapping[str, int]) -> tuple[int, dict]:
        counted = [item for item in self.items if self._meets(answers[item])]
        return len(counted), {"items_counted": counted}

    def bounds(self, items: Mapping[str, "Item"]) -> tuple[int, int]:
        low = sum(1 for code in self.items if all(self._meets(v) for v in items[code].values))
        high = sum(1 for code in self.items if any(self._meets(v) for v in items[code].values))
        return low, high


@dataclass(frozen=True)
class AnyRule:
    items: tuple[str, ...]
    values: frozenset
    type: str = "any"

    def apply(self, answers: Mapping[str, int]) -> tuple[int, dict]:
        counted = [item for item in self.items if answers[item] in self.values]
        return (1 if counted else 0), {"items_counted": counted}

    def bounds(self, items: Mapping[str, "Item"]) -> tuple[int, int]:
        always = any(all(v in self.values for v in items[code].values) for code in self.items)
        possible = any(v in self.values for code in self.items for v in items[code].values)
        return (1 if always else 0), (1 if possible else 0)


# ---------------------------------------------------------------------------------------------
# The definition


@dataclass(frozen=True)
class Option:
    value: int
    label: Text
    code: str | None = None


@dataclass(frozen=True)
class Item:
    code: str
    label: Text
    options: tuple[Option, ...]
    scored: bool = True
    required: bool = True
    help: Text | None = None

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(option.value for option in self.options)

    def option(self, value: int) -> Option:
        for option in self.options:
            if option.value == value:
                return option
        raise KeyError(value)


@dataclass(frozen=True)
class Band:
    code: str
    label: Text
    min: int
    max: int
    required_actions: tuple[str, ...] = ()
    description: Text | None = None


@dataclass(frozen=True)
class Flag:
    code: str
    label: Text
    when: object
    required_actions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Override:
    code: str
    label: Text
    when: object
    at_least: str


@dataclass(frozen=True)
class ItemList:
    name: str
    condition: ItemsCondition
    order: str = "definition"

    def collect(self, definition: "Definition", answers: Mapping[str, int]) -> list[dict]:
        entries = [
            {"item": code, "value": answers[code], "option": definition.item(code).option(answers[code]).code}
            for code in self.condition.matching(answers)
        ]
        if self.order == "value_desc":
            entries.sort(key=lambda entry: -entry["value"])  # stable: definition order within a value
        return entries


@dataclass(frozen=True)
class ItemMapping:
    name: str
    list: str
    map: Mapping[str, tuple[str, ...]]

    def collect(self, entries: list[dict]) -> list[str]:
        codes: list[str] = []
        for entry in entries:
            for code in self.map.get(entry["item"], ()):
                if code not in codes:
                    codes.append(code)
        return codes


@dataclass(frozen=True)
class ComparisonHints:
    direction: str
    meaningful_change: int | float | None = None


@dataclass(frozen=True, eq=False)
class Definition:
    """One validated instrument version. Read-only: the loader caches and shares it."""

    code: str
    version: int
    name: Text
    category: str
    source: Mapping
    translation_status: Mapping[str, str]
    instructions: Text | None
    items: tuple[Item, ...]
    rule: SumRule | CountRule | AnyRule
    score_range: tuple[int, int]
    bands: tuple[Band, ...]
    higher_is_worse: bool | None
    flags: tuple[Flag, ...]
    overrides: tuple[Override, ...]
    lists: tuple[ItemList, ...]
    mappings: tuple[ItemMapping, ...]
    comparison: ComparisonHints
    canonical_json: str = field(repr=False)
    sha256: str = ""

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    def item(self, code: str) -> Item:
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)

    def band(self, code: str) -> Band:
        for band in self.bands:
            if band.code == code:
                return band
        raise KeyError(code)

    def flag(self, code: str) -> Flag:
        for flag in self.flags:
            if flag.code == code:
                return flag
        raise KeyError(code)

    def band_for(self, score: int) -> Band | None:
        """The band a score falls in by the score alone (no overrides), or None without bands."""
        for band in self.bands:
            if band.min <= score <= band.max:
                return band
        if self.bands:
            raise ValueError(f"{self}: score {score} is outside every band")
        return None

    def severity(self, band_code: str) -> int:
        """Rank of a band, higher = worse."""
        index = [band.code for band in self.bands].index(band_code)
        return index if self.higher_is_worse else len(self.bands) - 1 - index

    def to_data(self) -> dict:
        """A fresh copy of the JSON document (for ``Instrument.definition``)."""
        return json.loads(self.canonical_json)


def canonical_json(data: Mapping) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------------------------------------
# Parsing and validation


class _Invalid(Exception):
    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")


def _object(value, path: str, required=(), optional=()) -> dict:
    if not isinstance(value, dict):
        raise _Invalid(path, f"expected an object, got {type(value).__name__}")
    missing = [key for key in required if key not in value]
    if missing:
        raise _Invalid(path, f"missing key(s): {', '.join(missing)}")
    unknown = sorted(set(value) - set(required) - set(optional))
    if unknown:
        allowed = ", ".join(sorted({*required, *optional}))
        raise _Invalid(path, f"unknown key(s): {', '.join(unknown)} (allowed: {allowed})")
    return value


def _named(value, path: str) -> dict:
    """An object whose keys are names chosen by the author (option sets, lists, mappings)."""
    if not isinstance(value, dict):
        raise _Invalid(path, f"expected an object, got {type(value).__name__}")
    return value


def _int(value, path: str, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid(path, f"expected an integer, got {value!r}")
    if minimum is not None and value < minimum:
        raise _Invalid(path, f"expected an integer ≥ {minimum}, got {value}")
    return value


def _bool(value, path: str) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(path, f"expected true or false, got {value!r}")
    return value


def _string(value, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(path, f"expected a non-empty string, got {value!r}")
    return value


def _code(value, path: str) -> str:
    if not isinstance(value, str) or not CODE_PATTERN.match(value):
        raise _Invalid(path, f"expected a code ([a-z][a-z0-9_]*, at most 30 characters), got {value!r}")
    return value


def _list(value, path: str) -> list:
    if not isinstance(value, list) or not value:
        raise _Invalid(path, "expected a non-empty list")
    return value


def _text(value, path: str) -> Text:
    if not isinstance(value, dict):
        raise _Invalid(path, f"expected a translated text {{{', '.join(LANGUAGES)}}}, got {value!r}")
    missing = [language for language in LANGUAGES if language not in value]
    if missing:
        raise _Invalid(path, f"missing translation(s): {', '.join(missing)}")
    unknown = sorted(set(value) - set(LANGUAGES))
    if unknown:
        raise _Invalid(path, f"unknown language(s): {', '.join(unknown)}")
    for language in LANGUAGES:
        _string(value[language], f"{path}.{language}")
    return Text({language: value[language] for language in LANGUAGES})


def _unique(codes: list[str], path: str, what: str) -> None:
    seen = set()
    for code in codes:
        if code in seen:
            raise _Invalid(path, f"duplicate {what} {code!r}")
        seen.add(code)


class _Parser:
    def __init__(self, vocabularies: Mapping[str, object] | None):
        self.vocabularies = vocabularies
        self.items: dict[str, Item] = {}

    # -- helpers ------------------------------------------------------------------------------

    def actions(self, value, path: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise _Invalid(path, "expected a list of action codes")
        codes = [_code(code, f"{path}[{i}]") for i, code in enumerate(value)]
        _unique(codes, path, "action")
        if self.vocabularies is not None:
            known = self.vocabularies.get("actions", ())
            for i, code in enumerate(codes):
                if code not in known:
                    raise _Invalid(f"{path}[{i}]", f"unknown action {code!r}")
        return tuple(codes)

    def item_codes(self, value, path: str, *, scored_only: bool = False) -> tuple[str, ...]:
        if value == ALL_SCORED:
            codes = tuple(code for code, item in self.items.items() if item.scored)
            if not codes:
                raise _Invalid(path, '"*" means every scored item, and there is none')
            return codes
        codes = [_code(code, f"{path}[{i}]") for i, code in enumerate(_list(value, path))]
        _unique(codes, path, "item")
        for i, code in enumerate(codes):
            if code not in self.items:
                raise _Invalid(f"{path}[{i}]", f"unknown item {code!r}")
            if scored_only and not self.items[code].scored:
                raise _Invalid(f"{path}[{i}]", f"item {code!r} is not scored")
        return tuple(codes)

    def operand(self, op, value, items: tuple[str, ...], path: str, key: str = "value"):
        if op not in _OPERATORS:
            raise _Invalid(f"{path}.op", f"unknown operator {op!r} (allowed: {' '.join(_OPERATORS)})")
        if op in _SET_OPERATORS:
            values = [_int(v, f"{path}.{key}[{i}]") for i, v in enumerate(_list(value, f"{path}.{key}"))]
            operand = frozenset(values)
        else:
            values = [_int(value, f"{path}.{key}")]
            operand = values[0]
        if op in _OPTION_OPERATORS:
            for code in items:
                for v in values:
                    if v not in self.items[code].values:
                        raise _Invalid(f"{path}.{key}", f"{v} is not an option of item {code!r}")
        for code in items:
            outcomes = {_OPERATORS[op](v, operand) for v in self.items[code].values}
            if outcomes != {True, False}:
                always = "always" if outcomes == {True} else "never"
                raise _Invalid(path, f"the test {op} {value!r} is {always} met by item {code!r}")
        return operand

    # -- conditions ----------------------------------------------------------------------------

    def condition(self, value, path: str):
        if not isinstance(value, dict):
            raise _Invalid(path, "expected a condition (an object)")
        if "item" in value:
            data = _object(value, path, ("item", "op", "value"))
            code = _code(data["item"], f"{path}.item")
            if code not in self.items:
                raise _Invalid(f"{path}.item", f"unknown item {code!r}")
            return ItemCondition(code, data["op"], self.operand(data["op"], data["value"], (code,), path))
        if "items" in value:
            data = _object(value, path, ("items", "op", "value"), ("match",))
            items = self.item_codes(data["items"], f"{path}.items")
            match = data.get("match", "any")
            if match not in ("any", "all"):
                raise _Invalid(f"{path}.match", f"expected 'any' or 'all', got {match!r}")
            return ItemsCondition(items, match, data["op"], self.operand(data["op"], data["value"], items, path))
        if "all_of" in value or "any_of" in value:
            key = "all_of" if "all_of" in value else "any_of"
            data = _object(value, path, (key,))
            parts = tuple(self.condition(c, f"{path}.{key}[{i}]") for i, c in enumerate(_list(data[key], path)))
            return AllOf(parts) if key == "all_of" else AnyOf(parts)
        if "not" in value:
            data = _object(value, path, ("not",))
            return Not(self.condition(data["not"], f"{path}.not"))
        raise _Invalid(path, "a condition needs one of: item, items, all_of, any_of, not")

    # -- parts of the definition ---------------------------------------------------------------

    def options(self, value, path: str) -> tuple[Option, ...]:
        options = []
        for i, raw in enumerate(_list(value, path)):
            where = f"{path}[{i}]"
            data = _object(raw, where, ("value", "label"), ("code",))
            code = _code(data["code"], f"{where}.code") if "code" in data else None
            options.append(Option(_int(data["value"], f"{where}.value"), _text(data["label"], f"{where}.label"), code))
        if len(options) < 2:
            raise _Invalid(path, "an item needs at least two options")
        _unique([str(option.value) for option in options], path, "option value")
        _unique([option.code for option in options if option.code], path, "option code")
        return tuple(options)

    def item(self, value, path: str, option_sets: Mapping[str, tuple[Option, ...]]) -> Item:
        data = _object(value, path, ("code", "label", "options"), ("scored", "required", "help", "note"))
        code = _code(data["code"], f"{path}.code")
        if isinstance(data["options"], str):
            if data["options"] not in option_sets:
                raise _Invalid(f"{path}.options", f"unknown option set {data['options']!r}")
            options = option_sets[data["options"]]
        else:
            options = self.options(data["options"], f"{path}.options")
        scored = _bool(data.get("scored", True), f"{path}.scored")
        required = _bool(data.get("required", True), f"{path}.required")
        if scored and not required:
            raise _Invalid(f"{path}.required", "a scored item must be required")
        help_text = _text(data["help"], f"{path}.help") if "help" in data else None
        return Item(code, _text(data["label"], f"{path}.label"), options, scored, required, help_text)

    def rule(self, value, path: str):
        if not isinstance(value, dict) or value.get("type") not in ("sum", "count", "any"):
            raise _Invalid(path, "expected a rule with type 'sum', 'count' or 'any'")
        kind = value["type"]
        if kind == "sum":
            data = _object(value, path, ("type",), ("items", "weights", "multiplier", "note"))
        elif kind == "count":
            data = _object(value, path, ("type", "op", "value"), ("items", "note"))
        else:
            data = _object(value, path, ("type", "values"), ("items", "note"))
        items = self.item_codes(data.get("items", ALL_SCORED), f"{path}.items", scored_only=True)
        unused = [code for code, item in self.items.items() if item.scored and code not in items]
        if unused:
            raise _Invalid(f"{path}.items", f"scored item(s) not used by the rule: {', '.join(unused)}")
        if kind == "sum":
            raw_weights = _object(data.get("weights", {}), f"{path}.weights", (), items)
            weights = {code: _int(raw_weights.get(code, 1), f"{path}.weights.{code}", 1) for code in items}
            multiplier = _int(data.get("multiplier", 1), f"{path}.multiplier", 1)
            return SumRule(items, MappingProxyType(weights), multiplier)
        if kind == "count":
            return CountRule(items, data["op"], self.operand(data["op"], data["value"], items, path))
        return AnyRule(items, self.operand("in", data["values"], items, path, key="values"))

    def bands(self, value, path: str, score_range: tuple[int, int]) -> tuple[Band, ...]:
        bands = []
        for i, raw in enumerate(_list(value, path)):
            where = f"{path}[{i}]"
            data = _object(raw, where, ("code", "label", "min", "max"), ("required_actions", "description", "note"))
            band = Band(
                code=_code(data["code"], f"{where}.code"),
                label=_text(data["label"], f"{where}.label"),
                min=_int(data["min"], f"{where}.min"),
                max=_int(data["max"], f"{where}.max"),
                required_actions=self.actions(data.get("required_actions", []), f"{where}.required_actions"),
                description=_text(data["description"], f"{where}.description") if "description" in data else None,
            )
            if band.min > band.max:
                raise _Invalid(where, f"min {band.min} is above max {band.max}")
            if bands and band.min != bands[-1].max + 1:
                previous = bands[-1]
                raise _Invalid(
                    f"{where}.min",
                    f"expected {previous.max + 1} (gapless after band {previous.code!r} ending at {previous.max}), "
                    f"got {band.min}",
                )
            bands.append(band)
        _unique([band.code for band in bands], path, "band")
        low, high = score_range
        if bands[0].min != low:
            raise _Invalid(
                f"{path}[0].min", f"the lowest possible score is {low}, the first band starts at {bands[0].min}"
            )
        if bands[-1].max != high:
            raise _Invalid(
                f"{path}[{len(bands) - 1}].max",
                f"the highest possible score is {high}, the last band ends at {bands[-1].max}",
            )
        return tuple(bands)

    def lists(self, value, path: str) -> tuple[ItemList, ...]:
        lists = []
        for name, raw in _named(value, path).items():
            where = f"{path}.{name}"
            _code(name, where)
            if name in RESERVED_DETAILS:
                raise _Invalid(where, f"{name!r} is a reserved name in the details")
            data = _object(raw, where, ("op", "value"), ("items", "order", "note"))
            items = self.item_codes(data.get("items", ALL_SCORED), f"{where}.items")
            condition = ItemsCondition(items, "any", data["op"], self.operand(data["op"], data["value"], items, where))
            order = data.get("order", "definition")
            if order not in ORDERS:
                raise _Invalid(f"{where}.order", f"expected one of {', '.join(ORDERS)}, got {order!r}")
            lists.append(ItemList(name, condition, order))
        return tuple(lists)

    def mappings(self, value, path: str, lists: tuple[ItemList, ...]) -> tuple[ItemMapping, ...]:
        by_name = {item_list.name: item_list for item_list in lists}
        mappings = []
        for name, raw in _named(value, path).items():
            where = f"{path}.{name}"
            _code(name, where)
            if name in RESERVED_DETAILS or name in by_name:
                raise _Invalid(where, f"{name!r} is already used in the details")
            vocabulary = None
            if self.vocabularies is not None:
                if name not in self.vocabularies or name == "actions":
                    known = ", ".join(sorted(set(self.vocabularies) - {"actions"}))
                    raise _Invalid(where, f"unknown mapping {name!r} (known: {known})")
                vocabulary = self.vocabularies[name]
            data = _object(raw, where, ("list", "map"), ("note",))
            if data["list"] not in by_name:
                raise _Invalid(f"{where}.list", f"unknown list {data['list']!r}")
            listed = by_name[data["list"]].condition.items
            raw_map = _object(data["map"], f"{where}.map", (), listed)
            table = {}
            for code, targets in raw_map.items():
                if not isinstance(targets, list):
                    raise _Invalid(f"{where}.map.{code}", "expected a list of codes")
                for i, target in enumerate(targets):
                    _string(target, f"{where}.map.{code}[{i}]")
                    if vocabulary is not None and target not in vocabulary:
                        raise _Invalid(f"{where}.map.{code}[{i}]", f"unknown {name} code {target!r}")
                _unique(targets, f"{where}.map.{code}", "code")
                table[code] = tuple(targets)
            mappings.append(ItemMapping(name, data["list"], MappingProxyType(table)))
        return tuple(mappings)

    def comparison(self, value, path: str) -> ComparisonHints:
        data = _object(value, path, ("direction",), ("meaningful_change", "note"))
        direction = data["direction"]
        if direction not in DIRECTIONS:
            raise _Invalid(f"{path}.direction", f"expected one of {', '.join(DIRECTIONS)}, got {direction!r}")
        if direction == "none":
            if "meaningful_change" in data:
                raise _Invalid(f"{path}.meaningful_change", "meaningless without a direction")
            return ComparisonHints(direction)
        if "meaningful_change" not in data:
            raise _Invalid(path, "missing key(s): meaningful_change")
        change = data["meaningful_change"]
        if isinstance(change, bool) or not isinstance(change, int | float) or change <= 0:
            raise _Invalid(f"{path}.meaningful_change", f"expected a positive number, got {change!r}")
        return ComparisonHints(direction, change)

    # -- the whole ----------------------------------------------------------------------------

    def definition(self, data) -> Definition:
        data = _object(
            data,
            "$",
            ("code", "version", "name", "category", "source", "translation_status", "items", "score", "comparison"),
            (
                "note",
                "instructions",
                "option_sets",
                "bands",
                "higher_is_worse",
                "flags",
                "overrides",
                "lists",
                "mappings",
            ),
        )
        code = _code(data["code"], "code")
        version = _int(data["version"], "version", 1)
        category = data["category"]
        if category not in CATEGORIES:
            raise _Invalid("category", f"expected one of {', '.join(CATEGORIES)}, got {category!r}")
        source = _object(data["source"], "source", ("citation", "validated"), ("url", "licence", "attribution", "note"))
        for key in ("citation", "url", "licence", "attribution", "note"):
            if key in source:
                _string(source[key], f"source.{key}")
        _bool(source["validated"], "source.validated")
        status = _object(data["translation_status"], "translation_status", TRANSLATED_LANGUAGES)
        for language in TRANSLATED_LANGUAGES:
            if status[language] not in TRANSLATION_STATUSES:
                raise _Invalid(
                    f"translation_status.{language}",
                    f"expected one of {', '.join(TRANSLATION_STATUSES)}, got {status[language]!r}",
                )

        option_sets = {}
        for name, options in _named(data.get("option_sets", {}), "option_sets").items():
            option_sets[_code(name, f"option_sets.{name}")] = self.options(options, f"option_sets.{name}")
        for i, raw in enumerate(_list(data["items"], "items")):
            item = self.item(raw, f"items[{i}]", option_sets)
            if item.code in self.items:
                raise _Invalid(f"items[{i}].code", f"duplicate item {item.code!r}")
            self.items[item.code] = item

        rule = self.rule(data["score"], "score")
        score_range = rule.bounds(self.items)
        if score_range[0] == score_range[1]:
            raise _Invalid("score", f"the score is always {score_range[0]}")

        bands: tuple[Band, ...] = ()
        higher_is_worse = None
        if "bands" in data:
            bands = self.bands(data["bands"], "bands", score_range)
            if "higher_is_worse" not in data:
                raise _Invalid("$", "missing key(s): higher_is_worse (required with bands)")
            higher_is_worse = _bool(data["higher_is_worse"], "higher_is_worse")
        elif "higher_is_worse" in data:
            raise _Invalid("higher_is_worse", "meaningless without bands")

        flags = []
        for i, raw in enumerate(data.get("flags", [])):
            where = f"flags[{i}]"
            flag_data = _object(raw, where, ("code", "label", "when"), ("required_actions", "note"))
            flags.append(
                Flag(
                    code=_code(flag_data["code"], f"{where}.code"),
                    label=_text(flag_data["label"], f"{where}.label"),
                    when=self.condition(flag_data["when"], f"{where}.when"),
                    required_actions=self.actions(flag_data.get("required_actions", []), f"{where}.required_actions"),
                )
            )
        _unique([flag.code for flag in flags], "flags", "flag")

        overrides = []
        band_codes = [band.code for band in bands]
        for i, raw in enumerate(data.get("overrides", [])):
            where = f"overrides[{i}]"
            override_data = _object(raw, where, ("code", "label", "when", "at_least"), ("note",))
            if not bands:
                raise _Invalid(where, "overrides need bands")
            if override_data["at_least"] not in band_codes:
                raise _Invalid(f"{where}.at_least", f"unknown band {override_data['at_least']!r}")
            overrides.append(
                Override(
                    code=_code(override_data["code"], f"{where}.code"),
                    label=_text(override_data["label"], f"{where}.label"),
                    when=self.condition(override_data["when"], f"{where}.when"),
                    at_least=override_data["at_least"],
                )
            )
        _unique([override.code for override in overrides], "overrides", "override")

        lists = self.lists(data["lists"], "lists") if "lists" in data else ()
        mappings = self.mappings(data["mappings"], "mappings", lists) if "mappings" in data else ()
        comparison = self.comparison(data["comparison"], "comparison")
        if bands and comparison.direction != "none" and (comparison.direction == "lower_is_better") != higher_is_worse:
            raise _Invalid(
                "higher_is_worse",
                f"{str(higher_is_worse).lower()} contradicts comparison.direction {comparison.direction!r}",
            )

        text = canonical_json(data)
        return Definition(
            code=code,
            version=version,
            name=_text(data["name"], "name"),
            category=category,
            source=MappingProxyType(dict(source)),
            translation_status=MappingProxyType(dict(status)),
            instructions=_text(data["instructions"], "instructions") if "instructions" in data else None,
            items=tuple(self.items.values()),
            rule=rule,
            score_range=score_range,
            bands=bands,
            higher_is_worse=higher_is_worse,
            flags=tuple(flags),
            overrides=tuple(overrides),
            lists=lists,
            mappings=mappings,
            comparison=comparison,
            canonical_json=text,
            sha256=hashlib.sha256(text.encode()).hexdigest(),
        )


def parse_definition(
    data: Mapping, *, origin: str = "definition", vocabularies: Mapping[str, object] | None = None
) -> Definition:
    """Validate a definition document and build its ``Definition``; raise ``DefinitionError``.

    ``vocabularies`` (``{"actions": codes, <mapping name>: codes, ...}``) also checks action codes
    and mapping names and targets; the loader in ``caseway.clients.instruments`` passes Caseway's.
    """
    try:
        return _Parser(vocabularies).definition(data)
    except _Invalid as error:
        raise DefinitionError(f"{origin}: {error}") from None


# ---------------------------------------------------------------------------------------------
# Scoring


@dataclass(frozen=True)
class Result:
    """A scored assessment. ``details`` is JSON-ready; ``required_actions`` come from the band
    then the flags, without repeats. ``as_dict``/``from_dict`` round-trip through JSON."""

    score: int
    band: str | None
    flags: tuple[str, ...]
    details: dict
    required_actions: tuple[str, ...] = ()
    instrument: str = ""
    version: int = 0

    def as_dict(self) -> dict:
        return {
            "instrument": self.instrument,
            "version": self.version,
            "score": self.score,
            "band": self.band,
            "flags": list(self.flags),
            "required_actions": list(self.required_actions),
            "details": copy.deepcopy(self.details),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> "Result":
        return cls(
            score=data["score"],
            band=data.get("band"),
            flags=tuple(data.get("flags", ())),
            details=copy.deepcopy(dict(data.get("details", {}))),
            required_actions=tuple(data.get("required_actions", ())),
            instrument=data.get("instrument", ""),
            version=data.get("version", 0),
        )


@dataclass(frozen=True)
class Comparison:
    """Follow-up against baseline. ``change`` = follow-up − baseline score. ``improved`` is True or
    False when the score moved in the better or worse direction, None when it did not move or the
    instrument has no direction. ``meaningful``: moved by at least the instrument's meaningful
    change. ``band_change``: ``(baseline band, follow-up band)`` when they differ, else None."""

    change: int | float
    improved: bool | None
    meaningful: bool
    band_change: tuple[str | None, str | None] | None


def _as_definition(definition) -> Definition:
    if isinstance(definition, Definition):
        return definition
    if isinstance(definition, Mapping):
        from caseway.clients.instruments import parse  # here: the loader imports this module

        return parse(definition)
    raise TypeError(f"expected a Definition or a definition document, got {type(definition).__name__}")


def _answer_value(item: Item, raw) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    value = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, str):
        text = raw.strip()
        by_code = {option.code: option.value for option in item.options if option.code}
        if text in by_code:
            return by_code[text]
        if _INTEGER.match(text):
            value = int(text)
    if value is None or value not in item.values:
        raise AnswerError(
            _("“%(value)s” is not a valid answer to item “%(item)s”.") % {"value": raw, "item": item.code},
            item=item.code,
            reason="invalid",
        )
    return value


def normalize_answers(definition, answers: Mapping) -> dict[str, int]:
    """The answers as ``{item code: option value}`` (unanswered optional items left out).

    Raises ``AnswerError`` for an unknown item, a missing required answer or an invalid value.
    """
    definition = _as_definition(definition)
    if not isinstance(answers, Mapping):
        raise AnswerError(_("The answers must map item codes to values."))
    codes = {item.code for item in definition.items}
    unknown = sorted(str(key) for key in answers if key not in codes)
    if unknown:
        raise AnswerError(
            _("“%(item)s” is not an item of %(instrument)s.") % {"item": unknown[0], "instrument": definition},
            item=unknown[0],
            reason="unknown",
        )
    values = {}
    for item in definition.items:
        value = _answer_value(item, answers.get(item.code))
        if value is None:
            if item.required:
                raise AnswerError(
                    _("Item “%(item)s” has no answer.") % {"item": item.code}, item=item.code, reason="missing"
                )
            continue
        values[item.code] = value
    return values


def score(definition, answers: Mapping) -> Result:
    """Score ``answers`` with ``definition`` (a ``Definition`` or a definition document)."""
    definition = _as_definition(definition)
    values = normalize_answers(definition, answers)
    total, details = definition.rule.apply(values)

    band = None
    actions: list[str] = []
    if definition.bands:
        band = definition.band_for(total).code
        if definition.overrides:
            details["band_from_score"] = band
            met = [override for override in definition.overrides if override.when.holds(values)]
            details["overrides"] = [override.code for override in met]
            for override in met:
                if definition.severity(override.at_least) > definition.severity(band):
                    band = override.at_least
        actions.extend(definition.band(band).required_actions)

    flags = tuple(flag.code for flag in definition.flags if flag.when.holds(values))
    for code in flags:
        actions.extend(definition.flag(code).required_actions)

    for item_list in definition.lists:
        details[item_list.name] = item_list.collect(definition, values)
    for mapping in definition.mappings:
        details[mapping.name] = mapping.collect(details[mapping.list])
    unscored = [item.code for item in definition.items if not item.scored]
    if unscored:
        details["unscored"] = {code: values[code] for code in unscored if code in values}

    return Result(
        score=total,
        band=band,
        flags=flags,
        details=details,
        required_actions=tuple(dict.fromkeys(actions)),
        instrument=definition.code,
        version=definition.version,
    )


def compare(definition, baseline: Result | Mapping, followup: Result | Mapping) -> Comparison:
    """Compare a follow-up result with the baseline, by the definition's ``comparison`` hints.

    Results (or their ``as_dict()``) must come from this instrument; versions may differ.
    """
    definition = _as_definition(definition)
    baseline = baseline if isinstance(baseline, Result) else Result.from_dict(baseline)
    followup = followup if isinstance(followup, Result) else Result.from_dict(followup)
    for result in (baseline, followup):
        if result.instrument and result.instrument != definition.code:
            raise ValueError(f"cannot compare a {result.instrument} result with {definition.code}")
    change = followup.score - baseline.score
    hints = definition.comparison
    improved = None
    meaningful = False
    if hints.direction != "none" and change:
        improved = (change > 0) == (hints.direction == "higher_is_better")
        meaningful = abs(change) >= hints.meaningful_change
    band_change = (baseline.band, followup.band) if baseline.band != followup.band else None
    return Comparison(change=change, improved=improved, meaningful=meaningful, band_change=band_change)
