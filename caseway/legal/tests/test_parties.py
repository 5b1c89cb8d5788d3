"""Parties and witnesses: encrypted, known by pseudonym, protected; who they are only for the legal
officers who represent the client (lead, co-counsel or local counsel), audited at each look."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.casework.tests.appointment_helpers import member
from caseway.legal import parties, services
from caseway.legal.models import Party
from caseway.legal.tests.object_urls_legal import a_matter, a_party

pytestmark = pytest.mark.django_db
NAME = "Fictional Witness Name"


def _co_counsel(personas, matter, organization, role):
    services.co_counsel_add(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        matter=matter,
        organization=organization,
        role=role,
    )


def test_it_keeps_the_name_encrypted_and_lists_witnesses_by_pseudonym(personas, login_as):
    party = a_party(personas)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM legal_party WHERE id = %s", [party.pk.hex if connection.vendor == "sqlite" else party.pk]
        )
        stored = cursor.fetchone()[0]
    assert stored and NAME not in (stored if isinstance(stored, str) else bytes(stored).decode("latin-1"))
    page = login_as(personas.legal_officer_a).get(reverse("legal:parties", args=[party.matter_id])).content.decode()
    assert "Witness A" in page and "Voice distortion" in page
    assert NAME not in page, "the list shows pseudonyms only, even to those who may know"


def test_the_lead_lawyer_sees_who_the_witness_is_and_the_look_is_audited(personas, login_as):
    party = a_party(personas)
    page = login_as(personas.legal_officer_a).get(reverse("legal:party", args=[party.pk])).content.decode()
    assert NAME in page
    viewed = AuditEvent.objects.get(action="legal.party_identity_viewed", target_id=str(party.pk))
    assert viewed.fields == ["name", "details"]


@pytest.mark.parametrize("role, sees", [("co_counsel", True), ("local_counsel", True), ("expert", False)])
def test_co_counsel_see_the_identity_only_when_they_represent_the_client(personas, login_as, role, sees):
    party = a_party(personas)
    _co_counsel(personas, party.matter, personas.org_b, role)
    response = login_as(personas.legal_officer_b).get(reverse("legal:party", args=[party.pk]))
    assert response.status_code == 200
    assert (NAME in response.content.decode()) is sees
    assert AuditEvent.objects.filter(action="legal.party_identity_viewed").exists() is sees


def test_a_supervisor_works_by_pseudonym_and_others_get_404_or_403(personas, login_as):
    party = a_party(personas)
    url = reverse("legal:party", args=[party.pk])
    page = login_as(personas.supervisor_a).get(url)
    assert page.status_code == 200 and NAME not in page.content.decode()
    assert login_as(personas.legal_officer_b).get(url).status_code == 404
    assert login_as(personas.caseworker_a).get(url).status_code == 403
    assert not AuditEvent.objects.filter(action="legal.party_identity_viewed").exists()
    with pytest.raises(Exception) as refused:
        parties.party_identity_read(actor=personas.supervisor_a, membership=member(personas.supervisor_a), party=party)
    assert type(refused.value).__name__ == "PermissionDenied"


def test_protection_measures_are_changed_by_any_party_organization(personas, login_as):
    party = a_party(personas)
    _co_counsel(personas, party.matter, personas.org_b, "expert")
    response = login_as(personas.legal_officer_b).post(
        reverse("legal:party", args=[party.pk]), {"protection_measures": ["closed_hearing", "relocation"]}
    )
    assert response.status_code == 302
    party.refresh_from_db()
    assert party.protection_measures == ["closed_hearing", "relocation"]
    bad = login_as(personas.legal_officer_b).post(
        reverse("legal:party", args=[party.pk]), {"protection_measures": ["x"]}
    )
    assert bad.status_code == 400


def test_adding_a_party_says_what_is_wrong(personas, login_as):
    matter = a_matter(personas)
    lawyer = login_as(personas.legal_officer_a)
    url = reverse("legal:parties", args=[matter.pk])
    response = lawyer.post(url, {"role": "witness", "pseudonym": "Same", "name": "same"})
    assert response.status_code == 400
    assert "The pseudonym must not be the name." in response.content.decode()
    assert lawyer.post(url, {"role": "witness", "pseudonym": "Witness B", "name": NAME}).status_code == 302
    again = lawyer.post(url, {"role": "expert_witness", "pseudonym": "witness b", "name": "Another"})
    assert "Another party of this matter already has this pseudonym." in again.content.decode()
    assert Party.objects.filter(matter=matter).count() == 1
    with pytest.raises(ValidationError):
        parties.party_add(
            actor=personas.legal_officer_a,
            membership=member(personas.legal_officer_a),
            matter=matter,
            role="judge",
            pseudonym="P",
            name="N",
        )
