"""Agency admins add and edit their own organization's services (audited); nobody else may."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from caseway.accounts.tests.helpers import audit_events
from caseway.directory import services
from caseway.directory.models import Service, ServiceTerm, Taxonomy, TaxonomyTerm
from caseway.directory.taxonomy import term_id
from caseway.directory.tests.factories import LocationFactory, ServiceFactory
from caseway.orgs.permissions import Action
from caseway.orgs.tests.helpers import (
    NOT_ADMINS,
    assert_forbidden_and_recorded,
    assert_not_found,
    assert_sent_to_sign_in,
)

CREATE_URL = reverse("directory:service_create")


def edit_url(service):
    return reverse("directory:service_edit", args=[service.pk])


def form_data(**overrides):
    data = {
        "name": "Peer support circle",
        "status": "active",
        "description": "Weekly meetings.",
        "categories": [str(term_id("mhpss.peer_support"))],
        "sex_eligibility": "female",
        "minimum_age": "18",
        "maximum_age": "",
        "languages": "ar, fr",
        "required_documents": "Referral letter\nAny identity document",
        "is_public": "on",
        "accepting_referrals": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def service(personas):
    return ServiceFactory(organization=personas.org_a, name="Counselling", categories=["mhpss.counselling"])


# ---------------------------------------------------------------------------------------------
# Who may


def test_it_sends_an_anonymous_visitor_to_sign_in(client, service):
    assert_sent_to_sign_in(client.get(CREATE_URL), CREATE_URL)
    assert_sent_to_sign_in(client.get(edit_url(service)), edit_url(service))
    assert_sent_to_sign_in(client.post(edit_url(service), form_data()), edit_url(service))


@pytest.mark.parametrize("persona", NOT_ADMINS)
def test_it_refuses_every_role_but_agency_admin(client, personas, login_as, service, persona):
    user = getattr(personas, persona)
    login_as(user)

    assert_forbidden_and_recorded(client.post(CREATE_URL, form_data()), user, Action.MANAGE_SERVICES)
    assert client.post(edit_url(service), form_data()).status_code == 403
    assert Service.objects.count() == 1
    assert Service.objects.get().name == "Counselling"


def test_an_admin_of_another_organization_gets_404_and_changes_nothing(client, personas, login_as, service):
    login_as(personas.admin_b)

    assert_not_found(client.get(edit_url(service)))
    assert_not_found(client.post(edit_url(service), form_data()))
    assert Service.objects.get().name == "Counselling"
    assert not audit_events("directory.service_updated").exists()


def test_a_malformed_or_unknown_id_is_404(client, personas, login_as):
    login_as(personas.admin_a)

    assert_not_found(client.get("/directory/manage/services/not-a-uuid/"))
    assert_not_found(client.get(reverse("directory:service_edit", args=[uuid.uuid4()])))


def test_the_service_functions_refuse_other_organizations_too(personas, service):
    other_admin = personas.admin_b.memberships.get()

    with pytest.raises(ValidationError):
        services.service_update(actor=personas.admin_b, membership=other_admin, service=service, values={"name": "X"})
    with pytest.raises(ValidationError):
        services.service_capacity_set(actor=personas.admin_b, membership=other_admin, service=service, available=1)
    caseworker = personas.caseworker_a.memberships.get()
    with pytest.raises(ValidationError):
        services.service_create(actor=personas.caseworker_a, membership=caseworker, values={"name": "X"})
    assert Service.objects.get().name == "Counselling"


# ---------------------------------------------------------------------------------------------
# Creating


def test_an_admin_adds_a_service_to_their_own_organization(client, personas, login_as):
    place = LocationFactory(organization=personas.org_a)
    login_as(personas.admin_a)

    response = client.post(CREATE_URL, form_data(locations=[str(place.pk)]))

    service = Service.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:service_detail", args=[service.pk])
    assert service.organization == personas.org_a
    assert service.sex_eligibility == "female" and service.minimum_age == 18 and service.is_public
    assert list(service.taxonomy_terms.values_list("code", flat=True)) == ["mhpss.peer_support"]
    assert sorted(service.languages.values_list("code", flat=True)) == ["ar", "fr"]
    assert sorted(service.required_documents.values_list("document", flat=True)) == [
        "Any identity document",
        "Referral letter",
    ]
    assert list(service.service_at_locations.values_list("location_id", flat=True)) == [place.pk]
    assert (timezone.now() - service.last_modified).total_seconds() < 60


def test_creating_is_audited_with_field_names_only(client, personas, login_as):
    login_as(personas.admin_a)

    client.post(CREATE_URL, form_data())

    event = audit_events("directory.service_created").get()
    service = Service.objects.get()
    assert event.actor_id == personas.admin_a.pk
    assert event.organization_id == personas.org_a.pk
    assert event.target_id == str(service.pk)
    assert {"name", "description", "categories", "languages"} <= set(event.fields)
    assert not any("Peer support" in name or "Weekly" in name for name in event.fields)


# ---------------------------------------------------------------------------------------------
# Editing


def test_an_admin_edits_their_service_and_the_change_is_audited(client, personas, login_as, service):
    before = service.last_modified
    login_as(personas.admin_a)
    form = client.get(edit_url(service)).content.decode()
    assert 'value="Counselling"' in form

    version = Service.objects.get().last_modified.isoformat()
    data = form_data(name="Counselling for women", categories=[str(term_id("mhpss.counselling"))], version=version)
    data.update(description=service.description, languages="", required_documents="", sex_eligibility="any")
    data.update(minimum_age="", is_public="on")
    response = client.post(edit_url(service), data)

    service.refresh_from_db()
    assert response.status_code == 302
    assert service.name == "Counselling for women"
    assert service.last_modified > before
    event = audit_events("directory.service_updated").get()
    assert event.fields == ["name"]
    assert event.target_id == str(service.pk)


def test_saving_without_changes_writes_nothing(client, personas, login_as, service):
    login_as(personas.admin_a)
    before = Service.objects.get().last_modified
    data = {
        "name": service.name,
        "status": service.status,
        "description": service.description,
        "categories": [str(term_id("mhpss.counselling"))],
        "sex_eligibility": service.sex_eligibility,
        "is_public": "on",
        "accepting_referrals": "on",
        "version": before.isoformat(),
    }

    response = client.post(edit_url(service), data, follow=True)

    assert "Nothing was changed." in response.content.decode()
    assert Service.objects.get().last_modified == before
    assert not audit_events("directory.service_updated").exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"minimum_age": "30", "maximum_age": "20"}, "The maximum age must not be below the minimum age."),
        ({"categories": [str(uuid.uuid4())]}, "Choose categories from the list."),
        ({"categories": ["health"]}, "Choose categories from the list."),
        ({"languages": "Arabic"}, "“Arabic” is not a language code."),
        ({"name": ""}, "This field is required."),
        ({"status": "closed forever"}, "Select a valid choice."),
        ({"minimum_age": "-3"}, "Ensure this value is greater than or equal to 0."),
        ({"email": "not an email"}, "Enter a valid email address."),
    ],
)
def test_invalid_input_is_explained_and_writes_nothing(client, personas, login_as, service, overrides, message):
    login_as(personas.admin_a)
    before = Service.objects.get().last_modified

    edited = client.post(edit_url(service), form_data(**overrides))
    created = client.post(CREATE_URL, form_data(**overrides))

    for response in (edited, created):
        assert response.status_code == 200
        assert message in response.content.decode()
    assert Service.objects.count() == 1
    assert Service.objects.get().name == "Counselling"
    assert Service.objects.get().last_modified == before
    assert not audit_events("directory.service_updated").exists()
    assert not audit_events("directory.service_created").exists()


def test_a_location_of_another_organization_cannot_be_linked(client, personas, login_as, service):
    elsewhere = LocationFactory(organization=personas.org_b)
    login_as(personas.admin_a)

    response = client.post(edit_url(service), form_data(locations=[str(elsewhere.pk)]))

    assert "Choose locations of your own organization." in response.content.decode()
    assert not service.service_at_locations.exists()


def test_a_stale_form_does_not_overwrite_someone_elses_save(client, personas, login_as, service):
    login_as(personas.admin_a)
    stale = service.last_modified.isoformat()
    Service.objects.filter(pk=service.pk).update(name="Saved by a colleague", last_modified=timezone.now())

    response = client.post(edit_url(service), form_data(version=stale))

    assert "Someone else saved this service while you were editing it." in response.content.decode()
    assert Service.objects.get().name == "Saved by a colleague"


def test_categories_from_imported_taxonomies_are_kept(client, personas, login_as, service):
    imported = Taxonomy.objects.create(name="Open Eligibility", description="Imported")
    outside_term = TaxonomyTerm.objects.create(taxonomy_ref=imported, code="1-2", name="Counseling", description="")
    ServiceTerm.objects.create(service=service, taxonomy_term=outside_term)
    login_as(personas.admin_a)

    client.post(edit_url(service), form_data(categories=[str(term_id("mhpss.pfa"))]))

    codes = set(service.service_terms.values_list("taxonomy_term__code", flat=True))
    assert codes == {"1-2", "mhpss.pfa"}


def test_a_retired_category_stays_offered_to_services_that_have_it(client, personas, login_as, service):
    TaxonomyTerm.objects.filter(code="mhpss.counselling").update(is_active=False)
    login_as(personas.admin_a)

    own = client.get(edit_url(service)).content.decode()
    new = client.get(CREATE_URL).content.decode()

    assert str(term_id("mhpss.counselling")) in own
    assert str(term_id("mhpss.counselling")) not in new
