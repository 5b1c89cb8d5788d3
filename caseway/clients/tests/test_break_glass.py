"""Break-glass: a reason, a fresh proof of identity, a time limit, an audit event and an alert."""

import datetime
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from caseway.accounts.middleware import SESSION_REAUTHENTICATED_AT
from caseway.clients import access, records_services
from caseway.clients.models import BreakGlassAccess, Case, CaseAlert, ConsentPurpose, DataCategory
from caseway.clients.tests.factories import give_consent
from caseway.clients.tests.records_helpers import WRONG_ROLES, case_at, case_url, events, list_url, member
from caseway.orgs.permissions import Role
from caseway.tests.personas import make_member

pytestmark = pytest.mark.django_db

REASON = "The client is at the front desk in distress and her caseworker is on leave."


@pytest.fixture
def other_caseworker(personas):
    return make_member(personas.org_a, Role.CASEWORKER, "second.caseworker.a@example.org")


@pytest.fixture
def sensitive(personas, other_caseworker):
    case = case_at(
        personas.caseworker_a,
        sensitive=True,
        caseworker=other_caseworker,
        given_name="Mariam",
        family_name="Osei",
        phone="+235 77 00 11 22",
    )
    Case.objects.filter(pk=case.pk).update(supervisor=personas.supervisor_a)
    case.refresh_from_db()
    return case


def glass_url(case):
    return reverse("clients:break_glass", args=[case.pk])


def test_it_opens_the_identity_for_a_limited_time(personas, login_as, sensitive, settings):
    settings.BREAK_GLASS_MINUTES = 30
    client = login_as(personas.caseworker_a)
    before = timezone.now()
    response = client.post(glass_url(sensitive), {"reason": REASON})
    assert response.status_code == 302
    assert response["Location"] == case_url(sensitive)
    opened = BreakGlassAccess.objects.get()
    assert (opened.case, opened.user, opened.reason) == (sensitive, personas.caseworker_a, REASON)
    assert (
        before + datetime.timedelta(minutes=30) <= opened.expires_at <= timezone.now() + datetime.timedelta(minutes=30)
    )
    page = client.get(case_url(sensitive)).content.decode()
    assert "Mariam" in page and "77 00 11 22" in page
    assert "Access ends at" in page


def test_it_shows_the_name_in_lists_while_open(personas, login_as, sensitive):
    client = login_as(personas.caseworker_a)
    assert "Mariam" not in client.get(list_url()).content.decode()
    client.post(glass_url(sensitive), {"reason": REASON})
    assert "Mariam Osei" in client.get(list_url()).content.decode()


def test_it_audits_the_opening_without_the_reason(personas, login_as, sensitive):
    login_as(personas.caseworker_a).post(glass_url(sensitive), {"reason": REASON})
    [event] = events("clients.break_glass_opened")
    assert (event.actor_id, event.target_type, event.target_id) == (
        personas.caseworker_a.pk,
        "clients.case",
        str(sensitive.pk),
    )
    assert event.fields == ["reason", "expires_at"]
    assert REASON not in event.reason
    assert event.organization_id == personas.org_a.pk


def test_it_alerts_the_supervisors(personas, login_as, sensitive):
    login_as(personas.caseworker_a).post(glass_url(sensitive), {"reason": REASON})
    alert = CaseAlert.objects.get(kind=CaseAlert.Kind.BREAK_GLASS)
    assert (alert.case, alert.audience, alert.assigned_to, alert.resolved_at) == (
        sensitive,
        CaseAlert.Audience.SUPERVISOR,
        personas.supervisor_a,
        None,
    )
    inbox = login_as(personas.supervisor_a).get(reverse("clients:alert_inbox")).content.decode()
    assert "break-glass" in inbox and sensitive.client.code in inbox


def test_it_expires(personas, login_as, sensitive):
    client = login_as(personas.caseworker_a)
    client.post(glass_url(sensitive), {"reason": REASON})
    BreakGlassAccess.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    page = client.get(case_url(sensitive)).content.decode()
    assert "Mariam" not in page
    assert "Masked." in page
    assert not access.has_broken_glass(member(personas.caseworker_a), sensitive)


