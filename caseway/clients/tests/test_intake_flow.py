"""The whole intake through its pages, without JavaScript; stopping and resuming on the way."""

import pytest
from django.urls import reverse

from caseway.clients import intake
from caseway.clients.models import Assessment, Case, Client, Consent, IntakeDraft, Need
from caseway.clients.tests.intake_helpers import (
    consent_data,
    needs_data,
    registration_data,
    risk_data,
    safety_data,
    step_url,
    wg_data,
)

pytestmark = pytest.mark.django_db


def start(client):
    response = client.post(reverse("clients:intake_start"))
    assert response.status_code == 302
    return IntakeDraft.objects.get()


def post_step(client, draft, step, data, expect=None):
    page = client.get(step_url(draft, step))
    assert page.status_code == 200, (step, page.status_code)
    response = client.post(step_url(draft, step), data)
    assert response.status_code == 302, response.content.decode()
    if expect:
        assert response["Location"] == step_url(draft, expect)
    return response


def test_it_walks_every_step_and_opens_the_case(client, personas, login_as):
    login_as(personas.caseworker_a)
    draft = start(client)

    post_step(client, draft, intake.SAFETY, safety_data(interpreter_language="ku"), intake.CONSENT)
    post_step(client, draft, intake.CONSENT, consent_data("ar"), intake.REGISTRATION)
    post_step(client, draft, intake.REGISTRATION, registration_data(), intake.NEEDS)
    post_step(client, draft, intake.NEEDS, needs_data(housing="3", legal="1"), intake.DISABILITY)
    post_step(client, draft, intake.DISABILITY, wg_data(walking="3"), intake.RISK)
    post_step(client, draft, intake.RISK, risk_data(escalation="1"), intake.SUMMARY)
    summary = client.get(step_url(draft, intake.SUMMARY)).content.decode()
    assert not Client.objects.exists()  # nothing written before the end
    finished = client.post(step_url(draft, intake.SUMMARY))

    assert finished["Location"] == reverse("clients:intake_done", kwargs={"pk": draft.pk})
    assert "Plan referrals for the high-priority needs" in summary
    assert "Housing" in summary
    case = Case.objects.get()
    client_row = case.client
    assert (client_row.given_name, client_row.phone, client_row.languages) == (
        "Amina",
        "+249 912 345 678",
        ["ar", "fr"],
    )
    assert (client_row.children_count, client_row.children_ages, client_row.cares_for_children) == (2, [3, 7], True)
    assert client_row.has_disability is True
    assert client_row.disability_domains == ["walking"]
    assert {answer.purpose: answer.wording.language for answer in Consent.objects.all()} == {
        "services": "ar",
        "statistics": "ar",
        "contact": "ar",
    }
    assert set(Consent.objects.values_list("interpreter_language", flat=True)) == {"ku"}
    assert set(Assessment.objects.values_list("interpreter_language", flat=True)) == {"ku"}
    assert sorted(Need.objects.values_list("domain", "priority")) == [("housing", "high"), ("legal", "low")]
    draft.refresh_from_db()
    assert (draft.client_language, draft.interpreter_language) == ("ar", "ku")
    done = client.get(finished["Location"]).content.decode()
    assert client_row.code in done
    assert "Plan referrals for the high-priority needs" in done


def test_it_resumes_where_it_stopped_with_the_answers_kept(client, personas, login_as):
    login_as(personas.caseworker_a)
    draft = start(client)
    post_step(client, draft, intake.SAFETY, safety_data())
    post_step(client, draft, intake.CONSENT, consent_data())
    post_step(client, draft, intake.REGISTRATION, registration_data(given_name="Nour"))

    client.logout()
    login_as(personas.caseworker_a)
    listing = client.get(reverse("clients:intake_list")).content.decode()
    registration = client.get(step_url(draft, intake.REGISTRATION)).content.decode()

    assert step_url(draft, intake.NEEDS) in listing
    assert 'value="Nour"' in registration
    assert 'value="1991-04-12"' in registration


def test_it_does_not_skip_ahead_of_the_answers(client, personas, login_as):
    login_as(personas.caseworker_a)
    draft = start(client)

    response = client.get(step_url(draft, intake.SUMMARY))

    assert response["Location"] == step_url(draft, intake.SAFETY)


def test_an_unknown_step_answers_404(client, personas, login_as):
    login_as(personas.caseworker_a)
    draft = start(client)

    assert client.get(step_url(draft, "payment")).status_code == 404


def test_going_back_and_changing_an_answer_keeps_the_later_ones(client, personas, login_as):
    login_as(personas.caseworker_a)
    draft = start(client)
    for step, data in (
        (intake.SAFETY, safety_data()),
        (intake.CONSENT, consent_data()),
        (intake.REGISTRATION, registration_data()),
        (intake.NEEDS, needs_data(health="2")),
    ):
        post_step(client, draft, step, data)

    post_step(client, draft, intake.REGISTRATION, registration_data(given_name="Amna"), intake.NEEDS)

    draft.refresh_from_db()
    assert draft.step == intake.DISABILITY
    assert draft.answers[intake.NEEDS]["answers"]["health"] == 2
    assert draft.answers[intake.REGISTRATION]["given_name"] == "Amna"


def test_finishing_twice_creates_one_client(client, personas, login_as):
    login_as(personas.caseworker_a)
    draft = start(client)
    for step, data in (
        (intake.SAFETY, safety_data()),
        (intake.CONSENT, consent_data()),
        (intake.REGISTRATION, registration_data()),
    ):
        post_step(client, draft, step, data)
    for step in (intake.NEEDS, intake.DISABILITY, intake.RISK):
        client.post(step_url(draft, step), {"skip": "1"})

    first = client.post(step_url(draft, intake.SUMMARY))
    second = client.post(step_url(draft, intake.SUMMARY))

    assert first["Location"] == second["Location"] == reverse("clients:intake_done", kwargs={"pk": draft.pk})
    assert Client.objects.count() == 1
