"""Registration at intake: four things required; bad input explained, translated, nothing written."""

import datetime

import pytest
from django.utils import timezone, translation

from caseway.clients import intake, intake_forms
from caseway.clients.models import Client
from caseway.clients.tests.intake_helpers import draft_at, registration_data, step_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(personas):
    return draft_at(personas.caseworker_a, intake.REGISTRATION)


def post(client, draft, **data):
    return client.post(step_url(draft, intake.REGISTRATION), registration_data(**data))


def test_code_area_sex_and_age_group_are_enough(client, personas, login_as, draft):
    login_as(personas.caseworker_a)
    minimal = {key: registration_data()[key] for key in ("sex", "age_band", "admin_area")}

    response = client.post(step_url(draft, intake.REGISTRATION), {**minimal, "displacement_status": "unknown"})

    assert response["Location"] == step_url(draft, intake.NEEDS)
    draft.refresh_from_db()
    assert draft.answers[intake.REGISTRATION]["given_name"] == ""


def test_an_estimated_age_gives_the_age_group(client, personas, login_as, draft):
    login_as(personas.caseworker_a)

    post(client, draft, birth_date="", age_band="", estimated_age="30")

    draft.refresh_from_db()
    stored = draft.answers[intake.REGISTRATION]
    assert (stored["age_band"], stored["estimated_age"]) == ("25-59", 30)


def test_arabic_indic_digits_are_understood(client, personas, login_as, draft):
    login_as(personas.caseworker_a)

    post(client, draft, phone="+٢٤٩ ٩١٢ ٣٤٥ ٦٧٨", children_ages="٣، ٧")

    draft.refresh_from_db()
    stored = draft.answers[intake.REGISTRATION]
    assert (stored["phone"], stored["children_ages"]) == ("+249 912 345 678", [3, 7])


def _future():
    return (timezone.localdate() + datetime.timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"birth_date": "future"}, "birth_date", "The date of birth cannot be in the future."),
        ({"birth_date": "1890-01-01", "age_band": ""}, "birth_date", "The date of birth is more than 120 years ago."),
        ({"birth_date": "", "estimated_age": "130"}, "estimated_age", "An age over 120 years is not possible"),
        ({"birth_date": "31/02/1990"}, "birth_date", "Enter a date, for example 1990-05-31."),
        ({"phone": "call me maybe"}, "phone", "Enter a phone number of 6 to 15 digits"),
        ({"phone": "12345"}, "phone", "Enter a phone number of 6 to 15 digits"),
        ({"phone": "+1 234 567 890 123 456"}, "phone", "Enter a phone number of 6 to 15 digits"),
        ({"age_band": "60+"}, "age_band", "The age group does not match"),
        ({"age_band": "", "birth_date": ""}, "age_band", "Choose an age group"),
        ({"estimated_age": "33"}, "estimated_age", "not both"),
        ({"admin_area": ""}, "admin_area", "Choose an area."),
        ({"admin_area": "ZZ999"}, "admin_area", "Choose an area from the list."),
        ({"sex": ""}, "sex", "This field is required."),
        ({"children_ages": "3, 40"}, "children_ages", "(0 to 17)"),
        ({"children_count": "3"}, "children_ages", "Give one age for each child."),
        ({"languages": "Arabic"}, "languages", "is not a language code"),
    ],
)
def test_bad_input_is_explained_and_nothing_written(client, personas, login_as, draft, data, field, message):
    if data.get("birth_date") == "future":
        data = {**data, "birth_date": _future()}
    login_as(personas.caseworker_a)

    response = post(client, draft, **data)

    assert response.status_code == 200
    text = response.content.decode()
    assert message in text.replace("&quot;", '"').replace("&#x27;", "'")
    assert f'id="id_{field}_error"' in text
    draft.refresh_from_db()
    assert intake.REGISTRATION not in draft.answers
    assert not Client.objects.exists()


def test_its_messages_go_through_the_translation_catalog(monkeypatch):
    monkeypatch.setattr(intake_forms, "_", lambda message: f"[{translation.get_language()}] {message}")
    # Field labels are translated lazily; the messages raised while validating are looked up then.
    with translation.override("ar"):
        form = intake_forms.RegistrationForm(registration_data(phone="abc"))
        form.is_valid()

    assert form.errors["phone"] == ["[ar] Enter a phone number of 6 to 15 digits, for example +249 912 345 678."]


def test_a_young_child_whose_consent_the_client_gave_is_sent_back(client, personas, login_as, draft):
    login_as(personas.caseworker_a)

    response = post(client, draft, age_band="5-11", birth_date="")

    assert "Go back to the consent step" in response.content.decode()
    draft.refresh_from_db()
    assert intake.REGISTRATION not in draft.answers
