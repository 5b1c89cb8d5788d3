"""The demo network (manage.py seed_demo), seeded once per test worker for every module that reads it.

Seeding takes tens of seconds. Each demo test module used to seed for itself (five seedings per
leg, more when xdist split a module between workers); now the modules ask for a level of the
demo (``demo_directory``, ``demo_clients``, ``demo_referrals``, ``demo_network``: conftest.py) and share one seeding:

- the demo tests are moved to the front of the run, lowest level first. pytest-xdist's load
  scheduling hands each worker a first run of consecutive tests (an eighth of the suite), so on a
  whole run one worker gets them all. (``xdist_group`` would say so outright, but --dist loadgroup
  does not group under pytest 9: xdist renames ``item._nodeid``, which pytest 9 no longer reads.)
  A smaller run may split them between the workers: each then seeds once, still correct;
- the worker seeds the lowest level asked for inside a transaction, then completes the network to
  the next level on top of it (seed_demo "creates or completes"): each module sees what it saw
  when it seeded for itself;
- every test still runs in its own savepoint inside that transaction (the ``db`` fixture), so what
  a test writes is gone before the next;
- the transaction is rolled back, leaving the database empty, as soon as the next test on the
  worker does not ask for the demo (or asks for a lower level), and at the end of the run.
"""

from io import StringIO

from django.core.management import call_command
from django.db import transaction

# seed_demo --up-to for each level, lowest first; None seeds the whole demo.
LEVELS = {"demo_directory": "directory", "demo_clients": "clients", "demo_referrals": "referrals", "demo_network": None}


def level_of(item):
    """The highest demo level ``item`` asks for, as an index into LEVELS, or -1."""
    names = list(LEVELS)
    asked = [names.index(name) for name in item.fixturenames if name in LEVELS]
    return max(asked, default=-1)


class SharedDemo:
    def __init__(self):
        self.atomic = None
        self.level = -1
        self.output = ""
        self.blocker = None
        self.next_item = None

    def ensure(self, level, blocker):
        """The demo seeded at least up to ``level`` (an index into LEVELS), and what seed_demo printed."""
        if self.atomic is not None and self.level > level:
            self.release()
        self.blocker = blocker
        with blocker.unblock():
            if self.atomic is None:
                self.atomic = transaction.atomic()
                self.atomic.__enter__()
                self.output = ""
            try:
                if self.level < level:
                    out = StringIO()
                    call_command("seed_demo", up_to=list(LEVELS.values())[level], stdout=out)
                    self.output += out.getvalue()
                    self.level = level
            except BaseException:
                self.release()
                raise
        return self.output

    def release_unless_next_needs_it(self):
        """Called when a module that used the demo ends: keep it only for a next test that asks for it."""
        nxt = self.next_item
        if nxt is None or level_of(nxt) < self.level:
            self.release()

    def release(self):
        if self.atomic is None:
            return
        atomic, self.atomic = self.atomic, None
        self.level, self.output = -1, ""
        with self.blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


SHARED = SharedDemo()


def demo_first(items):
    """Demo tests first, lowest level first; the rest keep their order."""
    demo = [item for item in items if level_of(item) >= 0]
    if not demo:
        return
    rest = [item for item in items if level_of(item) < 0]
    items[:] = sorted(demo, key=level_of) + rest
