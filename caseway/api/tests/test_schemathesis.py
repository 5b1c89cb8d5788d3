"""Schemathesis against our own schema, in process: no 5xx, and every answer matches the schema.

It runs through the whole WSGI stack (middleware included) with a real API token, so what it
checks is what an integrator gets. The operations are driven with Hypothesis directly:
schemathesis' lazy pytest fixture loader (``from_fixture``) does not run under pytest 9, and a
schema loaded at import time would need the database before pytest-django provides it.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from caseway.api.tests.helpers import create_token
from caseway.clients.tests.factories import a_case

# One database and one token serve every example (writes stay in the test's transaction). Each
# run draws new examples: 12 per operation and mode keep the three tests near a minute per leg.
EXAMPLES = 12
# Without a token every operation must answer 401 whatever it is sent: a few examples show it.
ANONYMOUS_EXAMPLES = 3
OPERATIONS = {
    "GET /api/v1/me/",
    "GET /api/v1/cases/{id}/messages/",
    "POST /api/v1/cases/{id}/messages/",
    "GET /api/v1/referrals/{id}/messages/",
    "POST /api/v1/referrals/{id}/messages/",
    "GET /api/v1/organizations/",
    "GET /api/v1/organizations/{id}/",
    "GET /api/v1/clients/",
    "POST /api/v1/clients/",
    "GET /api/v1/clients/{id}/",
    "GET /api/v1/clients/{id}/consents/",
    "POST /api/v1/clients/{id}/consents/",
    "POST /api/v1/clients/{id}/consents/{consent_pk}/revoke/",
    "GET /api/v1/clients/{id}/assessments/",
    "POST /api/v1/clients/{id}/assessments/",
    "GET /api/v1/consent-wordings/",
    "GET /api/v1/referrals/",
    "POST /api/v1/referrals/",
    "GET /api/v1/referrals/statistics/",
    "GET /api/v1/referrals/{id}/",
    "POST /api/v1/referrals/{id}/send/",
    "POST /api/v1/referrals/{id}/accept/",
    "POST /api/v1/referrals/{id}/decline/",
    "POST /api/v1/referrals/{id}/start-service/",
    "POST /api/v1/referrals/{id}/complete/",
    "POST /api/v1/referrals/{id}/close-unsuccessful/",
    "POST /api/v1/referrals/{id}/withdraw/",
    "GET /api/v1/pathways/",
    "GET /api/v1/cases/{id}/pathways/",
    "POST /api/v1/cases/{id}/pathways/",
    "GET /api/v1/pathway-runs/{id}/",
    "GET /api/v1/cases/{id}/appointments/",
    "POST /api/v1/cases/{id}/appointments/",
    "POST /api/v1/appointments/{id}/reschedule/",
    "POST /api/v1/appointments/{id}/cancel/",
    "POST /api/v1/appointments/{id}/attended/",
    "POST /api/v1/appointments/{id}/no-show/",
    "GET /api/v1/cases/{id}/payments/",
    "POST /api/v1/cases/{id}/payments/",
    "GET /api/v1/cases/{id}/plan/",
    "POST /api/v1/cases/{id}/plan/",
    "PATCH /api/v1/cases/{id}/plan/",
    "POST /api/v1/cases/{id}/plan/submit/",
    "GET /api/v1/cases/{id}/goals/",
    "POST /api/v1/cases/{id}/goals/",
    "GET /api/v1/cases/{id}/goals/{goal_pk}/",
    "PATCH /api/v1/cases/{id}/goals/{goal_pk}/",
    "GET /api/v1/cases/{id}/goals/{goal_pk}/progress/",
    "POST /api/v1/cases/{id}/goals/{goal_pk}/progress/",
    "GET /api/v1/cases/{id}/tasks/",
    "POST /api/v1/cases/{id}/tasks/",
    "GET /api/v1/cases/{id}/tasks/{task_pk}/",
    "PATCH /api/v1/cases/{id}/tasks/{task_pk}/",
    "POST /api/v1/cases/{id}/tasks/{task_pk}/done/",
    "GET /api/v1/cases/{id}/milestones/",
    "POST /api/v1/cases/{id}/milestones/",
    "GET /api/v1/cases/{id}/notes/",
    "POST /api/v1/cases/{id}/notes/",
    "GET /api/v1/cases/{id}/notes/{note_pk}/",
    "POST /api/v1/cases/{id}/plan/approve/",
    "POST /api/v1/cases/{id}/plan/return/",
    "POST /api/v1/cases/{id}/closure/",
    "POST /api/v1/cases/{id}/closure/approve/",
    "POST /api/v1/cases/{id}/closure/return/",
    "POST /api/v1/cases/{id}/reopen/",
    "GET /api/v1/caseload/",
    "POST /api/v1/caseload/reassign/",
    "GET /api/v1/legal/matters/",
    "GET /api/v1/legal/matters/{id}/",
    "GET /api/v1/legal/matters/{id}/events/",
    "POST /api/v1/legal/matters/{id}/events/",
    "GET /api/v1/legal/matters/{id}/evidence/",
    "GET /api/v1/legal/deadlines/",
    "GET /api/v1/legal/analytics/",
    "GET /api/v1/indicators/",
    "GET /api/v1/indicators/values/",
    "GET /api/v1/indicators/progress/",
}


@pytest.fixture
def wsgi_app(db):
    """The real WSGI handler, minus the per-request connection recycling.

    Django closes a connection at the end of a request when it is inside a transaction, which
    here is the test's own transaction (PostgreSQL would lose it). Django's test client
    disconnects the same receivers for the same reason.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(wsgi_app):
    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", wsgi_app)


