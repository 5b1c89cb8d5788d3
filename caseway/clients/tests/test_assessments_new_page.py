"""Recording an assessment: a form generated from the instrument's definition, scored by assessment_record."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from caseway.clients import instruments
from caseway.clients.models import Assessment, CaseAlert, DataCategory
from caseway.clients.tests.assessments_helpers import (
    an_assessment,
    assert_refusals,
    case_at_a,
    member,
    referral_case,
    url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return case_at_a(personas)


def phq9_form(**overrides):
    data = {f"item_q{number}": "0" for number in range(1, 10)}
    data.update({"stage": "baseline", "interpreter_language": ""})
    data.update(overrides)
    return data


def test_it_refuses_everyone_but_the_organizations_staff(client, personas, case):
    assert_refusals(client, personas, url("assessment_new", case, code="phq9"))
    assert_refusals(client, personas, url("assessment_new", case, code="phq9"), method="post", data=phq9_form())
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("code", [ref.code for ref in instruments.available()])
def test_it_offers_every_shipped_instrument_as_radio_buttons(personas, login_as, case, code):
    definition = instruments.load(code)
    page = login_as(personas.caseworker_a).get(url("assessment_new", case, code=code)).content.decode()

    assert str(definition.name) in page
    for item in definition.items:
        assert f'name="item_{item.code}"' in page
        assert str(item.label).replace("'", "&#x27;") in page
    assert page.count('type="radio"') == sum(len(item.options) for item in definition.items) + 2  # + stage
    assert "<script" not in page.split("</head>")[1]  # works without JavaScript


def test_it_labels_the_form_in_the_active_language(personas, login_as, case):
    client = login_as(personas.caseworker_a)
    page = client.get(url("assessment_new", case, code="phq9"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Peu d&#x27;intérêt" in page or "Peu d'intérêt" in page
    assert "Jamais" in page  # an option's French label


def test_it_says_when_a_translation_is_not_validated(personas, login_as, case):
    client = login_as(personas.caseworker_a)
    french = client.get(url("assessment_new", case, code="phq9"), HTTP_ACCEPT_LANGUAGE="fr")
    spanish = client.get(url("assessment_new", case, code="phq9"), HTTP_ACCEPT_LANGUAGE="es")
    # PHQ-9: the Spanish wording is the published one, the French a Caseway translation.
    assert escape(french.context["translation_note"]) in french.content.decode()
    assert french.context["translation_note"] and not spanish.context["translation_note"]


def test_it_starts_at_baseline_then_proposes_a_follow_up(personas, login_as, case):
    client = login_as(personas.caseworker_a)
    assert client.get(url("assessment_new", case, code="phq9")).context["form"]["stage"].value() == "baseline"
    an_assessment(personas.caseworker_a, case)
    assert client.get(url("assessment_new", case, code="phq9")).context["form"]["stage"].value() == "follow_up"


def test_it_scores_stores_and_shows_the_result(personas, login_as, case):
    client = login_as(personas.caseworker_a)
    response = client.post(
        url("assessment_new", case, code="phq9"),
        phq9_form(item_q1="3", item_q2="3", item_q9="1", item_difficulty="2", interpreter_language="KU"),
    )

    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("assessment_detail", case, assessment_pk=assessment.pk)
    assert (assessment.score, assessment.band, assessment.flags) == (7, "mild", ["suicide_risk"])
    assert assessment.answers["difficulty"] == 2
    assert (assessment.interpreter_language, assessment.assessed_by) == ("ku", personas.caseworker_a)
    # assessment_record acted on the result: the suicide-risk protocol started.
    assert CaseAlert.objects.filter(case=case, kind=CaseAlert.Kind.SUICIDE_RISK).count() == 2


def test_an_imminent_risk_result_leads_to_the_safety_plan(personas, login_as, case):
    data = {f"item_{item.code}": "0" for item in instruments.load("risk").items}
    data.update({"item_fears_killed_tonight": "1", "stage": "baseline"})
    response = login_as(personas.caseworker_a).post(url("assessment_new", case, code="risk"), data, follow=True)

    case.refresh_from_db()
    assert case.risk_level == "imminent" and case.safety_plan_required
    page = response.content.decode()
    assert "Make a safety plan with the client" in page  # the band's required action, labelled
    assert 'id="safety-plan-gate"' in page and url("safety_plan_edit", case) in page


@pytest.mark.parametrize(
    "data,field",
    [
        (phq9_form(item_q4=""), "item_q4"),
        (phq9_form(item_q4="7"), "item_q4"),
        (phq9_form(stage="later"), "stage"),
        (phq9_form(stage=""), "stage"),
        (phq9_form(interpreter_language="Kurdish!"), "interpreter_language"),
    ],
)
def test_it_refuses_bad_input_with_errors_on_the_field_and_writes_nothing(personas, login_as, case, data, field):
    response = login_as(personas.caseworker_a).post(url("assessment_new", case, code="phq9"), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Assessment.objects.exists()


def test_its_errors_are_translated(personas, login_as, case):
    client = login_as(personas.caseworker_a)
    response = client.post(url("assessment_new", case, code="phq9"), phq9_form(item_q4=""), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert 'lang="fr"' in response.content.decode()
    # The message goes through gettext (its French entry comes with the catalog update).
    form = response.context["form"]
    assert form.errors["item_q4"] == [str(form.fields["item_q4"].error_messages["required"])]


def test_it_answers_404_for_an_unknown_instrument(personas, login_as, case):
    assert login_as(personas.caseworker_a).get(url("assessment_new", case, code="nope")).status_code == 404


def test_a_referral_organization_may_record_only_in_shared_categories(personas, login_as, case):
    referred = referral_case(
        case, personas.org_b, categories=[DataCategory.NEEDS], recorded_by=member(personas.caseworker_a)
    )
    client = login_as(personas.caseworker_b)
    assert client.get(url("assessment_new", referred, code="needs")).status_code == 200
    assert client.get(url("assessment_new", referred, code="phq9")).status_code == 404
    assert client.post(url("assessment_new", referred, code="phq9"), phq9_form()).status_code == 404
    assert not Assessment.objects.exists()


def test_the_list_links_to_the_form(personas, login_as, case):
    page = login_as(personas.caseworker_a).get(url("assessment_list", case)).content.decode()
    assert reverse("clients:assessment_new", kwargs={"pk": case.pk, "code": "who5"}) in page
