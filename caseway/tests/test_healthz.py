"""/healthz: 200 with the database reachable, 503 otherwise, and nothing more said or kept."""

from django.db import OperationalError, connection
from django.urls import reverse
from django.utils.cache import get_max_age


def _assert_not_cacheable(response):
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control or "no-cache" in cache_control
    assert get_max_age(response) == 0


def test_it_answers_ok_when_the_database_answers(client, db):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    _assert_not_cacheable(response)


def test_it_answers_503_when_the_database_fails(client, db, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("could not connect to server: secret-db-host.internal")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken_cursor)
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.content == b"unavailable\n"
    assert b"secret-db-host" not in response.content
    assert b"OperationalError" not in response.content
    _assert_not_cacheable(response)
    assert not response.cookies


def test_it_sets_no_cookie(client, db):
    response = client.get(reverse("healthz"))

    assert not response.cookies
    assert "sessionid" not in client.cookies


def test_it_is_reachable_without_signing_in_and_without_a_second_factor(client, personas):
    client.force_login(personas.caseworker_a)  # password only: the second factor not yet passed

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.content == b"ok\n"
