"""The duplicate check at intake: own cases shown (names masked where they must be); another
organization's record revealed only as one sentence, with a link asked only with consent."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from caseway.clients import duplicates, intake
from caseway.clients.access import MASKED_NAME
from caseway.clients.models import BreakGlassAccess, Case, IntakeDraft
from caseway.clients.tests.factories import a_case
from caseway.clients.tests.intake_helpers import draft_at, member_of, registration_data, step_url
from caseway.vault.models import DataKey

pytestmark = pytest.mark.django_db

ELSEWHERE = "A record may already exist in another organization."
WITHHELD = "A record here may already be about this client"


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


def test_a_sensitive_case_outside_the_team_shows_neither_its_code_nor_its_name(client, personas, login_as, draft):
    # The supervisor registers it: caseworker_a is not on the case's team.
    existing = known(personas.supervisor_a, sensitive=True)
    login_as(personas.caseworker_a)

    register(client, draft)
    response = client.get(step_url(draft, intake.DUPLICATES))
    text = response.content.decode()

    assert response.status_code == 200
    assert WITHHELD in text
    assert existing.client.code not in text
    assert str(existing.pk) not in text
    assert str(existing.client_id) not in text
    assert MASKED_NAME not in text
    assert "Open this case instead" not in text


@pytest.mark.parametrize("viewer", ["assigned", "supervisor"])
def test_a_sensitive_case_shows_its_code_and_name_to_its_team(client, personas, login_as, draft, viewer):
    existing = known(personas.caseworker_a, sensitive=True)
    if viewer == "supervisor":
        draft = draft_at(personas.supervisor_a, intake.REGISTRATION)
    login_as(personas.caseworker_a if viewer == "assigned" else personas.supervisor_a)

    register(client, draft)
    text = client.get(step_url(draft, intake.DUPLICATES)).content.decode()

    assert existing.client.code in text
    assert "Amina Haddad" in text
    assert WITHHELD not in text


def test_a_sensitive_case_shows_after_break_glass(client, personas, login_as, draft):
    existing = known(personas.supervisor_a, sensitive=True)
    BreakGlassAccess.objects.create(
        case=existing,
        user=personas.caseworker_a,
        reason="Emergency: the team cannot be reached tonight.",
        expires_at=timezone.now() + datetime.timedelta(minutes=30),
    )
    login_as(personas.caseworker_a)

    register(client, draft)
    text = client.get(step_url(draft, intake.DUPLICATES)).content.decode()

    assert existing.client.code in text
    assert WITHHELD not in text


def test_find_duplicates_never_hands_out_a_case_the_member_may_not_identify(personas):
    sensitive = known(personas.supervisor_a, sensitive=True)
    standard = known(personas.supervisor_a, given_name="Haddad", family_name="Amina")
    not_assigned = member_of(personas.caseworker_a)

    found = duplicates.find_duplicates(
        membership=not_assigned, given_name="Amina", family_name="Haddad", birth_date="1991-04-12"
    )

    assert found.own_cases == [standard]
    assert [match.name for match in found.own] == ["Haddad Amina"]
    assert found.withheld_here
    assert not found.elsewhere
    assert sensitive not in found.own_cases


def test_a_referred_client_who_did_not_share_their_identity_is_withheld(personas):
    theirs = known(personas.caseworker_b)
    Case.objects.create(organization=personas.org_a, client=theirs.client, origin=Case.Origin.REFERRAL)
    member = member_of(personas.caseworker_a)

    found = duplicates.find_duplicates(
        membership=member, given_name="Amina", family_name="Haddad", birth_date="1991-04-12"
    )

    assert found.own == []
    assert found.withheld_here
    assert not found.elsewhere


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
