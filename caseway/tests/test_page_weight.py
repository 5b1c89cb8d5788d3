"""Page weight: every page the personas can open stays within DESIGN.md's 2G budgets.

Sizes are deterministic, so these are tests (timings live in bench/). Budgets are gzip sizes.
"""

import gzip
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from caseway.lib.access import AUTHENTICATED, PUBLIC, ROLE
from caseway.tests.object_urls import OBJECT_URLS
from caseway.tests.personas import login
from caseway.tests.urls_inventory import all_routes

KB = 1024
HTML_BUDGET = 20 * KB
CSS_BUDGET = 12 * KB
JS_BUDGET = 20 * KB
FIRST_LOAD_BUDGET = 60 * KB
FIRST_LOAD_REQUESTS = 5
STATIC_DIR = "caseway/static/caseway"


def gzip_size(content: bytes) -> int:
    return len(gzip.compress(content, compresslevel=9))


class Subresources(HTMLParser):
    """The files a browser fetches to show the page: stylesheets, scripts, images, icons."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        url = None
        if tag == "link" and attributes.get("rel") in {"stylesheet", "icon", "preload"}:
            url = attributes.get("href")
        elif tag in {"script", "img", "iframe"}:
            url = attributes.get("src")
        if url and not url.startswith("data:"):
            self.urls.append(url)


@cache
def static_size(url: str) -> int:
    assert url.startswith("/static/"), f"only our own static files may load: {url}"
    path = finders.find(url.removeprefix("/static/"))
    assert path, f"missing static file {url}"
    with open(path, "rb") as handle:
        return gzip_size(handle.read())


def _all_static(suffix):
    """Our own static files (third-party apps ship files our pages never load)."""
    own = str(settings.BASE_DIR / "caseway")
    paths = []
    for finder in finders.get_finders():
        for relative, storage in finder.list([]):
            path = storage.path(relative)
            if relative.endswith(suffix) and path.startswith(own):
                paths.append(path)
    return paths


def test_it_keeps_all_css_within_budget():
    total = sum(gzip_size(Path(path).read_bytes()) for path in _all_static(".css"))
    assert 0 < total <= CSS_BUDGET, total


def test_it_keeps_all_javascript_within_budget():
    total = sum(gzip_size(Path(path).read_bytes()) for path in _all_static(".js"))
    assert 0 < total <= JS_BUDGET, total


ONE_PERSONA_PER_ROLE = (
    "caseworker_a",
    "supervisor_a",
    "legal_officer_a",
    "admin_a",
    "monitor_a",
    "coordinator",
    "donor",
    "unaffiliated",
)


def _pages_for(personas):
    """(persona or None, path) for every page a persona can GET without parameters, and objects."""
    people = [personas.all()[name] for name in ONE_PERSONA_PER_ROLE]
    for route in all_routes():
        if route.is_api or route.has_parameters:
            continue
        if route.access_class == PUBLIC:
            yield None, route.placeholder_path()
        elif route.access_class in {AUTHENTICATED, ROLE}:
            for user in people:
                yield user, route.placeholder_path()
    for name, factory in OBJECT_URLS.items():
        case = factory(personas)
        if case.method == "get":
            yield case.owner, reverse(name, kwargs=case.kwargs)


def _rendered_pages(client, personas):
    """(label, HTML bytes) of every page that renders for someone."""
    for user, path in _pages_for(personas):
        client.logout()
        if user is not None:
            login(client, user)
        response = client.get(path)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            yield f"{path} as {user.email if user else 'anonymous'}", response.content


@pytest.mark.django_db
def test_it_keeps_every_page_within_budget_and_free_of_inline_script(client, personas):
    checked = 0
    failures = []
    for label, html in _rendered_pages(client, personas):
        checked += 1
        parser = Subresources()
        parser.feed(html.decode())
        html_size = gzip_size(html)
        total = html_size + sum(static_size(url) for url in parser.urls)
        requests = 1 + len(parser.urls)
        if html_size > HTML_BUDGET:
            failures.append(f"{label}: HTML {html_size} B gzip > {HTML_BUDGET}")
        if total > FIRST_LOAD_BUDGET:
            failures.append(f"{label}: first load {total} B gzip > {FIRST_LOAD_BUDGET}")
        if requests > FIRST_LOAD_REQUESTS:
            failures.append(f"{label}: {requests} requests > {FIRST_LOAD_REQUESTS}")
        # The CSP forbids inline scripts and handlers: a page that has one is broken, not just heavy.
        if re.search(rb"<script(?![^>]*\bsrc=)[^>]*>", html):
            failures.append(f"{label}: inline <script>")
        if re.search(rb"<[^>]+\son[a-z]+=", html):
            failures.append(f"{label}: inline event handler")
    assert checked >= 10, f"only {checked} pages rendered: the harness is not seeing the site"
    assert failures == []
