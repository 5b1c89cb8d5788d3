"""The needs, disability (WG-SS) and risk steps: the instrument's questions, scored at the end."""

import re

import pytest

from caseway.clients import intake
from caseway.clients.tests.intake_helpers import draft_at, needs_data, risk_data, step_url, wg_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("step", "question"),
    [
        (intake.NEEDS, "Housing"),
        (intake.DISABILITY, "Do you have difficulty seeing, even if wearing glasses?"),
        (intake.RISK, "Are you afraid you could be killed tonight?"),
    ],
)
def test_it_asks_the_instruments_questions(client, personas, login_as, step, question):
    draft = draft_at(personas.caseworker_a, step)
    login_as(personas.caseworker_a)

    text = client.get(step_url(draft, step)).content.decode()

    assert question in text
    assert 'id="intake-skip"' in text


def test_it_shows_each_question_in_the_clients_language_too(client, personas, login_as):
    draft = draft_at(personas.caseworker_a, intake.DISABILITY)
    draft.client_language = "ar"
    draft.save(update_fields=["client_language"])
    login_as(personas.caseworker_a)

    text = client.get(step_url(draft, intake.DISABILITY)).content.decode()

    assert '<p lang="ar" dir="auto"' in text


@pytest.mark.parametrize(
    ("step", "data", "stored"),
    [
        (intake.NEEDS, needs_data(housing="3"), {"housing": 3, "safety": 0}),
        (intake.DISABILITY, wg_data(walking="4"), {"walking": 4, "seeing": 1}),
        (intake.RISK, risk_data(weapon="1"), {"weapon": 1, "escalation": 0}),
    ],
)
def test_it_saves_the_answers_and_moves_on(client, personas, login_as, step, data, stored):
    draft = draft_at(personas.caseworker_a, step)
    login_as(personas.caseworker_a)

    response = client.post(step_url(draft, step), data)

    assert response["Location"] == step_url(draft, intake.next_step(step))
    draft.refresh_from_db()
    assert stored.items() <= draft.answers[step]["answers"].items()


def test_the_needs_step_starts_at_no_need(client, personas, login_as):
    draft = draft_at(personas.caseworker_a, intake.NEEDS)
    login_as(personas.caseworker_a)

    text = client.get(step_url(draft, intake.NEEDS)).content.decode()

    assert len(re.findall(r'value="0"[^>]*\bchecked', text)) == 10


def test_a_step_can_be_skipped(client, personas, login_as):
    draft = draft_at(personas.caseworker_a, intake.DISABILITY)
    login_as(personas.caseworker_a)

    response = client.post(step_url(draft, intake.DISABILITY), {"skip": "1"})

    assert response["Location"] == step_url(draft, intake.RISK)
    draft.refresh_from_db()
    assert draft.answers[intake.DISABILITY] == {intake.SKIPPED: True}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**risk_data(), "weapon": ""}, "Choose an answer."),
        ({**risk_data(), "weapon": "7"}, "Select a valid choice."),
    ],
)
def test_missing_or_wrong_answers_are_explained(client, personas, login_as, data, message):
    draft = draft_at(personas.caseworker_a, intake.RISK)
    login_as(personas.caseworker_a)

    response = client.post(step_url(draft, intake.RISK), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'id="id_weapon_error"' in response.content.decode()
    draft.refresh_from_db()
    assert intake.RISK not in draft.answers
