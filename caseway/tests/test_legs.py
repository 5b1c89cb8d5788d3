"""The second database leg repeats every test that opens the database, except the demo's checks."""

from caseway.tests.legs import opens_the_database, split

DEMO = frozenset({"demo_clients", "demo_network"})


class Item:
    def __init__(self, name, fixtures=(), marker=False):
        self.name = name
        self.fixturenames = list(fixtures)
        self.marker = marker

    def get_closest_marker(self, name):
        return object() if self.marker and name == "django_db" else None


def test_a_test_opens_the_database_through_a_fixture_or_the_marker():
    assert opens_the_database(Item("page", ["client", "db"]))
    assert opens_the_database(Item("browser", ["live_server", "page"]))
    assert opens_the_database(Item("concurrent", ["transactional_db"]))
    assert opens_the_database(Item("marked", ["settings"], marker=True))
    assert not opens_the_database(Item("pure", ["settings", "monkeypatch"]))


def test_it_repeats_database_tests_and_leaves_out_pure_and_demo_tests():
    page = Item("page", ["client", "db"])
    marked = Item("marked", [], marker=True)
    pure = Item("pure", ["settings"])
    demo = Item("demo", ["db", "demo_network"])
    kept, left_out = split([page, pure, demo, marked], DEMO)
    assert kept == [page, marked]
    assert left_out == [pure, demo]
