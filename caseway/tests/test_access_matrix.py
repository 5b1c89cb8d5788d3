"""The access matrix: every URL of the project is classified, and each class holds its promise.

- public: reachable without signing in;
- authenticated / role / object: anonymous visitors are sent to sign in (API: 401);
- portal: anonymous visitors, and signed-in staff, are sent to the portal's own sign-in page;
- role: every persona whose role lacks the action gets 403;
- object: a persona of another organization with the same role gets 404, like a missing object.

There is no ignore list: a new URL must be classified (caseway.lib.access) to pass.
"""

import pytest
from django.conf import settings
from django.urls import reverse

from caseway.lib.access import ACCESS_CLASSES, AUTHENTICATED, OBJECT, PORTAL, PUBLIC, ROLE
from caseway.tests.object_urls import OBJECT_URLS
from caseway.tests.personas import login
from caseway.tests.urls_inventory import all_routes

ROUTES = all_routes()


def _request(client, path, method="get", data=None):
    response = getattr(client, method)(path, data or {})
    if response.status_code == 405 and method == "get":
        response = client.post(path, data or {})
    return response


def test_it_classifies_every_url():
    unclassified = [route.route for route in ROUTES if route.access_class not in ACCESS_CLASSES]
    assert unclassified == [], f"Classify these URLs with caseway.lib.access: {unclassified}"


def test_it_names_every_url():
    assert [route.route for route in ROUTES if not route.name] == []


def test_it_knows_how_to_build_every_object_scoped_url():
    object_routes = {route.name for route in ROUTES if route.access_class == OBJECT}
    missing = sorted(object_routes - set(OBJECT_URLS))
    assert missing == [], f"Add these object-scoped URLs to caseway/tests/object_urls.py: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in ROUTES if r.access_class == PUBLIC], ids=lambda r: r.name)
def test_it_serves_public_urls_to_anonymous_visitors(client, route):
    response = _request(client, route.placeholder_path())
    assert response.status_code < 500
    login_url = reverse(settings.LOGIN_URL)
    assert not (response.status_code == 302 and response["Location"].startswith(login_url)), route.route


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.access_class in {AUTHENTICATED, ROLE, OBJECT}], ids=lambda r: r.name
)
def test_it_sends_anonymous_visitors_to_sign_in(client, route):
    response = _request(client, route.placeholder_path())
    if route.is_api:
        assert response.status_code == 401, route.route
    else:
        assert response.status_code == 302, route.route
        assert response["Location"].startswith(reverse(settings.LOGIN_URL)), route.route


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in ROUTES if r.access_class == PORTAL], ids=lambda r: r.name)
def test_it_sends_everyone_but_a_portal_client_to_the_portal_sign_in(client, personas, route):
    for user in (None, personas.caseworker_a, personas.supervisor_a):
        client.logout()
        if user is not None:
            login(client, user)
        response = _request(client, route.placeholder_path())
        assert response.status_code == 302, (route.route, user)
        assert response["Location"] == reverse("portal:login"), (route.route, user)


def _personas_without(personas, action):
    for user in personas.all().values():
        membership = user.memberships.select_related("organization").first()
        if not membership.allows(action):
            yield user


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.access_class in {ROLE, OBJECT} and r.action], ids=lambda r: r.name
)
def test_it_refuses_roles_without_the_action(client, personas, route):
    refused = list(_personas_without(personas, route.action))
    assert refused, f"every persona may {route.action}: the matrix cannot test {route.route}"
    for user in refused:
        login(client, user)  # replaces the previous persona's session cookie
        response = _request(client, route.placeholder_path())
        assert response.status_code == 403, (route.route, user.email, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(OBJECT_URLS))
def test_it_hides_objects_from_other_organizations(client, personas, name):
    case = OBJECT_URLS[name](personas)
    path = reverse(name, kwargs=case.kwargs)

    login(client, case.other)
    response = getattr(client, case.method)(path, case.data)
    assert response.status_code == 404, (name, case.other.email, response.status_code)

    login(client, case.owner)  # replaces the other persona's session cookie
    response = getattr(client, case.method)(path, case.data)
    assert response.status_code in {200, 201, 302}, (name, case.owner.email, response.status_code)
