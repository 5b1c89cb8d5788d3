"""Importing an HSDS 3.0 package: a zip data package, a folder of CSV files, or HSDS JSON.

``package_import(actor=..., source=...)`` is the one path for the upload page and
``manage.py hsds_import``. It reads the whole package, validates it, and writes it in one
transaction: a package with any error changes nothing. Rows are upserted by id; an imported row
replaces the HSDS fields of the stored one (a column left out or empty empties the field), rows
that the package does not mention are kept.

Validation
    Every row is checked against the official per-table schema (types, formats, enums,
    ``required`` and ``tabular_required``: see hsds.TABLES), then against what Caseway stores
    (lengths, URLs, e-mail addresses, language codes, age ranges). Duplicate ids in a table are
    errors. Errors name the file, the row (as a spreadsheet counts it: the header is row 1; a
    JSON path for JSON), the field and the problem.

References: the rule
    Every id a row points at is looked up in the package, then in the database.
    1. A link the row means nothing without (hsds.LINKS, REQUIRED: a service's organization, a
       service-at-location's service and location, a program's organization, a capacity's
       unit, an attribute's term) that points nowhere is an error.
    2. A detail row whose owner links (OWNER: an address's location; a phone's service,
       location, organization, contact...) all point nowhere describes nothing that exists: it
       is left out, with a warning. When some owner links resolve, the others are emptied,
       with a warning.
    3. An optional cross-reference (OPTIONAL: an organization's parent, a location's
       organization, a term's parent or taxonomy) that points nowhere is emptied, with a
       warning.
    Outside references are what shared packages are made of (an organization's parent lives
    in another directory); a wrong owner would attach data to the wrong thing, so it is never
    guessed. Impossible coordinates (latitude beyond ±90, longitude beyond ±180) are emptied
    together with a warning: no pin is better than a wrong one.

Caseway facets
    Attributes whose term is a Caseway facet (hsds.FACETS) set the Caseway fields of the row
    they link to in the same package; they are not stored as attributes. Rows without facets
    keep their stored Caseway fields, or get the defaults when new: an imported service is not
    listed publicly until a coordinator decides so. Other attributes linked to services are
    service categories; the rest are stored as attributes.

Confidential locations
    A location that is confidential in the database is never changed by an import, nor are
    the addresses, phones, contacts and schedules at it: its owning organization edits them in
    Caseway. An export of it is redacted, so re-importing an export must not wipe what the
    export left out. A package may mark a new or open location confidential.

Limits (settings, with defaults)
    CASEWAY_MAX_IMPORT_BYTES (20 MB): the package file (zip or JSON) or upload.
    CASEWAY_MAX_IMPORT_UNCOMPRESSED_BYTES (100 MB): everything read from a zip or folder.
    A zip is refused when it has more than 100 members, a member compressed more than 100:1,
    nested archives, links, encryption, or names that climb out of the package.
"""

import contextlib
import csv
import io
import json
import re
import stat
import uuid
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, time
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker

from caseway import audit
from caseway.directory import hsds
from caseway.directory.facts import refresh_facts, services_concerned
from caseway.directory.models import (
    AdminArea,
    Attribute,
    Location,
    ServiceAtLocation,
    ServiceTerm,
    TaxonomyTerm,
)
from caseway.directory.schedules import refresh_openings, services_touched
from caseway.lib import csvsafe
from caseway.orgs.models import Organization, OrganizationType

DEFAULT_MAX_IMPORT_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ZIP_MEMBERS = 100
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_FROM_BYTES = 1024 * 1024  # small files may compress well (empty columns); bombs are large
MAX_REPORTED_ISSUES = 500
BATCH_SIZE = 500
ZIP_MAGIC = b"PK\x03\x04"
ARCHIVE_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf", b"Rar!")
ARCHIVE_SUFFIXES = (".zip", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".7z", ".rar", ".jar")
DATAPACKAGE = "datapackage.json"
FILE_TABLES = {table.path: name for name, table in hsds.TABLES.items()}
# Write order: whatever a row points at is written before it.
WRITE_ORDER = (
    "taxonomy",
    "taxonomy_term",
    "organization",
    "unit",
    "program",
    "service",
    "location",
    "service_at_location",
    "contact",
    "phone",
    "language",
    "address",
    "accessibility",
    "schedule",
    "funding",
    "service_area",
    "required_document",
    "cost_option",
    "service_capacity",
    "url",
    "organization_identifier",
    "attribute",
    "metadata",
    "meta_table_description",
)
COORDINATE_LIMITS = {"latitude": Decimal(90), "longitude": Decimal(180)}
# What a confidential location hides (access.present_location): an import must not change it.
CONFIDENTIAL_DETAIL_TABLES = ("address", "phone", "contact", "schedule", "service_area", "accessibility", "language")


def max_import_bytes() -> int:
    return int(getattr(settings, "CASEWAY_MAX_IMPORT_BYTES", DEFAULT_MAX_IMPORT_BYTES))


