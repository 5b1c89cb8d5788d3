"""Translations: every string of the fr, ar and es catalogs is translated, keeps its placeholders,
and the committed .mo matches its .po (so a machine without gettext still gets the right text).

When makemessages adds new strings these tests fail until the new entries are translated and
`manage.py compilemessages` has been run again. That is intended.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LANGUAGES = ["fr", "ar", "es"]
PLURAL_FORMS = {
    "fr": "nplurals=2; plural=(n > 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "ar": (
        "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
        "n%100>=3 && n%100<=10 ? 3 : n%100>=11 && n%100<=99 ? 4 : 5;"
    ),
}
# %(name)s, %(count)d, %s, %d ... ("%%" is a literal percent sign, not a placeholder).
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$")


def catalog_dir(lang: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / lang / "LC_MESSAGES"


def parse_po(path: Path) -> list[dict]:
    """A small .po reader: one dict per entry with msgctxt, msgid, msgid_plural, msgstr ({index: text}), flags.

    Obsolete entries (#~) are skipped. msgstr of a singular entry is stored under index 0.
    """
    entries, entry, field = [], None, None

    def new_entry():
        return {"flags": set(), "msgctxt": None, "msgid_plural": None, "msgstr": {}}

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#~"):
            continue
        match = KEYWORD.match(line)
        starts_entry = line.startswith("#") or (match is not None and match.group(1) in ("msgctxt", "msgid"))
        if starts_entry and entry is not None and "msgid" in entry:
            entries.append(entry)
            entry, field = None, None
        if entry is None:
            entry = new_entry()
        if line.startswith("#"):
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
        elif match:
            keyword, index, text = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            if keyword == "msgstr":
                field = ("msgstr", int(index or 0))
                entry["msgstr"][field[1]] = text
            else:
                field = keyword
                entry[keyword] = text
        elif line.startswith('"') and field is not None:
            text = ast.literal_eval(line)
            if isinstance(field, tuple):
                entry["msgstr"][field[1]] += text
            else:
                entry[field] += text
        else:
            raise AssertionError(f"{path}:{number}: cannot read {line!r}")
    if entry is not None and "msgid" in entry:
        entries.append(entry)
    return entries


def split_header(entries: list[dict]) -> tuple[dict, list[dict]]:
    assert entries, "empty catalog"
    assert entries[0]["msgid"] == "" and entries[0]["msgctxt"] is None, "the catalog has no header entry"
    return entries[0], entries[1:]


def label(entry: dict) -> str:
    return repr(entry["msgid"]) if entry["msgctxt"] is None else f"{entry['msgctxt']!r} {entry['msgid']!r}"


def placeholders(text: str) -> set[str]:
    return {p for p in PLACEHOLDER.findall(text) if p != "%%"}


@pytest.fixture(params=LANGUAGES)
def catalog(request):
    lang = request.param
    header, entries = split_header(parse_po(catalog_dir(lang) / "django.po"))
    return lang, header, entries


def test_it_has_a_complete_header(catalog):
    lang, header, _ = catalog
    fields = dict(line.split(": ", 1) for line in header["msgstr"][0].splitlines() if ": " in line)
    assert "fuzzy" not in header["flags"], "a fuzzy header is dropped by msgfmt (charset and plural rule get lost)"
    assert fields.get("Language") == lang
    assert fields.get("Project-Id-Version") == "Caseway"
    assert fields.get("Content-Type") == "text/plain; charset=UTF-8"
    assert fields.get("Last-Translator") == "Caseway contributors"
    assert fields.get("Plural-Forms") == PLURAL_FORMS[lang]


def test_it_translates_every_entry(catalog):
    lang, header, entries = catalog
    nplurals = int(re.search(r"nplurals=(\d+)", header["msgstr"][0]).group(1))
    assert entries, f"{lang}: no entries"
    problems = []
    for entry in entries:
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {label(entry)}")
        expected = list(range(nplurals)) if entry["msgid_plural"] is not None else [0]
        if sorted(entry["msgstr"]) != expected:
            problems.append(f"wrong msgstr forms {sorted(entry['msgstr'])}, want {expected}: {label(entry)}")
        problems += [f"empty msgstr[{i}]: {label(entry)}" for i, text in entry["msgstr"].items() if not text.strip()]
    assert not problems, f"{lang}: {len(problems)} untranslated entries:\n" + "\n".join(problems)


def test_it_keeps_placeholders_and_edge_whitespace(catalog):
    lang, _, entries = catalog
    problems = []
    for entry in entries:
        source = entry["msgid"] + (entry["msgid_plural"] or "")
        wanted = placeholders(source)
        for index, text in entry["msgstr"].items():
            if text and placeholders(text) != wanted:
                problems.append(
                    f"msgstr[{index}] has {sorted(placeholders(text))}, want {sorted(wanted)}: {label(entry)}"
                )
            for edge, msgid_edge, text_edge in (
                ("leading", re.match(r"\s*", entry["msgid"]).group(), re.match(r"\s*", text).group()),
                ("trailing", re.search(r"\s*$", entry["msgid"]).group(), re.search(r"\s*$", text).group()),
            ):
                if text and msgid_edge != text_edge:
                    problems.append(f"msgstr[{index}] {edge} whitespace differs: {label(entry)}")
    assert not problems, f"{lang}:\n" + "\n".join(problems)


def test_it_ships_a_compiled_catalog_that_matches_the_po(catalog):
    lang, _, entries = catalog
    mo_path = catalog_dir(lang) / "django.mo"
    assert mo_path.exists(), f"{mo_path} is missing: run `manage.py compilemessages` and commit the .mo"
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    expected = {}
    for entry in entries:
        msgid = entry["msgid"] if entry["msgctxt"] is None else f"{entry['msgctxt']}\x04{entry['msgid']}"
        if entry["msgid_plural"] is None:
            expected[msgid] = entry["msgstr"][0]
        else:
            expected.update({(msgid, index): text for index, text in entry["msgstr"].items()})
    actual = {key: value for key, value in compiled._catalog.items() if key != ""}
    stale = sorted(repr(key) for key in expected.keys() ^ actual.keys())
    changed = sorted(repr(key) for key in expected.keys() & actual.keys() if expected[key] != actual[key])
    assert not stale and not changed, (
        f"{lang}: django.mo is out of date with django.po; run `manage.py compilemessages`.\n"
        f"missing or extra: {stale[:10]}\nchanged: {changed[:10]}"
    )
    assert compiled.info().get("plural-forms") == PLURAL_FORMS[lang]


def test_it_uses_arabic_plural_forms_from_the_compiled_catalog():
    with (catalog_dir("ar") / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    forms = {n: compiled.ngettext("%(counter)s event", "%(counter)s events", n) for n in (0, 1, 2, 3, 11, 100)}
    assert len(set(forms.values())) >= 4, forms


def test_it_translates_the_shell_in_arabic_right_to_left():
    with translation.override("ar"):
        assert translation.get_language_bidi() is True
        assert translation.gettext("Quick exit") == "خروج سريع"
        assert translation.gettext("Sign in") == "تسجيل الدخول"


@pytest.mark.parametrize(("lang", "quick_exit"), [("fr", "Sortie rapide"), ("es", "Salida rápida")])
def test_it_translates_the_shell_left_to_right(lang, quick_exit):
    with translation.override(lang):
        assert translation.get_language_bidi() is False
        assert translation.gettext("Quick exit") == quick_exit
