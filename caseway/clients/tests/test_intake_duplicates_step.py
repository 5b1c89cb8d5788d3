"""The duplicate check at intake: own cases shown (names masked where they must be); another
organization's record revealed only as one sentence, with a link asked only with consent."""

import pytest
from django.urls import reverse

from caseway.clients import intake
from caseway.clients.access import MASKED_NAME
from caseway.clients.models import IntakeDraft
from caseway.clients.tests.factories import a_case
from caseway.clients.tests.intake_helpers import draft_at, member_of, registration_data, step_url
from caseway.vault.models import DataKey

pytestmark = pytest.mark.django_db

ELSEWHERE = "A record may already exist in another organization."


@pytest.fixture
def draft(personas):
    return draft_at(personas.caseworker_a, intake.REGISTRATION)


def known(user, *, sensitive=False, **names):
    values = {"given_name": "Amina", "family_name": "Haddad", "birth_date": "1991-04-12", **names}
    return a_case(member_of(user), sensitive=sensitive, **values)


def register(client, draft, **data):
    return client.post(step_url(draft, intake.REGISTRATION), registration_data(**data))


@pytest.mark.parametrize(
    ("given_name", "family_name"),
    [
        ("AMINA", "haddad"),
        ("  Amina ", " Haddad  "),
        ("Âmïna", "Háddad"),
        ("Haddad", "Amina"),
        ("amina haddad", ""),
    ],
    ids=["case", "spacing", "diacritics", "word-order", "one-field"],
)
def test_it_finds_the_same_person_written_differently(client, personas, login_as, draft, given_name, family_name):
    existing = known(personas.supervisor_a)
    login_as(personas.caseworker_a)

    response = register(client, draft, given_name=given_name, family_name=family_name)

    assert response["Location"] == step_url(draft, intake.DUPLICATES)
    text = client.get(response["Location"]).content.decode()
    assert existing.client.code in text
    assert "Amina Haddad" in text
    assert "Open this case instead" in text
    assert ELSEWHERE not in text


def test_it_does_not_match_another_birth_date(client, personas, login_as, draft):
    known(personas.supervisor_a)
    login_as(personas.caseworker_a)

    response = register(client, draft, birth_date="1991-04-13")

    assert response["Location"] == step_url(draft, intake.NEEDS)


def test_a_sensitive_case_shows_its_code_but_not_the_name(client, personas, login_as, draft):
    existing = known(personas.supervisor_a, sensitive=True)
    login_as(personas.caseworker_a)

    register(client, draft)
    text = client.get(step_url(draft, intake.DUPLICATES)).content.decode()

    assert existing.client.code in text
    assert MASKED_NAME in text
    assert "Haddad" not in text.split("<table>", 1)[1]


def test_another_organizations_record_shows_only_one_sentence(client, personas, login_as, draft):
    theirs = known(personas.caseworker_b)
    login_as(personas.caseworker_a)

    register(client, draft)
    text = client.get(step_url(draft, intake.DUPLICATES)).content.decode()

    assert ELSEWHERE in text
    assert theirs.client.code not in text
    assert personas.org_b.name not in text
    assert personas.org_b.acronym not in text
    assert str(theirs.client_id) not in text
    assert str(theirs.pk) not in text
    assert "Open this case instead" not in text


def test_the_clients_agreement_to_ask_for_a_link_is_kept_for_the_end(client, personas, login_as, draft):
    known(personas.caseworker_b)
    login_as(personas.caseworker_a)
    register(client, draft)

    missing = client.post(step_url(draft, intake.DUPLICATES), {})
    response = client.post(step_url(draft, intake.DUPLICATES), {"decision": intake.LINK})

    assert "Choose one." in missing.content.decode()
    assert response["Location"] == step_url(draft, intake.NEEDS)
    draft.refresh_from_db()
    assert draft.answers[intake.DUPLICATES] == {"shown": True, "decision": intake.LINK}


def test_opening_the_existing_case_instead_shreds_the_draft(client, personas, login_as, draft):
    existing = known(personas.supervisor_a)
    login_as(personas.caseworker_a)
    register(client, draft)

    response = client.post(reverse("clients:intake_use_existing", kwargs={"pk": draft.pk}), {"case": existing.pk})

    assert response.status_code == 302
    assert str(existing.pk) in response["Location"] or str(existing.client_id) in response["Location"]
    assert not IntakeDraft.objects.exists()
    assert DataKey.objects.get(pk=draft.data_key_id).is_destroyed


def test_without_a_name_and_birth_date_there_is_nothing_to_compare(client, personas, login_as, draft):
    known(personas.supervisor_a)
    login_as(personas.caseworker_a)

    response = register(client, draft, birth_date="", given_name="", family_name="")

    assert response["Location"] == step_url(draft, intake.NEEDS)
