"""Helpers for the referral page tests: the disallowed users of every page."""

from django.conf import settings
from django.urls import reverse

WRONG_ROLES = ("admin_a", "admin_b", "monitor_a", "coordinator", "donor")


def assert_login_required(client, url, method="get"):
    client.logout()
    response = getattr(client, method)(url)
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def assert_refused(client, login_as, personas, url, method="get", data=None, *, others=("outsider",)):
    """Anonymous → sign in; another organization → 404; roles without personal data → 403."""
    assert_login_required(client, url, method)
    for name in others:
        login_as(getattr(personas, name))
        assert getattr(client, method)(url, data or {}).status_code == 404, name
    for name in WRONG_ROLES:
        login_as(getattr(personas, name))
        assert getattr(client, method)(url, data or {}).status_code == 403, name