def test_it_is_only_for_the_person_who_broke_the_glass(personas, login_as, sensitive):
    login_as(personas.caseworker_a).post(glass_url(sensitive), {"reason": REASON})
    assert "Mariam" not in login_as(personas.legal_officer_a).get(case_url(sensitive)).content.decode()


@pytest.mark.parametrize("reason", ["", "   ", "need it", "x" * 19])
def test_it_needs_a_real_reason(personas, login_as, sensitive, reason):
    response = login_as(personas.caseworker_a).post(glass_url(sensitive), {"reason": reason})
    assert response.status_code == 400
    assert BreakGlassAccess.objects.count() == 0
    assert CaseAlert.objects.count() == 0
    assert events("clients.break_glass_opened") == []
    assert response.context["break_glass_form"].errors["reason"]
    assert "Mariam" not in response.content.decode()


def test_it_refuses_a_reason_of_spaces_padded_to_length(personas, sensitive):
    with pytest.raises(Exception) as error:
        records_services.break_glass_open(
            actor=personas.caseworker_a,
            membership=member(personas.caseworker_a),
            case=sensitive,
            reason="a" + " " * 40 + "b",
        )
    assert "reason" in error.value.message_dict


def test_it_asks_to_confirm_identity_first(personas, login_as, sensitive, settings):
    client = login_as(personas.caseworker_a)
    session = client.session
    session[SESSION_REAUTHENTICATED_AT] = time.time() - settings.REAUTH_MAX_AGE - 5
    session.save()
    response = client.post(glass_url(sensitive), {"reason": REASON})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert case_url(sensitive).replace("/", "%2F") in response["Location"]
    assert BreakGlassAccess.objects.count() == 0


def test_it_answers_get_with_405(personas, login_as, sensitive):
    assert login_as(personas.caseworker_a).get(glass_url(sensitive)).status_code == 405


@pytest.mark.parametrize("name", WRONG_ROLES)
def test_it_refuses_roles_that_may_not_see_personal_data(personas, login_as, sensitive, name):
    assert login_as(personas.all()[name]).post(glass_url(sensitive), {"reason": REASON}).status_code == 403
    assert BreakGlassAccess.objects.count() == 0


def test_it_answers_404_to_another_organization(personas, login_as, sensitive):
    assert login_as(personas.supervisor_b).post(glass_url(sensitive), {"reason": REASON}).status_code == 404
    assert BreakGlassAccess.objects.count() == 0


def test_it_refuses_a_case_that_is_not_sensitive(personas, login_as):
    case = case_at(personas.caseworker_a, given_name="Amina")
    response = login_as(personas.legal_officer_a).post(glass_url(case), {"reason": REASON})
    assert response.status_code == 400
    assert BreakGlassAccess.objects.count() == 0


def test_it_refuses_the_cases_own_team(personas, login_as, sensitive):
    response = login_as(personas.supervisor_a).post(glass_url(sensitive), {"reason": REASON})
    assert response.status_code == 400
    assert BreakGlassAccess.objects.count() == 0


def test_it_never_overrides_the_clients_consent(personas, login_as):
    # A sensitive client referred to org A who shared only their needs: no reason opens their identity.
    theirs = case_at(personas.caseworker_b, sensitive=True, given_name="Mariam")
    ours = Case.objects.create(
        organization=personas.org_a, client=theirs.client, origin=Case.Origin.REFERRAL, sensitivity="sensitive"
    )
    give_consent(
        theirs.client,
        ConsentPurpose.SHARING,
        recorded_by=member(personas.caseworker_b),
        recipient=personas.org_a,
        categories=[DataCategory.NEEDS],
    )
    client = login_as(personas.caseworker_a)
    assert reverse("clients:break_glass", args=[ours.pk]) not in client.get(case_url(ours)).content.decode()
    assert client.post(glass_url(ours), {"reason": REASON}).status_code == 403
    assert BreakGlassAccess.objects.count() == 0
