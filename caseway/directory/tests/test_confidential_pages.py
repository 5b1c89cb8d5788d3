"""A safe shelter's address never leaves its organization: every directory page and search, every persona.

The owning organization's staff see the address (they need it to take someone there); everyone
else sees that the service exists, that its location is confidential, and its district.
"""

import pytest
from django.urls import reverse

from caseway.directory.models import Location
from caseway.directory.tests.factories import ScheduleFactory, confidential_shelter

# Everything confidential_shelter() knows about the place, as it would appear in HTML.
SECRETS = (
    "Hidden Lane",
    "Secretville",
    "blue gate",
    "555 7777",
    "5557777",
    "9.876",
    "8.765",
    "yellow door",
    "Room Nine",
)
OUTSIDE_THE_OWNING_ORGANIZATION = [
    "caseworker_b",
    "supervisor_b",
    "legal_officer_b",
    "admin_b",
    "monitor_b",
    "coordinator",
    "donor",
    "outsider",
]
OWNING_ORGANIZATION = ["caseworker_a", "supervisor_a", "legal_officer_a", "admin_a", "monitor_a"]
# Words of the shelter's name, address and directions a searcher might try.
SEARCHES = ("Hidden", "hidden lane", "Secretville", "blue gate", "Shelter house")


@pytest.fixture
def shelter(personas):
    service, location = confidential_shelter(organization=personas.org_a, name="Safe shelter")
    ScheduleFactory(location=location)  # a place's own hours are a detail of the place too
    return service, location


def results_of(response) -> str:
    """The results section only: the search box rightly echoes what the person typed."""
    text = response.content.decode()
    return text[text.index('<section id="results"') :]


def assert_no_secret(response, *, results_only=False):
    assert response.status_code == 200, response.status_code
    text = results_of(response) if results_only else response.content.decode()
    leaked = [secret for secret in SECRETS if secret.lower() in text.lower()]
    assert leaked == [], leaked


def _pages(service):
    return [
        reverse("directory:search"),
        reverse("directory:search") + "?category=protection",
        reverse("directory:service_detail", args=[service.pk]),
        reverse("directory:organization_detail", args=[service.organization_id]),
    ]


@pytest.mark.parametrize("persona", OUTSIDE_THE_OWNING_ORGANIZATION)
def test_it_redacts_the_shelter_on_every_staff_page(client, personas, login_as, shelter, persona):
    service, location = shelter
    login_as(getattr(personas, persona))

    for path in _pages(service):
        response = client.get(path)
        assert_no_secret(response)
        assert "Confidential location" in response.content.decode()

    detail = client.get(reverse("directory:service_detail", args=[service.pk])).content.decode()
    assert location.admin_area.name in detail  # the district, and nothing finer
    assert "Wheelchair access" in detail  # coded facts stay: they help choose, they locate nothing
    assert "Safe shelter" in detail


@pytest.mark.parametrize("persona", OUTSIDE_THE_OWNING_ORGANIZATION)
def test_it_never_finds_the_shelter_by_its_address_for_others(client, personas, login_as, shelter, persona):
    login_as(getattr(personas, persona))

    for words in SEARCHES:
        response = client.get(reverse("directory:search"), {"q": words})
        assert_no_secret(response, results_only=True)
        assert "0 services found" in response.content.decode(), words
        partial = client.get(reverse("directory:search"), {"q": words}, HTTP_HX_REQUEST="true")
        assert_no_secret(partial)  # the partial is the results alone
        assert "0 services found" in partial.content.decode(), words


def test_it_never_finds_the_shelter_by_its_address_on_the_public_directory(client, shelter):
    for words in SEARCHES:
        response = client.get(reverse("public_directory:search"), {"q": words})
        assert_no_secret(response, results_only=True)
        assert "0 services found" in response.content.decode(), words


def test_it_redacts_the_shelter_on_public_pages(client, shelter):
    service, _location = shelter

    for path in (
        reverse("public_directory:search"),
        reverse("public_directory:search") + "?category=protection.safe_shelter",
        reverse("public_directory:service_detail", args=[service.pk]),
    ):
        response = client.get(path)
        assert_no_secret(response)
        assert "Confidential location" in response.content.decode()


@pytest.mark.parametrize("persona", OWNING_ORGANIZATION)
def test_it_shows_the_address_to_the_owning_organization(client, personas, login_as, shelter, persona):
    service, _location = shelter
    login_as(getattr(personas, persona))

    detail = client.get(reverse("directory:service_detail", args=[service.pk])).content.decode()
    found = client.get(reverse("directory:search"), {"q": "Hidden Lane"}).content.decode()

    assert "7 Hidden Lane" in detail and "Secretville" in detail and "Behind the blue gate" in detail
    assert "+999 555 7777" in detail
    assert "Only your organization sees this address" in detail
    assert "1 service found" in found


def test_it_finds_the_shelter_by_its_district_without_revealing_more(client, personas, login_as, shelter):
    _service, location = shelter
    login_as(personas.caseworker_b)

    response = client.get(reverse("directory:search"), {"area": location.admin_area.pcode})

    assert_no_secret(response)
    assert "1 service found" in response.content.decode()


def test_a_former_member_of_the_owning_organization_sees_nothing(client, personas, login_as, shelter):
    service, _location = shelter
    login_as(personas.unaffiliated)  # was a caseworker of org A; membership deactivated

    assert client.get(reverse("directory:service_detail", args=[service.pk])).status_code == 404
    response = client.get(reverse("directory:search"), {"q": "Hidden"})
    assert_no_secret(response, results_only=True)


def test_other_admins_cannot_open_or_pick_the_shelter_location(client, personas, login_as, shelter):
    _service, location = shelter
    login_as(personas.admin_b)

    assert client.get(reverse("directory:location_edit", args=[location.pk])).status_code == 404
    assert_no_secret(client.get(reverse("directory:location_list")))
    assert_no_secret(client.get(reverse("directory:service_create")))
    assert_no_secret(client.get(reverse("directory:manage_services")))


def test_the_owning_admin_lists_and_edits_the_shelter_location(client, personas, login_as, shelter):
    _service, location = shelter
    login_as(personas.admin_a)

    listing = client.get(reverse("directory:location_list")).content.decode()
    form = client.get(reverse("directory:location_edit", args=[location.pk])).content.decode()

    assert "Shelter house on Hidden Lane" in listing
    assert "7 Hidden Lane" in form
    assert Location.objects.get(pk=location.pk).is_confidential
