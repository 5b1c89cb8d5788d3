"""Editing identity and contact: only what the member may see, validated, re-indexed, audited."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from caseway.clients.models import Case, Client, ConsentPurpose, DataCategory
from caseway.clients.tests.factories import give_consent
from caseway.clients.tests.records_helpers import WRONG_ROLES, case_at, events, list_url, member, referral_case
from caseway.orgs.permissions import Role
from caseway.tests.personas import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return case_at(
        personas.caseworker_a,
        given_name="Amina",
        family_name="Haddad",
        birth_date="1990-04-01",
        phone="+235 66 12 34 56",
        aliases=["Mina"],
    )


def edit_url(case):
    return reverse("clients:identity_edit", args=[case.pk])


def data(**changes):
    values = {
        "given_name": "Amina",
        "family_name": "Haddad",
        "aliases": "Mina",
        "birth_date": "1990-04-01",
        "nationality": "",
        "documents_held": "",
        "phone": "+235 66 12 34 56",
        "address": "",
    }
    values.update(changes)
    return values


def test_it_fills_the_form_and_audits_that_read(personas, login_as, case):
    response = login_as(personas.caseworker_a).get(edit_url(case))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Amina"' in page and "Mina</textarea>" in page and 'value="1990-04-01"' in page
    [event] = events("clients.identity_viewed")
    assert event.fields == [
        "given_name",
        "family_name",
        "aliases",
        "birth_date",
        "nationality",
        "documents_held",
        "phone",
        "address",
    ]


def test_it_saves_changes_and_reindexes_them(personas, login_as, case):
    client = login_as(personas.caseworker_a)
    response = client.post(
        edit_url(case),
        data(family_name="Haddad Diallo", aliases="Mina\nAminata", phone="+235 99 88 77 66", documents_held="Passport"),
    )
    assert response.status_code == 302
    stored = Client.objects.get(pk=case.client_id)
    assert (stored.family_name, stored.aliases, stored.phone, stored.documents_held) == (
        "Haddad Diallo",
        ["Mina", "Aminata"],
        "+235 99 88 77 66",
        ["Passport"],
    )
    [event] = events("clients.client_updated")
    assert event.fields == ["aliases", "documents_held", "family_name", "phone"]
    rows = lambda text: [row.case for row in client.get(list_url(q=text)).context["rows"]]  # noqa: E731
    assert rows("Aminata Diallo") == [case]
    assert rows("99887766") == [case]
    assert rows("66123456") == []


def test_it_removes_an_emptied_field(personas, login_as, case):
    login_as(personas.caseworker_a).post(edit_url(case), data(phone="", aliases=""))
    stored = Client.objects.get(pk=case.client_id)
    assert stored.phone is None and stored.aliases is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "12345"),
        ("phone", "call me maybe"),
        ("phone", "+1 234 567 890 123 456 78"),
        ("birth_date", (timezone.localdate() + datetime.timedelta(days=1)).isoformat()),
        ("birth_date", "1890-01-01"),
        ("birth_date", "31/31/1990"),
    ],
)
def test_it_refuses_bad_input_with_a_clear_error_and_writes_nothing(personas, login_as, case, field, value):
    response = login_as(personas.caseworker_a).post(edit_url(case), data(**{field: value}))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert Client.objects.get(pk=case.client_id).phone == "+235 66 12 34 56"
    assert events("clients.client_updated") == []


@pytest.mark.parametrize("name", WRONG_ROLES)
def test_it_refuses_roles_that_may_not_see_personal_data(personas, login_as, case, name):
    assert login_as(personas.all()[name]).get(edit_url(case)).status_code == 403


def test_it_answers_404_to_another_organization(personas, login_as, case):
    client = login_as(personas.caseworker_b)
    assert client.get(edit_url(case)).status_code == 404
    assert client.post(edit_url(case), data(given_name="Changed")).status_code == 404
    assert Client.objects.get(pk=case.client_id).given_name == "Amina"


def test_it_refuses_a_sensitive_case_outside_its_team(personas, login_as):
    other = make_member(personas.org_a, Role.CASEWORKER, "second.caseworker.a@example.org")
    sensitive = case_at(personas.caseworker_a, sensitive=True, caseworker=other, given_name="Mariam")
    client = login_as(personas.caseworker_a)
    assert client.get(edit_url(sensitive)).status_code == 403
    assert client.post(edit_url(sensitive), data(given_name="Changed")).status_code == 403
    assert events("clients.identity_viewed") == []


def test_it_shows_only_the_categories_a_referred_organization_may_see(personas, login_as, case):
    at_b = referral_case(case, personas.org_b)
    give_consent(
        case.client,
        ConsentPurpose.SHARING,
        recorded_by=member(personas.caseworker_a),
        recipient=personas.org_b,
        categories=[DataCategory.IDENTITY],
    )
    response = login_as(personas.caseworker_b).get(edit_url(at_b))
    assert response.status_code == 200
    assert "phone" not in response.context["form"].fields
    assert "66 12 34 56" not in response.content.decode()
    login_as(personas.caseworker_b).post(edit_url(at_b), data(given_name="Aminata", phone="+235 11 11 11 11"))
    stored = Client.objects.get(pk=case.client_id)
    assert (stored.given_name, stored.phone) == ("Aminata", "+235 66 12 34 56")


def test_it_keeps_the_case(personas, login_as, case):
    login_as(personas.caseworker_a).post(edit_url(case), data(given_name="Aminata"))
    assert Case.objects.filter(pk=case.pk).exists()
