"""Reminder texts reveal nothing: no name, code, organization, kind of appointment, place or
sensitive word, in any of the site's languages; only a day, a time and the neutral site name."""

import datetime

import pytest
from django.utils import translation

from caseway.casework.models import Appointment
from caseway.messaging import reminders, texts
from caseway.messaging.tests.helpers import FAMILY, GIVEN, PLACE, a_day, a_reminded_case, an_appointment_on

pytestmark = pytest.mark.django_db
LANGUAGES = ("en", "fr", "ar", "es")
SENSITIVE = {
    "en": (
        "violence",
        "rape",
        "sexual",
        "gbv",
        "crsv",
        "abuse",
        "assault",
        "legal",
        "lawyer",
        "clinic",
        "medical",
        "shelter",
        "counselling",
        "counseling",
        "therapy",
        "psycho",
        "trauma",
        "survivor",
        "victim",
        "health",
        "court",
        "hiv",
        "pregnan",
        "extremis",
        "police",
        "case",
    ),
    "fr": (
        "violence",
        "viol",
        "sexuel",
        "juridique",
        "avocat",
        "clinique",
        "médical",
        "refuge",
        "abri",
        "conseil",
        "psycho",
        "thérapie",
        "survivant",
        "victime",
        "santé",
        "tribunal",
        "dossier",
    ),
    "es": (
        "violencia",
        "violación",
        "sexual",
        "jurídic",
        "legal",
        "abogad",
        "clínica",
        "médic",
        "refugio",
        "albergue",
        "asesoramiento",
        "psico",
        "terapia",
        "sobreviviente",
        "víctima",
        "salud",
        "tribunal",
    ),
    "ar": (
        "عنف",
        "اغتصاب",
        "جنسي",
        "قانوني",
        "محامي",
        "عيادة",
        "طبي",
        "ملجأ",
        "مأوى",
        "إرشاد",
        "نفسي",
        "علاج",
        "ناجية",
        "ضحية",
        "صحة",
        "محكمة",
    ),
}
EVERY_WORD = {word for words in SENSITIVE.values() for word in words}


def reminder_for(personas, language, kind):
    case = a_reminded_case(personas, given_name=GIVEN, family_name=FAMILY, languages=[language])
    appointment = an_appointment_on(personas, case, a_day(2, hour=15), kind=kind, place=PLACE)
    notification = reminders.queue_one(appointment.pk, now=a_day(2, hour=9))
    return case, notification


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_says_nothing_that_tells_who_where_or_what_in_any_language(personas, language, settings):
    settings.PORTAL_SITE_NAME = "Neighbourhood help"  # what a deployment sets
    for kind in Appointment.Kind.values:
        case, notification = reminder_for(personas, language, kind)
        text = notification.text.lower()
        forbidden = {GIVEN, FAMILY, case.client.code, personas.org_a.name, personas.org_a.acronym, PLACE, "Olive"}
        with translation.override(language):
            forbidden |= {str(label) for label in Appointment.Kind.labels}
            forbidden |= {str(label) for label in Appointment.Mode.labels}
        for value in forbidden:
            assert value.lower() not in text, (language, kind, value)
        for word in EVERY_WORD:
            assert word not in text, (language, kind, word)
        assert "15:00" in text


def test_it_speaks_the_clients_language_else_the_default(personas, settings):
    client = a_reminded_case(personas, languages=["ara", "en"]).client
    assert texts.client_language(client) == "ar"
    client.languages = ["sw", "es-CO"]
    assert texts.client_language(client) == "es"
    client.languages = ["sw"]
    assert texts.client_language(client) == settings.LANGUAGE_CODE


def test_it_gives_the_day_and_time_on_the_site_clock(settings):
    settings.TIME_ZONE = "Asia/Amman"
    starts_at = datetime.datetime(2026, 12, 1, 7, 0, tzinfo=datetime.UTC)  # 10:00 in Amman
    assert texts.appointment_reminder(starts_at, "en") == (
        "Community services. Reminder: appointment on Tue 1 Dec at 10:00. Reply or call if you cannot come."
    )
    assert "mar" in texts.appointment_reminder(starts_at, "fr").lower()  # "mar. 1 déc." from Django's own words
