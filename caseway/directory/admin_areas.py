"""Importing a country's P-code hierarchy (country → admin 1 → admin 2) from an OCHA COD-AB table.

The CSV is the tabular shape OCHA publishes with its common operational datasets, one row per
deepest area with its ancestors' columns repeated:

    adm0_pcode, adm0_name, adm1_pcode, adm1_name, adm1_name_fr, adm2_pcode, adm2_name, latitude, longitude
    XA, Aldoria, XA01, Northmarch, Marche-du-Nord, XA0101, Riverbend District, 1.52, 1.31

Column names are matched without regard to case, spaces or hyphens. ``adm<N>_en`` is read as
``adm<N>_name`` and ``adm<N>_<lang>`` as ``adm<N>_name_<lang>`` (both spellings occur in COD-AB
files). The centroid (``latitude``/``longitude``, also ``lat``/``lon`` or ``center_lat``/
``center_lon``) belongs to the deepest area of its row. Other columns (dates, areas, ``*_ref``)
are ignored and reported as such.

The whole file is validated before anything is written, and then written in one transaction:
a file with any error changes nothing. Areas are upserted by P-code; a new area's id is a
UUIDv5 of its P-code, so every installation gives an area the same id and exported HSDS
packages agree on it. Errors name the row as a spreadsheet shows it (the header is row 1).
"""

import csv
import io
import re
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from caseway import audit
from caseway.directory.facts import refresh_facts, services_concerned
from caseway.directory.models import AdminArea
from caseway.lib.csvsafe import FORMULA_PREFIXES

AREA_NAMESPACE = uuid.UUID("8a3f2c1e-6b5d-5e4f-9a8b-7c6d5e4f3a2b")
MAX_LEVEL = AdminArea.Level.ADMIN2
MAX_FILE_BYTES = 20 * 1024 * 1024  # the largest admin-2 COD-AB tables are a few MB
MAX_REPORTED_ERRORS = 200
MAX_NAME_LENGTH = AdminArea._meta.get_field("name").max_length
MAX_PCODE_LENGTH = AdminArea._meta.get_field("pcode").max_length
BATCH_SIZE = 500
# FORMULA_PREFIXES: what a spreadsheet runs as a formula (OWASP "CSV injection"), the list exports
# guard against too. No area name starts with one, so such a cell is refused rather than stored.

PCODE_PATTERN = re.compile(r"[A-Z]{2}[0-9A-Z]*")
COUNTRY_PCODE_PATTERN = re.compile(r"[A-Z]{2}")
LEVEL_COLUMN = re.compile(r"adm(?P<level>\d+)_(?P<rest>[a-z0-9_]+)")
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
LATITUDE_COLUMNS = ("latitude", "lat", "center_lat")
LONGITUDE_COLUMNS = ("longitude", "lon", "lng", "long", "center_lon")
# Bidi embeddings, overrides and isolates make a name display as something else (spoofing).
# Marks (U+200E, U+200F) and joiners stay allowed: Arabic and Persian names need them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
BYTE_ORDER_MARKS_NOT_UTF8 = (b"\xff\xfe", b"\xfe\xff")  # UTF-16 (and UTF-32 LE starts the same)


def area_id(pcode: str) -> uuid.UUID:
    """The id a new area with this P-code gets, the same on every installation."""
    return uuid.uuid5(AREA_NAMESPACE, f"pcode:{pcode}")


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1; 0 for the file as a whole
    column: str
    message: str

    def __str__(self):
        where = f"row {self.row}" if self.row else "file"
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class AdminAreaImportError(Exception):
    """The file was refused; nothing was written. ``errors`` lists every problem found."""

    def __init__(self, errors: list[RowError], more: int = 0):
        self.errors = errors
        self.more = more  # errors found beyond the reported ones
        super().__init__(f"{len(errors) + more} error(s) in the admin areas file; nothing was imported.")


@dataclass
class AreaRecord:
    pcode: str
    level: int
    name: str
    parent_pcode: str | None
    row: int
    translations: dict = field(default_factory=dict)
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    coordinates_row: int = 0


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_level: dict = field(default_factory=dict)  # level → number of areas in the file
    ignored_columns: list = field(default_factory=list)

    @property
    def areas(self) -> int:
        return self.created + self.updated + self.unchanged


