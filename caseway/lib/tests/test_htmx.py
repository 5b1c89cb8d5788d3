"""htmx as an enhancement (``lib/htmx.py``): the results partial for htmx, the whole page for any
other request, and a response that varies on the header, through a real page (the public
directory search, no sign-in)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from caseway.lib.htmx import is_htmx

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("headers", "expected"), [({}, False), ({"HTTP_HX_REQUEST": "false"}, False), ({"HTTP_HX_REQUEST": "true"}, True)]
)
def test_it_knows_an_htmx_request_by_its_header_only(headers, expected):
    assert is_htmx(RequestFactory().get("/", **headers)) is expected


def test_it_answers_htmx_with_the_results_only_and_anyone_else_with_the_page(client):
    url = reverse("public_directory:search")

    partial = client.get(url, HTTP_HX_REQUEST="true")
    page = client.get(url)

    assert partial.status_code == page.status_code == 200
    assert "<html" not in partial.content.decode()
    assert "<html" in page.content.decode()
    for response in (partial, page):
        assert "HX-Request" in response["Vary"]
