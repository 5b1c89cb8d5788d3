"""Agency admins add and edit their own organization's locations, confidential flag included."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from caseway.accounts.tests.helpers import audit_events
from caseway.directory.models import Accessibility, Location, Service
from caseway.directory.tests.factories import (
    AddressFactory,
    Admin2Factory,
    LocationFactory,
    PhoneFactory,
    ServiceAtLocationFactory,
)
from caseway.orgs.permissions import Action
from caseway.orgs.tests.helpers import (
    NOT_ADMINS,
    assert_forbidden_and_recorded,
    assert_not_found,
    assert_sent_to_sign_in,
)

LIST_URL = reverse("directory:location_list")
CREATE_URL = reverse("directory:location_create")


def edit_url(location):
    return reverse("directory:location_edit", args=[location.pk])


@pytest.fixture
def district(db):
    return Admin2Factory(name="Riverbend District")


def form_data(district, **overrides):
    data = {
        "name": "Women's centre",
        "location_type": "physical",
        "is_confidential": "on",
        "admin_area": district.pcode,
        "address_1": "3 Quiet Road",
        "city": "Fictown",
        "country": "XA",
        "transportation": "Side door",
        "phone": "+999 555 0101",
        "accessibility": ["wheelchair", "female_staff"],
        "languages": "ar, fr",
    }
    data.update(overrides)
    return data


def test_it_sends_an_anonymous_visitor_to_sign_in(client, personas):
    location = LocationFactory(organization=personas.org_a)
    for path in (LIST_URL, CREATE_URL, edit_url(location)):
        assert_sent_to_sign_in(client.get(path), path)


@pytest.mark.parametrize("persona", NOT_ADMINS)
def test_it_refuses_every_role_but_agency_admin(client, personas, login_as, district, persona):
    user = getattr(personas, persona)
    location = LocationFactory(organization=personas.org_a, name="Before")
    login_as(user)

    assert_forbidden_and_recorded(client.get(LIST_URL), user, Action.MANAGE_SERVICES)
    assert client.post(CREATE_URL, form_data(district)).status_code == 403
    assert client.post(edit_url(location), form_data(district)).status_code == 403
    assert list(Location.objects.values_list("name", flat=True)) == ["Before"]


def test_an_admin_of_another_organization_gets_404(client, personas, login_as, district):
    location = LocationFactory(organization=personas.org_a, name="Before")
    login_as(personas.admin_b)

    assert_not_found(client.get(edit_url(location)))
    assert_not_found(client.post(edit_url(location), form_data(district)))
    assert_not_found(client.get(reverse("directory:location_edit", args=[uuid.uuid4()])))
    assert Location.objects.get().name == "Before"
    assert "Before" not in client.get(LIST_URL).content.decode()


def test_an_admin_adds_a_confidential_location(client, personas, login_as, district):
    login_as(personas.admin_a)

    response = client.post(CREATE_URL, form_data(district))

    assert response.status_code == 302
    location = Location.objects.get()
    assert location.organization == personas.org_a
    assert location.is_confidential and location.admin_area == district
    assert location.addresses.get().address_1 == "3 Quiet Road"
    assert location.phones.get().number == "+999 555 0101"
    assert set(location.accessibility.values_list("feature", flat=True)) == {"wheelchair", "female_staff"}
    assert sorted(location.languages.values_list("code", flat=True)) == ["ar", "fr"]
    event = audit_events("directory.location_created").get()
    assert {"is_confidential", "admin_area", "address", "phone"} <= set(event.fields)
    assert "3 Quiet Road" not in " ".join(event.fields)


def test_editing_changes_what_was_changed_and_touches_the_services_there(client, personas, login_as, district):
    link = ServiceAtLocationFactory(service__organization=personas.org_a, location__organization=personas.org_a)
    location = link.location
    AddressFactory(location=location, address_1="1 Old Street", city="Fictown")
    PhoneFactory(location=location, number="+999 1")
    Accessibility.objects.create(location=location, feature="other", description="Ramp at the back")
    long_ago = timezone.now() - timezone.timedelta(days=30)
    Service.objects.update(last_modified=long_ago)
    login_as(personas.admin_a)

    response = client.post(edit_url(location), form_data(district, name=location.name, phone="", is_confidential=""))

    assert response.status_code == 302
    location.refresh_from_db()
    assert location.addresses.get().address_1 == "3 Quiet Road"
    assert not location.phones.exists()
    assert set(location.accessibility.values_list("feature", flat=True)) == {"wheelchair", "female_staff", "other"}
    assert Service.objects.get().last_modified > long_ago
    event = audit_events("directory.location_updated").get()
    assert "address" in event.fields and "phone" in event.fields and "name" not in event.fields


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"admin_area": "ZZ01"}, "Choose an area from the list."),
        ({"city": ""}, "Give the town or city of the address."),
        ({"latitude": "1.5"}, "Give both latitude and longitude, or neither."),
        ({"latitude": "95", "longitude": "1"}, "Ensure this value is less than or equal to 90."),
        ({"accessibility": ["teleport"]}, "Choose access features from the list."),
        ({"languages": "français"}, "is not a language code"),
        ({"location_type": "underground"}, "Select a valid choice."),
        ({"country": "Aldoria"}, "Use the two-letter ISO country code"),
    ],
)
def test_invalid_input_is_explained_and_writes_nothing(client, personas, login_as, district, overrides, message):
    location = LocationFactory(organization=personas.org_a, name="Before")
    login_as(personas.admin_a)

    for path in (CREATE_URL, edit_url(location)):
        response = client.post(path, form_data(district, **overrides))
        assert response.status_code == 200
        assert message in response.content.decode()
    assert list(Location.objects.values_list("name", flat=True)) == ["Before"]
    assert not audit_events("directory.location_created").exists()
    assert not audit_events("directory.location_updated").exists()


def test_the_list_shows_own_locations_with_the_confidential_badge(client, personas, login_as):
    LocationFactory(organization=personas.org_a, name="Shelter", is_confidential=True)
    LocationFactory(organization=personas.org_a, name="Clinic", latitude=Decimal("1.1"))
    login_as(personas.admin_a)

    text = client.get(LIST_URL).content.decode()

    assert "Shelter" in text and "Clinic" in text
    assert text.count('<span class="badge">Confidential location</span>') == 1
