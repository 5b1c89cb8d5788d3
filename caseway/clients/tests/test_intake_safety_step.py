"""The safety check comes first; "not safe" ends at once, keeping or shredding the draft."""

import pytest
from django.urls import reverse

from caseway.accounts.tests.helpers import audit_events
from caseway.clients import intake
from caseway.clients.models import IntakeDraft
from caseway.clients.tests.intake_helpers import draft_at, safety_data, step_url
from caseway.vault.models import DataKey

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(personas):
    return draft_at(personas.caseworker_a)


def end_url(draft):
    return reverse("clients:intake_end", kwargs={"pk": draft.pk})


def test_it_asks_first_whether_it_is_safe_to_talk(client, personas, login_as, draft):
    login_as(personas.caseworker_a)

    text = client.get(step_url(draft, intake.SAFETY)).content.decode()

    assert "Is it safe to talk now?" in text
    assert 'name="safe_now"' in text


def test_not_safe_offers_to_end_now_and_advises_a_safe_time(client, personas, login_as, draft):
    login_as(personas.caseworker_a)

    response = client.post(step_url(draft, intake.SAFETY), safety_data(safe_now="no"))

    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="end-discard"' in text
    assert 'id="end-keep"' in text
    assert "safe time" in text
    draft.refresh_from_db()
    assert draft.step == intake.SAFETY
    assert intake.SAFETY not in draft.answers


def test_ending_and_keeping_leaves_at_once_and_keeps_the_draft(client, personas, login_as, draft):
    login_as(personas.caseworker_a)

    response = client.post(end_url(draft), {"keep": "1"})

    assert response["Location"] == reverse("home")
    assert IntakeDraft.objects.filter(pk=draft.pk).exists()


def test_ending_and_deleting_shreds_the_draft(client, personas, login_as):
    draft = draft_at(personas.caseworker_a, intake.NEEDS)
    login_as(personas.caseworker_a)

    response = client.post(end_url(draft), {"keep": "0"})

    assert response["Location"] == reverse("home")
    assert not IntakeDraft.objects.exists()
    assert DataKey.objects.get(pk=draft.data_key_id).is_destroyed
    assert audit_events("clients.intake_discarded").count() == 1


def test_the_end_page_asks_which_before_doing_anything(client, personas, login_as, draft):
    login_as(personas.caseworker_a)

    text = client.get(end_url(draft)).content.decode()

    assert "End now and keep it for later" in text
    assert IntakeDraft.objects.filter(pk=draft.pk).exists()


def test_safe_moves_on_to_consent_with_the_languages(client, personas, login_as, draft):
    login_as(personas.caseworker_a)

    response = client.post(step_url(draft, intake.SAFETY), safety_data(client_language="KU", interpreter_language="ar"))

    assert response["Location"] == step_url(draft, intake.CONSENT)
    draft.refresh_from_db()
    assert (draft.client_language, draft.interpreter_language) == ("ku", "ar")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"safe_now": ""}, "Ask the client whether it is safe to talk now."),
        ({"client_language": "Kurdish"}, "Use a language code such as ar or fr."),
    ],
)
def test_bad_answers_are_explained_and_nothing_saved(client, personas, login_as, draft, data, message):
    login_as(personas.caseworker_a)

    response = client.post(step_url(draft, intake.SAFETY), safety_data(**data))

    assert message in response.content.decode()
    draft.refresh_from_db()
    assert draft.answers == {}
