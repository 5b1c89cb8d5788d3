"""Object-scoped URLs of the legal analytics part (see caseway/tests/object_urls.py).

The analytics page and CSV are role-scoped (nothing to register); the legal API built in the same
part reaches matters through ``legal.access``: org A's matter, the other organization's legal
officer gets 404.
"""


def _matter_case(personas):
    from caseway.legal.tests.object_urls_legal import _object_case, a_matter

    return _object_case(personas.legal_officer_a, personas.legal_officer_b, {"pk": a_matter(personas).pk})


OBJECT_URLS = {
    "api:legal_matter": _matter_case,
    "api:legal_matter_events": _matter_case,
    "api:legal_matter_evidence": _matter_case,
}
