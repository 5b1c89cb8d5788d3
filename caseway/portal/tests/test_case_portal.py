import pytest
from django.urls import reverse

from caseway.portal.models import PortalAccount
from caseway.portal.tests.helpers import a_portal_case

pytestmark = pytest.mark.django_db


def test_the_case_team_invites_the_client_and_sees_the_code_once(personas, login_as):
    case = a_portal_case(personas)
    staff = login_as(personas.caseworker_a)
    page = staff.get(reverse("portal_staff:case_portal", args=[case.pk]))
    assert "Invite to the portal" in page.content.decode()
    response = staff.post(reverse("portal_staff:case_portal_invite", args=[case.pk]))
    assert response.status_code == 200
    account = PortalAccount.objects.get(client=case.client)
    html = response.content.decode()
    assert f"{account.number[:4]} {account.number[4:]}" in html
    assert "no-store" in response["Cache-Control"]
    again = staff.get(reverse("portal_staff:case_portal", args=[case.pk])).content.decode()
    assert "Invited: no PIN yet" in again and "Give a new code" in again


def test_without_the_clients_consent_it_says_what_to_do(personas, login_as):
    case = a_portal_case(personas, consent=False)
    staff = login_as(personas.caseworker_a)
    response = staff.post(reverse("portal_staff:case_portal_invite", args=[case.pk]))
    assert response.status_code == 400
    assert "has not agreed to use the portal" in response.content.decode()
    assert not PortalAccount.objects.exists()


def test_the_case_page_links_to_it(personas, login_as):
    case = a_portal_case(personas)
    staff = login_as(personas.caseworker_a)
    page = staff.get(reverse("casework:case", args=[case.pk])).content.decode()
    assert reverse("portal_staff:case_portal", args=[case.pk]) in page
