"""The shipped assessment instruments: one JSON file per version, ``<code>.v<version>.json``.

``load("phq9")`` gives the latest version, ``load("phq9", 1)`` a given one; both validate the file
(``scoring.parse_definition``: unknown keys, bad rules, gaps between bands, missing translations,
unknown action or accessibility codes all raise ``DefinitionError`` naming the file and the JSON
path) and cache the read-only result. ``available()`` lists what is shipped; ``load_all()``
validates every file (for tests and system checks).

A published instrument version never changes: a change of wording or scoring is a new file with
the next version number, so stored assessments keep meaning what they meant (``Definition.sha256``
identifies the exact document).

Vocabularies checked on load:

- ``actions`` (``actions.json``): the ``required_actions`` codes of bands and flags, with their
  translated labels (``action_label``);
- ``accessibility_features``: the directory's accessibility feature codes a mapping may produce;
- ``service_categories``: the codes of the shipped Caseway taxonomy (``directory``).
"""

import functools
import json
import re
from pathlib import Path
from typing import NamedTuple

from caseway.clients.scoring import LANGUAGES, Definition, DefinitionError, Text, parse_definition

DIRECTORY = Path(__file__).parent
ACTIONS_FILE = DIRECTORY / "actions.json"
FILE_PATTERN = re.compile(r"^(?P<code>[a-z][a-z0-9_]*)\.v(?P<version>[1-9][0-9]*)\.json$")
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,29}$")

# Codes of ``directory.models.Accessibility.Feature`` that WG-SS answers can call for.
ACCESSIBILITY_FEATURES = ("wheelchair", "sign_language", "easy_read", "hearing_loop", "accessible_toilet")


class InstrumentNotFound(LookupError):
    """No shipped instrument with that code (or version)."""


class InstrumentRef(NamedTuple):
    code: str
    version: int


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DefinitionError(f"{path.name}: not valid JSON: {error}") from None


@functools.cache
def actions() -> dict[str, Text]:
    """Every action code a definition may require, with its translated label."""
    data = _read_json(ACTIONS_FILE)
    labels = {}
    for code, label in data.items():
        if not CODE_PATTERN.match(code):
            raise DefinitionError(f"{ACTIONS_FILE.name}: {code!r} is not a valid action code")
        if not isinstance(label, dict) or set(label) != set(LANGUAGES) or not all(label.values()):
            raise DefinitionError(f"{ACTIONS_FILE.name}: {code}: expected a label in {', '.join(LANGUAGES)}")
        labels[code] = Text(label)
    return labels


def action_label(code: str) -> Text:
    """The translated label of an action code (``str()`` it for the active language)."""
    try:
        return actions()[code]
    except KeyError:
        raise InstrumentNotFound(f"unknown action {code!r}") from None


@functools.cache
def vocabularies() -> dict[str, frozenset[str]]:
    from caseway.directory.taxonomy import shipped_taxonomy

    return {
        "actions": frozenset(actions()),
        "accessibility_features": frozenset(ACCESSIBILITY_FEATURES),
        "service_categories": frozenset(term["code"] for term in shipped_taxonomy()["terms"]),
    }


def parse(data, *, origin: str = "definition") -> Definition:
    """Validate a definition document (e.g. ``Instrument.definition``) against Caseway's vocabularies."""
    return parse_definition(data, origin=origin, vocabularies=vocabularies())


def available() -> tuple[InstrumentRef, ...]:
    """Every shipped instrument version, by code then version."""
    refs = []
    for path in DIRECTORY.glob("*.json"):
        match = FILE_PATTERN.match(path.name)
        if match:
            refs.append(InstrumentRef(match["code"], int(match["version"])))
    return tuple(sorted(refs))


def versions(code: str) -> tuple[int, ...]:
    return tuple(ref.version for ref in available() if ref.code == code)


def load(code: str, version: int | None = None) -> Definition:
    """The validated definition of ``code`` at ``version`` (default: the latest shipped)."""
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        raise InstrumentNotFound(f"{code!r} is not an instrument code")
    if version is None:
        shipped = versions(code)
        if not shipped:
            raise InstrumentNotFound(f"no instrument {code!r} (available: {', '.join(_codes())})")
        version = shipped[-1]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise InstrumentNotFound(f"{version!r} is not an instrument version")
    return _load(code, version)


@functools.cache
def _load(code: str, version: int) -> Definition:
    path = DIRECTORY / f"{code}.v{version}.json"
    if not path.is_file():
        shipped = ", ".join(str(v) for v in versions(code)) or "none"
        raise InstrumentNotFound(f"no version {version} of instrument {code!r} (shipped versions: {shipped})")
    definition = parse(_read_json(path), origin=path.name)
    if (definition.code, definition.version) != (code, version):
        raise DefinitionError(
            f"{path.name}: the file holds {definition.code} v{definition.version}; its name must match"
        )
    return definition


def load_all() -> tuple[Definition, ...]:
    """Every shipped definition, validated (raises on the first invalid one)."""
    return tuple(load(ref.code, ref.version) for ref in available())


def _codes() -> list[str]:
    return sorted({ref.code for ref in available()})
