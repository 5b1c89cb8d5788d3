"""Error pages: the shell (with quick exit) in the user's language; failures are refused cleanly."""

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from caseway.accounts.models import User
from caseway.audit.models import AuditEvent
from caseway.orgs.permissions import Action

LOGIN_URL = reverse("accounts:login")
MIB = 1024 * 1024


def _french(text):
    with translation.override("fr"):
        translated = translation.gettext(text)
    assert translated != text, f"{text!r} has no French translation"
    return translated


def _html_escaped(text):
    return escape(text)


def test_it_answers_an_unknown_url_with_the_shell_page(client, personas, login_as):
    login_as(personas.caseworker_a)

    response = client.get("/no/such/page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert 'id="quick-exit"' in page
    assert "Page not found" in page
    assert "no-store" in response["Cache-Control"]


def test_it_answers_an_unknown_url_in_the_browser_language(client, personas, login_as):
    login_as(personas.caseworker_a)

    response = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="fr" dir="ltr">' in page
    assert _html_escaped(_french("Page not found")) in page
    assert _html_escaped(_french("Quick exit")) in page


def test_it_shows_a_csrf_failure_in_the_browser_language(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post(LOGIN_URL, {"username": "a@example.org", "password": "x"}, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="fr" dir="ltr">' in page
    assert _html_escaped(_french("This form has expired")) in page
    assert 'id="quick-exit"' in page


def test_it_refuses_an_oversized_form_with_400_and_writes_nothing(client, personas):
    def written():
        return User.objects.count(), Session.objects.count(), AuditEvent.objects.count(), AccessAttempt.objects.count()

    before = written()
    body = {"username": personas.caseworker_a.email, "password": "x" * (2 * MIB)}

    response = client.post(LOGIN_URL, body)

    assert response.status_code == 400
    assert "The request was not accepted" in response.content.decode()
    assert written() == before
    assert "_auth_user_id" not in client.session


def test_it_audits_a_wrong_role_with_the_action_code_only(client, personas, login_as):
    user = personas.caseworker_a
    login_as(user)

    response = client.get(reverse("audit:event_list"))

    assert response.status_code == 403
    assert "You may not do this" in response.content.decode()
    event = AuditEvent.objects.filter(action="access.permission_denied").get()
    assert event.actor_id == user.pk
    assert event.fields == [str(Action.VIEW_AUDIT_LOG)]


@pytest.mark.parametrize("message", ["free text with a value: jane@example.org", "", "Not.Allowed"])
def test_it_keeps_anything_but_an_action_code_out_of_the_audit(rf, personas, message):
    from django.core.exceptions import PermissionDenied

    from caseway.views import permission_denied

    request = rf.get("/somewhere/")
    request.user = personas.caseworker_a
    request.session = {}

    response = permission_denied(request, PermissionDenied(message))

    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access.permission_denied").get().fields == []


def test_it_offers_quick_exit_on_the_server_error_page(rf):
    from caseway.views import server_error

    with translation.override("fr"):
        response = server_error(rf.get("/"))

    assert response.status_code == 500
    page = response.content.decode()
    assert f'id="quick-exit" href="{reverse("quick_exit")}"' in page
    assert escape(_french("Quick exit")) in page


def test_it_leaves_directly_from_the_server_error_page_when_quick_exit_has_no_url(rf, monkeypatch):
    from django.conf import settings
    from django.urls import NoReverseMatch

    from caseway import views

    def broken_reverse(*args, **kwargs):
        raise NoReverseMatch("the URLconf is what failed")

    monkeypatch.setattr(views, "reverse", broken_reverse)

    response = views.server_error(rf.get("/"))

    assert response.status_code == 500
    assert f'id="quick-exit" href="{settings.QUICK_EXIT_URL}"' in response.content.decode()
