from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.utils import translation

from caseway.tests import legs, shared_demo
from caseway.tests.personas import build_personas, login

LEFT_OUT = pytest.StashKey[int]()


@receiver(connection_created)
def no_commit_waits_for_the_disk(sender, connection, **kwargs):
    """PostgreSQL test connections commit without waiting for the WAL to reach the disk.

    The test databases are thrown away: a commit lost to a crash loses nothing. Migrating a test
    database and flushing it after every transactional test commit often; on a slow disk each
    commit waited for its fsync. Session setting (autocommit is on when the signal is sent);
    nothing else changes: same isolation, same constraints, same triggers.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")


_truncate = PostgresOperations.sql_flush


def _empty_what_was_written(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    """The flush after each transactional test (browser, live-server, concurrency tests) on PostgreSQL.

    Django truncates every table, some 90: PostgreSQL gives each a new file, about 2 s per flush
    here, 3 s of teardown per test. This empties the same tables, but deletes the rows of the few a
    test wrote to: the foreign keys are all deferred (Django makes them so), so one transaction
    may delete in any order. Tables with triggers of their own (the audit log refuses DELETE) are
    still truncated. Asked to reset sequences or to cascade, it truncates everything as before.
    """
    if reset_sequences or allow_cascade or not tables:
        return _truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
    quote = self.quote_name
    # Table names come from the models (introspection), quoted; values are parameters.
    probe = " UNION ALL ".join(f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(table)})" for table in tables)  # noqa: S608
    with self.connection.cursor() as cursor:
        cursor.execute(probe, list(tables))
        written = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT DISTINCT relname FROM pg_trigger JOIN pg_class ON pg_class.oid = tgrelid"
            " WHERE NOT tgisinternal AND relname = ANY(%s)",
            [written],
        )
        guarded = sorted(row[0] for row in cursor.fetchall())
    statements = _truncate(self, style, guarded) if guarded else []
    return statements + [f"DELETE FROM {quote(table)};" for table in written if table not in guarded]  # noqa: S608


PostgresOperations.sql_flush = _empty_what_was_written


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
        # A new cookie jar, as ``Client.logout`` leaves, without its sign-out audit event and
        # session deletion (6 ms each): signing out is tested through the real page.
        client.cookies = SimpleCookie()
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


demo_directory = _demo_fixture("demo_directory")
demo_clients = _demo_fixture("demo_clients")
demo_referrals = _demo_fixture("demo_referrals")
demo_network = _demo_fixture("demo_network")


def pytest_collection_modifyitems(config, items):
    if config.getoption("second_database"):
        kept, left_out = legs.split(items, frozenset(shared_demo.LEVELS))
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            items[:] = kept
            config.stash[LEFT_OUT] = len(left_out)
    shared_demo.demo_first(items)


def pytest_terminal_summary(terminalreporter, config):
    left_out = config.stash.get(LEFT_OUT, 0)
    if left_out:
        terminalreporter.write_line(
            f"Second database leg: {left_out} tests that never open the database, or check the demo"
            " network (seeded into SQLite only), ran in the SQLite leg and were not repeated here."
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    shared_demo.SHARED.next_item = nextitem
    result = yield
    # A next test of the same module keeps the module's fixtures; it must not see the demo unless it asks.
    if nextitem is not None and shared_demo.level_of(nextitem) < shared_demo.SHARED.level:
        shared_demo.SHARED.release()
    return result
