import pytest

from caseway.tests.personas import build_personas, login


@pytest.fixture
def personas(db):
    return build_personas()


@pytest.fixture
def login_as(client):
    """``login_as(user)`` returns the test client signed in as ``user`` with both factors."""

    def sign_in(user):
        client.logout()
        return login(client, user)

    return sign_in
