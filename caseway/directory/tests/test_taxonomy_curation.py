"""Coordinators curate the Caseway taxonomy: in use or not, local terms with stable codes, translations."""

import uuid

import pytest
from django.urls import reverse
from django.utils import translation

from caseway.accounts.tests.helpers import audit_events
from caseway.directory.models import Taxonomy, TaxonomyTerm
from caseway.directory.taxonomy import term_id
from caseway.directory.tests.factories import ServiceFactory, term
from caseway.orgs.permissions import Action
from caseway.orgs.tests.helpers import assert_forbidden_and_recorded, assert_not_found, assert_sent_to_sign_in

LIST_URL = reverse("directory:taxonomy")
CREATE_URL = reverse("directory:taxonomy_term_create")
NOT_COORDINATORS = [
    "caseworker_a",
    "supervisor_a",
    "legal_officer_a",
    "admin_a",
    "monitor_a",
    "donor",
    "outsider",
    "unaffiliated",
]


def edit_url(code):
    return reverse("directory:taxonomy_term_edit", args=[term_id(code)])


def test_it_sends_an_anonymous_visitor_to_sign_in(client, db):
    for path in (LIST_URL, CREATE_URL, edit_url("health")):
        assert_sent_to_sign_in(client.get(path), path)


@pytest.mark.parametrize("persona", NOT_COORDINATORS)
def test_it_refuses_every_role_but_coordinator(client, personas, login_as, persona):
    user = getattr(personas, persona)
    login_as(user)

    assert_forbidden_and_recorded(client.get(LIST_URL), user, Action.CURATE_DIRECTORY)
    assert client.post(CREATE_URL, {"code": "health.dental", "name": "Dental"}).status_code == 403
    assert client.post(edit_url("health.cmr"), {"name": "Renamed"}).status_code == 403
    assert term("health.cmr").name == "Clinical management of rape"
    assert not TaxonomyTerm.objects.filter(code="health.dental").exists()


def test_the_list_shows_every_term_with_its_use(client, personas, login_as):
    ServiceFactory(categories=["health.cmr"])
    TaxonomyTerm.objects.filter(code="legal.reparations").update(is_active=False)
    login_as(personas.coordinator)

    text = client.get(LIST_URL).content.decode()

    assert "Clinical management of rape" in text and "health.cmr" in text
    assert "Not in use" in text


def test_a_coordinator_retires_a_term_and_it_leaves_the_filters(client, personas, login_as):
    login_as(personas.coordinator)

    reparations = term("legal.reparations")
    unticked = {"name": reparations.name, "description": reparations.description}
    unticked.update({f"name_{language}": text for language, text in reparations.name_translations.items()})

    response = client.post(edit_url("legal.reparations"), unticked)

    assert response.status_code == 302
    assert term("legal.reparations").is_active is False
    assert audit_events("directory.taxonomy_term_updated").get().fields == ["is_active"]
    search = client.get(reverse("directory:search")).content.decode()
    assert 'value="legal.reparations"' not in search
    assert 'value="legal.counselling"' in search


def test_a_coordinator_edits_translations(client, personas, login_as):
    login_as(personas.coordinator)
    data = {"name": "Legal counselling", "is_active": "on", "name_fr": "Conseil juridique (révisé)", "name_ar": ""}

    client.post(edit_url("legal.counselling"), data)

    updated = term("legal.counselling")
    assert updated.name_translations == {"fr": "Conseil juridique (révisé)"}
    with translation.override("fr"):
        assert str(updated) == "Conseil juridique (révisé)"
    assert "name_translations" in audit_events("directory.taxonomy_term_updated").get().fields


def test_a_coordinator_adds_a_local_term_with_a_stable_code(client, personas, login_as):
    login_as(personas.coordinator)

    response = client.post(
        CREATE_URL,
        {
            "parent": str(term_id("health")),
            "code": "health.dental",
            "name": "Dental care",
            "name_fr": "Soins dentaires",
        },
    )

    assert response.status_code == 302
    dental = TaxonomyTerm.objects.get(code="health.dental")
    assert dental.pk == term_id("health.dental")  # the same id in every installation
    assert dental.parent == term("health")
    assert dental.taxonomy_ref_id == term("health").taxonomy_ref_id
    assert dental.name_translations == {"fr": "Soins dentaires"}
    assert audit_events("directory.taxonomy_term_created").get().target_id == str(dental.pk)
    assert 'value="health.dental"' in client.get(reverse("directory:search")).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"parent": str(term_id("health")), "code": "legal.dental", "name": "Dental"}, "must start with the parent"),
        ({"parent": "", "code": "health", "name": "Health again"}, "This code is already in use."),
        ({"parent": "", "code": "Dental Care", "name": "Dental"}, "Use lower-case letters"),
        ({"parent": str(uuid.uuid4()), "code": "x.y", "name": "Y"}, "Choose a category from the list."),
        ({"parent": "", "code": "dental", "name": ""}, "This field is required."),
    ],
)
def test_invalid_new_terms_are_explained_and_write_nothing(client, personas, login_as, data, message):
    login_as(personas.coordinator)
    before = TaxonomyTerm.objects.count()

    response = client.post(CREATE_URL, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert TaxonomyTerm.objects.count() == before
    assert not audit_events("directory.taxonomy_term_created").exists()


def test_terms_of_imported_taxonomies_are_not_curated_here(client, personas, login_as):
    imported = Taxonomy.objects.create(name="Open Eligibility", description="Imported")
    outside = TaxonomyTerm.objects.create(taxonomy_ref=imported, code="1", name="Care", description="")
    login_as(personas.coordinator)

    assert_not_found(client.get(reverse("directory:taxonomy_term_edit", args=[outside.pk])))
    assert_not_found(client.get("/directory/taxonomy/not-a-uuid/"))
