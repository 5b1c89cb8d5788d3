"""Quick exit: ends the session, leaves for a neutral site and asks the browser to forget us."""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse

LOGIN_URL = reverse("accounts:login")
QUICK_EXIT_LINK = re.compile(r'<a id="quick-exit"[^>]*href="([^"]+)"')


def _quick_exit_href(response):
    match = QUICK_EXIT_LINK.search(response.content.decode())
    assert match, "no quick-exit link on the page"
    return match.group(1)


def test_it_ends_the_session_of_a_signed_in_user(client, personas, login_as):
    login_as(personas.caseworker_a)
    assert client.get("/").status_code == 200
    session_key = client.session.session_key

    response = client.get(reverse("quick_exit"))

    assert response.status_code == 302
    assert response["Location"] == settings.QUICK_EXIT_URL
    assert not Session.objects.filter(session_key=session_key).exists()
    later = client.get("/")
    assert later.status_code == 302
    assert later["Location"].startswith(LOGIN_URL)


def test_it_asks_the_browser_to_clear_its_cache_cookies_and_storage(client, personas, login_as):
    login_as(personas.caseworker_a)

    response = client.get(reverse("quick_exit"))

    clear = response["Clear-Site-Data"]
    assert '"cache"' in clear
    assert '"storage"' in clear
    assert '"cookies"' in clear
    assert "no-store" in response["Cache-Control"]


def test_it_works_for_an_anonymous_visitor(client, db):
    response = client.get(reverse("quick_exit"))

    assert response.status_code == 302
    assert response["Location"] == settings.QUICK_EXIT_URL
    assert "Clear-Site-Data" in response.headers


def test_it_works_half_way_through_signing_in(client, personas):
    client.force_login(personas.caseworker_a)  # password given, second factor not yet

    response = client.get(reverse("quick_exit"))

    assert response.status_code == 302
    assert response["Location"] == settings.QUICK_EXIT_URL
    assert "_auth_user_id" not in client.session


def test_it_is_linked_from_the_login_page(client, db):
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    assert _quick_exit_href(response) == reverse("quick_exit")


def test_it_is_linked_from_a_signed_in_page(client, personas, login_as):
    login_as(personas.supervisor_a)

    response = client.get(reverse("accounts:account"))

    assert response.status_code == 200
    assert _quick_exit_href(response) == reverse("quick_exit")


def test_it_replaces_the_history_entry_in_the_script():
    script = Path(settings.BASE_DIR, "caseway", "static", "caseway", "caseway.js").read_text(encoding="utf-8")

    assert "location.replace(" in script
    assert "quick-exit" in script
