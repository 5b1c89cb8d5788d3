"""Shared by the clients API tests."""

from caseway.api.tests.helpers import bearer, create_token


def auth(user, organization=None) -> dict:
    _token, secret = create_token(user, organization)
    return bearer(secret)


def client_url(case, suffix="") -> str:
    return f"/api/v1/clients/{case.client_id}/{suffix}"
