"""The summary: what was answered, what the results call for; finishing; the page after."""

import pytest
from django.urls import reverse

from caseway.clients import intake
from caseway.clients.models import Client
from caseway.clients.tests.intake_helpers import RISK_ITEMS, completed_intake, draft_at, member_of, step_url

pytestmark = pytest.mark.django_db


def with_risk(user, **answers):
    draft = draft_at(user, intake.SUMMARY)
    return intake.intake_save_step(
        actor=user,
        membership=member_of(user),
        draft=draft,
        step=intake.RISK,
        answers={"answers": {**dict.fromkeys(RISK_ITEMS, 0), **answers}},
        go_to=intake.SUMMARY,
    )


def test_it_suggests_next_steps_from_the_results(client, personas, login_as):
    draft = draft_at(personas.caseworker_a, intake.SUMMARY)
    login_as(personas.caseworker_a)

    text = client.get(step_url(draft, intake.SUMMARY)).content.decode()

    assert "Plan referrals for the high-priority needs" in text
    assert "Housing" in text
    assert "Review at the next contact" in text
    assert "Amina" in text
    assert 'id="safety-plan-required"' not in text


def test_an_imminent_risk_asks_for_a_safety_plan_first(client, personas, login_as):
    draft = with_risk(personas.caseworker_a, fears_killed_tonight=1, suicidal_thoughts=1)
    login_as(personas.caseworker_a)

    text = client.get(step_url(draft, intake.SUMMARY)).content.decode()

    assert 'id="safety-plan-required"' in text
    assert "Finishing the intake alerts a supervisor at once." in text
    assert "Make a safety plan with the client" in text
    assert "Assess suicide risk today and follow the protocol" in text
    assert "Alert a supervisor now" not in text


def test_finishing_opens_the_case_and_shows_the_code(client, personas, login_as):
    draft = with_risk(personas.caseworker_a, fears_killed_tonight=1)
    login_as(personas.caseworker_a)

    response = client.post(step_url(draft, intake.SUMMARY))
    done = client.get(response["Location"]).content.decode()

    code = Client.objects.get().code
    assert f'id="client-code" dir="ltr">{code}<' in done
    assert "A supervisor has been alerted." in done
    assert 'id="safety-plan-required"' in done


def test_a_failure_at_the_end_is_explained_and_nothing_written(client, personas, login_as):
    draft = draft_at(personas.caseworker_a, intake.SUMMARY, registration={"age_band": "0-4", "birth_date": ""})
    login_as(personas.caseworker_a)

    response = client.post(step_url(draft, intake.SUMMARY))

    assert response.status_code == 200
    assert "A child under 12 cannot consent alone" in response.content.decode()
    assert not Client.objects.exists()


def test_the_page_after_belongs_to_the_intake_that_finished(client, personas, login_as):
    draft, case = completed_intake(personas.caseworker_a)
    login_as(personas.caseworker_a)

    text = client.get(reverse("clients:intake_done", kwargs={"pk": draft.pk})).content.decode()

    assert case.client.code in text
    assert reverse("clients:consent_list", kwargs={"client_pk": case.client_id}) in text


def test_an_unfinished_intake_has_no_page_after(client, personas, login_as):
    draft = draft_at(personas.caseworker_a, intake.SUMMARY)
    login_as(personas.caseworker_a)

    assert client.get(reverse("clients:intake_done", kwargs={"pk": draft.pk})).status_code == 404
