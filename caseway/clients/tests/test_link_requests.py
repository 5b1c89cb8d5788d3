"""Link requests addressed to our clients: accepted only once the client consented to share; audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from caseway.clients import access, records_services
from caseway.clients.models import Case, CaseAlert, ConsentPurpose, DataCategory, LinkRequest
from caseway.clients.tests.factories import give_consent
from caseway.clients.tests.records_helpers import WRONG_ROLES, case_at, case_url, events, member
from caseway.orgs.permissions import Role
from caseway.tests.personas import make_member

pytestmark = pytest.mark.django_db
LIST = "/clients/link-requests/"


@pytest.fixture
def ours(personas):
    return case_at(personas.caseworker_a, given_name="Amina", family_name="Haddad", phone="+235 66 12 34 56")


@pytest.fixture
def link_request(personas, ours):
    requesting = case_at(personas.caseworker_b, given_name="Amina", family_name="Haddad")
    CaseAlert.objects.create(case=ours, kind=CaseAlert.Kind.LINK_REQUEST, audience=CaseAlert.Audience.CASEWORKER)
    return LinkRequest.objects.create(
        requesting_case=requesting, candidate=ours.client, requested_by=personas.caseworker_b
    )


def detail_url(link_request):
    return reverse("clients:link_request_detail", args=[link_request.pk])


def consent_to_share(personas, case, categories=(DataCategory.IDENTITY,), **extra):
    return give_consent(
        case.client,
        ConsentPurpose.SHARING,
        recorded_by=member(personas.caseworker_a),
        recipient=personas.org_b,
        categories=list(categories),
        **extra,
    )


def test_it_lists_requests_for_our_clients(personas, login_as, link_request):
    response = login_as(personas.caseworker_a).get(LIST)
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [link_request]
    assert personas.org_b.name in response.content.decode()
    assert list(login_as(personas.caseworker_b).get(LIST).context["page"].object_list) == []


def test_it_hides_requests_about_a_sensitive_client_from_outside_the_team(personas, login_as, link_request, ours):
    other = make_member(personas.org_a, Role.CASEWORKER, "second.caseworker.a@example.org")
    Case.objects.filter(pk=ours.pk).update(sensitivity="sensitive", caseworker=other)
    assert list(login_as(personas.caseworker_a).get(LIST).context["page"].object_list) == []
    assert login_as(personas.caseworker_a).get(detail_url(link_request)).status_code == 404
    assert list(login_as(other).get(LIST).context["page"].object_list) == [link_request]
    assert list(login_as(personas.supervisor_a).get(LIST).context["page"].object_list) == [link_request]


@pytest.mark.parametrize("name", WRONG_ROLES)
def test_it_refuses_roles_that_may_not_see_personal_data(personas, login_as, link_request, name):
    client = login_as(personas.all()[name])
    assert client.get(LIST).status_code == 403
    assert client.get(detail_url(link_request)).status_code == 403


def test_it_answers_404_to_the_requesting_organization_and_others(personas, login_as, link_request):
    for user in (personas.caseworker_b, personas.supervisor_b, personas.outsider):
        client = login_as(user)
        assert client.get(detail_url(link_request)).status_code == 404
        assert client.post(detail_url(link_request), {"decision": "accept"}).status_code == 404
    link_request.refresh_from_db()
    assert link_request.status == LinkRequest.Status.PENDING


def test_it_refuses_to_link_without_the_clients_consent(personas, login_as, link_request):
    client = login_as(personas.caseworker_a)
    page = client.get(detail_url(link_request)).content.decode()
    assert "No consent recorded" in page
    assert 'value="accept"' not in page
    response = client.post(detail_url(link_request), {"decision": "accept"})
    assert response.status_code == 400
    assert (
        "Record the client&#x27;s consent to share information with Beta Legal Aid first" in response.content.decode()
    )
    link_request.refresh_from_db()
    assert link_request.status == LinkRequest.Status.PENDING
    assert not Case.objects.filter(organization=personas.org_b, client=link_request.candidate).exists()
    assert events("clients.link_request_accepted") == []


@pytest.mark.parametrize("answer", ["refused", "revoked", "other_organization"])
def test_it_refuses_to_link_with_a_consent_not_in_force(personas, link_request, ours, answer):
    from django.utils import timezone

    if answer == "refused":
        consent_to_share(personas, ours, granted=False)
    elif answer == "revoked":
        consent_to_share(personas, ours, revoked_at=timezone.now())
    else:
        give_consent(
            ours.client,
            ConsentPurpose.SHARING,
            recorded_by=member(personas.caseworker_a),
            recipient=personas.org_other,
            categories=[DataCategory.IDENTITY],
        )
    with pytest.raises(ValidationError):
        records_services.link_request_accept(
            actor=personas.caseworker_a, membership=member(personas.caseworker_a), link_request=link_request
        )


def test_it_links_once_the_client_consented(personas, login_as, link_request, ours):
    consent_to_share(personas, ours, [DataCategory.IDENTITY, DataCategory.NEEDS])
    client = login_as(personas.caseworker_a)
    page = client.get(detail_url(link_request)).content.decode()
    assert "Identity" in page and "Needs" in page
    response = client.post(detail_url(link_request), {"decision": "accept"})
    assert response.status_code == 302
    link_request.refresh_from_db()
    assert (link_request.status, link_request.decided_by) == (LinkRequest.Status.ACCEPTED, personas.caseworker_a)
    linked = Case.objects.get(organization=personas.org_b, client=ours.client)
    assert linked.origin == Case.Origin.LINK
    assert linked.caseworker == personas.caseworker_b
    [event] = events("clients.link_request_accepted")
    assert event.fields == ["status", "case"]
    assert event.organization_id == personas.org_a.pk
    # The link request alert on our case is done.
    assert not CaseAlert.objects.filter(case=ours, kind=CaseAlert.Kind.LINK_REQUEST, resolved_at__isnull=True).exists()


def test_the_linked_organization_sees_only_what_was_shared(personas, login_as, link_request, ours):
    consent_to_share(personas, ours, [DataCategory.IDENTITY])
    login_as(personas.caseworker_a).post(detail_url(link_request), {"decision": "accept"})
    linked = Case.objects.get(organization=personas.org_b, client=ours.client)
    assert access.visible_categories(member(personas.caseworker_b), linked) == {DataCategory.IDENTITY}
    page = login_as(personas.caseworker_b).get(case_url(linked)).content.decode()
    assert "Amina" in page
    assert "66 12 34 56" not in page


def test_it_keeps_a_sensitive_case_sensitive_when_linking(personas, link_request, ours):
    Case.objects.filter(pk=ours.pk).update(sensitivity="sensitive")
    consent_to_share(personas, ours)
    ours.refresh_from_db()
    linked = records_services.link_request_accept(
        actor=personas.caseworker_a, membership=member(personas.caseworker_a), link_request=link_request
    )
    assert linked.is_sensitive


def test_it_declines(personas, login_as, link_request, ours):
    response = login_as(personas.caseworker_a).post(detail_url(link_request), {"decision": "decline"})
    assert response.status_code == 302
    link_request.refresh_from_db()
    assert link_request.status == LinkRequest.Status.DECLINED
    assert not Case.objects.filter(organization=personas.org_b, client=ours.client).exists()
    [event] = events("clients.link_request_declined")
    assert event.fields == ["status"]


def test_it_answers_a_request_once(personas, login_as, link_request, ours):
    client = login_as(personas.caseworker_a)
    client.post(detail_url(link_request), {"decision": "decline"})
    consent_to_share(personas, ours)
    response = client.post(detail_url(link_request), {"decision": "accept"})
    assert response.status_code == 400
    link_request.refresh_from_db()
    assert link_request.status == LinkRequest.Status.DECLINED


def test_it_refuses_an_unknown_decision(personas, login_as, link_request):
    assert login_as(personas.caseworker_a).post(detail_url(link_request), {"decision": "maybe"}).status_code == 400


def test_it_needs_someone_who_may_know_who_the_client_is(personas, login_as, link_request, ours):
    # A referred-in client whose identity was not shared with us: we cannot ask them, so cannot decide.
    Case.objects.filter(pk=ours.pk).update(origin=Case.Origin.REFERRAL)
    client = login_as(personas.caseworker_a)
    page = client.get(detail_url(link_request)).content.decode()
    assert "Only someone who may see this client" in page
    assert client.post(detail_url(link_request), {"decision": "decline"}).status_code == 403
    with pytest.raises(PermissionDenied):
        records_services.link_request_decline(
            actor=personas.caseworker_a, membership=member(personas.caseworker_a), link_request=link_request
        )
