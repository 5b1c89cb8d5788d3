"""Every indicator in force has its definition in the four languages of Caseway, and the translation
migration fills and empties the same rows without adding a version."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from caseway.indicators import queries
from caseway.indicators.models import LANGUAGES, Indicator

pytestmark = pytest.mark.django_db

translations_migration = importlib.import_module("caseway.indicators.migrations.0004_definition_translations")


def test_every_current_indicator_has_a_definition_in_every_language():
    current = queries.current_indicators()

    assert len(current) >= 15
    for indicator in current:
        for language in LANGUAGES:
            assert indicator.definition.get(language, "").strip(), (indicator.code, language)


def test_each_translation_differs_from_the_english_and_from_the_other_languages():
    for indicator in queries.current_indicators():
        texts = [indicator.definition[language] for language in LANGUAGES]
        assert len(set(texts)) == len(LANGUAGES), indicator.code


def test_technical_terms_and_numbers_survive_translation():
    for indicator in queries.current_indicators():
        english = indicator.definition["en"]
        for term in ("WHO-5", "PHQ-9", "90", "182", "365", "10", "answered_at", "last_contact_at", "Caseway"):
            if term in english:
                for language in ("fr", "ar", "es"):
                    assert term in indicator.definition[language], (indicator.code, language, term)


def test_it_shows_the_arabic_definition_to_an_arabic_reader():
    indicator = Indicator.objects.get(code="wellbeing_improved_who5", version=1)

    arabic = indicator.localized_definition("ar")
    with translation.override("ar"):
        active = indicator.localized_definition()

    assert arabic == translations_migration.TRANSLATIONS["wellbeing_improved_who5"]["ar"]
    assert arabic == active
    assert arabic != indicator.definition["en"]
    assert "WHO-5" in arabic


def test_the_migration_fills_the_same_rows_and_its_reverse_removes_only_the_added_languages():
    versions_before = sorted(Indicator.objects.values_list("code", "version"))
    english_before = dict(Indicator.objects.values_list("code", "definition__en"))
    # A translation entered by hand before the migration ran must survive both directions.
    by_hand = Indicator.objects.get(code="deadlines_met", version=1)
    by_hand.definition = {"en": by_hand.definition["en"], "fr": "Traduction saisie à la main."}
    by_hand.save(update_fields=["definition"])

    translations_migration.remove_translations(apps, None)

    for indicator in Indicator.objects.exclude(code="deadlines_met"):
        assert set(indicator.definition) == {"en"}, indicator.code
    assert Indicator.objects.get(pk=by_hand.pk).definition["fr"] == "Traduction saisie à la main."

    translations_migration.add_translations(apps, None)

    assert sorted(Indicator.objects.values_list("code", "version")) == versions_before
    assert dict(Indicator.objects.values_list("code", "definition__en")) == english_before
    filled = Indicator.objects.get(pk=by_hand.pk).definition
    assert filled["fr"] == "Traduction saisie à la main."
    assert filled["es"] == translations_migration.TRANSLATIONS["deadlines_met"]["es"]
    assert (
        Indicator.objects.get(code="clients_served", version=1).localized_definition("fr")
        == (translations_migration.TRANSLATIONS["clients_served"]["fr"])
    )
