"""My unfinished intakes: only mine, resumable, a fixed number of queries; and starting one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseway.accounts.tests.helpers import audit_events
from caseway.clients import intake
from caseway.clients.models import IntakeDraft
from caseway.clients.tests.intake_helpers import completed_intake, draft_at, step_url

pytestmark = pytest.mark.django_db

URL = reverse("clients:intake_list")


def test_it_lists_only_my_unfinished_intakes_with_a_way_back_in(client, personas, login_as):
    mine = draft_at(personas.caseworker_a, intake.REGISTRATION)
    completed_intake(personas.caseworker_a)
    colleagues = draft_at(personas.supervisor_a)
    login_as(personas.caseworker_a)

    text = client.get(URL).content.decode()

    assert step_url(mine, intake.REGISTRATION) in text
    assert str(colleagues.pk) not in text
    assert text.count(">Resume<") == 1
    assert "Amina" not in text


def test_it_starts_an_intake_at_the_safety_check(client, personas, login_as):
    login_as(personas.legal_officer_a)

    response = client.post(reverse("clients:intake_start"))

    draft = IntakeDraft.objects.get()
    assert response["Location"] == step_url(draft, intake.SAFETY)
    assert (draft.started_by, draft.organization) == (personas.legal_officer_a, personas.org_a)
    assert audit_events("clients.intake_started").count() == 1


def test_starting_needs_a_post(client, personas, login_as):
    login_as(personas.caseworker_a)

    assert client.get(reverse("clients:intake_start")).status_code == 405
    assert not IntakeDraft.objects.exists()


def test_its_queries_do_not_grow_with_the_number_of_drafts(client, personas, login_as):
    draft_at(personas.caseworker_a)
    login_as(personas.caseworker_a)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for step in (intake.CONSENT, intake.NEEDS, intake.SUMMARY):
        draft_at(personas.caseworker_a, step)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)

    assert response.content.decode().count(">Resume<") == 4
    assert len(many) == len(few)
