"""The printable subject access page."""

import pytest
from django.urls import reverse

from caseway.accounts.tests.helpers import audit_events, mark_reauthenticated
from caseway.clients.models import Case
from caseway.clients.tests.erasure_helpers import GIVEN, PHONE, identified_case

pytestmark = pytest.mark.django_db


def url(case):
    return reverse("clients:subject_access_page", kwargs={"pk": case.client_id})


def test_it_prints_everything_the_organization_holds(personas, login_as):
    case = identified_case(personas)

    response = login_as(personas.caseworker_a).get(url(case))

    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    for text in (GIVEN, PHONE, case.client.code, "pomegranate", "Be counted in anonymous statistics", "phq9"):
        assert text in html, text
    assert reverse("clients:subject_access_json", kwargs={"pk": case.client_id}) in html
    assert audit_events("clients.subject_access_exported").count() == 1


def test_it_works_right_to_left(personas, login_as):
    case = identified_case(personas)
    client = login_as(personas.caseworker_a)
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})

    html = client.get(url(case)).content.decode()

    assert 'dir="rtl"' in html and 'lang="ar"' in html


def test_it_asks_to_confirm_identity_first(personas, login_as):
    case = identified_case(personas)
    client = login_as(personas.caseworker_a)
    mark_reauthenticated(client, seconds_ago=3600)

    response = client.get(url(case))

    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert not audit_events("clients.subject_access_exported").exists()


def test_it_refuses_staff_of_the_organization_who_may_not_see_a_sensitive_identity(personas, login_as):
    case = identified_case(personas, sensitive=True)
    Case.objects.filter(pk=case.pk).update(supervisor=None)

    assert login_as(personas.legal_officer_a).get(url(case)).status_code == 403


def test_it_sends_anonymous_visitors_to_sign_in(client, personas):
    assert client.get(url(identified_case(personas))).status_code == 302


def test_it_answers_404_to_another_organization(personas, login_as):
    assert login_as(personas.caseworker_b).get(url(identified_case(personas))).status_code == 404


@pytest.mark.parametrize("who", ["admin_a", "monitor_a"])
def test_it_refuses_roles_that_see_no_personal_data(personas, login_as, who):
    assert login_as(getattr(personas, who)).get(url(identified_case(personas))).status_code == 403
