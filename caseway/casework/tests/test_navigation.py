"""Where casework is reached from: the navigation by role, and the case work page's links."""

import pytest
from django.urls import reverse

from caseway.clients.models import Case, CaseStatus
from caseway.clients.tests.factories import a_case

pytestmark = pytest.mark.django_db


def test_staff_who_see_personal_data_find_their_calendar(personas, login_as):
    calendar = reverse("casework:calendar")

    for user in (personas.caseworker_a, personas.supervisor_a, personas.legal_officer_b):
        assert f'href="{calendar}"' in login_as(user).get("/").content.decode(), user.email
    for user in (personas.admin_a, personas.donor, personas.coordinator):
        assert calendar not in login_as(user).get("/").content.decode(), user.email


def test_supervisors_and_agency_admins_alone_find_the_support_payment_totals(personas, login_as):
    totals = reverse("casework:payment_totals")

    assert f'href="{totals}"' in login_as(personas.supervisor_a).get("/").content.decode()
    assert f'href="{totals}"' in login_as(personas.admin_a).get("/").content.decode()
    assert totals not in login_as(personas.caseworker_a).get("/").content.decode()


def test_the_case_page_links_to_its_appointments_and_payments(personas, login_as):
    case = a_case(personas.caseworker_a.memberships.get())

    page = login_as(personas.caseworker_a).get(reverse("casework:case", args=[case.pk])).content.decode()

    assert f'href="{reverse("casework:appointments", args=[case.pk])}"' in page
    assert f'href="{reverse("casework:payments", args=[case.pk])}"' in page


def test_the_case_page_links_to_supervision_and_closure_by_role_and_status(personas, login_as):
    case = a_case(personas.caseworker_a.memberships.get())
    page = reverse("casework:case", args=[case.pk])

    caseworker = login_as(personas.caseworker_a).get(page).content.decode()
    assert f'href="{reverse("casework:closure_request", args=[case.pk])}"' in caseworker
    assert reverse("casework:case_reassign", args=[case.pk]) not in caseworker
    assert reverse("casework:plan_decide", args=[case.pk]) not in caseworker  # no plan sent yet

    supervisor = login_as(personas.supervisor_a).get(page).content.decode()
    assert f'href="{reverse("casework:case_reassign", args=[case.pk])}"' in supervisor

    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    closed = login_as(personas.supervisor_a).get(page).content.decode()
    assert f'action="{reverse("casework:case_reopen", args=[case.pk])}"' in closed
    assert reverse("casework:closure_request", args=[case.pk]) not in closed
