"""GET /api/v1/legal/matters/ and /legal/matters/{id}/: the matters the token's organization works on
(lead or co-counsel), never the summary; other organizations 404, other roles 403."""

import pytest
from django.urls import reverse

from caseway.api.tests.helpers import bearer, create_token
from caseway.audit.models import AuditEvent
from caseway.casework.tests.appointment_helpers import member
from caseway.clients.models import ConsentPurpose
from caseway.clients.tests.factories import a_case, give_consent
from caseway.legal import services
from caseway.legal.models import Jurisdiction, LegalMatter, Stage
from caseway.legal.tests.object_urls_legal import a_matter

pytestmark = pytest.mark.django_db

SUMMARY = "Fictional summary: beaten at the checkpoint of Oldtown"


def as_(user) -> dict:
    _token, secret = create_token(user)
    return bearer(secret)


def a_matter_of(lawyer, *, type="civil_claim", jurisdiction="iachr", summary=""):
    """A matter led by ``lawyer``'s organization, opened through the service."""
    membership = member(lawyer)
    case = a_case(membership)
    give_consent(
        case.client, ConsentPurpose.LEGAL_REPRESENTATION, recorded_by=membership, recipient=membership.organization
    )
    return services.matter_open(
        actor=lawyer,
        membership=membership,
        case=case,
        jurisdiction=Jurisdiction.objects.get(code=jurisdiction),
        type=type,
        summary=summary,
    )


def with_co_counsel(matter, lead, organization, role="co_counsel"):
    services.co_counsel_add(actor=lead, membership=member(lead), matter=matter, organization=organization, role=role)
    return matter


def test_it_lists_the_matters_the_organization_leads_or_works_on_as_co_counsel(client, personas):
    ours = a_matter(personas)
    theirs = with_co_counsel(a_matter_of(personas.legal_officer_b), personas.legal_officer_b, personas.org_a)
    a_matter_of(personas.legal_officer_b)  # B's alone: not A's business

    response = client.get(reverse("api:legal_matters"), **as_(personas.supervisor_a))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    rows = {row["id"]: row for row in body["results"]}
    assert set(rows) == {str(ours.pk), str(theirs.pk)}
    assert rows[str(ours.pk)]["is_lead"] is True
    assert rows[str(ours.pk)]["client_code"] == ours.client.code
    assert rows[str(ours.pk)]["forum"] == {
        "code": "echr",
        "name": ours.jurisdiction.name,
        "kind": "regional_court",
        "country": "",
    }
    assert rows[str(theirs.pk)]["is_lead"] is False
    assert rows[str(theirs.pk)]["lead_organization"] == {"id": personas.org_b.pk, "name": personas.org_b.name}
    assert rows[str(theirs.pk)]["type"] == "civil_claim" and rows[str(theirs.pk)]["outcome"] == ""


def test_it_filters_by_stage_and_type_and_refuses_unknown_values(client, personas):
    claim = a_matter_of(personas.legal_officer_a)
    a_matter(personas)
    LegalMatter.objects.filter(pk=claim.pk).update(stage=Stage.HEARING)
    headers = as_(personas.legal_officer_a)
    url = reverse("api:legal_matters")

    hearing = client.get(url, {"stage": "hearing"}, **headers).json()
    claims = client.get(url, {"type": "civil_claim"}, **headers).json()
    none = client.get(url, {"type": "civil_claim", "stage": "intake"}, **headers).json()
    refused = client.get(url, {"stage": "bargaining"}, **headers)

    assert [row["id"] for row in hearing["results"]] == [str(claim.pk)]
    assert [row["id"] for row in claims["results"]] == [str(claim.pk)]
    assert none["count"] == 0
    assert refused.status_code == 400 and "stage" in refused.json()


def test_it_lists_with_a_fixed_number_of_queries(client, personas, django_assert_max_num_queries):
    headers = as_(personas.legal_officer_a)
    a_matter(personas)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("api:legal_matters"), **headers)
    for _ in range(4):
        with_co_counsel(a_matter_of(personas.legal_officer_b), personas.legal_officer_b, personas.org_a)

    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("api:legal_matters"), **headers)

    assert response.json()["count"] == 5


def test_it_shows_a_matter_with_its_lead_and_co_counsel_but_never_its_summary(client, personas):
    matter = a_matter_of(personas.legal_officer_a, summary=SUMMARY)
    with_co_counsel(matter, personas.legal_officer_a, personas.org_b, role="local_counsel")
    LegalMatter.objects.filter(pk=matter.pk).update(outcome="settled")

    for user in (personas.legal_officer_a, personas.legal_officer_b):
        response = client.get(reverse("api:legal_matter", args=[matter.pk]), **as_(user))
        assert response.status_code == 200
        body = response.json()
        assert body["client_code"] == matter.client.code
        assert body["forum"]["code"] == "iachr" and body["stage"] == "intake" and body["outcome"] == "settled"
        assert body["co_counsel"][0]["organization"]["id"] == personas.org_b.pk
        assert body["co_counsel"][0]["role"] == "local_counsel"
        assert "summary" not in body
        assert "Oldtown" not in response.content.decode()


def test_it_answers_404_to_other_organizations_403_to_other_roles_and_401_to_anonymous(client, personas):
    matter = a_matter(personas)
    detail = reverse("api:legal_matter", args=[matter.pk])

    assert client.get(detail, **as_(personas.legal_officer_b)).status_code == 404
    assert client.get(reverse("api:legal_matters"), **as_(personas.legal_officer_b)).json()["count"] == 0
    for user in (personas.caseworker_a, personas.coordinator, personas.donor):
        for url in (detail, reverse("api:legal_matters")):
            before = AuditEvent.objects.filter(action="access.permission_denied").count()
            assert client.get(url, **as_(user)).status_code == 403
            assert AuditEvent.objects.filter(action="access.permission_denied").count() == before + 1
    assert client.get(detail).status_code == 401
