"""The sensitive-identity rule on every surface that lists or exports clients.

A sensitive (GBV/CRSV) case shows who the client is, and how to reach them, only to its assigned
caseworker and supervisors (``access.can_see_identity`` / ``access.can_see_contact``). Each test is
seen by a caseworker of the *same* organization who is not assigned: the person the rule is for.
(Search, the case list, the link requests and the intake's duplicate check have their own tests in
test_search_page, test_records_list, test_link_requests and test_intake_duplicates_step.)
"""

import pytest
from django.urls import reverse

from caseway.api.tests.helpers import bearer, create_token
from caseway.clients import erasure
from caseway.clients.access import MASKED_NAME
from caseway.clients.models import Case, CaseAlert, ConsentPurpose
from caseway.clients.tests.factories import a_case, give_consent
from caseway.clients.tests.records_helpers import member
from caseway.orgs.permissions import Role
from caseway.tests.personas import make_member

pytestmark = pytest.mark.django_db

GIVEN, FAMILY = "Nadiya", "Qarawi"
PHONE = "+964 771 204 5538"
SAFE_TIMES = "Weekday mornings, when her brother is at work"


@pytest.fixture
def assigned(personas):
    return make_member(personas.org_a, Role.CASEWORKER, "assigned.caseworker.a@example.org")


@pytest.fixture
def sensitive(personas, assigned):
    """A sensitive case of org A, registered by its supervisor and assigned to another caseworker."""
    case = a_case(
        member(personas.supervisor_a),
        sensitive=True,
        given_name=GIVEN,
        family_name=FAMILY,
        phone=PHONE,
        birth_date="1994-02-03",
    )
    Case.objects.filter(pk=case.pk).update(caseworker=assigned, supervisor=personas.supervisor_a)
    give_consent(
        case.client,
        ConsentPurpose.CONTACT,
        recorded_by=member(personas.supervisor_a),
        contact_methods=["sms"],
        safe_times=SAFE_TIMES,
    )
    case.refresh_from_db()
    return case


def shows_nothing_identifying(text: str) -> bool:
    return all(value not in text for value in (GIVEN, FAMILY, PHONE, "204 5538", SAFE_TIMES))


# --- the alerts inbox -------------------------------------------------------------------------


def test_the_alerts_inbox_shows_a_caseworker_not_assigned_neither_the_alerts_nor_the_client(
    personas, login_as, sensitive, assigned
):
    CaseAlert.objects.create(case=sensitive, kind=CaseAlert.Kind.URGENT_HEALTH, audience=CaseAlert.Audience.SUPERVISOR)
    CaseAlert.objects.create(
        case=sensitive, kind=CaseAlert.Kind.URGENT_HEALTH, audience=CaseAlert.Audience.CASEWORKER, is_task=True
    )

    response = login_as(personas.caseworker_a).get(reverse("clients:alert_inbox"))
    text = response.content.decode()

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert sensitive.client.code not in text
    assert shows_nothing_identifying(text)
    # Its own caseworker gets the task, by code only.
    own = login_as(assigned).get(reverse("clients:alert_inbox")).content.decode()
    assert sensitive.client.code in own
    assert shows_nothing_identifying(own)


# --- the erasure pages ------------------------------------------------------------------------


def test_the_erasure_pages_refuse_a_caseworker_and_show_agency_admins_codes_only(personas, login_as, sensitive):
    request = erasure.erasure_request(
        actor=personas.admin_a,
        membership=member(personas.admin_a),
        case=sensitive,
        reason_code="client_asked",
        reason="The client asked.",
    )
    caseworker = login_as(personas.caseworker_a)
    assert caseworker.get(reverse("clients:erasure_list")).status_code == 403
    assert caseworker.get(reverse("clients:erasure_detail", args=[request.pk])).status_code == 403

    admin = login_as(personas.admin_a)
    for url in (reverse("clients:erasure_list"), reverse("clients:erasure_detail", args=[request.pk])):
        text = admin.get(url).content.decode()
        assert sensitive.client.code in text
        assert shows_nothing_identifying(text)


# --- the API ----------------------------------------------------------------------------------


def api_get(client, user, url):
    _token, secret = create_token(user)
    response = client.get(url, **bearer(secret))
    assert response.status_code == 200, response.content
    return response


def test_the_api_list_masks_the_client_for_a_caseworker_not_assigned(client, personas, sensitive, assigned):
    (row,) = api_get(client, personas.caseworker_a, "/api/v1/clients/").json()["results"]

    assert row["code"] == sensitive.client.code
    assert row["display_name"] == MASKED_NAME
    assert row["identity"] is None and row["contact"] is None

    (own,) = api_get(client, assigned, "/api/v1/clients/").json()["results"]
    assert own["display_name"] == f"{GIVEN} {FAMILY}"
    assert own["contact"]["phone"] == PHONE


def test_the_api_consent_list_hides_contact_preferences_from_a_caseworker_not_assigned(
    client, personas, sensitive, assigned
):
    url = f"/api/v1/clients/{sensitive.client_id}/consents/"

    answers = api_get(client, personas.caseworker_a, url).json()["results"]
    contact = next(answer for answer in answers if answer["purpose"] == ConsentPurpose.CONTACT)

    assert contact["contact_methods"] == [] and contact["safe_times"] == ""
    assert shows_nothing_identifying(api_get(client, personas.caseworker_a, url).content.decode())
    own = api_get(client, assigned, url).json()["results"]
    assert next(answer for answer in own if answer["purpose"] == ConsentPurpose.CONTACT)["safe_times"] == SAFE_TIMES


# --- the consent page -------------------------------------------------------------------------


def test_the_consent_page_hides_contact_preferences_from_a_caseworker_not_assigned(
    personas, login_as, sensitive, assigned
):
    url = reverse("clients:consent_list", args=[sensitive.client_id])

    response = login_as(personas.caseworker_a).get(url)

    assert response.status_code == 200
    assert shows_nothing_identifying(response.content.decode())
    assert SAFE_TIMES in login_as(assigned).get(url).content.decode()


# --- subject access exports -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["clients:subject_access_page", "clients:subject_access_json"])
def test_the_subject_access_export_refuses_a_caseworker_not_assigned(personas, login_as, sensitive, assigned, name):
    url = reverse(name, args=[sensitive.client_id])

    response = login_as(personas.caseworker_a).get(url)

    assert response.status_code == 403
    assert shows_nothing_identifying(response.content.decode())
    assert login_as(assigned).get(url).status_code == 200
