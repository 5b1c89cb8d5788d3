import gzip
import re

import pytest
import schemathesis
import yaml
from django.urls import reverse
from jsonschema_rs import ValidationError

SCHEMA = "/api/v1/schema/"
DOCS = "/api/v1/docs/"
OPERATIONS = {
    ("/api/v1/me/", "get"),
    ("/api/v1/cases/{id}/messages/", "get"),
    ("/api/v1/cases/{id}/messages/", "post"),
    ("/api/v1/referrals/{id}/messages/", "get"),
    ("/api/v1/referrals/{id}/messages/", "post"),
    ("/api/v1/organizations/", "get"),
    ("/api/v1/organizations/{id}/", "get"),
    ("/api/v1/clients/", "get"),
    ("/api/v1/clients/", "post"),
    ("/api/v1/clients/{id}/", "get"),
    ("/api/v1/clients/{id}/consents/", "get"),
    ("/api/v1/clients/{id}/consents/", "post"),
    ("/api/v1/clients/{id}/consents/{consent_pk}/revoke/", "post"),
    ("/api/v1/clients/{id}/assessments/", "get"),
    ("/api/v1/clients/{id}/assessments/", "post"),
    ("/api/v1/consent-wordings/", "get"),
    ("/api/v1/referrals/", "get"),
    ("/api/v1/referrals/", "post"),
    ("/api/v1/referrals/statistics/", "get"),
    ("/api/v1/referrals/{id}/", "get"),
    ("/api/v1/referrals/{id}/send/", "post"),
    ("/api/v1/referrals/{id}/accept/", "post"),
    ("/api/v1/referrals/{id}/decline/", "post"),
    ("/api/v1/referrals/{id}/start-service/", "post"),
    ("/api/v1/referrals/{id}/complete/", "post"),
    ("/api/v1/referrals/{id}/close-unsuccessful/", "post"),
    ("/api/v1/referrals/{id}/withdraw/", "post"),
    ("/api/v1/pathways/", "get"),
    ("/api/v1/cases/{id}/pathways/", "get"),
    ("/api/v1/cases/{id}/pathways/", "post"),
    ("/api/v1/pathway-runs/{id}/", "get"),
    ("/api/v1/cases/{id}/appointments/", "get"),
    ("/api/v1/cases/{id}/appointments/", "post"),
    ("/api/v1/appointments/{id}/reschedule/", "post"),
    ("/api/v1/appointments/{id}/cancel/", "post"),
    ("/api/v1/appointments/{id}/attended/", "post"),
    ("/api/v1/appointments/{id}/no-show/", "post"),
    ("/api/v1/cases/{id}/payments/", "get"),
    ("/api/v1/cases/{id}/payments/", "post"),
    ("/api/v1/cases/{id}/plan/", "get"),
    ("/api/v1/cases/{id}/plan/", "post"),
    ("/api/v1/cases/{id}/plan/", "patch"),
    ("/api/v1/cases/{id}/plan/submit/", "post"),
    ("/api/v1/cases/{id}/goals/", "get"),
    ("/api/v1/cases/{id}/goals/", "post"),
    ("/api/v1/cases/{id}/goals/{goal_pk}/", "get"),
    ("/api/v1/cases/{id}/goals/{goal_pk}/", "patch"),
    ("/api/v1/cases/{id}/goals/{goal_pk}/progress/", "get"),
    ("/api/v1/cases/{id}/goals/{goal_pk}/progress/", "post"),
    ("/api/v1/cases/{id}/tasks/", "get"),
    ("/api/v1/cases/{id}/tasks/", "post"),
    ("/api/v1/cases/{id}/tasks/{task_pk}/", "get"),
    ("/api/v1/cases/{id}/tasks/{task_pk}/", "patch"),
    ("/api/v1/cases/{id}/tasks/{task_pk}/done/", "post"),
    ("/api/v1/cases/{id}/milestones/", "get"),
    ("/api/v1/cases/{id}/milestones/", "post"),
    ("/api/v1/cases/{id}/notes/", "get"),
    ("/api/v1/cases/{id}/notes/", "post"),
    ("/api/v1/cases/{id}/notes/{note_pk}/", "get"),
    ("/api/v1/cases/{id}/plan/approve/", "post"),
    ("/api/v1/cases/{id}/plan/return/", "post"),
    ("/api/v1/cases/{id}/closure/", "post"),
    ("/api/v1/cases/{id}/closure/approve/", "post"),
    ("/api/v1/cases/{id}/closure/return/", "post"),
    ("/api/v1/cases/{id}/reopen/", "post"),
    ("/api/v1/caseload/", "get"),
    ("/api/v1/caseload/reassign/", "post"),
    ("/api/v1/legal/matters/", "get"),
    ("/api/v1/legal/matters/{id}/", "get"),
    ("/api/v1/legal/matters/{id}/events/", "get"),
    ("/api/v1/legal/matters/{id}/events/", "post"),
    ("/api/v1/legal/matters/{id}/evidence/", "get"),
    ("/api/v1/legal/deadlines/", "get"),
    ("/api/v1/legal/analytics/", "get"),
    ("/api/v1/indicators/", "get"),
    ("/api/v1/indicators/values/", "get"),
    ("/api/v1/indicators/progress/", "get"),
}


