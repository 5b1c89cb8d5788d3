"""The Caseway reintegration taxonomy, shipped as data (data/caseway_taxonomy.json).

Term ids are UUIDv5 of the code, so every installation gives a term the same HSDS id and
packages exchanged between networks agree on categories.
"""

import json
import uuid
from pathlib import Path

TAXONOMY_FILE = Path(__file__).parent / "data" / "caseway_taxonomy.json"
TERM_NAMESPACE = uuid.UUID("0d4b5c9e-2f7a-5b61-8c3d-5e6f7a8b9c0d")
TRANSLATED_LANGUAGES = ("fr", "ar", "es")


def term_id(code: str) -> uuid.UUID:
    return uuid.uuid5(TERM_NAMESPACE, f"caseway-reintegration:{code}")


def shipped_taxonomy() -> dict:
    return json.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))


def load_caseway_taxonomy(taxonomy_model, term_model) -> int:
    """Creates or updates the shipped taxonomy and its terms; returns the number of terms.

    Takes the model classes as arguments so data migrations can pass their historical models.
    Terms removed from the file are not deleted (services may use them): coordinators retire
    them by marking them not in use.
    """
    data = shipped_taxonomy()
    taxonomy, _ = taxonomy_model.objects.update_or_create(
        id=uuid.UUID(data["id"]),
        defaults={
            "name": data["name"],
            "description": data["description"],
            "uri": data["uri"],
            "version": data["version"],
        },
    )
    for entry in data["terms"]:  # parents come before their children in the file
        parent_code = entry.get("parent")
        term_model.objects.update_or_create(
            id=term_id(entry["code"]),
            defaults={
                "taxonomy_ref": taxonomy,
                "taxonomy": data["name"],
                "code": entry["code"],
                "name": entry["name"],
                "name_translations": {
                    language: entry[language] for language in TRANSLATED_LANGUAGES if language in entry
                },
                "description": entry["description"],
                "parent_id": term_id(parent_code) if parent_code else None,
                "language": "en",
            },
        )
    return len(data["terms"])
