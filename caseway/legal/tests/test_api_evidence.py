"""GET /api/v1/legal/matters/{id}/evidence/: evidence metadata and its chain of custody, never the
content, the original's name, the description, where it is kept or the places and reasons of its
custody. Other organizations 404, other roles 403."""

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseway.casework.tests.appointment_helpers import member
from caseway.legal import evidence
from caseway.legal.tests.object_urls_evidence import PDF, an_item
from caseway.legal.tests.object_urls_legal import a_matter
from caseway.legal.tests.test_api_matters import as_, with_co_counsel

pytestmark = pytest.mark.django_db

SECRETS = (
    "statement.pdf",
    "Signed statement of a fictional witness",
    "Office of Alpha Relief, Northfield",
    "Given to us by the client's family",
    "Locker 12 of the Oldtown court",
    "Handed over for the expert's report",
)


def url(matter):
    return reverse("api:legal_matter_evidence", args=[matter.pk])


def test_it_lists_metadata_and_custody_and_nothing_of_the_content(client, personas):
    matter = with_co_counsel(a_matter(personas), personas.legal_officer_a, personas.org_b)
    document = an_item(personas, matter=matter, collected_on=None)
    evidence.evidence_transfer(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        item=document,
        to_organization=personas.org_b,
        place="Locker 12 of the Oldtown court",
        reason="Handed over for the expert's report",
    )
    an_item(personas, matter=matter, kind="physical", data=None, physical_location="Locker 12 of the Oldtown court")

    response = client.get(url(matter), **as_(personas.legal_officer_b))

    assert response.status_code == 200
    first, second = response.json()["results"]
    assert first == {
        "id": str(document.pk),
        "number": 1,
        "kind": "document",
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "size": len(PDF),
        "content_type": "application/pdf",
        "custodian": {"id": personas.org_b.pk, "name": personas.org_b.name},
        "collected_on": None,
        "custody": [
            {
                "kind": "receipt",
                "at": first["custody"][0]["at"],
                "organization": {"id": personas.org_a.pk, "name": personas.org_a.name},
                "to_organization": None,
            },
            {
                "kind": "transfer",
                "at": first["custody"][1]["at"],
                "organization": {"id": personas.org_a.pk, "name": personas.org_a.name},
                "to_organization": {"id": personas.org_b.pk, "name": personas.org_b.name},
            },
        ],
    }
    assert (second["number"], second["kind"], second["sha256"], second["size"]) == (2, "physical", "", None)
    content = response.content.decode()
    for secret in SECRETS:
        assert secret not in content, secret
    assert "%PDF" not in content


def test_it_never_loads_the_original_or_the_encrypted_texts(client, personas):
    matter = a_matter(personas)
    an_item(personas, matter=matter)
    headers = as_(personas.legal_officer_a)

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url(matter), **headers).status_code == 200

    reads = [query["sql"] for query in captured if not query["sql"].startswith("SELECT COUNT")]
    item_queries = [sql for sql in reads if 'FROM "legal_evidenceitem"' in sql]
    custody_queries = [sql for sql in reads if 'FROM "legal_custodyevent"' in sql]
    assert item_queries and custody_queries
    for sql in item_queries:
        assert '"legal_evidenceitem"."original_sha256"' in sql  # what is served is read
        for column in ("original", "original_name", "description", "physical_location"):
            assert f'"legal_evidenceitem"."{column}"' not in sql, column
    for sql in custody_queries:
        assert '"legal_custodyevent"."kind"' in sql
        assert '"legal_custodyevent"."place"' not in sql and '"legal_custodyevent"."reason"' not in sql


def test_it_lists_with_a_fixed_number_of_queries(client, personas, django_assert_max_num_queries):
    matter = a_matter(personas)
    headers = as_(personas.legal_officer_a)
    an_item(personas, matter=matter)
    with django_assert_max_num_queries(30) as few:
        client.get(url(matter), **headers)
    for _ in range(4):
        an_item(personas, matter=matter)

    with django_assert_max_num_queries(len(few)):
        response = client.get(url(matter), **headers)

    assert response.json()["count"] == 5


def test_other_organizations_get_404_and_other_roles_403(client, personas):
    matter = a_matter(personas)
    an_item(personas, matter=matter)

    assert client.get(url(matter), **as_(personas.legal_officer_b)).status_code == 404
    for user in (personas.caseworker_a, personas.coordinator, personas.admin_a):
        assert client.get(url(matter), **as_(user)).status_code == 403
    assert client.get(url(matter)).status_code == 401
