import pytest
from django.conf import settings
from django.utils import translation

from caseway.tests import shared_demo
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


# --- the demo network, seeded once per worker (caseway/tests/shared_demo.py) ------------------


def _demo_fixture(name):
    level = list(shared_demo.LEVELS).index(name)

    @pytest.fixture(scope="module", name=name)
    def demo(django_db_setup, django_db_blocker):
        yield shared_demo.SHARED.ensure(level, django_db_blocker)
        shared_demo.SHARED.release_unless_next_needs_it()

    demo.__doc__ = f"seed_demo --up-to {shared_demo.LEVELS[name] or '(everything)'}, shared: what it printed."
    return demo


demo_clients = _demo_fixture("demo_clients")
demo_referrals = _demo_fixture("demo_referrals")
demo_network = _demo_fixture("demo_network")


def pytest_collection_modifyitems(items):
    shared_demo.demo_first(items)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    shared_demo.SHARED.next_item = nextitem
    result = yield
    # A next test of the same module keeps the module's fixtures; it must not see the demo unless it asks.
    if nextitem is not None and shared_demo.level_of(nextitem) < shared_demo.SHARED.level:
        shared_demo.SHARED.release()
    return result
