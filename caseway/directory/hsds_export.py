"""Exporting the published directory as HSDS 3.0: a tabular data package (zip) or JSON.

``package_export(actor=..., fmt="zip" | "json")`` is the one path for ``manage.py hsds_export``.
What leaves is what the public HSDS API shows (hsds.Graph with the public as viewer):
confidential locations redacted, and only services listed publicly unless ``include_private``
(staff use). Even then confidential locations stay redacted: an export has no viewer who owns
them.

The tabular package is a Frictionless "tabular-data-package": ``datapackage.json`` and one CSV
per HSDS table, every table present (header only when empty), columns in the official order,
rows by id, UTF-8 without byte order mark, CRLF line ends. Text cells that could start a
spreadsheet formula get a leading quote (``guard``; the importer takes it off again). The zip
has fixed timestamps, so the same directory gives the same bytes.

The JSON form: ``{"hsds_version", "organizations": [full organizations, services listed],
"services": [full services], "taxonomies": [...], "taxonomy_terms": [...]}``, every list by id.
It carries every row of the tabular form except meta table descriptions (HSDS JSON has no place
for them).
"""

import csv
import io
import json
import zipfile

from caseway import audit
from caseway.directory import access, hsds
from caseway.directory.models import Metadata, MetaTableDescription, Service, Taxonomy, TaxonomyTerm
from caseway.lib import csvsafe

ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
FRICTIONLESS_TYPES = {"number": "number", "date": "date", "time": "time", "datetime": "datetime"}
FRICTIONLESS_FORMATS = {"uuid": "uuid", "email": "email", "uri": "uri"}


def guard(text: str) -> str:
    """``text`` safe for a spreadsheet, reversibly: one more leading quote when it (after its own
    leading quotes) starts like a formula, so ``hsds_import.unguard`` gives ``text`` back exactly."""
    if csvsafe.is_dangerous(text.lstrip("'")):
        return "'" + text
    return text


def build_graph(*, include_private=False, progress=None) -> hsds.Graph:
    services = Service.objects.all() if include_private else access.public_services()
    graph = hsds.Graph(services_queryset=services, complete=True)
    if progress:
        progress("read", 0, 1)
    graph.load(services.select_related("organization", "program").order_by("id"))
    if progress:
        progress("read", 1, 1)
    return graph


def _taxonomy_rows() -> tuple[list, list]:
    """Stored taxonomies and terms (all of them: vocabularies are public), and the facets."""
    facet_ids = {hsds.FACETS_TAXONOMY_ID} | set(hsds.FACETS_BY_TERM_ID)
    taxonomies = [hsds.stored_taxonomy_row(taxonomy) for taxonomy in Taxonomy.objects.exclude(id__in=facet_ids)]
    taxonomies.append(hsds.facet_taxonomy_row())
    terms = [hsds.stored_term_row(term) for term in TaxonomyTerm.objects.exclude(id__in=facet_ids)]
    terms += [hsds.facet_term_row(facet) for facet in hsds.FACETS]
    by_id = lambda row: str(row["id"])  # noqa: E731
    return sorted(taxonomies, key=by_id), sorted(terms, key=by_id)


def _taxonomy_metadata(taxonomies, terms) -> dict:
    ids = [row["id"] for row in taxonomies + terms]
    found = {}
    for entry in Metadata.objects.filter(resource_id__in=ids).order_by("id"):
        found.setdefault(entry.resource_id, []).append(entry)
    return found


def table_rows(graph: hsds.Graph) -> dict:
    """Every table of the package: table → rows (column → Python value), by id."""
    rows = {}
    for table in hsds.TABLES:
        if table in ("attribute", "metadata", "taxonomy", "taxonomy_term", "meta_table_description"):
            continue
        rows[table] = [graph.row(table, obj) for obj in graph.sorted_objects(table)]
    attributes = []
    for table, objects in graph.objects.items():
        if table in hsds.WITHOUT_ATTRIBUTES:
            continue
        for obj in objects.values():
            attributes += graph.attribute_rows(table, obj)
    rows["attribute"] = attributes
    taxonomies, terms = _taxonomy_rows()
    rows["taxonomy"], rows["taxonomy_term"] = taxonomies, terms
    metadata = [entry for entries in graph.metadata.values() for entry in entries]
    metadata += [entry for entries in _taxonomy_metadata(taxonomies, terms).values() for entry in entries]
    rows["metadata"] = [graph.row("metadata", entry) for entry in metadata]
    rows["meta_table_description"] = [
        graph.row("meta_table_description", entry) for entry in MetaTableDescription.objects.all()
    ]
    for table in rows:
        rows[table].sort(key=lambda row: str(row["id"]))
    return rows


