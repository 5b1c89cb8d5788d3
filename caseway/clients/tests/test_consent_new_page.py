"""Recording an answer: the wording shown first, in the chosen language, then the answer."""

import pytest

from caseway.accounts.tests.helpers import audit_events
from caseway.clients import consent
from caseway.clients.models import AgeBand, Consent, ConsentWording
from caseway.clients.tests.consent_pages_helpers import answer_data, list_url, new_url
from caseway.clients.tests.factories import a_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_a(personas):
    return personas.caseworker_a.memberships.get()


@pytest.fixture
def case(member_a):
    return a_case(member_a)


def test_it_shows_the_wording_in_the_chosen_language_before_recording(client, personas, login_as, case):
    login_as(personas.caseworker_a)

    text = client.get(new_url(case, "statistics", "ar")).content.decode()

    assert consent.shipped_text("statistics", "ar") in text
    assert 'lang="ar"' in text
    assert consent.text_digest(consent.shipped_text("statistics", "ar")) in text


def test_it_records_an_answer_with_the_wording_shown(client, personas, login_as, case):
    login_as(personas.caseworker_a)

    response = client.post(
        new_url(case, "sharing", "fr"),
        answer_data(
            "sharing", "fr", recipient=personas.org_b.pk, categories=["needs", "contact"], interpreter_language="ku"
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == list_url(case)
    answer = Consent.objects.get(purpose="sharing")
    assert (answer.wording.language, answer.interpreter_language) == ("fr", "ku")
    assert answer.wording.text == consent.shipped_text("sharing", "fr")
    assert consent.shared_categories(case.client, personas.org_b) == {"needs", "contact"}
    assert audit_events("clients.consent_recorded").count() == 1


def test_it_records_contact_with_methods_and_safe_times(client, personas, login_as, case):
    login_as(personas.caseworker_a)

    client.post(new_url(case, "contact"), answer_data("contact", contact_methods=["sms"], safe_times="10:00-12:00"))

    answer = Consent.objects.get(purpose="contact")
    assert (answer.contact_methods, answer.safe_times) == (["sms"], "10:00-12:00")


def test_it_asks_for_a_purpose_first(client, personas, login_as, case):
    login_as(personas.caseworker_a)

    response = client.get(new_url(case) + "?purpose=&language=en")

    assert "Choose what the consent is for." in response.content.decode()
    assert 'name="granted"' not in response.content.decode()


@pytest.mark.parametrize(
    ("purpose", "data", "message"),
    [
        ("sharing", {"recipient": ""}, "Name the organization"),
        ("sharing", {"recipient": "org_b"}, "Choose which information may be shared."),
        ("statistics", {"granted": ""}, "Say whether the client agrees."),
        ("statistics", {"given_by": "caregiver"}, "how the caregiver is related"),
        ("statistics", {"valid_until": "2001-01-01"}, "The end date must be in the future."),
        ("statistics", {"wording_sha256": "0" * 64}, "The wording has changed"),
        ("statistics", {"interpreter_language": "Kurdish"}, "Use a language code"),
        ("contact", {"contact_methods": ["sms", "none"]}, "Do not contact"),
    ],
)
def test_it_explains_bad_input_and_writes_nothing(client, personas, login_as, case, purpose, data, message):
    if data.get("recipient") == "org_b":
        data = {**data, "recipient": personas.org_b.pk}
    login_as(personas.caseworker_a)

    response = client.post(new_url(case, purpose), {**answer_data(purpose), **data})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Consent.objects.count() == 1
    assert not audit_events("clients.consent_recorded").exists()


def test_a_young_child_needs_a_caregiver_on_the_page_too(client, personas, login_as, member_a):
    child = a_case(member_a, age_band=AgeBand.AGE_5_11)
    login_as(personas.caseworker_a)

    response = client.post(new_url(child, "statistics"), answer_data("statistics"))

    assert "A child under 12 cannot consent alone" in response.content.decode()
    assert not Consent.objects.filter(purpose="statistics").exists()


def test_it_creates_no_wording_row_just_for_showing_a_page(client, personas, login_as, case):
    before = ConsentWording.objects.count()
    login_as(personas.caseworker_a)

    client.get(new_url(case, "referral", "es"))

    assert ConsentWording.objects.count() == before
