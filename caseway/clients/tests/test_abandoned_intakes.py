"""Abandoned intakes: unfinished drafts untouched for INTAKE_DRAFT_MAX_HOURS are shredded by an hourly job."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from caseway.accounts.tests.helpers import audit_events
from caseway.clients import intake
from caseway.clients.models import IntakeDraft
from caseway.clients.tests.intake_helpers import completed_intake, draft_at
from caseway.lib.crypto import KeyDestroyed
from caseway.tests.production import production_env, run_python
from caseway.vault.models import DataKey

HOUR = datetime.timedelta(hours=1)


def age(draft, hours):
    IntakeDraft.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - hours * HOUR)


@pytest.mark.django_db
def test_it_shreds_unfinished_drafts_left_longer_than_the_setting(personas, settings):
    settings.INTAKE_DRAFT_MAX_HOURS = 72
    old = draft_at(personas.caseworker_a, intake.NEEDS)
    recent = draft_at(personas.caseworker_a, intake.NEEDS)
    age(old, 73)
    age(recent, 71)

    shredded = intake.abandoned_drafts_shred()

    assert shredded == 1
    assert list(IntakeDraft.objects.values_list("pk", flat=True)) == [recent.pk]
    key = DataKey.objects.get(pk=old.data_key_id)
    assert key.is_destroyed
    with pytest.raises(KeyDestroyed):
        key.unwrap()
    event = audit_events("clients.intake_abandoned_shredded").get()
    assert (event.target_id, event.fields, event.actor_id) == (str(old.pk), ["answers"], None)
    assert event.actor_label == intake.ABANDONED_ACTOR_LABEL


@pytest.mark.django_db
def test_it_keeps_finished_intakes_and_the_clients_key(personas, settings):
    settings.INTAKE_DRAFT_MAX_HOURS = 1
    draft, case = completed_intake(personas.caseworker_a)
    age(draft, 500)

    assert intake.abandoned_drafts_shred() == 0
    assert IntakeDraft.objects.filter(pk=draft.pk).exists()
    assert not DataKey.objects.get(pk=case.client.data_key_id).is_destroyed


@pytest.mark.django_db
def test_the_hours_follow_the_setting(personas, settings):
    draft = draft_at(personas.caseworker_a, intake.CONSENT)
    age(draft, 13)

    settings.INTAKE_DRAFT_MAX_HOURS = 24
    assert intake.abandoned_drafts_shred() == 0
    settings.INTAKE_DRAFT_MAX_HOURS = 12
    assert intake.abandoned_drafts_shred() == 1


@pytest.mark.django_db
def test_run_periodic_shreds_them_hourly(personas, settings):
    settings.INTAKE_DRAFT_MAX_HOURS = 72
    first = draft_at(personas.caseworker_a, intake.NEEDS)
    age(first, 80)

    out = StringIO()
    call_command("run_periodic", job=["clients.abandoned_intakes"], stdout=out)
    second = draft_at(personas.caseworker_a, intake.NEEDS)
    age(second, 80)
    call_command("run_periodic", job=["clients.abandoned_intakes"], stdout=StringIO())  # within the hour: not due

    assert "clients.abandoned_intakes: enqueued" in out.getvalue()
    assert not IntakeDraft.objects.filter(pk=first.pk).exists()
    assert IntakeDraft.objects.filter(pk=second.pk).exists()


def test_the_hours_come_from_the_environment(tmp_path):
    read = (
        "import caseway.wsgi, json; from django.conf import settings; "
        "print(json.dumps(settings.INTAKE_DRAFT_MAX_HOURS))"
    )
    default = run_python(read, production_env(tmp_path))
    twelve = run_python(read, production_env(tmp_path, CASEWAY_INTAKE_DRAFT_HOURS="12"))
    zero = run_python(read, production_env(tmp_path, CASEWAY_INTAKE_DRAFT_HOURS="0"))

    assert json.loads(default.stdout.strip().splitlines()[-1]) == 72, default.stderr
    assert json.loads(twelve.stdout.strip().splitlines()[-1]) == 12, twelve.stderr
    assert zero.returncode != 0 and "CASEWAY_INTAKE_DRAFT_HOURS" in zero.stderr


@pytest.mark.django_db
def test_the_intake_list_says_how_long_an_unfinished_intake_is_kept(personas, login_as, settings):
    settings.INTAKE_DRAFT_MAX_HOURS = 48

    text = login_as(personas.caseworker_a).get("/clients/intake/").content.decode()

    assert "An intake not saved for 48 hours is deleted the same way." in text
