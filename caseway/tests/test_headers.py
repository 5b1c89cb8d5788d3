"""Security headers on every page, no-store when signed in, production transport settings, static caching."""

import re

import pytest
from django.urls import reverse
from django.utils.cache import get_max_age

from caseway.tests.production import production_facts

LOGIN_URL = reverse("accounts:login")
ONE_YEAR = 365 * 24 * 3600


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.fixture
def login_page(client, db):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    return response


@pytest.fixture
def signed_in_page(client, personas, login_as):
    login_as(personas.caseworker_a)
    response = client.get("/")
    assert response.status_code == 200
    return response


@pytest.fixture(params=["login_page", "signed_in_page"])
def page(request):
    return request.getfixturevalue(request.param)


def test_it_sends_a_content_security_policy_without_inline_script(page):
    directives = _directives(page)

    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    policy = page["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_it_has_no_inline_script_for_the_policy_to_block(page):
    html = page.content.decode()

    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    for attributes, body in scripts:
        assert "src=" in attributes
        assert body.strip() == ""
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_it_forbids_framing(page):
    assert page["X-Frame-Options"] == "DENY"


def test_it_forbids_content_sniffing(page):
    assert page["X-Content-Type-Options"] == "nosniff"


def test_it_sends_referrers_to_this_site_only(page):
    # same-origin, not no-referrer: with no-referrer browsers post "Origin: null", which CSRF refuses.
    assert page["Referrer-Policy"] == "same-origin"


def test_it_isolates_the_browsing_context(page):
    assert page["Cross-Origin-Opener-Policy"] == "same-origin"


def test_it_forbids_storing_a_signed_in_page(signed_in_page):
    cache_control = signed_in_page["Cache-Control"]

    assert "no-store" in cache_control
    assert "private" in cache_control
    assert get_max_age(signed_in_page) == 0
    assert "Cookie" in signed_in_page["Vary"]


def test_it_forbids_storing_a_page_half_way_through_signing_in(client, personas):
    client.force_login(personas.caseworker_a)  # password given, second factor not yet

    response = client.get(reverse("accounts:verify"))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_it_forbids_storing_an_api_response_to_a_token(client, personas):
    from caseway.api.tests.helpers import bearer, create_token

    _token, secret = create_token(personas.caseworker_a)

    response = client.get("/api/v1/me/", **bearer(secret))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_it_enforces_https_in_production():
    facts = production_facts()

    assert facts["SECURE_HSTS_SECONDS"] >= ONE_YEAR
    assert facts["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert facts["SESSION_COOKIE_SECURE"] is True
    assert facts["CSRF_COOKIE_SECURE"] is True
    assert facts["LANGUAGE_COOKIE_SECURE"] is True
    assert facts["SECURE_SSL_REDIRECT"] is True


def test_it_caches_hashed_static_files_for_a_year_in_production():
    static = production_facts()["static"]

    assert re.fullmatch(r"/static/caseway/caseway\.[0-9a-f]{12}\.css", static["url"])
    assert static["status"] == 200
    cache_control = static["cache_control"]
    max_age = int(re.search(r"max-age=(\d+)", cache_control).group(1))
    assert max_age >= ONE_YEAR
    assert "immutable" in cache_control
    assert "public" in cache_control
