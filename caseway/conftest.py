import pytest
from django.conf import settings
from django.utils import translation

from caseway.tests.personas import build_personas, login


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language.

    A request with ``Accept-Language`` (the right-to-left tests ask for Arabic) leaves its language
    active in the test's thread after the response; a later test in the same worker would then
    read translated messages where it expects English.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


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