@pytest.fixture
def schema(client, db):
    response = client.get(SCHEMA, {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_it_serves_a_valid_openapi_3_document(schema):
    assert schema["openapi"].startswith("3.")
    schemathesis.openapi.from_dict(schema).validate()


def test_it_would_notice_an_invalid_document(schema):
    # Guards the test above: the validator really checks against the OpenAPI meta-schema.
    del schema["info"]
    with pytest.raises(ValidationError):
        schemathesis.openapi.from_dict(schema).validate()


@pytest.mark.django_db
def test_it_serves_the_same_schema_as_yaml_by_default(client, schema):
    response = client.get(SCHEMA)
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml.safe_load(response.content) == schema


@pytest.mark.django_db
def test_it_is_public_even_to_a_caller_with_a_bad_token(client):
    response = client.get(SCHEMA, HTTP_AUTHORIZATION="Bearer cw_000000000000_nope")
    assert response.status_code == 200


def test_it_documents_every_operation_and_no_way_to_create_tokens(schema):
    operations = {(path, method) for path, item in schema["paths"].items() for method in item}
    assert operations == OPERATIONS
    assert "tokens" not in " ".join(schema["paths"])
    assert "There is no API to create tokens" in schema["info"]["description"]


def test_it_documents_bearer_tokens_and_sessions(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearerAuth"]["type"] == "http"
    assert schemes["bearerAuth"]["scheme"] == "bearer"
    assert schemes["cookieAuth"]["in"] == "cookie"
    for path, method in OPERATIONS:
        assert schema["paths"][path][method]["security"] == [{"bearerAuth": []}, {"cookieAuth": []}]


def test_it_documents_the_shared_error_answers(schema):
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, method in OPERATIONS:
        responses = schema["paths"][path][method]["responses"]
        assert responses["401"]["content"] == error, path
    assert "403" not in schema["paths"]["/api/v1/me/"]["get"]["responses"]
    assert schema["paths"]["/api/v1/organizations/"]["get"]["responses"]["403"]["content"] == error
    assert schema["paths"]["/api/v1/organizations/{id}/"]["get"]["responses"]["404"]["content"] == error


def test_it_names_fields_explicitly(schema):
    components = schema["components"]["schemas"]
    assert list(components["Organization"]["properties"]) == ["id", "name", "acronym", "type", "country"]
    assert set(components["Me"]["properties"]) == {
        "email",
        "display_name",
        "membership",
        "memberships",
        "token_authenticated",
        "token_expires_at",
    }
    assert "OrganizationTypeEnum" in components


@pytest.mark.django_db
def test_it_renders_a_small_docs_page_for_anonymous_visitors(client):
    response = client.get(DOCS)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'id="authentication"' in html
    assert "Authorization: Bearer cw_" in html
    for path, method in OPERATIONS:
        assert f"<code>{method.upper()} {path}</code>" in html
    schemas = reverse("api:docs_schemas")
    assert f'href="{schemas}#schema-Organization"' in html
    assert len(gzip.compress(response.content, compresslevel=9)) <= 20 * 1024
    schemas_page = client.get(schemas)
    assert schemas_page.status_code == 200
    assert 'id="schema-Organization"' in schemas_page.content.decode()
    assert len(gzip.compress(schemas_page.content, compresslevel=9)) <= 20 * 1024


@pytest.mark.django_db
def test_it_loads_no_inline_script_or_third_party_viewer_in_the_docs(client):
    html = client.get(DOCS).content
    assert re.findall(rb"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert b"swagger" not in html.lower()
    assert b"redoc" not in html.lower()


@pytest.mark.django_db
def test_it_links_signed_in_staff_to_their_tokens(login_as, personas):
    html = login_as(personas.caseworker_a).get(DOCS).content.decode()
    assert 'href="/orgs/api-tokens/"' in html
