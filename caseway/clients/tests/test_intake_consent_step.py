"""The intake's consent step: wordings read in the client's language; services required to go on."""

import html

import pytest

from caseway.clients import consent, intake
from caseway.clients.models import ConsentWording
from caseway.clients.tests.intake_helpers import consent_data, draft_at, step_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(personas):
    return draft_at(personas.caseworker_a, intake.CONSENT)


def test_it_shows_each_wording_in_the_chosen_language(client, personas, login_as, draft):
    login_as(personas.caseworker_a)

    text = html.unescape(client.get(step_url(draft, intake.CONSENT) + "?language=es").content.decode())

    for purpose in intake.INTAKE_PURPOSES:
        assert consent.shipped_text(purpose, "es") in text
    assert 'lang="es"' in text


def test_it_starts_in_the_clients_language_when_it_has_the_wordings(client, personas, login_as):
    draft = draft_at(personas.caseworker_a, intake.CONSENT)
    draft.client_language = "fr"
    draft.save(update_fields=["client_language"])
    login_as(personas.caseworker_a)

    text = html.unescape(client.get(step_url(draft, intake.CONSENT)).content.decode())

    assert consent.shipped_text("services", "fr") in text


def test_it_saves_the_answers_with_the_hash_of_each_wording(client, personas, login_as, draft):
    login_as(personas.caseworker_a)

    response = client.post(
        step_url(draft, intake.CONSENT) + "?language=fr",
        consent_data("fr", statistics="no", contact="not_asked", given_by="caregiver", caregiver_relationship="Aunt"),
    )

    assert response["Location"] == step_url(draft, intake.REGISTRATION)
    draft.refresh_from_db()
    stored = draft.answers[intake.CONSENT]
    assert (stored["language"], stored["given_by"], stored["caregiver_relationship"]) == ("fr", "caregiver", "Aunt")
    assert stored["statistics"]["answer"] == "no"
    assert stored["contact"] == {"answer": "not_asked", "sha256": stored["contact"]["sha256"]}
    wording = ConsentWording.objects.get(sha256=stored["services"]["sha256"])
    assert (wording.purpose, wording.language) == ("services", "fr")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"services": "no"}, "Without this agreement no case can be opened"),
        ({"services": ""}, "Say whether the client agrees to receive services."),
        ({"contact_methods": []}, "Choose at least one safe way to contact the client."),
        ({"given_by": "caregiver"}, "Say how the caregiver is related to the child."),
        ({"services_sha256": "0" * 64}, "The wording has changed"),
        ({"method": "telepathy"}, "Select a valid choice."),
    ],
)
def test_bad_answers_are_explained_and_nothing_saved(client, personas, login_as, draft, data, message):
    login_as(personas.caseworker_a)

    response = client.post(step_url(draft, intake.CONSENT), consent_data(**data))

    assert response.status_code == 200
    assert message in response.content.decode()
    draft.refresh_from_db()
    assert intake.CONSENT not in draft.answers
    assert not ConsentWording.objects.exists()


def test_a_young_childs_consent_must_come_from_a_caregiver(client, personas, login_as):
    draft = draft_at(personas.caseworker_a, intake.NEEDS, registration={"age_band": "0-4", "birth_date": ""})
    login_as(personas.caseworker_a)

    response = client.post(step_url(draft, intake.CONSENT), consent_data())

    assert "A child under 12 cannot consent alone" in response.content.decode()
