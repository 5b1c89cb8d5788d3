"""htmx as an enhancement: a request sent by htmx gets the page's ``results`` partial, any other
request the whole page, and the response says it varies on the header, so that no cache hands
one for the other."""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers

HEADER = "HX-Request"


def is_htmx(request) -> bool:
    return request.headers.get(HEADER) == "true"


def render_page_or_results(request, template, context, *, status=200):
    """``template`` for a plain request, its ``{% partialdef results %}`` for htmx."""
    name = f"{template}#results" if is_htmx(request) else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, [HEADER])
    return response