def max_uncompressed_bytes() -> int:
    return int(getattr(settings, "CASEWAY_MAX_IMPORT_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED_BYTES))


# ---------------------------------------------------------------------------------------------
# Report


@dataclass(frozen=True)
class Issue:
    file: str
    row: str
    field: str
    message: str

    def __str__(self):
        where = ", ".join(part for part in (self.file, f"row {self.row}" if self.row else "", self.field) if part)
        return f"{where}: {self.message}" if where else self.message


@dataclass
class ImportReport:
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    more_errors: int = 0
    more_warnings: int = 0
    committed: bool = False
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, file, row, column, message):
        if len(self.errors) < MAX_REPORTED_ISSUES:
            self.errors.append(Issue(file, str(row or ""), column or "", str(message)))
        else:
            self.more_errors += 1

    def warn(self, file, row, column, message):
        if len(self.warnings) < MAX_REPORTED_ISSUES:
            self.warnings.append(Issue(file, str(row or ""), column or "", str(message)))
        else:
            self.more_warnings += 1

    def summary(self) -> str:
        """Counts only (this goes to the audit log): never a value."""
        return (
            f"created {sum(self.created.values())}, updated {sum(self.updated.values())}, "
            f"left out {sum(self.skipped.values())}, warnings {len(self.warnings) + self.more_warnings}"
        )

    def table_counts(self) -> list:
        tables = sorted(set(self.created) | set(self.updated) | set(self.skipped), key=WRITE_ORDER.index)
        return [(table, self.created[table], self.updated[table], self.skipped[table]) for table in tables]


class PackageRefused(Exception):
    """The file is not something we read at all (wrong type, too large, an unsafe archive)."""

    def __init__(self, message, file=""):
        super().__init__(message)
        self.message = message
        self.file = file


# ---------------------------------------------------------------------------------------------
# Reading the package


@dataclass
class RawRow:
    table: str
    file: str
    ref: str
    values: dict
    # The columns this row carries (None: all of them). A stored row keeps the others.
    present: frozenset | None = None
    # A JSON object nested as a reference to another record (a service's organization): it may be
    # abridged, so it needs its required fields only when the record is new.
    partial: bool = False


@dataclass
class RawPackage:
    rows: dict = field(default_factory=lambda: defaultdict(list))


def _sniff(head: bytes) -> str:
    if head.startswith(ZIP_MAGIC):
        return "zip"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{"):
        return "json"
    return ""


def sniff_file(handle) -> str:
    """ "zip", "json" or "" from the first bytes of an open binary file (its position is kept)."""
    position = handle.tell()
    head = handle.read(64)
    handle.seek(position)
    return _sniff(head)


def _read_capped(handle, limit: int, what: str) -> bytes:
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise PackageRefused(_("%(file)s is larger than %(size)s.") % {"file": what, "size": size_text(limit)}, what)
    return data


def size_text(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.0f} MB"
    if count >= 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count} B"


def read_source(source, report: ImportReport, *, name: str = "") -> RawPackage:
    """The rows of ``source``: a path (zip, JSON or folder) or an open binary file."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.is_dir():
            return _read_folder(path, report)
        if not path.is_file():
            raise PackageRefused(_("%(file)s does not exist.") % {"file": path.name}, path.name)
        if path.stat().st_size > max_import_bytes():
            raise PackageRefused(
                _("The package is larger than %(size)s.") % {"size": size_text(max_import_bytes())}, path.name
            )
        with path.open("rb") as handle:
            return _read_file(handle, report, name or path.name)
    return _read_file(source, report, name or getattr(source, "name", "") or "upload")


def _read_file(handle, report, name) -> RawPackage:
    kind = sniff_file(handle)
    if kind == "zip":
        return _read_zip(handle, report, name)
    if kind == "json":
        data = _read_capped(handle, max_import_bytes(), name)
        return _read_json(data, report, name)
    raise PackageRefused(_("This is neither a zip data package nor an HSDS JSON file."), name)


def _safe_member_name(name: str) -> bool:
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return False
    return ".." not in PurePosixPath(name).parts


def _read_zip(handle, report, name) -> RawPackage:
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise PackageRefused(_("This is not a valid zip file."), name) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise PackageRefused(_("The zip file has more than %(count)d files.") % {"count": MAX_ZIP_MEMBERS}, name)
        files = {}
        total = 0
        for member in members:
            if not _safe_member_name(member.filename):
                raise PackageRefused(_("The zip file holds a file name that leaves the package."), name)
            if member.is_dir():
                continue
            if stat.S_ISLNK(member.external_attr >> 16):
                raise PackageRefused(_("The zip file holds a link; links are refused."), member.filename)
            if member.flag_bits & 0x1:
                raise PackageRefused(_("The zip file is encrypted."), member.filename)
            if member.filename.lower().endswith(ARCHIVE_SUFFIXES):
                raise PackageRefused(_("The zip file holds another archive; nested archives are refused."), name)
            total += member.file_size
            if total > max_uncompressed_bytes():
                raise PackageRefused(
                    _("The zip file unpacks to more than %(size)s.") % {"size": size_text(max_uncompressed_bytes())},
                    name,
                )
            if member.file_size > RATIO_CHECK_FROM_BYTES and member.file_size > MAX_COMPRESSION_RATIO * max(
                member.compress_size, 1
            ):
                raise PackageRefused(_("The zip file is compressed suspiciously well (a zip bomb?)."), name)
            base = PurePosixPath(member.filename).name
            if base in files:
                raise PackageRefused(_("The zip file holds %(file)s twice.") % {"file": base}, name)
            files[base] = member
        budget = max_uncompressed_bytes()

        def read(base):
            nonlocal budget
            member = files[base]
            # Declared sizes can lie: count what actually comes out.
            with archive.open(member) as stream:
                data = stream.read(min(member.file_size, budget) + 1)
            if len(data) > member.file_size or len(data) > budget:
                raise PackageRefused(_("The zip file unpacks to more than it declares."), base)
            budget -= len(data)
            if data.startswith(ARCHIVE_MAGICS):
                raise PackageRefused(_("The zip file holds another archive; nested archives are refused."), base)
            return data

        try:
            return _read_tables(sorted(files), read, report)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
            raise PackageRefused(_("The zip file is damaged."), name) from None


def _read_folder(path: Path, report) -> RawPackage:
    entries = {entry.name: entry for entry in sorted(path.iterdir()) if entry.is_file()}
    total = sum(entry.stat().st_size for entry in entries.values())
    if total > max_uncompressed_bytes():
        raise PackageRefused(_("The folder holds more than %(size)s.") % {"size": size_text(max_uncompressed_bytes())})

    def read(base):
        with entries[base].open("rb") as handle:
            return _read_capped(handle, max_uncompressed_bytes(), base)

    return _read_tables(sorted(entries), read, report)


def _table_files(names, read, report) -> dict:
    """table → file name, from datapackage.json when it is usable, else from the standard names."""
    by_file = {}
    if DATAPACKAGE in names:
        descriptor = None
        try:
            descriptor = json.loads(read(DATAPACKAGE).decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            report.warn(DATAPACKAGE, "", "", _("Not valid JSON: tables are found by their standard file names."))
        resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
        if isinstance(descriptor, dict) and not isinstance(resources, list):
            report.warn(DATAPACKAGE, "", "resources", _("No list of resources: tables are found by file name."))
        for resource in resources or ():
            if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
                continue
            base = PurePosixPath(resource["path"]).name
            table = FILE_TABLES.get(base) or (resource.get("name") if resource.get("name") in hsds.TABLES else None)
            if table is None:
                report.warn(DATAPACKAGE, "", "resources", _("%(file)s is not an HSDS table: ignored.") % {"file": base})
            elif base in names:
                by_file[base] = table
    for base in names:
        if base in by_file or base == DATAPACKAGE:
            continue
        if base in FILE_TABLES:
            by_file[base] = FILE_TABLES[base]
        else:
            report.warn(base, "", "", _("Not an HSDS table: ignored."))
    tables = {}
    for base, table in sorted(by_file.items()):
        if table in tables:
            raise PackageRefused(_("Two files hold the %(table)s table.") % {"table": table}, base)
        tables[table] = base
    return tables


def _read_tables(names, read, report) -> RawPackage:
    package = RawPackage()
    for table, base in _table_files(names, read, report).items():
        _read_csv(table, base, read(base), package, report)
    if not package.rows:
        raise PackageRefused(_("The package holds no HSDS table."))
    return package


def unguard(text: str) -> str:
    """Undoes the formula guard of our exports (hsds_export.guard): one quote before a formula."""
    if text.startswith("'") and csvsafe.is_dangerous(text.lstrip("'")):
        return text[1:]
    return text


def _read_csv(table, base, data, package, report):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.error(base, "", "", _("The file is not UTF-8 text."))
        return
    spec = hsds.TABLES[table]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            return
        header = [name.strip() for name in header]
        duplicates = sorted({name for name in header if header.count(name) > 1})
        if duplicates:
            report.error(base, 1, duplicates[0], _("This column appears more than once."))
            return
        for name in header:
            if name not in spec.column_names:
                report.warn(base, 1, name, _("Not an HSDS column of this table: ignored."))
        for column in spec.columns:
            if column.required and column.name not in header:
                report.error(base, 1, column.name, _("This required column is missing."))
                return
        columns = {name: spec.column(name) for name in header if name in spec.column_names}
        present = frozenset(columns)
        for number, cells in enumerate(reader, start=2):
            if not cells:
                continue  # a blank line
            if len(cells) != len(header):
                report.error(
                    base,
                    number,
                    "",
                    _("This row has %(found)d cells; the header has %(expected)d.")
                    % {"found": len(cells), "expected": len(header)},
                )
                continue
            values = {}
            for name, cell in zip(header, cells, strict=True):
                column = columns.get(name)
                if column is None:
                    continue
                value = _csv_value(column, cell)
                if value is not None:
                    values[name] = value
            package.rows[table].append(RawRow(table, base, str(number), values, present))
    except csv.Error:
        report.error(base, reader.line_num, "", _("The CSV file is malformed (unbalanced quotes or a huge cell)."))


def _csv_value(column, cell: str):
    """A CSV cell as the JSON value HSDS means. Empty cells are missing values, except for free
    text, where an empty string is a value (a required text may be empty if Caseway allows it)."""
    if column.guarded:
        cell = unguard(cell)
    if column.is_text:
        return cell
    if cell == "":
        return None
    if column.kind == "number":
        try:
            number = Decimal(cell.strip())
        except InvalidOperation:
            return cell  # the schema check reports it as "not a number"
        return number if number.is_finite() else cell
    return cell


# -- JSON

TOP_LEVEL = {
    "organizations": "organization",
    "services": "service",
    "service_at_locations": "service_at_location",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
}
# Nested objects whose id the parent points at: key → (table, parent column).
PARENT_SIDE = {
    ("service", "organization"): ("organization", "organization_id"),
    ("service", "program"): ("program", "program_id"),
    ("service_at_location", "location"): ("location", "location_id"),
    ("service_at_location", "service"): ("service", "service_id"),
    ("service_capacity", "unit"): ("unit", "unit_id"),
    ("attribute", "taxonomy_term"): ("taxonomy_term", "taxonomy_term_id"),
    ("taxonomy_term", "taxonomy_detail"): ("taxonomy", "taxonomy_id"),
}


def _read_json(data: bytes, report, name) -> RawPackage:
    try:
        document = json.loads(data.decode("utf-8-sig"), parse_float=Decimal)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise PackageRefused(_("This is not valid JSON."), name) from None
    if not isinstance(document, dict):
        raise PackageRefused(_("The JSON file must hold an object with lists of services, organizations..."), name)
    flattener = _Flattener(name, report)
    for key, value in document.items():
        table = TOP_LEVEL.get(key)
        if table is None:
            if key not in ("version", "hsds_version", "publisher", "profile"):
                report.warn(name, key, "", _("Not an HSDS list: ignored."))
            continue
        if not isinstance(value, list):
            report.error(name, key, "", _("Must be a list."))
            continue
        for index, item in enumerate(value):
            flattener.add(table, item, f"{key}[{index}]")
    if not flattener.package.rows and not report.errors:
        raise PackageRefused(_("The JSON file holds no HSDS list."), name)
    return flattener.package


class _Flattener:
    """Turns nested HSDS objects into table rows; repeated objects must agree."""

    def __init__(self, name, report):
        self.name = name
        self.report = report
        self.package = RawPackage()
        self.seen = {}  # (table, id) → RawRow

    def add(self, table, obj, path, link=None, partial=False):
        if not isinstance(obj, dict):
            self.report.error(self.name, path, "", _("Must be an object."))
            return None
        spec = hsds.TABLES[table]
        values = {key: value for key, value in obj.items() if key in spec.column_names and value is not None}
        if link is not None:
            column, parent_id = link
            if column not in values:
                values[column] = parent_id
            elif parent_id is not None and str(values[column]).lower() != str(parent_id).lower():
                self.report.error(self.name, path, column, _("Does not match the object it is nested in."))
        row_id = values.get("id")
        for key, child in obj.items():
            self._child(table, key, child, path, row_id, values)
        present = frozenset(values) if partial else None
        if isinstance(row_id, str):
            key = (table, row_id.lower())
            if key in self.seen:
                self._merge(self.seen[key], values, path, partial)
                return row_id
            row = RawRow(table, self.name, path, values, present, partial)
            self.seen[key] = row
            self.package.rows[table].append(row)
        else:
            self.package.rows[table].append(RawRow(table, self.name, path, values, present, partial))
        return row_id

    def _child(self, table, key, child, path, row_id, values):
        if (table, key) in PARENT_SIDE:
            child_table, column = PARENT_SIDE[(table, key)]
            child_id = self.add(child_table, child, f"{path}.{key}", partial=True)
            if child_id is not None and column not in values:
                values[column] = child_id
            return
        nested = {nested_key: (child_table, column) for nested_key, child_table, column in hsds.NESTED.get(table, ())}
        if table == "organization":
            nested["services"] = ("service", "organization_id")
        if key == "attributes":
            nested["attributes"] = ("attribute", "link_id")
        if key == "metadata":
            nested["metadata"] = ("metadata", "resource_id")
        if key not in nested:
            return
        child_table, column = nested[key]
        if not isinstance(child, list):
            self.report.error(self.name, f"{path}.{key}", "", _("Must be a list."))
            return
        for index, item in enumerate(child):
            item_path = f"{path}.{key}[{index}]"
            if isinstance(item, dict) and child_table == "attribute":
                item = {"link_entity": table} | item
            if isinstance(item, dict) and child_table == "metadata":
                item = {"resource_type": table} | item
            self.add(child_table, item, item_path, (column, row_id))

    def _merge(self, row, values, path, partial):
        if not partial:
            row.partial, row.present = False, None  # a whole row: every column is meant
        elif row.partial:
            row.present = row.present | frozenset(values)
        for key, value in values.items():
            if key not in row.values:
                row.values[key] = value
            elif row.values[key] != value and str(row.values[key]).lower() != str(value).lower():
                self.report.error(
                    self.name,
                    path,
                    key,
                    _("The same %(table)s appears at %(other)s with another value.")
                    % {"table": row.table, "other": row.ref},
                )


# ---------------------------------------------------------------------------------------------
# Row validation


def _is_uri(value) -> bool:
    if not isinstance(value, str):
        return True
    if not value or any(char.isspace() or ord(char) < 32 for char in value):
        return False
    parts = urlsplit(value)
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme or ""):
        return False
    return bool(parts.netloc) or parts.scheme.lower() not in ("http", "https", "ftp")


DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
TIME_PATTERN = re.compile(r"(?P<time>\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)(?P<offset>Z|z|[+-]\d{2}(:?\d{2})?)?")
DATETIME_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|z|[+-]\d{2}(:?\d{2})?)?")


def _is_date(value) -> bool:
    if not isinstance(value, str):
        return True
    if not DATE_PATTERN.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_time(value) -> bool:
    if not isinstance(value, str):
        return True
    match = TIME_PATTERN.fullmatch(value)
    if match is None:
        return False
    try:
        time.fromisoformat(match.group("time"))
    except ValueError:
        return False
    return True


def _is_datetime(value) -> bool:
    if not isinstance(value, str):
        return True
    return bool(DATETIME_PATTERN.fullmatch(value)) and _parse_datetime(value) is not None


def _parse_datetime(value: str):
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is None:
        return None
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)


def format_checker() -> FormatChecker:
    """uuid and email as jsonschema checks them; uri, date, time and date-time checked here (the
    optional libraries jsonschema would use for them are not installed)."""
    checker = FormatChecker(formats=("uuid", "email"))
    checker.checks("uri")(_is_uri)
    checker.checks("date")(_is_date)
    checker.checks("time")(_is_time)
    checker.checks("date-time")(_is_datetime)
    return checker


FORMATS = {"uuid": "uuid", "email": "email", "uri": "uri", "date": "date", "time": "time", "datetime": "date-time"}


def row_schema(table: str) -> dict:
    """The JSON Schema of one row of ``table`` (its scalar columns, as the official schema has them)."""
    properties = {}
    for column in hsds.TABLES[table].columns:
        definition = {"type": "number" if column.kind == "number" else "string"}
        if column.kind in FORMATS:
            definition["format"] = FORMATS[column.kind]
        if column.enum:
            definition["enum"] = list(column.enum)
        properties[column.name] = definition
    required = [column.name for column in hsds.TABLES[table].columns if column.required]
    return {"type": "object", "properties": properties, "required": required}


_VALIDATORS = {}


def _validator(table):
    if table not in _VALIDATORS:
        _VALIDATORS[table] = Draft202012Validator(row_schema(table), format_checker=format_checker())
    return _VALIDATORS[table]


def _format_name(name):
    return {
        "uuid": _("UUID"),
        "email": _("email address"),
        "uri": _("URI (such as https://example.org)"),
        "date": _("date (YYYY-MM-DD)"),
        "time": _("time (HH:MM or HH:MM:SS)"),
        "date-time": _("date and time (such as 2024-05-01T09:30:00Z)"),
    }.get(name, name)


def _schema_message(error) -> str:
    if error.validator == "type":
        return _("Must be a number.") if error.validator_value == "number" else _("Must be text.")
    if error.validator == "format":
        return _("Not a valid %(format)s.") % {"format": _format_name(error.validator_value)}
    if error.validator == "enum":
        return _("Must be one of: %(values)s.") % {"values": ", ".join(error.validator_value)}
    if error.validator == "required":
        return _("This field is required.")
    return error.message


@dataclass
class Row:
    table: str
    file: str
    ref: str
    values: dict  # column → Python value (UUID, Decimal/int, date, time, datetime, str, or None)
    skipped: bool = False
    facets: dict = field(default_factory=dict)  # model field → value, from Caseway facet attributes
    keep: frozenset = frozenset()  # model fields an update leaves as stored
    present: frozenset | None = None  # columns carried (None: all)

    def carries(self, column) -> bool:
        return self.present is None or column in self.present

    @property
    def id(self):
        return self.values["id"]


def _model_field(table, column):
    model = hsds.MODELS.get(table) or Attribute
    try:
        return model._meta.get_field(hsds.model_attribute(table, column))
    except FieldDoesNotExist:  # a column Caseway does not store (there is none today)
        return None


def _link_columns(table) -> set:
    return set(hsds.LINKS.get(table, {})) | {"id"}


def validate_row(raw: RawRow, report: ImportReport, *, stored=False) -> Row | None:
    """The row with Python values, or None (with errors reported) when it is invalid.

    ``stored``: the record exists, so an abridged reference to it needs no required field.
    """
    table = raw.table
    before = len(report.errors) + report.more_errors
    lenient = raw.partial and stored
    for column in hsds.TABLES[table].columns:
        if column.required and column.name not in raw.values and not lenient:
            report.error(raw.file, raw.ref, column.name, _("This field is required."))
    for error in _validator(table).iter_errors(raw.values):
        if error.validator == "required":
            continue  # reported above, with the column named (or not needed)
        column = error.path[0] if error.path else ""
        report.error(raw.file, raw.ref, column, _schema_message(error))
    if len(report.errors) + report.more_errors > before:
        return None
    values = {}
    links = _link_columns(table)
    for column in hsds.TABLES[table].columns:
        value = raw.values.get(column.name)
        if raw.present is not None and column.name not in raw.present and column.name != "id":
            values[column.name] = None  # not carried: a stored row keeps it, a new one gets the default
            continue
        try:
            values[column.name] = _python_value(table, column, value, raw, report, is_link=column.name in links)
        except ValidationError as error:
            report.error(raw.file, raw.ref, column.name, " ".join(error.messages))
    if len(report.errors) + report.more_errors > before:
        return None
    _check_row(table, values, raw, report)
    if len(report.errors) + report.more_errors > before:
        return None
    return Row(table, raw.file, raw.ref, values, present=raw.present)


def _python_value(table, column, value, raw, report, *, is_link):
    if column.kind == "uuid":
        return None if value is None else uuid.UUID(value)
    if is_link:
        return value
    model_field = _model_field(table, column.name)
    if value is None and (column.is_text or _stores_text(model_field)):
        value = ""  # Caseway keeps missing text as an empty string
    if column.kind == "datetime" and value is not None:
        value = _parse_datetime(value)
    elif column.kind == "time" and value is not None:
        match = TIME_PATTERN.fullmatch(value)
        if match.group("offset"):
            report.warn(
                raw.file, raw.ref, column.name, _("The time zone offset was dropped: opening times are local times.")
            )
        value = time.fromisoformat(match.group("time"))
    elif column.kind == "number" and value is not None:
        value = _number_for(model_field, column, value)
    if model_field is None:
        return value
    if value == "" and not model_field.blank:
        raise ValidationError(_("This field cannot be empty."))
    if value in ("", None):
        return value
    value = model_field.to_python(value)
    if model_field.choices:
        model_field.validate(value, None)
    model_field.run_validators(value)
    return value


def _stores_text(model_field) -> bool:
    return (
        model_field is not None
        and not model_field.null
        and model_field.get_internal_type() in ("CharField", "TextField")
    )


def _number_for(model_field, column, value):
    value = Decimal(value) if not isinstance(value, Decimal) else value
    if model_field is None:
        return value
    internal = model_field.get_internal_type()
    if internal.endswith("IntegerField"):
        if value != value.to_integral_value():
            raise ValidationError(_("Must be a whole number."))
        return int(value)
    if internal == "DecimalField" and column.name in COORDINATE_LIMITS:
        # Beyond 7 decimals (1 cm) a coordinate says nothing more: round instead of refusing.
        places = Decimal(1).scaleb(-model_field.decimal_places)
        return value.quantize(places, rounding=ROUND_HALF_EVEN)
    return value


def _check_row(table, values, raw, report):
    if table == "service":
        low, high = values.get("minimum_age"), values.get("maximum_age")
        if low is not None and high is not None and low > high:
            report.error(raw.file, raw.ref, "maximum_age", _("The maximum age must not be below the minimum age."))
    if table == "location":
        for column, limit in COORDINATE_LIMITS.items():
            value = values.get(column)
            if value is not None and abs(value) > limit:
                report.warn(
                    raw.file,
                    raw.ref,
                    column,
                    _("Impossible coordinate (beyond ±%(limit)s): latitude and longitude left empty.")
                    % {"limit": limit},
                )
                values["latitude"] = values["longitude"] = None
                break


# ---------------------------------------------------------------------------------------------
# The import


class _Importer:
    def __init__(self, report: ImportReport, progress=None):
        self.report = report
        self.progress = progress or (lambda stage, done, total: None)
        self.rows = defaultdict(list)  # table → [Row]
        self.by_id = defaultdict(dict)  # table → id → Row
        self.invalid = defaultdict(set)  # table → ids of rows with errors (already reported)

    # -- validation

    def validate(self, package: RawPackage):
        total = sum(len(rows) for rows in package.rows.values())
        done = 0
        for table in WRITE_ORDER:
            seen = {}
            stored = self._stored_partials(table, package.rows.get(table, ()))
            for raw in package.rows.get(table, ()):
                done += 1
                if done % 200 == 0:
                    self.progress("validate", done, total)
                row = validate_row(raw, self.report, stored=str(raw.values.get("id", "")).lower() in stored)
                if row is None:
                    self._remember_invalid(table, raw)
                    continue
                if row.id in seen:
                    self.report.error(
                        raw.file, raw.ref, "id", _("Duplicate id: also on row %(row)s.") % {"row": seen[row.id].ref}
                    )
                    continue
                seen[row.id] = row
                self.rows[table].append(row)
                self.by_id[table][row.id] = row
        self.progress("validate", total, total)

    def _stored_partials(self, table, raws) -> set:
        """Ids (as lower-case text) of abridged rows whose record is already stored."""
        ids = set()
        for raw in raws:
            if raw.partial:
                with contextlib.suppress(ValueError, TypeError, AttributeError):
                    ids.add(uuid.UUID(raw.values.get("id")))
        return {str(value) for value in self._existing(table, ids)} if ids else set()

    def _remember_invalid(self, table, raw):
        with contextlib.suppress(ValueError):
            self.invalid[table].add(uuid.UUID(str(raw.values.get("id"))))

    # -- references

    def _existing(self, table, ids) -> set:
        """Which of ``ids`` exist in the database for ``table`` (facet terms and taxonomy included)."""
        ids = {value for value in ids if value is not None}
        found = set()
        if table == "taxonomy_term":
            found |= ids & set(hsds.FACETS_BY_TERM_ID)
        if table == "taxonomy":
            found |= ids & {hsds.FACETS_TAXONOMY_ID}
        ids -= found
        if not ids:
            return found
        if table == "attribute":
            return found | self._existing_in(ServiceTerm, "id", ids) | self._existing_in(Attribute, "id", ids)
        if table == "organization":
            return found | self._existing_in(Organization, "hsds_id", ids)
        return found | self._existing_in(hsds.MODELS[table], "id", ids)

    @staticmethod
    def _existing_in(model, column, ids) -> set:
        ids = list(ids)
        found = set()
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = ids[start : start + BATCH_SIZE]
            found |= set(model.objects.filter(**{f"{column}__in": chunk}).values_list(column, flat=True))
        return found

    def resolve_references(self):
        """Applies the reference rule of the module docstring, table by table (parents first)."""
        wanted = defaultdict(set)
        for table, rows in self.rows.items():
            for row in rows:
                for column, (target, _kind) in hsds.LINKS.get(table, {}).items():
                    value = row.values.get(column)
                    if value is None:
                        continue
                    for candidate in self._targets(table, row, target):
                        known = self.by_id[candidate].get(value)
                        if known is None or known.skipped:
                            wanted[candidate].add(value)
        self.in_database = {table: self._existing(table, ids) for table, ids in wanted.items()}
        for table in WRITE_ORDER:
            for row in self._live(table):
                self._resolve_row(table, row)

    def _targets(self, table, row, target):
        if target is not None:
            return (target,)
        entity = row.values.get("link_entity" if table == "attribute" else "resource_type")
        return (entity,) if entity in hsds.TABLES else tuple(hsds.TABLES)

    def _exists(self, candidates, value) -> bool:
        for table in candidates:
            if value in self.invalid[table]:
                return True  # its own errors are reported: one mistake, one message
            row = self.by_id[table].get(value)
            if row is not None and not row.skipped:
                return True
            if value in self.in_database.get(table, ()):
                return True
        return False

    def _resolve_row(self, table, row):
        dangling = []
        owners = []
        for column, (target, kind) in hsds.LINKS.get(table, {}).items():
            value = row.values.get(column)
            if value is None:
                continue
            exists = self._exists(self._targets(table, row, target), value)
            if kind == hsds.OWNER:
                owners.append((column, exists))
            if not exists:
                dangling.append((column, kind))
        # Owners first: a row that describes nothing is left out whatever else it points at.
        if owners and not any(exists for _column, exists in owners):
            row.skipped = True
            self.report.skipped[table] += 1
            self.report.warn(
                row.file,
                row.ref,
                owners[0][0],
                _("Left out: it belongs to something that is neither in the package nor in Caseway."),
            )
            return
        for column, kind in dangling:
            if kind == hsds.REQUIRED:
                self.report.error(
                    row.file, row.ref, column, _("Points at an id that is neither in the package nor in Caseway.")
                )
        if any(kind == hsds.REQUIRED for _column, kind in dangling):
            row.skipped = True  # an error already stops the import; keep it out of later checks
            return
        for column, _kind in dangling:
            row.values[column] = None
            self.report.warn(
                row.file, row.ref, column, _("Emptied: points at an id that is neither in the package nor in Caseway.")
            )

    # -- rows that must stay unique

    def check_unique(self):
        self._check_organization_names()
        self._check_term_codes()
        self._check_service_locations()

    def _check_organization_names(self):
        names = {}
        for row in self._live("organization"):
            name = row.values["name"]
            if name in names:
                self.report.error(
                    row.file,
                    row.ref,
                    "name",
                    _("Another organization has this name (row %(row)s).") % {"row": names[name]},
                )
            names[name] = row.ref
        if not names:
            return
        by_name = {row.values["name"]: row for row in self._live("organization")}
        listed = list(by_name)
        for start in range(0, len(listed), BATCH_SIZE):
            taken = Organization.objects.filter(name__in=listed[start : start + BATCH_SIZE])
            for name, hsds_id in taken.values_list("name", "hsds_id"):
                row = by_name[name]
                if row.id != hsds_id and not self._replaced("organization", hsds_id, name, "name"):
                    self.report.error(
                        row.file,
                        row.ref,
                        "name",
                        _("An organization with this name is already in Caseway with another id."),
                    )

    def _check_term_codes(self):
        codes = {}
        for row in self._live("taxonomy_term"):
            code, taxonomy = row.values.get("code"), row.values.get("taxonomy_id")
            if not code:
                continue
            key = (taxonomy, code)
            if key in codes:
                self.report.error(
                    row.file,
                    row.ref,
                    "code",
                    _("Another term of this taxonomy has this code (row %(row)s).") % {"row": codes[key]},
                )
            codes[key] = row
        taxonomies = {taxonomy for taxonomy, _code in codes if taxonomy is not None}
        if not taxonomies:
            return
        stored = TaxonomyTerm.objects.filter(taxonomy_ref_id__in=taxonomies).exclude(code="")
        for taxonomy, code, term_id in stored.values_list("taxonomy_ref_id", "code", "id"):
            row = codes.get((taxonomy, code))
            if row is not None and row.id != term_id and not self._replaced("taxonomy_term", term_id, code, "code"):
                self.report.error(row.file, row.ref, "code", _("A term of this taxonomy already has this code."))

    def _replaced(self, table, stored_id, value, column) -> bool:
        """Whether the stored row ``stored_id`` takes another ``column`` value in this package."""
        row = self.by_id[table].get(stored_id)
        return row is not None and not row.skipped and row.values.get(column) != value

    def _check_service_locations(self):
        pairs = {}
        for row in self._live("service_at_location"):
            key = (row.values["service_id"], row.values["location_id"])
            if key in pairs:
                self.report.error(
                    row.file,
                    row.ref,
                    "location_id",
                    _("This service is already at this location (row %(row)s).") % {"row": pairs[key].ref},
                )
            pairs[key] = row
        services = list({service for service, _location in pairs})
        for start in range(0, len(services), BATCH_SIZE):
            stored = ServiceAtLocation.objects.filter(service_id__in=services[start : start + BATCH_SIZE])
            for service, location, sal_id in stored.values_list("service_id", "location_id", "id"):
                row = pairs.get((service, location))
                moved = self.by_id["service_at_location"].get(sal_id)
                if moved is not None and (moved.values["service_id"], moved.values["location_id"]) != (
                    service,
                    location,
                ):
                    continue  # the stored link moves elsewhere in this package
                if row is not None and row.id != sal_id:
                    self.report.error(row.file, row.ref, "location_id", _("This service is already at this location."))

    def _live(self, table):
        return [row for row in self.rows.get(table, ()) if not row.skipped]

    # -- facets and attributes

    def apply_facets(self):
        for row in self._live("attribute"):
            facet = hsds.FACETS_BY_TERM_ID.get(row.values["taxonomy_term_id"])
            if facet is None:
                continue
            row.skipped = True  # carried by the row it describes, never stored as an attribute
            entity = row.values.get("link_entity")
            target = self.by_id.get(entity, {}).get(row.values["link_id"]) if entity in facet.entities else None
            if target is None or target.skipped:
                self.report.warn(
                    row.file,
                    row.ref,
                    "link_id",
                    _("A Caseway facet for something that is not a %(entities)s of this package: ignored.")
                    % {"entities": " / ".join(facet.entities)},
                )
                continue
            value = row.values.get("value", "")
            if facet.values is not None and value not in facet.values:
                self.report.error(
                    row.file, row.ref, "value", _("Must be one of: %(values)s.") % {"values": ", ".join(facet.values)}
                )
                continue
            target.facets[facet.field] = (value == hsds.TRUE) if facet.values == hsds.BOOLEAN_VALUES else value
        self._resolve_areas()

    def _resolve_areas(self):
        pcodes = {
            row.facets["admin_area"]
            for table in ("location", "service_area")
            for row in self._live(table)
            if "admin_area" in row.facets
        }
        areas = dict(AdminArea.objects.filter(pcode__in=pcodes).values_list("pcode", "id")) if pcodes else {}
        for table in ("location", "service_area"):
            for row in self._live(table):
                if "admin_area" not in row.facets:
                    continue
                pcode = row.facets.pop("admin_area")
                if pcode in areas:
                    row.facets["admin_area_id"] = areas[pcode]
                else:
                    self.report.warn(
                        row.file, row.ref, "attributes", _("Unknown administrative area P-code: area left empty.")
                    )
                    row.facets["admin_area_id"] = None

    # -- confidential locations

    def protect_confidential_locations(self):
        location_ids = [row.id for row in self._live("location")]
        location_ids += [
            row.values[column]
            for table in (*CONFIDENTIAL_DETAIL_TABLES, "service_at_location")
            for row in self._live(table)
            for column in ("location_id",)
            if row.values.get(column) is not None
        ]
        self.confidential = set()
        location_ids = list(set(location_ids))
        for start in range(0, len(location_ids), BATCH_SIZE):
            chunk = location_ids[start : start + BATCH_SIZE]
            stored = Location.objects.filter(id__in=chunk, is_confidential=True)
            self.confidential |= set(stored.values_list("id", flat=True))
        if not self.confidential:
            return
        sal_locations = dict(
            ServiceAtLocation.objects.filter(location_id__in=self.confidential).values_list("id", "location_id")
        )
        for row in self._live("service_at_location"):
            if row.values["location_id"] in self.confidential:
                sal_locations[row.id] = row.values["location_id"]
                # Exports leave the description out there: coming back empty must not erase it.
                row.keep = frozenset({"description"})
        for row in self._live("location"):
            if row.id in self.confidential:
                row.skipped = True
                self.report.skipped["location"] += 1
                self.report.warn(
                    row.file, row.ref, "", _("A confidential location is changed only in Caseway: left unchanged.")
                )
        for table in CONFIDENTIAL_DETAIL_TABLES:
            for row in self._live(table):
                at = row.values.get("location_id") in self.confidential
                at = at or sal_locations.get(row.values.get("service_at_location_id")) in self.confidential
                if at:
                    row.skipped = True
                    self.report.skipped[table] += 1
                    self.report.warn(
                        row.file,
                        row.ref,
                        "",
                        _("Belongs to a confidential location, which is changed only in Caseway: left unchanged."),
                    )

    # -- writing

    def write(self):
        self.organization_pks = {}
        # The services whose open-now openings the package may change: before (a schedule or link
        # moved away) and after the write.
        hours = {
            "schedule_ids": [row.id for row in self._live("schedule")],
            "link_ids": [row.id for row in self._live("service_at_location")],
        }
        touched = services_touched(**hours)
        # The services whose matching facts the package may change, likewise before and after.
        fed = {
            kind: [row.id for row in self._live(table)]
            for kind, table in (
                ("service_ids", "service"),
                ("link_ids", "service_at_location"),
                ("location_ids", "location"),
                ("language_ids", "language"),
                ("accessibility_ids", "accessibility"),
                ("service_area_ids", "service_area"),
                ("capacity_ids", "service_capacity"),
                ("unit_ids", "unit"),
            )
        }
        concerned = services_concerned(**fed)
        total = sum(len(self._live(table)) for table in WRITE_ORDER)
        self._written = 0
        for table in WRITE_ORDER:
            rows = self._live(table)
            if not rows:
                continue
            if table == "organization":
                self._write_organizations(rows)
            elif table == "attribute":
                self._write_attributes(rows)
            else:
                self._write_rows(table, rows)
            self._written += len(rows)
            self.progress("write", self._written, total)
        self._write_parents("organization", "parent_organization_id")
        self._write_parents("taxonomy_term", "parent_id")
        refresh_openings(touched | services_touched(**hours))
        refresh_facts(concerned | services_concerned(**fed))

    @staticmethod
    def _defaults(model, values) -> dict:
        """Values for a new row: a column the package does not carry gets the model's default."""
        return {name: value for name, value in values.items() if value is not None or model._meta.get_field(name).null}

    def _organization_pk(self, hsds_id):
        if hsds_id is None:
            return None
        if hsds_id not in self.organization_pks:
            self.organization_pks.update(Organization.objects.filter(hsds_id=hsds_id).values_list("hsds_id", "pk"))
        return self.organization_pks.get(hsds_id)

    def _model_values(self, table, row, *, update=False) -> dict:
        values = {}
        for column in hsds.TABLES[table].columns:
            if column.name == "id" or (update and not row.carries(column.name)):
                continue
            if (table, column.name) == ("organization", "parent_organization_id") or (
                table,
                column.name,
            ) == ("taxonomy_term", "parent_id"):
                continue  # self-references: written once every row exists
            value = row.values.get(column.name)
            if (table, column.name) in hsds.ORGANIZATION_COLUMNS:
                value = self._organization_pk(value)
            values[hsds.model_attribute(table, column.name)] = value
        if table == "service" and "last_modified" in values and values["last_modified"] is None:
            values["last_modified"] = timezone.now()  # changed now, by this import
        values.update(row.facets)
        return values

    def _write_rows(self, table, rows):
        model = hsds.MODELS[table]
        ids = [row.id for row in rows]
        existing = model.objects.in_bulk(ids)
        new, changed, fields = [], [], set()
        for row in rows:
            obj = existing.get(row.id)
            values = self._model_values(table, row, update=obj is not None)
            if obj is None:
                new.append(model(id=row.id, **self._defaults(model, values)))
                self.report.created[table] += 1
            else:
                values = {name: value for name, value in values.items() if name not in row.keep}
                for name, value in values.items():
                    setattr(obj, name, value)
                fields |= set(values)
                changed.append(obj)
                self.report.updated[table] += 1
        model.objects.bulk_create(new, batch_size=BATCH_SIZE)
        if changed:
            model.objects.bulk_update(changed, sorted(fields), batch_size=BATCH_SIZE)

    def _write_organizations(self, rows):
        existing = Organization.objects.in_bulk([row.id for row in rows], field_name="hsds_id")
        new, changed, fields = [], [], set()
        for row in rows:
            obj = existing.get(row.id)
            values = self._model_values("organization", row, update=obj is not None)
            if obj is None:
                values = self._defaults(Organization, values)
                # Known to the network only through the directory: not a member organization.
                new.append(Organization(hsds_id=row.id, type=OrganizationType.OTHER, **values))
                self.report.created["organization"] += 1
            else:
                for name, value in values.items():
                    setattr(obj, name, value)
                fields |= set(values)
                changed.append(obj)
                self.report.updated["organization"] += 1
        Organization.objects.bulk_create(new, batch_size=BATCH_SIZE)
        if changed:
            Organization.objects.bulk_update(changed, sorted(fields), batch_size=BATCH_SIZE)
        self.organization_pks.update(
            Organization.objects.filter(hsds_id__in=[row.id for row in rows]).values_list("hsds_id", "pk")
        )

    def _write_parents(self, table, column):
        rows = self._live(table)
        if not rows:
            return
        model = hsds.MODELS[table]
        field_name = "hsds_id" if table == "organization" else "id"
        objects = model.objects.in_bulk([row.id for row in rows], field_name=field_name)
        attribute = hsds.model_attribute(table, column)
        changed = []
        for row in rows:
            if not row.carries(column):
                continue
            value = row.values.get(column)
            if table == "organization":
                value = self._organization_pk(value)
            obj = objects[row.id]
            if getattr(obj, attribute) != value:
                setattr(obj, attribute, value)
                changed.append(obj)
        if changed:
            model.objects.bulk_update(changed, [attribute], batch_size=BATCH_SIZE)

    def classify_attributes(self):
        """Service categories (ServiceTerm) or other attributes: an attribute keeps its kind once stored."""
        rows = self._live("attribute")
        self.categories, self.others = [], []
        if not rows:
            return
        ids = [row.id for row in rows]
        links = list({row.values["link_id"] for row in rows})
        stored_categories = self._existing_in(ServiceTerm, "id", ids)
        stored_others = self._existing_in(Attribute, "id", ids)
        services = {row_id for row_id, row in self.by_id["service"].items() if not row.skipped}
        services |= self._existing_in(hsds.MODELS["service"], "id", links)
        taken = {}
        for start in range(0, len(links), BATCH_SIZE):
            stored = ServiceTerm.objects.filter(service_id__in=links[start : start + BATCH_SIZE])
            for service, term, link_id in stored.values_list("service_id", "taxonomy_term_id", "id"):
                taken[(service, term)] = link_id
        for row in rows:
            pair = (row.values["link_id"], row.values["taxonomy_term_id"])
            is_category = row.values.get("link_entity") == "service" and pair[0] in services
            if row.id in stored_others:
                self.others.append(row)
            elif row.id in stored_categories and not is_category:
                self.report.error(
                    row.file, row.ref, "link_entity", _("A service category cannot become another kind of attribute.")
                )
            elif is_category and taken.get(pair, row.id) == row.id:
                taken[pair] = row.id
                self.categories.append(row)
            else:
                # Not a service, or the service already has this category under another id.
                self.others.append(row)

    def _write_attributes(self, rows):
        self._upsert_links(
            ServiceTerm,
            self.categories,
            lambda row: {
                "service_id": row.values["link_id"],
                "taxonomy_term_id": row.values["taxonomy_term_id"],
                "link_type": row.values.get("link_type", ""),
                "value": row.values.get("value", ""),
                "label": row.values.get("label", ""),
            },
        )
        self._upsert_links(
            Attribute,
            self.others,
            lambda row: {
                "link_id": row.values["link_id"],
                "taxonomy_term_id": row.values["taxonomy_term_id"],
                "link_type": row.values.get("link_type", ""),
                "link_entity": row.values.get("link_entity", ""),
                "value": row.values.get("value", ""),
                "label": row.values.get("label", ""),
            },
        )

    def _upsert_links(self, model, rows, values_of):
        if not rows:
            return
        existing = model.objects.in_bulk([row.id for row in rows])
        new, changed = [], []
        for row in rows:
            values = values_of(row)
            obj = existing.get(row.id)
            if obj is None:
                new.append(model(id=row.id, **values))
                self.report.created["attribute"] += 1
            else:
                for name, value in values.items():
                    setattr(obj, name, value)
                changed.append(obj)
                self.report.updated["attribute"] += 1
        model.objects.bulk_create(new, batch_size=BATCH_SIZE)
        if changed:
            fields = sorted(values_of(rows[0]))
            model.objects.bulk_update(changed, fields, batch_size=BATCH_SIZE)

    def skip_facet_taxonomy(self):
        """Rows of the Caseway facet taxonomy describe code, not data: they are not stored."""
        for row in self._live("taxonomy"):
            if row.id == hsds.FACETS_TAXONOMY_ID:
                row.skipped = True
        for row in self._live("taxonomy_term"):
            if row.id in hsds.FACETS_BY_TERM_ID:
                row.skipped = True


def package_import(
    *, actor, source, name="", dry_run=False, request=None, actor_label=None, progress=None
) -> ImportReport:
    """Validates and imports an HSDS package (see the module docstring); returns the report.

    Nothing is written when the report has errors, or on a dry run.
    """
    report = ImportReport(dry_run=dry_run)
    try:
        package = read_source(source, report, name=name)
    except PackageRefused as refusal:
        report.error(refusal.file, "", "", refusal.message)
        return report
    importer = _Importer(report, progress)
    importer.validate(package)
    importer.skip_facet_taxonomy()
    importer.protect_confidential_locations()
    importer.resolve_references()
    importer.apply_facets()
    importer.classify_attributes()
    importer.check_unique()
    if not report.ok:
        return report
    try:
        with transaction.atomic():
            importer.write()
            if dry_run:
                transaction.set_rollback(True)
            else:
                tables = [table for table, *_counts in report.table_counts()]
                audit.record(
                    actor,
                    "directory.hsds_imported",
                    None,
                    fields=tables,
                    reason=report.summary(),
                    request=request,
                    actor_label=actor_label,
                )
    except DatabaseError:
        report.error("", "", "", _("The database refused the package; nothing was imported."))
        report.created.clear()
        report.updated.clear()
        return report
    report.committed = not dry_run
    return report
