import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caseway.api.tests.helpers import bearer, create_token
from caseway.audit.models import AuditEvent
from caseway.orgs.models import Membership, Organization, OrganizationType

LIST = "/api/v1/organizations/"
ALL_ACTIVE = ["Alpha Relief", "Beta Legal Aid", "Delta Fund", "Epsilon Works", "Gamma Coordination"]


def detail(pk):
    return f"/api/v1/organizations/{pk}/"


@pytest.fixture
def auth(personas):
    _token, secret = create_token(personas.caseworker_a)
    return bearer(secret)


@pytest.mark.django_db
def test_it_lists_the_active_organizations_by_name_with_explicit_fields(client, personas, auth):
    Organization.objects.create(name="Aardvark Closed", type=OrganizationType.EMPLOYER, country="XA", is_active=False)

    body = client.get(LIST, **auth).json()

    assert body["count"] == 5
    assert [o["name"] for o in body["results"]] == ALL_ACTIVE
    assert body["results"][0] == {
        "id": personas.org_a.pk,
        "name": "Alpha Relief",
        "acronym": "ALR",
        "type": "national_ngo",
        "country": "XA",
    }


@pytest.mark.django_db
def test_it_paginates_with_limit_and_offset(client, personas, auth):
    first = client.get(LIST, {"limit": 2}, **auth).json()
    second = client.get(LIST, {"limit": 2, "offset": 2}, **auth).json()

    assert first["count"] == 5
    assert [o["name"] for o in first["results"]] == ALL_ACTIVE[:2]
    assert [o["name"] for o in second["results"]] == ALL_ACTIVE[2:4]
    assert first["previous"] is None
    assert "offset=2" in first["next"]


@pytest.mark.django_db
def test_it_pages_at_fifty_by_default(client, personas, auth):
    for number in range(60):
        Organization.objects.create(name=f"Org {number:02}", type=OrganizationType.EMPLOYER, country="XA")

    body = client.get(LIST, **auth).json()

    assert body["count"] == 65
    assert len(body["results"]) == 50


@pytest.mark.django_db
def test_it_lists_with_a_fixed_number_of_queries(client, personas, auth):
    client.get(LIST, **auth)  # the token's last-used stamp is written once, not on every call
    with CaptureQueriesContext(connection) as few:
        client.get(LIST, **auth)
    for number in range(20):
        Organization.objects.create(name=f"Org {number:02}", type=OrganizationType.EMPLOYER, country="XA")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(LIST, **auth).json()["results"]) == 25
    assert len(many) == len(few)


@pytest.mark.django_db
def test_it_shows_one_organization(client, personas, auth):
    response = client.get(detail(personas.org_b.pk), **auth)

    assert response.status_code == 200
    assert response.json() == {
        "id": personas.org_b.pk,
        "name": "Beta Legal Aid",
        "acronym": "BLA",
        "type": "legal_clinic",
        "country": "XB",
    }


@pytest.mark.django_db
def test_it_answers_inactive_and_missing_organizations_with_the_same_404(client, personas, auth):
    closed = Organization.objects.create(name="Closed", type=OrganizationType.EMPLOYER, country="XA", is_active=False)
    missing_pk = Organization.objects.order_by("-pk").first().pk + 1000

    inactive = client.get(detail(closed.pk), **auth)
    missing = client.get(detail(missing_pk), **auth)

    assert inactive.status_code == missing.status_code == 404
    assert inactive.content == missing.content
    assert b"Organization" not in missing.content


@pytest.mark.django_db
def test_it_refuses_anonymous_callers(client, personas):
    assert client.get(LIST).status_code == 401
    assert client.get(detail(personas.org_a.pk)).status_code == 401


@pytest.mark.django_db
def test_it_refuses_a_role_without_the_action_and_audits_it(client, personas, auth):
    # Every role may see the directory today; a role outside the table stands in for a future one.
    Membership.objects.filter(user=personas.caseworker_a).update(role="not_a_role")

    for path in (LIST, detail(personas.org_a.pk)):
        response = client.get(path, **auth)
        assert response.status_code == 403, path
    events = AuditEvent.objects.filter(action="access.permission_denied", actor_id=personas.caseworker_a.pk)
    assert events.count() == 2
    assert events.first().fields == ["orgs.view_organizations"]


@pytest.mark.django_db
def test_it_is_read_only(client, personas, auth):
    for path in (LIST, detail(personas.org_a.pk)):
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(path, {}, content_type="application/json", **auth)
            assert response.status_code == 405, (method, path)


@pytest.mark.django_db
def test_it_caps_the_page_size_at_a_hundred(client, personas, auth):
    for number in range(100):
        Organization.objects.create(name=f"Org {number:03}", type=OrganizationType.EMPLOYER, country="XA")

    body = client.get(LIST, {"limit": 1000}, **auth).json()

    assert body["count"] == 105
    assert len(body["results"]) == 100


@pytest.mark.django_db
@pytest.mark.parametrize("huge", [2**63, 10**30])
def test_it_survives_numbers_the_database_cannot_hold(client, personas, auth, huge):
    assert client.get(LIST, {"limit": huge, "offset": 1}, **auth).status_code == 200
    assert client.get(LIST, {"offset": huge}, **auth).json()["results"] == []
    assert client.get(detail(huge), **auth).status_code == 404
