import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseway.portal.tests.helpers import a_portal_case, an_account, sign_in
from caseway.tests.test_page_weight import gzip_size

pytestmark = pytest.mark.django_db


def _client_writes(personas, text, case=None):
    account = an_account(personas, case)
    portal = Client()
    sign_in(portal, account)
    portal.post(reverse("portal:messages"), {"body": text})
    return account


def test_the_caseworker_sees_unread_threads_first_by_client_code_only(personas, login_as):
    first = _client_writes(personas, "First.")
    second = _client_writes(personas, "Second.", a_portal_case(personas, given_name="Second", family_name="Person"))
    staff = login_as(personas.caseworker_a)
    staff.get(reverse("portal_staff:case_portal", args=[second.case.pk]))  # read
    page = staff.get(reverse("portal_staff:inbox")).content.decode()
    assert page.index(first.client.code) < page.index(second.client.code)
    assert page.count("Not read") == 1
    assert "Second" not in page.replace("Second.", "")  # no names
    assert gzip_size(page.encode()) < 20 * 1024


def test_another_organization_sees_none_of_them(personas, login_as):
    account = _client_writes(personas, "Hello.")
    other = login_as(personas.caseworker_b)
    assert account.client.code not in other.get(reverse("portal_staff:inbox")).content.decode()


def test_it_reads_the_same_number_of_queries_for_one_or_many_threads(personas, login_as):
    _client_writes(personas, "One.")
    staff = login_as(personas.caseworker_a)
    with CaptureQueriesContext(connection) as one:
        staff.get(reverse("portal_staff:inbox"))
    for index in range(3):
        _client_writes(personas, f"More {index}.", a_portal_case(personas, given_name=f"P{index}", family_name="Q"))
    staff = login_as(personas.caseworker_a)
    with CaptureQueriesContext(connection) as many:
        staff.get(reverse("portal_staff:inbox"))
    assert len(many) == len(one)


def test_roles_without_personal_data_are_refused(personas, login_as):
    assert login_as(personas.admin_a).get(reverse("portal_staff:inbox")).status_code == 403
