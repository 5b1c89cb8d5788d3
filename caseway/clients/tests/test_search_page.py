"""Search on /clients/?q=: code, phone and name through blind indexes, scoped, masked, audited."""

import pytest
from django.urls import reverse

from caseway.clients import queries
from caseway.clients.models import Case, ClientIndex, ConsentPurpose, DataCategory
from caseway.clients.tests.factories import give_consent
from caseway.clients.tests.records_helpers import case_at, count_queries, events, list_url, member
from caseway.orgs.permissions import Role
from caseway.tests.personas import make_member

pytestmark = pytest.mark.django_db


def found(client, text):
    response = client.get(list_url(q=text))
    assert response.status_code == 200
    return [row.case for row in response.context["rows"]]


@pytest.fixture
def amina(personas):
    return case_at(
        personas.caseworker_a,
        given_name="Amina Fatouma",
        family_name="Haddad-Diallo",
        aliases=["Mina"],
        phone="+235 66 12 34 56",
    )


@pytest.fixture
def arabic(personas):
    return case_at(personas.caseworker_a, given_name="فاطمة", family_name="أحمد", phone="0912 345 678")


@pytest.fixture
def accented(personas):
    return case_at(personas.caseworker_a, given_name="Aïcha", family_name="Ndiaye")


@pytest.mark.parametrize(
    "text",
    ["Amina", "amina", "AMINA", "Haddad", "haddad diallo", "Diallo Amina", "fatouma HADDAD amina", "Mina", "  amina  "],
)
def test_it_finds_a_name_in_any_case_and_word_order(personas, login_as, amina, text):
    assert found(login_as(personas.caseworker_a), text) == [amina]


@pytest.mark.parametrize("text", ["Aicha", "AÏCHA", "aïcha ndiaye", "NDIAYE Aicha"])
def test_it_ignores_diacritics(personas, login_as, accented, text):
    assert found(login_as(personas.caseworker_a), text) == [accented]


@pytest.mark.parametrize("text", ["فاطمه", "فاطمة", "احمد فاطمة", "إحمد", "آحمد", "فاطمـة"])
def test_it_folds_arabic_spelling_variants(personas, login_as, arabic, text):
    # ta marbuta / ha, alef with hamza or madda / bare alef, tatweel
    assert found(login_as(personas.caseworker_a), text) == [arabic]


def test_it_folds_alef_maqsura_and_ya(personas, login_as):
    case = case_at(personas.caseworker_a, given_name="مصطفى", family_name="علي")
    client = login_as(personas.caseworker_a)
    assert found(client, "مصطفي") == [case]
    assert found(client, "على مصطفى") == [case]


@pytest.mark.parametrize("text", ["Amin", "Amina Haddadi", "Fatima", "Amina Smith"])
def test_it_matches_whole_words_only(personas, login_as, amina, text):
    assert found(login_as(personas.caseworker_a), text) == []


@pytest.mark.parametrize(
    "text", ["+235 66 12 34 56", "66123456", "66 12 34 56", "+23566123456", "00235-66-12-34-56", "(235) 6612-3456"]
)
def test_it_finds_a_phone_with_or_without_country_code_and_spacing(personas, login_as, amina, text):
    assert found(login_as(personas.caseworker_a), text) == [amina]


@pytest.mark.parametrize("text", ["0912345678", "+249 912 345 678", "912-345-678"])
def test_it_finds_a_local_phone_written_internationally(personas, login_as, arabic, text):
    assert found(login_as(personas.caseworker_a), text) == [arabic]


def test_it_finds_nothing_for_another_phone(personas, login_as, amina):
    assert found(login_as(personas.caseworker_a), "+235 66 12 34 57") == []


def test_it_finds_a_code_typed_in_lower_case_with_spaces_or_dashes(personas, login_as, amina):
    code = amina.client.code
    compact = code.replace("-", "")
    client = login_as(personas.caseworker_a)
    for text in (code, code.lower(), compact.lower(), " ".join(compact), f"{compact[:3]}-{compact[3:7]} {compact[7:]}"):
        assert found(client, text) == [amina], text


def test_it_finds_a_code_read_with_look_alike_letters(personas, login_as, amina):
    code = amina.client.code
    typed = code.replace("5", "s").replace("2", "z").replace("8", "b").replace("6", "g")
    assert found(login_as(personas.caseworker_a), typed) == [amina]


def test_it_says_when_a_code_is_mistyped(personas, login_as, amina):
    from caseway.clients import codes

    code = amina.client.code
    wrong = code[:-1] + next(char for char in codes.ALPHABET if char != code[-1])
    response = login_as(personas.caseworker_a).get(list_url(q=wrong))
    assert response.context["rows"] == []
    assert "mistyped" in response.content.decode()


def test_it_never_finds_another_organizations_client(personas, login_as):
    theirs = case_at(personas.caseworker_b, given_name="Amina", family_name="Haddad", phone="+235 66 12 34 56")
    client = login_as(personas.caseworker_a)
    for text in ("Amina", "66123456", theirs.client.code):
        assert found(client, text) == [], text


