"""Which tests the second database leg of ``make test`` repeats (``--second-database``).

``make test`` runs the whole suite on SQLite, then again on PostgreSQL. A test that never opens
the database gives the same answer on both, and the demo network is seeded by ``make demo`` into
the embedded SQLite database only: repeating those on PostgreSQL cost about a quarter of that
leg (hypothesis properties, settings read in fresh interpreters, one seeding of the whole demo)
and could find nothing the first leg did not.
"""

# The fixtures through which a test reaches the database (pytest-django's, and the live server's).
DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}
)


def opens_the_database(item) -> bool:
    if item.get_closest_marker("django_db") is not None:
        return True
    return not DATABASE_FIXTURES.isdisjoint(item.fixturenames)


def repeated_on_second_database(item, demo_fixtures) -> bool:
    if not opens_the_database(item):
        return False
    return demo_fixtures.isdisjoint(item.fixturenames)


def split(items, demo_fixtures):
    """(kept, left out) for the second database leg."""
    kept, left_out = [], []
    for item in items:
        (kept if repeated_on_second_database(item, demo_fixtures) else left_out).append(item)
    return kept, left_out
