import pytest

from caseway.directory import coverage


@pytest.fixture(autouse=True)
def directory_measures_only():
    """The directory's tests count the directory's own coverage measures: those that apps above it
    add through ``coverage.register_provider`` (the clients' needs) are tested in those apps, and
    put back afterwards in the same order."""
    saved = coverage.providers()
    for provider in saved:
        if provider.key != coverage.DIRECTORY_PROVIDER:
            coverage.unregister_provider(provider.key)
    yield
    for provider in coverage.providers():
        if provider.key != coverage.DIRECTORY_PROVIDER:
            coverage.unregister_provider(provider.key)
    for provider in saved:
        coverage.register_provider(provider)
