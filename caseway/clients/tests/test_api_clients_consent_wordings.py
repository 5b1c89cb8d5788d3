"""GET /api/v1/consent-wordings/: the texts to read out, with the digest to send back."""

import pytest

from caseway.clients import consent
from caseway.clients.models import ConsentPurpose
from caseway.clients.tests.api_helpers import auth

pytestmark = pytest.mark.django_db
URL = "/api/v1/consent-wordings/"


def test_it_lists_every_purpose_in_every_shipped_language_with_its_digest(client, personas):
    rows = client.get(URL, **auth(personas.admin_a)).json()

    assert len(rows) == len(ConsentPurpose.values) * len(consent.WORDING_LANGUAGES)
    for row in rows:
        assert row["sha256"] == consent.text_digest(row["text"])
    assert {row["language"] for row in rows} == set(consent.WORDING_LANGUAGES)


def test_it_answers_401_without_credentials(client):
    assert client.get(URL).status_code == 401
