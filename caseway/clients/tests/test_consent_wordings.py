"""Shipped consent wordings: every purpose in every language, short sentences, versioned by hash."""

import json
import re

import pytest

from caseway.clients import consent
from caseway.clients.models import ConsentPurpose, ConsentWording

# Read aloud to someone who may not read well: short sentences, a short whole.
LONGEST_SENTENCE_WORDS = 20
LONGEST_TEXT_WORDS = 70
SENTENCE_END = re.compile(r"(?<=[.?!؟])\s+")


@pytest.mark.parametrize("language", consent.WORDING_LANGUAGES)
def test_it_ships_every_purpose_in_every_language(language):
    data = json.loads((consent.WORDINGS_DIR / f"{language}.json").read_text(encoding="utf-8"))

    assert data["language"] == language
    assert set(data["consent"]) == set(ConsentPurpose.values)


@pytest.mark.parametrize("language", consent.WORDING_LANGUAGES)
@pytest.mark.parametrize("purpose", ConsentPurpose.values)
def test_its_sentences_are_short_and_it_ends_with_the_question(language, purpose):
    text = consent.shipped_text(purpose, language)
    sentences = SENTENCE_END.split(text)

    assert len(text.split()) <= LONGEST_TEXT_WORDS
    assert max(len(sentence.split()) for sentence in sentences) <= LONGEST_SENTENCE_WORDS
    assert text.rstrip().endswith(("?", "؟"))


def test_it_falls_back_to_english_for_other_languages():
    assert consent.wording_language("ku") == "en"
    assert consent.wording_language("ar-SD") == "ar"
    assert consent.shipped_text(ConsentPurpose.SERVICES, "ku") == consent.shipped_text(ConsentPurpose.SERVICES, "en")


@pytest.mark.django_db
def test_it_stores_a_wording_once_and_versions_a_changed_text(monkeypatch):
    first = consent.wording_for(ConsentPurpose.STATISTICS, "fr")
    again = consent.wording_for(ConsentPurpose.STATISTICS, "fr")
    changed = {**consent._shipped("fr"), "statistics": "Nous comptons. D'accord ?"}
    monkeypatch.setattr(consent, "_shipped", lambda language: changed)
    second = consent.wording_for(ConsentPurpose.STATISTICS, "fr")

    assert first == again
    assert (first.version, second.version) == (1, 2)
    assert second.sha256 == consent.text_digest("Nous comptons. D'accord ?")
    assert ConsentWording.objects.filter(purpose="statistics", language="fr").count() == 2


@pytest.mark.django_db
def test_it_refinds_a_text_by_its_hash_whatever_its_version():
    text = consent.shipped_text(ConsentPurpose.SERVICES, "ar")
    existing = ConsentWording.objects.create(
        purpose="services", language="ar", version=7, text=text, sha256=consent.text_digest(text)
    )

    assert consent.wording_for(ConsentPurpose.SERVICES, "ar") == existing
