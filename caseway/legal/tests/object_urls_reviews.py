"""Object-scoped URLs of the legal reviews pages (see caseway/tests/object_urls.py): org A's matter,
its review, action item and requests; the other organization's legal officer gets 404 (for a
request: when it is neither a party nor the organization asked)."""

import datetime

from caseway.casework.tests.appointment_helpers import member
from caseway.legal.tests.object_urls_legal import _object_case, a_matter


def a_review(personas, matter=None):
    from caseway.legal import reviews

    return reviews.review_hold(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        matter=matter or a_matter(personas),
        held_on=datetime.date(2025, 6, 2),
        agenda="Fictional agenda: the hearing strategy.",
    )


def an_action_item(personas, review=None):
    from caseway.legal import reviews

    return reviews.action_item_add(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        review=review or a_review(personas),
        organization=personas.org_a,
        title="Collect the fictional witness statement.",
        due_on=datetime.date(2025, 7, 1),
    )


def a_request(personas, matter=None, *, to=None, **values):
    from caseway.legal import assistance

    if to is None and "addressed_authority" not in values:
        to = personas.org_b
    values.setdefault("kind", "information")
    values.setdefault("question", "Fictional question: the registry entry of the hearing.")
    values.setdefault("sent_on", datetime.date(2025, 6, 3))
    return assistance.request_send(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        matter=matter or a_matter(personas),
        addressed_organization=to,
        **values,
    )


def _on_matter(name, **extra):
    return lambda personas: _object_case(
        personas.legal_officer_a, personas.legal_officer_b, {"pk": a_matter(personas).pk}, **extra
    )


OBJECT_URLS = {
    "legal:reviews": _on_matter("reviews"),
    "legal:review_add": _on_matter("review_add"),
    "legal:review": lambda personas: _object_case(
        personas.legal_officer_a, personas.legal_officer_b, {"pk": a_review(personas).pk}
    ),
    "legal:review_participant_add": lambda personas: _object_case(
        personas.legal_officer_a,
        personas.legal_officer_b,
        {"pk": a_review(personas).pk},
        method="post",
        data={"organization": personas.org_other.pk},
    ),
    "legal:action_item_add": lambda personas: _object_case(
        personas.legal_officer_a,
        personas.legal_officer_b,
        {"pk": a_review(personas).pk},
        method="post",
        data={"organization": personas.org_a.pk, "title": "Fictional action."},
    ),
    "legal:action_item_done": lambda personas: _object_case(
        personas.legal_officer_a, personas.legal_officer_b, {"pk": an_action_item(personas).pk}, method="post"
    ),
    "legal:action_item_take": lambda personas: _object_case(
        personas.legal_officer_a, personas.legal_officer_b, {"pk": an_action_item(personas).pk}, method="post"
    ),
    "legal:requests": _on_matter("requests"),
    "legal:request_add": _on_matter("request_add"),
    # Asked of a third organization: org B is neither a party nor the one asked.
    "legal:request_answer": lambda personas: _object_case(
        personas.legal_officer_a, personas.legal_officer_b, {"pk": a_request(personas, to=personas.org_other).pk}
    ),
    "legal:request_withdraw": lambda personas: _object_case(
        personas.legal_officer_a, personas.legal_officer_b, {"pk": a_request(personas).pk}, method="post"
    ),
}


WRONG_ROLES = ("caseworker_a", "admin_a", "monitor_a", "coordinator", "donor")


def assert_refused(client, login_as, personas, url, method="get", data=None, *, others=("legal_officer_b",)):
    """Anonymous → sign in; not a party (or not the one asked) → 404; roles not working legal matters → 403."""
    from django.conf import settings
    from django.urls import reverse

    client.logout()
    response = getattr(client, method)(url, data or {})
    assert response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))
    for name in others:
        login_as(getattr(personas, name))
        assert getattr(client, method)(url, data or {}).status_code == 404, name
    for name in WRONG_ROLES:
        login_as(getattr(personas, name))
        assert getattr(client, method)(url, data or {}).status_code == 403, name