def csv_table(table: str, rows) -> bytes:
    spec = hsds.TABLES[table]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(spec.column_names)
    for row in rows:
        cells = []
        for column in spec.columns:
            text = hsds.text_value(row.get(column.name))
            cells.append(guard(text) if column.guarded else text)
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8")


def _frictionless_field(column) -> dict:
    definition = {"name": column.name, "type": FRICTIONLESS_TYPES.get(column.kind, "string")}
    if column.kind in FRICTIONLESS_FORMATS:
        definition["format"] = FRICTIONLESS_FORMATS[column.kind]
    constraints = {}
    if column.required:
        constraints["required"] = True
    if column.name == "id":
        constraints["unique"] = True
    if column.enum:
        constraints["enum"] = list(column.enum)
    if constraints:
        definition["constraints"] = constraints
    return definition


def descriptor() -> dict:
    """datapackage.json: the tables, their columns and how they point at each other."""
    resources = []
    for table, spec in hsds.TABLES.items():
        foreign_keys = [
            {"fields": column, "reference": {"resource": target, "fields": "id"}}
            for column, (target, _kind) in hsds.LINKS.get(table, {}).items()
            if target is not None
        ]
        schema = {"fields": [_frictionless_field(column) for column in spec.columns], "primaryKey": "id"}
        if foreign_keys:
            schema["foreignKeys"] = foreign_keys
        resources.append(
            {
                "name": table,
                "path": spec.path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "caseway-hsds",
        "title": "Caseway service directory (HSDS 3.0)",
        "hsds_version": hsds.HSDS_VERSION,
        "resources": resources,
    }


def _zip_entry(archive, name, data: bytes):
    info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def zip_package(graph: hsds.Graph, handle, progress=None):
    """Writes the tabular data package to the open binary file ``handle``."""
    rows = table_rows(graph)
    with zipfile.ZipFile(handle, "w") as archive:
        _zip_entry(archive, "datapackage.json", (json.dumps(descriptor(), indent=2) + "\n").encode("utf-8"))
        for number, table in enumerate(hsds.TABLES, start=1):
            _zip_entry(archive, hsds.TABLES[table].path, csv_table(table, rows[table]))
            if progress:
                progress("write", number, len(hsds.TABLES))
    return rows


def json_document(graph: hsds.Graph) -> dict:
    serializer = hsds.Serializer(graph)
    taxonomies, terms = _taxonomy_rows()
    metadata = _taxonomy_metadata(taxonomies, terms)

    def with_metadata(table, row):
        result = hsds.compact(table, row)
        entries = [hsds.compact("metadata", graph.row("metadata", entry)) for entry in metadata.get(row["id"], ())]
        if entries:
            result["metadata"] = entries
        return result

    return {
        "hsds_version": hsds.HSDS_VERSION,
        "organizations": [serializer.organization_full(org) for org in graph.sorted_objects("organization")],
        "services": [serializer.service_full(service) for service in graph.sorted_objects("service")],
        "taxonomies": [with_metadata("taxonomy", row) for row in taxonomies],
        "taxonomy_terms": [with_metadata("taxonomy_term", row) for row in terms],
    }


def json_bytes(graph: hsds.Graph) -> bytes:
    return (json.dumps(json_document(graph), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def package_export(*, actor, handle, fmt="zip", include_private=False, actor_label=None, progress=None) -> dict:
    """Writes the export to the open binary file ``handle``; returns counts by table."""
    graph = build_graph(include_private=include_private, progress=progress)
    if fmt == "json":
        handle.write(json_bytes(graph))
        if progress:
            progress("write", 1, 1)
    elif fmt == "zip":
        zip_package(graph, handle, progress)
    else:
        raise ValueError(f"Unknown export format {fmt!r}.")
    counts = {table: len(objects) for table, objects in graph.objects.items() if objects}
    audit.record(
        actor,
        "directory.hsds_exported",
        None,
        fields=sorted(counts),
        reason=f"format {fmt}, services {counts.get('service', 0)}, include_private {include_private}",
        actor_label=actor_label,
    )
    return counts
