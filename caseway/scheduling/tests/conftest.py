from types import SimpleNamespace

import pytest

from caseway.scheduling import registry
from caseway.scheduling.tests.fakeapp import tasks as fake_tasks


@pytest.fixture
def only_fake_app(monkeypatch):
    """The registry sees one app: the stand-in whose tasks.py declares an hourly and a daily job."""
    fake = SimpleNamespace(name="caseway.scheduling.tests.fakeapp")
    monkeypatch.setattr(registry.apps, "get_app_configs", lambda: [fake])
    fake_tasks.CALLS.clear()
    yield fake_tasks.CALLS
    fake_tasks.CALLS.clear()