def share_with_a(personas, case, categories):
    give_consent(
        case.client,
        ConsentPurpose.SHARING,
        recorded_by=member(personas.caseworker_b),
        recipient=personas.org_a,
        categories=categories,
    )


def test_it_finds_a_referred_client_by_what_they_shared(personas, login_as):
    theirs = case_at(personas.caseworker_b, given_name="Amina", family_name="Haddad", phone="+235 66 12 34 56")
    ours = Case.objects.create(organization=personas.org_a, client=theirs.client, origin=Case.Origin.REFERRAL)
    client = login_as(personas.caseworker_a)
    assert found(client, theirs.client.code) == [ours]
    assert found(client, "Amina") == []  # a name match would tell them who the client is
    assert found(client, "66123456") == []
    share_with_a(personas, theirs, [DataCategory.IDENTITY])
    assert found(client, "Amina") == [ours]
    assert found(client, "66123456") == []
    share_with_a(personas, theirs, [DataCategory.IDENTITY, DataCategory.CONTACT])
    assert found(client, "66123456") == [ours]


def test_it_masks_a_referred_clients_name_in_a_code_search(personas, login_as):
    theirs = case_at(personas.caseworker_b, given_name="Amina", family_name="Haddad")
    Case.objects.create(organization=personas.org_a, client=theirs.client, origin=Case.Origin.REFERRAL)
    response = login_as(personas.caseworker_a).get(list_url(q=theirs.client.code))
    [row] = response.context["rows"]
    assert row.masked
    assert "Amina" not in response.content.decode()


@pytest.fixture
def not_assigned(personas):
    """A sensitive case of org A whose team does not include caseworker_a."""
    other = make_member(personas.org_a, Role.CASEWORKER, "second.caseworker.a@example.org")
    return case_at(
        personas.caseworker_a,
        sensitive=True,
        caseworker=other,
        given_name="Mariam",
        family_name="Osei",
        phone="+235 77 00 11 22",
    )


def test_it_masks_a_sensitive_client_found_by_code_for_a_caseworker_not_assigned(personas, login_as, not_assigned):
    response = login_as(personas.caseworker_a).get(list_url(q=not_assigned.client.code.lower()))
    [row] = response.context["rows"]
    assert row.case == not_assigned and row.masked
    page = response.content.decode()
    assert "Mariam" not in page and "Osei" not in page
    assert "•••" in page


def test_it_does_not_confirm_a_sensitive_clients_name_or_phone_outside_the_team(personas, login_as, not_assigned):
    client = login_as(personas.caseworker_a)
    assert found(client, "Mariam Osei") == []
    assert found(client, "+235 77 00 11 22") == []
    assert found(login_as(personas.legal_officer_a), "Mariam") == []


@pytest.mark.parametrize("name", ["supervisor_a", "team"])
def test_it_finds_a_sensitive_client_by_name_for_the_team(personas, login_as, not_assigned, name):
    user = not_assigned.caseworker if name == "team" else personas.supervisor_a
    response = login_as(user).get(list_url(q="osei mariam"))
    [row] = response.context["rows"]
    assert row.case == not_assigned and not row.masked
    assert "Mariam Osei" in response.content.decode()


def test_it_finds_a_sensitive_client_by_name_after_break_glass(personas, login_as, not_assigned):
    client = login_as(personas.caseworker_a)
    client.post(
        reverse("clients:break_glass", args=[not_assigned.pk]),
        {"reason": "The client is here and her caseworker cannot be reached today."},
    )
    assert found(client, "Mariam") == [not_assigned]


def test_it_combines_search_and_filters(personas, login_as, amina):
    Case.objects.filter(pk=amina.pk).update(status="closed")
    client = login_as(personas.caseworker_a)
    assert found(client, "Amina") == [amina]
    response = client.get(list_url(q="Amina", status="open"))
    assert response.context["rows"] == []


def test_it_records_each_search_without_what_was_typed(personas, login_as, amina):
    client = login_as(personas.caseworker_a)
    client.get(list_url(q="Amina Haddad"))
    client.get(list_url(q="+235 66 12 34 56"))
    client.get(list_url(q=amina.client.code.lower()))
    recorded = events("clients.searched")
    assert [event.fields for event in recorded] == [["name"], ["phone"], ["code"]]
    assert all(event.actor_id == personas.caseworker_a.pk for event in recorded)
    assert all(event.organization_id == personas.org_a.pk for event in recorded)
    for event in recorded:
        assert "amina" not in (event.reason + str(event.fields)).lower()
        assert "123456" not in event.reason


def test_it_does_not_record_a_plain_list_view(personas, login_as, amina):
    login_as(personas.caseworker_a).get(list_url())
    assert events("clients.searched") == []


def test_it_matches_nothing_for_punctuation(personas, login_as, amina):
    assert found(login_as(personas.caseworker_a), "--- ...") == []


def test_it_searches_through_digests_never_plaintext(personas, amina):
    readings = queries.read_search("Amina Haddad")
    assert [reading.kind for reading in readings] == ["name"]
    stored = set(ClientIndex.objects.filter(client=amina.client).values_list("digest", flat=True))
    assert set(readings[0].digests) <= stored
    assert all("amina" not in digest.lower() for digest in readings[0].digests)