@pytest.fixture
def token_headers(personas):
    # A sensitive client of someone else's caseload and one of the caller's: lists hold masked and shown rows.
    membership = personas.caseworker_a.memberships.get()
    a_case(membership, given_name="Amal", phone="+999 700 100 200")
    a_case(membership, actor=personas.supervisor_a, sensitive=True, given_name="Noor")
    _token, secret = create_token(personas.caseworker_a)
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def legal_officer(personas):
    """A legal officer's token and a matter of her organization with an event, a deadline and evidence:
    the legal operations are then driven on a real matter, not only answered 404 or 403."""
    from caseway.legal.tests.object_urls_evidence import an_item
    from caseway.legal.tests.object_urls_legal import a_deadline

    matter = a_deadline(personas).matter
    an_item(personas, matter=matter)
    _token, secret = create_token(personas.legal_officer_a)
    return {"Authorization": f"Bearer {secret}"}, str(matter.pk)


def _operations(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {operation.label for operation in operations} == OPERATIONS
    return operations


def _run(operation, mode, check, examples=EXAMPLES):
    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        check(case)

    run()


def test_it_answers_every_operation_within_its_schema(api_schema, token_headers):
    def check(case):
        case.call_and_validate(headers=token_headers, checks=[not_a_server_error, response_schema_conformance])

    for operation in _operations(api_schema):
        _run(operation, GenerationMode.POSITIVE, check)


def test_it_never_fails_with_a_server_error_on_invalid_input(api_schema, token_headers):
    def check(case):
        case.call_and_validate(headers=token_headers, checks=[not_a_server_error])

    for operation in _operations(api_schema):
        if operation.path_parameters or operation.query:
            _run(operation, GenerationMode.NEGATIVE, check)


def test_it_answers_the_legal_operations_on_a_real_matter_within_their_schema(api_schema, legal_officer):
    headers, matter = legal_officer

    def check(case):
        if "id" in (case.path_parameters or {}):
            case.path_parameters = {**case.path_parameters, "id": matter}
        case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

    for operation in _operations(api_schema):
        if "/legal/" in operation.label:
            _run(operation, GenerationMode.POSITIVE, check)


def test_it_answers_anonymous_callers_within_its_schema(api_schema):
    def check(case):
        response = case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])
        assert response.status_code == 401

    for operation in _operations(api_schema):
        _run(operation, GenerationMode.POSITIVE, check, ANONYMOUS_EXAMPLES)
