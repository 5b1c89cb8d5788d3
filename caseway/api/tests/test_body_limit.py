"""Bodies over settings.DATA_UPLOAD_MAX_MEMORY_SIZE are refused with a JSON 413, never a 500.

DRF reads JSON through Django's request.body, which raises RequestDataTooBig past the limit;
unhandled, that becomes Django's HTML 400 page, which an API client cannot read.
"""

import json

import pytest
from django.conf import settings

from caseway.api.tests.helpers import bearer, create_token

MIB = 1024 * 1024


def _json_of_size(size: int) -> str:
    padding = size - len('{"padding": ""}')
    return json.dumps({"padding": "x" * padding})


@pytest.fixture
def auth(personas):
    _token, secret = create_token(personas.caseworker_a)
    return bearer(secret)


def test_it_is_configured_at_one_mebibyte():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == MIB


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_it_never_reads_a_large_body_sent_to_a_read_only_endpoint(client, auth, method):
    response = getattr(client, method)("/api/v1/me/", _json_of_size(2 * MIB), content_type="application/json", **auth)
    assert response.status_code == 405


@pytest.mark.django_db
@pytest.mark.urls("caseway.api.tests.urls_test_views")
@pytest.mark.parametrize("method", ["post", "put"])
def test_it_refuses_a_two_mebibyte_json_body_with_a_json_413(client, auth, method):
    response = getattr(client, method)("/echo/", _json_of_size(2 * MIB), content_type="application/json", **auth)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "The request body is too large."}


@pytest.mark.django_db
@pytest.mark.urls("caseway.api.tests.urls_test_views")
def test_it_accepts_a_body_at_the_limit(client, auth):
    response = client.post("/echo/", _json_of_size(MIB), content_type="application/json", **auth)
    assert response.status_code == 200
    assert response.json() == {"keys": ["padding"]}
