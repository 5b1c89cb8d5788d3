"""POST /api/v1/clients/: registration through client_register with a services consent in the same step."""

import pytest

from caseway.accounts.tests.helpers import audit_events
from caseway.clients import consent
from caseway.clients.models import Case, Client, Consent, ConsentPurpose
from caseway.clients.tests.api_helpers import auth
from caseway.clients.tests.factories import an_area

pytestmark = pytest.mark.django_db
URL = "/api/v1/clients/"


def services_consent(**extra):
    text = consent.shipped_text(ConsentPurpose.SERVICES, "ar")
    return {"language": "ar", "wording_sha256": consent.text_digest(text), "method": "verbal", **extra}


def body(**extra):
    return {"sex": "female", "age_band": "25-59", "admin_area": an_area().pcode, "consent": services_consent(), **extra}


def post(client, user, data):
    return client.post(URL, data, content_type="application/json", **auth(user))


def test_it_registers_a_client_with_only_the_required_fields_and_the_consent(client, personas):
    response = post(client, personas.caseworker_a, body())

    assert response.status_code == 201, response.content
    created = response.json()
    case = Case.objects.get(pk=created["case"]["id"])
    assert (case.organization, case.caseworker, case.origin) == (personas.org_a, personas.caseworker_a, "intake")
    assert created["code"] == case.client.code and created["identity"]["given_name"] is None
    answer = Consent.objects.get(client=case.client)
    assert (answer.purpose, answer.granted, answer.recipient, answer.wording.language) == (
        ConsentPurpose.SERVICES,
        True,
        personas.org_a,
        "ar",
    )
    assert consent.allows(case.client, ConsentPurpose.SERVICES, personas.org_a)
    assert audit_events("clients.client_registered").count() == 1
    assert audit_events("clients.consent_recorded").count() == 1


def test_it_encrypts_the_identity_and_indexes_it(client, personas):
    response = post(
        client,
        personas.caseworker_a,
        body(
            given_name="Hawre",
            family_name="Aziz",
            phone="+964 750 111 2233",
            birth_date="1990-01-02",
            sensitivity="sensitive",
        ),
    )

    created = response.json()
    assert created["identity"]["given_name"] == "Hawre" and created["identity"]["birth_date"] == "1990-01-02"
    assert created["case"]["sensitivity"] == "sensitive"
    stored = Client.objects.get(pk=created["id"])
    assert stored.__dict__["given_name_sealed"].ciphertext != "Hawre"
    assert stored.indexes.count() >= 3


def test_it_derives_the_age_group_from_a_birth_date(client, personas):
    data = body(birth_date="2010-06-01")
    del data["age_band"]

    assert post(client, personas.caseworker_a, data).json()["age_band"] == "12-17"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"consent": None}, "consent"),
        ({"admin_area": "NOWHERE"}, "admin_area"),
        ({"age_band": None}, "age_band"),
        ({"birth_date": "2999-01-01"}, "birth_date"),
        ({"consent": services_consent(wording_sha256="0" * 64)}, "consent.wording_sha256"),
        ({"consent": services_consent(given_by="caregiver")}, "consent.caregiver_relationship"),
        ({"age_band": "5-11"}, "consent.given_by"),
    ],
)
def test_it_writes_nothing_on_bad_input(client, personas, change, field):
    data = {**body(), **change}
    data = {name: value for name, value in data.items() if value is not None}

    response = post(client, personas.caseworker_a, data)

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Client.objects.exists()
    assert not Consent.objects.exists()


def test_it_answers_401_without_credentials(client):
    assert client.post(URL, body(), content_type="application/json").status_code == 401
    assert not Client.objects.exists()


@pytest.mark.parametrize("who", ["admin_a", "coordinator", "donor"])
def test_it_refuses_roles_that_cannot_register(client, personas, who):
    assert post(client, getattr(personas, who), body()).status_code == 403
    assert not Client.objects.exists()
