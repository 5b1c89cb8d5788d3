"""Real answers of the clients API, with data behind them, conform to the published OpenAPI schema.

The property run (caseway/api/tests/test_schemathesis.py) mostly meets 404s and 400s on these
operations (random ids, random P-codes); here each operation answers with a real client.
"""

import pytest
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from caseway.api.tests.test_schemathesis import api_schema, wsgi_app  # noqa: F401 - fixtures
from caseway.clients import consent
from caseway.clients.models import Consent, ConsentPurpose, DataCategory
from caseway.clients.tests.api_helpers import auth
from caseway.clients.tests.erasure_helpers import PHQ9, identified_case, referred_to_b
from caseway.clients.tests.factories import an_area

pytestmark = pytest.mark.django_db
CHECKS = [not_a_server_error, response_schema_conformance]


def headers_of(user):
    return {"Authorization": auth(user)["HTTP_AUTHORIZATION"]}


def call(api_schema, method, path, headers, *, expected, **kwargs):  # noqa: F811
    operation = api_schema[path][method].ok() if hasattr(api_schema[path][method], "ok") else api_schema[path][method]
    response = operation.Case(**kwargs).call_and_validate(headers=headers, checks=CHECKS)
    assert response.status_code == expected, response.text
    return response


def wording(purpose):
    return consent.text_digest(consent.shipped_text(purpose, "en"))


def test_every_clients_operation_answers_within_its_schema(api_schema, personas):  # noqa: F811
    case = identified_case(personas)
    referred_to_b(personas, case, categories=[DataCategory.NEEDS])
    mine = headers_of(personas.caseworker_a)
    client_id = {"id": str(case.client_id)}
    statistics = Consent.objects.get(client=case.client, purpose=ConsentPurpose.STATISTICS)

    call(api_schema, "GET", "/api/v1/clients/", mine, expected=200)
    call(api_schema, "GET", "/api/v1/clients/", headers_of(personas.caseworker_b), expected=200)  # masked row
    call(api_schema, "GET", "/api/v1/clients/{id}/", mine, expected=200, path_parameters=client_id)
    call(
        api_schema,
        "POST",
        "/api/v1/clients/",
        mine,
        expected=201,
        body={
            "sex": "male",
            "age_band": "18-24",
            "admin_area": an_area().pcode,
            "given_name": "Karwan",
            "aliases": ["Kaka"],
            "consent": {"method": "verbal", "language": "en", "wording_sha256": wording(ConsentPurpose.SERVICES)},
        },
    )
    call(api_schema, "GET", "/api/v1/clients/{id}/consents/", mine, expected=200, path_parameters=client_id)
    call(
        api_schema,
        "POST",
        "/api/v1/clients/{id}/consents/",
        mine,
        expected=201,
        path_parameters=client_id,
        body={
            "purpose": "contact",
            "granted": True,
            "contact_methods": ["phone"],
            "safe_times": "mornings",
            "method": "written",
            "language": "en",
            "wording_sha256": wording(ConsentPurpose.CONTACT),
            "expires_at": "2099-01-01T00:00:00Z",
        },
    )
    call(
        api_schema,
        "POST",
        "/api/v1/clients/{id}/consents/{consent_pk}/revoke/",
        mine,
        expected=200,
        path_parameters={**client_id, "consent_pk": str(statistics.pk)},
        body={"note": ""},
    )
    call(
        api_schema,
        "POST",
        "/api/v1/clients/{id}/assessments/",
        mine,
        expected=201,
        path_parameters=client_id,
        body={"instrument": "phq9", "answers": PHQ9, "stage": "follow_up"},
    )
    call(api_schema, "GET", "/api/v1/clients/{id}/assessments/", mine, expected=200, path_parameters=client_id)
    call(api_schema, "GET", "/api/v1/consent-wordings/", mine, expected=200)
    call(api_schema, "POST", "/api/v1/clients/", mine, expected=400, body={"sex": "male", "consent": {}})
