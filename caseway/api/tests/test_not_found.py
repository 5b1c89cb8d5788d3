import pytest

from caseway.api.tests.helpers import bearer, create_token


@pytest.fixture
def auth(personas):
    _token, secret = create_token(personas.caseworker_a)
    return bearer(secret)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/tokens/", "/api/v1/organizations/-1/", "/api/v1/me"])
def test_it_answers_unknown_api_paths_with_the_same_json_404_as_a_missing_object(client, auth, path):
    missing = client.get("/api/v1/organizations/999999/", **auth)
    for method in ("get", "post", "delete"):
        response = getattr(client, method)(path, **auth)
        assert response.status_code == 404, (method, path)
        assert response["Content-Type"] == "application/json"
        assert response.content == missing.content


@pytest.mark.django_db
def test_it_does_not_tell_anonymous_callers_which_paths_exist(client):
    unknown = client.get("/api/v1/tokens/")
    known = client.get("/api/v1/me/")
    assert unknown.status_code == known.status_code == 401
    assert unknown.content == known.content
