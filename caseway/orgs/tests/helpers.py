"""Checks every orgs page test makes about the people who may not use it."""

from caseway.accounts.tests.helpers import LOGIN_URL, audit_events

NOT_ADMINS = [
    "caseworker_a",
    "supervisor_a",
    "legal_officer_a",
    "monitor_a",
    "coordinator",
    "donor",
    "outsider",
    "unaffiliated",
]


def assert_sent_to_sign_in(response, path):
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith(f"{LOGIN_URL}?next=")
    assert path.split("?")[0] in response["Location"]


def assert_forbidden_and_recorded(response, user, action):
    assert response.status_code == 403, response.status_code
    assert b"You may not do this" in response.content
    event = audit_events("access.permission_denied", actor_id=user.pk).get()
    assert event.fields == [str(action)]


def assert_not_found(response):
    assert response.status_code == 404, response.status_code
    assert b"Page not found" in response.content