def _escaped(text: str) -> str:
    """``text`` with anything that could drive a terminal or reorder a line written as \\uXXXX."""
    return "".join(char if char.isprintable() and char not in BIDI_CONTROLS else f"\\u{ord(char):04x}" for char in text)


def _shown(value: str, limit: int = 40) -> str:
    """A cell value safe to put in an error message shown in a terminal or a page."""
    text = value if len(value) <= limit else value[: limit - 1] + "…"
    return f'"{_escaped(text)}"'


class _Errors:
    def __init__(self):
        self.items: list[RowError] = []
        self.more = 0

    def add(self, row: int, column: str, message: str) -> None:
        if len(self.items) < MAX_REPORTED_ERRORS:
            self.items.append(RowError(row, column, message))
        else:
            self.more += 1

    def __bool__(self):
        return bool(self.items)

    def raise_if_any(self):
        if self.items:
            raise AdminAreaImportError(self.items, self.more)


# ---------------------------------------------------------------------------------------------
# Reading


def _read_bytes(source) -> bytes:
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, (str, Path)):
        with open(source, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    else:
        data = source.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise AdminAreaImportError([RowError(0, "", f"The file is larger than {MAX_FILE_BYTES // 2**20} MB.")])
    return data


def _decode(data: bytes) -> str:
    if data.startswith(BYTE_ORDER_MARKS_NOT_UTF8):
        raise AdminAreaImportError([RowError(0, "", "The file is UTF-16; save it as CSV UTF-8.")])
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte order mark
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise AdminAreaImportError(
            [RowError(line, "", "This line is not UTF-8 text; save the file as CSV UTF-8.")]
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise AdminAreaImportError([RowError(line, "", "The file holds a NUL character; it is not a CSV text file.")])
    return text


@dataclass
class _Header:
    pcode: dict = field(default_factory=dict)  # level → column index
    name: dict = field(default_factory=dict)
    translations: dict = field(default_factory=dict)  # level → {language: column index}
    latitude: int | None = None
    longitude: int | None = None
    names: list = field(default_factory=list)  # the columns as written, for messages
    ignored: list = field(default_factory=list)


def _normalized_column(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _parse_header(raw: list[str], errors: _Errors) -> _Header:
    header = _Header(names=[_escaped(name.strip())[:80] for name in raw])
    meanings = {}  # meaning → column as written, to refuse two columns saying the same thing

    def claim(meaning, index):
        if meaning in meanings:
            errors.add(1, header.names[index], f"says the same as column {_shown(meanings[meaning])}; keep one.")
            return False
        meanings[meaning] = header.names[index]
        return True

    for index, raw_name in enumerate(raw):
        column = _normalized_column(raw_name)
        match = LEVEL_COLUMN.fullmatch(column)
        if column in LATITUDE_COLUMNS:
            if claim("latitude", index):
                header.latitude = index
        elif column in LONGITUDE_COLUMNS:
            if claim("longitude", index):
                header.longitude = index
        elif match:
            level, rest = int(match["level"]), match["rest"]
            if rest == "pcode":
                if claim((level, "pcode"), index):
                    header.pcode[level] = index
            elif rest in ("name", "en", "name_en"):
                if claim((level, "name"), index):
                    header.name[level] = index
            elif rest.startswith("name_") and LANGUAGE_CODE.fullmatch(rest[5:]):
                if claim((level, rest[5:]), index):
                    header.translations.setdefault(level, {})[rest[5:]] = index
            elif LANGUAGE_CODE.fullmatch(rest) and len(rest) == 2:
                # ADM1_FR, ADM1_AR: COD-AB's spelling of a translated name (3-letter tails such as
                # _ref are other things, so only 2 letters count here)
                if claim((level, rest), index):
                    header.translations.setdefault(level, {})[rest] = index
            else:
                header.ignored.append(header.names[index])
        else:
            header.ignored.append(header.names[index])

    if 0 not in header.pcode:
        errors.add(1, "adm0_pcode", "The file needs an adm0_pcode column (the country's P-code).")
        return header
    for level in sorted(set(header.pcode) | set(header.name) | set(header.translations)):
        if level > MAX_LEVEL:
            errors.add(
                1,
                f"adm{level}_pcode",
                f"Caseway keeps areas down to admin {MAX_LEVEL}; import the adm{MAX_LEVEL} table instead.",
            )
        elif level not in header.pcode:
            errors.add(1, f"adm{level}_pcode", f"There are adm{level} columns but no adm{level}_pcode column.")
        elif level not in header.name:
            errors.add(1, f"adm{level}_name", f"There is an adm{level}_pcode column but no adm{level}_name column.")
    for level in range(max(header.pcode) + 1):
        if level not in header.pcode:
            errors.add(1, f"adm{level}_pcode", f"adm{level} columns are missing between admin levels.")
    if (header.latitude is None) != (header.longitude is None):
        missing, present = ("longitude", "latitude") if header.longitude is None else ("latitude", "longitude")
        errors.add(1, missing, f"missing column: a centroid needs {missing} as well as {present}.")
    return header


def _clean_text(value: str, row: int, column: str, errors: _Errors) -> str | None:
    """The cell as stored (NFC, trimmed), or None after recording why it cannot be."""
    text = unicodedata.normalize("NFC", value.strip())
    if text.startswith(FORMULA_PREFIXES):
        errors.add(row, column, f"{_shown(text)} starts like a spreadsheet formula; remove the leading character.")
        return None
    if any(unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS for char in text):
        errors.add(row, column, f"{_shown(text)} holds control characters.")
        return None
    return text


def _coordinate(value: str, low: int, high: int, row: int, column: str, errors: _Errors) -> Decimal | None:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        errors.add(row, column, f"{_shown(value)} is not a number (use a dot for decimals).")
        return None
    if not number.is_finite() or not low <= number <= high:
        errors.add(row, column, f"{_shown(value)} is not between {low} and {high}.")
        return None
    return number.quantize(Decimal("0.000001"))


def _check_pcode(pcode: str, level: int, parent: AreaRecord | None, row: int, errors: _Errors) -> bool:
    column = f"adm{level}_pcode"
    if len(pcode) > MAX_PCODE_LENGTH:
        errors.add(row, column, f"{_shown(pcode)} is longer than {MAX_PCODE_LENGTH} characters.")
        return False
    if level == 0 and not COUNTRY_PCODE_PATTERN.fullmatch(pcode):
        errors.add(row, column, f"{_shown(pcode)} is not a country P-code (two capital letters, e.g. XA).")
        return False
    if not PCODE_PATTERN.fullmatch(pcode):
        errors.add(row, column, f"{_shown(pcode)} is not a P-code (capital letters and digits, e.g. XA0101).")
        return False
    if parent is not None and (not pcode.startswith(parent.pcode) or pcode == parent.pcode):
        errors.add(row, column, f"{_shown(pcode)} does not start with its parent's P-code {_shown(parent.pcode)}.")
        return False
    return True


def _merge(seen: dict, record: AreaRecord, errors: _Errors) -> AreaRecord | None:
    """Adds ``record`` or checks it against the same P-code met earlier in the file."""
    earlier = seen.get(record.pcode)
    if earlier is None:
        seen[record.pcode] = record
        return record
    column, row, here = f"adm{record.level}_pcode", record.row, _shown(record.pcode)
    if earlier.level != record.level:
        errors.add(row, column, f"{here} is an admin {earlier.level} area in row {earlier.row}.")
        return None
    if earlier.parent_pcode != record.parent_pcode:
        errors.add(
            row,
            column,
            f"{here} has parent {_shown(record.parent_pcode or '')} here "
            f"but {_shown(earlier.parent_pcode or '')} in row {earlier.row}.",
        )
        return None
    if earlier.name != record.name:
        errors.add(
            row,
            f"adm{record.level}_name",
            f"{here} is named {_shown(record.name)} here but {_shown(earlier.name)} in row {earlier.row}.",
        )
        return None
    for language, name in record.translations.items():
        known = earlier.translations.get(language)
        if known is None:
            earlier.translations[language] = name
        elif known != name:
            errors.add(
                row,
                f"adm{record.level}_name_{language}",
                f"{here} is named {_shown(name)} here but {_shown(known)} in row {earlier.row}.",
            )
    return earlier


def parse_admin_areas(text: str, errors: _Errors | None = None) -> tuple[dict, _Header, int]:
    """Validates CSV text; returns ({pcode: AreaRecord}, header, data rows) or raises with every error."""
    errors = errors if errors is not None else _Errors()
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise AdminAreaImportError([RowError(0, "", f"This is not a readable CSV file ({error}).")]) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise AdminAreaImportError([RowError(1, "", "The file is empty: it needs a header row and area rows.")])
    header = _parse_header(rows[0], errors)
    errors.raise_if_any()

    seen: dict[str, AreaRecord] = {}
    data_rows = 0
    for offset, cells in enumerate(rows[1:]):
        row = offset + 2
        if not any(cell.strip() for cell in cells):
            continue  # spreadsheets leave blank lines at the end
        data_rows += 1
        if len(cells) > len(header.names) and any(cell.strip() for cell in cells[len(header.names) :]):
            errors.add(row, "", f"The row has {len(cells)} cells but the header names {len(header.names)} columns.")
            continue
        cells = cells + [""] * (len(header.names) - len(cells))
        _parse_row(cells, row, header, seen, errors)
    if not seen and not errors:
        errors.add(2, "", "The file has a header but no area rows.")
    errors.raise_if_any()
    return seen, header, data_rows


def _level_columns(header: _Header, level: int) -> list[int]:
    return [header.pcode[level], header.name[level], *header.translations.get(level, {}).values()]


def _parse_row(cells: list[str], row: int, header: _Header, seen: dict, errors: _Errors) -> None:
    deepest = max(
        (level for level in header.pcode if any(cells[index].strip() for index in _level_columns(header, level))),
        default=None,
    )
    if deepest is None:
        errors.add(row, "adm0_pcode", "missing P-code.")
        return
    parent = None
    for level in range(deepest + 1):
        pcode_column, name_column = f"adm{level}_pcode", f"adm{level}_name"
        pcode = _clean_text(cells[header.pcode[level]], row, pcode_column, errors)
        name = _clean_text(cells[header.name[level]], row, name_column, errors)
        if pcode is None or name is None:
            return
        if not pcode:
            errors.add(row, pcode_column, "missing P-code.")
            return
        if not name:
            errors.add(row, name_column, f"missing name for {_shown(pcode)}.")
            return
        if len(name) > MAX_NAME_LENGTH:
            errors.add(row, name_column, f"longer than {MAX_NAME_LENGTH} characters.")
            return
        # A P-code met before was checked then; meeting it again, a conflict with its first row
        # (another parent, name or level) says more than a prefix mismatch would.
        if pcode not in seen and not _check_pcode(pcode, level, parent, row, errors):
            return
        translations = {}
        for language, index in sorted(header.translations.get(level, {}).items()):
            column = f"adm{level}_name_{language}"
            translated = _clean_text(cells[index], row, column, errors)
            if translated is None:
                return
            if len(translated) > MAX_NAME_LENGTH:
                errors.add(row, column, f"longer than {MAX_NAME_LENGTH} characters.")
                return
            if translated:
                translations[language] = translated
        record = AreaRecord(
            pcode=pcode,
            level=level,
            name=name,
            parent_pcode=parent.pcode if parent else None,
            row=row,
            translations=translations,
        )
        parent = _merge(seen, record, errors)
        if parent is None:
            return
    _parse_centroid(cells, row, header, parent, errors)


def _parse_centroid(cells, row, header: _Header, area: AreaRecord, errors: _Errors) -> None:
    if header.latitude is None:
        return
    raw_latitude, raw_longitude = cells[header.latitude].strip(), cells[header.longitude].strip()
    if not raw_latitude and not raw_longitude:
        return
    if not raw_latitude or not raw_longitude:
        missing = header.names[header.latitude] if not raw_latitude else header.names[header.longitude]
        errors.add(row, missing, "a centroid needs both latitude and longitude.")
        return
    latitude = _coordinate(raw_latitude, -90, 90, row, header.names[header.latitude], errors)
    longitude = _coordinate(raw_longitude, -180, 180, row, header.names[header.longitude], errors)
    if latitude is None or longitude is None:
        return
    if area.coordinates_row and (area.latitude, area.longitude) != (latitude, longitude):
        errors.add(
            row,
            header.names[header.latitude],
            f"{_shown(area.pcode)} has a different centroid in row {area.coordinates_row}.",
        )
        return
    area.latitude, area.longitude, area.coordinates_row = latitude, longitude, row


# ---------------------------------------------------------------------------------------------
# Writing


def _existing_areas(pcodes: list[str]) -> dict[str, AdminArea]:
    found = {}
    for start in range(0, len(pcodes), BATCH_SIZE):
        chunk = pcodes[start : start + BATCH_SIZE]
        found.update({area.pcode: area for area in AdminArea.objects.filter(pcode__in=chunk)})
    return found


def _apply(area: AdminArea, record: AreaRecord, parent_id) -> bool:
    """Copies the file's facts onto ``area``; True when something changed."""
    translations = {**(area.name_translations or {}), **record.translations}
    wanted = {"name": record.name, "name_translations": translations, "parent_id": parent_id}
    if record.coordinates_row:  # a file without a centroid keeps the one already known
        wanted.update(latitude=record.latitude, longitude=record.longitude)
    changed = False
    for attribute, value in wanted.items():
        if getattr(area, attribute) != value:
            setattr(area, attribute, value)
            changed = True
    return changed


UPDATED_FIELDS = ["name", "name_translations", "parent", "latitude", "longitude"]


def import_admin_areas(
    source,
    *,
    actor=None,
    actor_label: str | None = None,
    dry_run: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportResult:
    """Validates and upserts the areas of a COD-AB CSV (path, bytes or binary file), all or nothing.

    Raises ``AdminAreaImportError`` (with every row error found) and writes nothing when the file
    is not clean. ``progress(stage, done, total)`` is called while writing.
    """
    text = _decode(_read_bytes(source))
    errors = _Errors()
    records, header, data_rows = parse_admin_areas(text, errors)
    result = ImportResult(rows=data_rows, ignored_columns=header.ignored)
    for record in records.values():
        result.by_level[record.level] = result.by_level.get(record.level, 0) + 1

    ordered = sorted(records.values(), key=lambda record: (record.level, record.pcode))
    with transaction.atomic():
        existing = _existing_areas([record.pcode for record in ordered])
        for record in ordered:
            area = existing.get(record.pcode)
            if area is not None and area.level != record.level:
                errors.add(
                    record.row,
                    f"adm{record.level}_pcode",
                    f"{_shown(record.pcode)} already exists as an admin {area.level} area.",
                )
        errors.raise_if_any()

        ids = {pcode: area.id for pcode, area in existing.items()}
        ids.update({record.pcode: area_id(record.pcode) for record in ordered if record.pcode not in existing})
        to_create, to_update, moved = [], [], []
        for record in ordered:
            parent_id = ids[record.parent_pcode] if record.parent_pcode else None
            area = existing.get(record.pcode)
            if area is None:
                area = AdminArea(id=ids[record.pcode], pcode=record.pcode, level=record.level)
                _apply(area, record, parent_id)
                to_create.append(area)
                continue
            previous_parent = area.parent_id
            if _apply(area, record, parent_id):
                to_update.append(area)
            if area.parent_id != previous_parent:
                moved.append(area.id)
        result.created, result.updated = len(to_create), len(to_update)
        result.unchanged = len(ordered) - len(to_create) - len(to_update)
        if dry_run:
            return result

        # Parents before children (the list is sorted by level), so foreign keys hold at every
        # statement, not only at commit: SQLite checks them immediately.
        for start in range(0, len(to_create), BATCH_SIZE):
            AdminArea.objects.bulk_create(to_create[start : start + BATCH_SIZE])
            if progress:
                progress("created", min(start + BATCH_SIZE, len(to_create)), len(to_create))
        for start in range(0, len(to_update), BATCH_SIZE):
            AdminArea.objects.bulk_update(to_update[start : start + BATCH_SIZE], UPDATED_FIELDS)
            if progress:
                progress("updated", min(start + BATCH_SIZE, len(to_update)), len(to_update))
        if moved:
            # A district in another region: matching finds the services there by their areas' parents.
            refresh_facts(services_concerned(area_ids=moved))
        if to_create or to_update:
            # Counts only: the file's contents are public reference data, but the log keeps names
            # of fields, never values.
            audit.record(
                actor,
                "directory.admin_areas_imported",
                fields=["pcode", *UPDATED_FIELDS],
                reason=f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged",
                actor_label=actor_label,
            )
    return result
