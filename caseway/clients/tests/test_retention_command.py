"""manage.py clients_retention [--dry-run]: the retention run from the command line, with counts."""

from io import StringIO

import pytest
from django.core.management import call_command

from caseway.clients.models import Client, RetentionPolicy
from caseway.clients.tests.erasure_helpers import close, identified_case, member
from caseway.clients.tests.factories import a_case

pytestmark = pytest.mark.django_db


def command(*args):
    out = StringIO()
    call_command("clients_retention", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def due(personas):
    RetentionPolicy.objects.create(organization=personas.org_a, erase_closed_after_days=30)
    stub = close(identified_case(personas), days_ago=400)
    deleted = close(a_case(member(personas.caseworker_a)), days_ago=31)
    kept = close(a_case(member(personas.caseworker_a)), days_ago=2)
    return stub, deleted, kept


def test_it_erases_and_reports_counts(due):
    stub, deleted, kept = due

    output = command()

    assert "Erased 2 of 2 cases due in 1 organizations" in output
    assert "statistical stub: 1, deleted: 1" in output
    assert Client.objects.get(pk=stub.client_id).is_erased
    assert not Client.objects.filter(pk=deleted.client_id).exists()
    assert not Client.objects.get(pk=kept.client_id).is_erased


def test_a_dry_run_changes_nothing(due):
    output = command("--dry-run")

    assert "Dry run: 2 closed cases are due" in output
    assert not Client.objects.filter(erased_at__isnull=False).exists()
    assert Client.objects.count() == 3


def test_a_second_run_finds_nothing(due):
    command()

    assert "Erased 0 of 0 cases" in command()


def test_it_shows_progress_when_asked(due):
    out = StringIO()
    call_command("clients_retention", verbosity=2, stdout=out)
    assert "1 of 2" in out.getvalue() and "2 of 2" in out.getvalue()
