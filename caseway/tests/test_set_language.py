"""The language switcher: the shell follows the chosen language, right-to-left for Arabic."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOGIN_URL = reverse("accounts:login")


def _translated(language, text):
    with translation.override(language):
        translated = translation.gettext(text)
    assert translated != text, f"{text!r} has no {language} translation"
    return translated


def test_it_switches_the_shell_to_arabic_right_to_left(client, db):
    response = client.post(reverse("set_language"), {"language": "ar", "next": LOGIN_URL})
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"

    page = client.get(LOGIN_URL).content.decode()

    assert '<html lang="ar" dir="rtl">' in page
    assert _translated("ar", "Quick exit") in page


def test_it_switches_a_signed_in_page_to_arabic(client, personas, login_as):
    login_as(personas.caseworker_a)

    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    page = client.get("/").content.decode()

    assert '<html lang="ar" dir="rtl">' in page
    assert _translated("ar", "Quick exit") in page
    assert _translated("ar", "Sign out") in page


def test_it_keeps_french_left_to_right(client, db):
    client.post(reverse("set_language"), {"language": "fr", "next": LOGIN_URL})

    page = client.get(LOGIN_URL).content.decode()

    assert '<html lang="fr" dir="ltr">' in page
    assert _translated("fr", "Quick exit") in page


def test_it_starts_in_english(client, db):
    page = client.get(LOGIN_URL).content.decode()

    assert '<html lang="en" dir="ltr">' in page
    assert "Quick exit" in page


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/", "https:evil.example"])
def test_it_does_not_follow_an_unsafe_next(client, db, unsafe):
    response = client.post(reverse("set_language"), {"language": "fr", "next": unsafe})

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert response["Location"].startswith("/")


def test_it_ignores_a_language_it_does_not_offer(client, db):
    response = client.post(reverse("set_language"), {"language": "xx", "next": LOGIN_URL})

    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert '<html lang="en" dir="ltr">' in client.get(LOGIN_URL).content.decode()