def test_it_runs_a_fixed_number_of_queries_whatever_the_matches(personas, login_as):
    """However many match, a search costs the same: each kind of match (standard, sensitive,
    referred-in) adds at most one query for all its matches together."""

    def aminas(count):
        for number in range(count):
            case_at(personas.caseworker_a, given_name="Amina", family_name=f"Standard{number}")
            case_at(personas.caseworker_a, given_name="Amina", family_name=f"Sensitive{number}", sensitive=True)
            theirs = case_at(personas.caseworker_b, given_name="Amina", family_name=f"Referred{number}")
            Case.objects.create(organization=personas.org_a, client=theirs.client, origin=Case.Origin.REFERRAL)
            share_with_a(personas, theirs, [DataCategory.IDENTITY])

    client = login_as(personas.caseworker_a)
    aminas(1)
    client.get(list_url(q="Amina"))
    few, response = count_queries(lambda: client.get(list_url(q="Amina")))
    assert len(response.context["rows"]) == 3
    aminas(6)
    many, response = count_queries(lambda: client.get(list_url(q="Amina")))
    assert len(response.context["rows"]) == 21
    assert few == many


def test_it_finds_the_same_cases_when_a_name_is_too_common_for_a_list(personas, login_as, monkeypatch):
    cases = [case_at(personas.caseworker_a, given_name="Amina", family_name=f"Number{n}") for n in range(3)]
    case_at(personas.caseworker_b, given_name="Amina")
    client = login_as(personas.caseworker_a)
    as_list = found(client, "Amina")
    monkeypatch.setattr(queries, "MATCH_LIST_LIMIT", 1)
    assert found(client, "Amina") == as_list
    assert set(as_list) == set(cases)
    assert found(client, "amina number1") == [cases[1]]


def test_several_words_are_looked_up_as_word_pairs(personas, amina):
    readings = queries.read_search("Haddad Amina Fatouma")
    assert [reading.purpose for reading in readings] == [ClientIndex.Purpose.NAME_PAIR]
    assert len(readings[0].digests) == 2  # the first word with each other one
    stored = set(
        ClientIndex.objects.filter(client=amina.client, purpose=ClientIndex.Purpose.NAME_PAIR).values_list(
            "digest", flat=True
        )
    )
    assert set(readings[0].digests) <= stored


def test_a_name_and_an_alias_pair_up(personas, login_as, amina):
    assert found(login_as(personas.caseworker_a), "Mina Diallo") == [amina]


def test_a_word_typed_twice_needs_a_name_with_it_twice(personas, login_as):
    twice = case_at(personas.caseworker_a, given_name="Maxamed", family_name="Maxamed")
    once = case_at(personas.caseworker_a, given_name="Maxamed", family_name="Cali")
    client = login_as(personas.caseworker_a)
    assert found(client, "maxamed maxamed") == [twice]
    assert set(found(client, "Maxamed")) == {twice, once}
    assert found(client, "Cali Maxamed") == [once]


def test_an_alias_repeating_a_given_name_does_not_count_it_twice(personas, login_as):
    case_at(personas.caseworker_a, given_name="Maxamed", family_name="Cali", aliases=["Maxamed"])
    assert found(login_as(personas.caseworker_a), "Maxamed Maxamed") == []


def test_the_migration_backfills_the_word_pairs_of_existing_clients(personas, login_as, amina):
    import importlib
    from types import SimpleNamespace

    from django.db import connection

    ClientIndex.objects.filter(purpose=ClientIndex.Purpose.NAME_PAIR).delete()
    client = login_as(personas.caseworker_a)
    assert found(client, "Amina Haddad") == []
    migration = importlib.import_module("caseway.clients.migrations.0004_name_pair_index")
    # RunPython reads only the schema editor's connection.
    migration.add_name_pairs(None, SimpleNamespace(connection=connection))
    assert found(client, "Amina Haddad") == [amina]
    assert found(client, "diallo mina") == [amina]


def test_a_name_too_common_to_list_asks_for_another_name(personas, login_as, monkeypatch):
    for number in range(3):
        case_at(personas.caseworker_a, given_name="Amina", family_name=f"Number{number}")
    monkeypatch.setattr(queries, "SEARCH_MATCH_CAP", 2)
    response = login_as(personas.caseworker_a).get(list_url(q="Amina"))
    assert response.context["rows"] == []
    assert response.context["reading"].too_many
    assert "More than 2 clients have this name" in response.content.decode()
    assert "0 cases" not in response.content.decode()
    response = login_as(personas.caseworker_a).get(list_url(q="Amina Number1"))
    assert len(response.context["rows"]) == 1


def test_a_name_at_the_cap_is_still_listed(personas, login_as, monkeypatch):
    for number in range(2):
        case_at(personas.caseworker_a, given_name="Amina", family_name=f"Number{number}")
    monkeypatch.setattr(queries, "SEARCH_MATCH_CAP", 2)
    response = login_as(personas.caseworker_a).get(list_url(q="Amina"))
    assert len(response.context["rows"]) == 2
    assert not response.context["reading"].too_many
