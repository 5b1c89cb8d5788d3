"""Confidential locations never leak through HSDS: any API endpoint, search, or export format.

The shelter of build_directory() has every hidden detail a location can have (name, other name,
URL, address, coordinates, directions, phones, contacts, schedules, service areas, metadata,
attributes, a service-at-location description); SHELTER_SECRETS lists them.
"""

import io
import json
import zipfile

import pytest

from caseway.directory import hsds, hsds_export, hsds_import
from caseway.directory import models as m
from caseway.directory.tests import factories as f
from caseway.directory.tests.test_hsds_tables import SHELTER_SECRETS, build_directory

pytestmark = pytest.mark.django_db

API = "/api/hsds/"


def _api_bodies(client, directory, organization=None):
    """Every HSDS API answer that could show the shelter, as text."""
    organization = organization or directory.beta
    requests = [
        ("", {}),
        ("services", {}),
        ("services", {"full": "true"}),
        ("services", {"minimal": "true"}),
        ("services", {"format": "ndjson", "full": "true"}),
        (f"services/{directory.shelter.id}", {}),
        ("organizations", {}),
        ("organizations", {"full": "true"}),
        ("organizations", {"full_service": "true", "format": "ndjson"}),
        (f"organizations/{organization.hsds_id}", {}),
        (f"organizations/{organization.hsds_id}", {"full_service": "true"}),
        ("service_at_locations", {}),
        ("service_at_locations", {"full": "true"}),
        ("service_at_locations", {"format": "ndjson", "full": "true"}),
        (f"service_at_locations/{directory.shelter_sal.id}", {}),
        ("taxonomies", {}),
        ("taxonomy_terms", {"per_page": "100"}),
    ]
    for path, params in requests:
        response = client.get(API + path, params)
        assert response.status_code == 200, path
        content = b"".join(response.streaming_content) if response.streaming else response.content
        yield f"{path} {params}", content.decode()


def _assert_no_secret(label, text):
    for secret in SHELTER_SECRETS:
        assert secret not in text, f"{secret!r} leaked in {label}"


def test_it_never_shows_a_confidential_location_on_any_endpoint(client):
    directory = build_directory()
    checked = 0
    for label, text in _api_bodies(client, directory):
        _assert_no_secret(label, text)
        checked += 1
    assert checked == 17


def test_it_shows_that_the_service_exists_confidentially_in_its_district(client):
    directory = build_directory()
    service = client.get(f"{API}services/{directory.shelter.id}").json()
    assert service["name"] == "Safe shelter"
    (sal,) = service["service_at_locations"]
    location = sal["location"]
    assert set(location) == {"id", "location_type", "organization_id", "accessibility", "languages", "attributes"}
    assert "so" in {language["code"] for language in location["languages"]}
    assert all("note" not in language for language in location["languages"])
    assert all(set(feature) == {"id", "location_id", "attributes"} for feature in location["accessibility"])
    facets = {attribute["taxonomy_term"]["code"]: attribute for attribute in location["attributes"]}
    assert set(facets) == {"confidential_location", "admin_area"}  # not the stored "Knock twice" attribute
    assert facets["confidential_location"]["value"] == "true"
    assert facets["admin_area"]["value"] == directory.district.pcode
    assert set(sal) == {"id", "service_id", "location_id", "location"}  # no description, phones, contacts...
    assert "metadata" not in location


def test_it_hides_details_linked_to_a_confidential_location_through_another_parent(client):
    directory = build_directory()
    service = client.get(f"{API}services/{directory.shelter.id}").json()
    # The phone belongs to the service and to the shelter: it stays hidden.
    assert "phones" not in service
    assert "schedules" not in service
    assert service["capacities"][0]["available"] == 4


def test_it_shows_the_confidential_location_to_nobody_even_its_own_staff(client, personas, login_as):
    directory = build_directory()
    owner = personas.admin_a
    directory.shelter.organization = personas.org_a
    directory.shelter.save()
    directory.shelter_location.organization = personas.org_a
    directory.shelter_location.save()
    login_as(owner)
    for label, text in _api_bodies(client, directory, personas.org_a):
        _assert_no_secret(label, text)


def _names(client, path, search):
    response = client.get(API + path, {"search": search})
    assert response.status_code == 200
    return response.json()["contents"]


@pytest.mark.parametrize("text", ["Hidden Lane", "Shelter house", "Secretville", "blue door"])
def test_it_never_finds_a_confidential_location_by_its_hidden_text(client, text):
    build_directory()
    assert _names(client, "services", text) == []
    assert _names(client, "service_at_locations", text) == []


@pytest.mark.parametrize("text", ["Hidden Lane", "Shelter house", "Secretville"])
def test_it_finds_the_same_text_on_an_open_location(client, text):
    directory = build_directory()
    clinic = f.ServiceFactory(organization=directory.alpha, name="Open clinic")
    place = f.LocationFactory(organization=directory.alpha, name="Clinic behind the old Shelter house")
    f.AddressFactory(location=place, address_1="9 Hidden Lane", city="Secretville")
    sal = m.ServiceAtLocation.objects.create(service=clinic, location=place)
    assert [item["name"] for item in _names(client, "services", text)] == ["Open clinic"]
    assert [item["id"] for item in _names(client, "service_at_locations", text)] == [str(sal.id)]


def _export(fmt, include_private=False) -> dict:
    handle = io.BytesIO()
    hsds_export.package_export(actor=None, handle=handle, fmt=fmt, include_private=include_private)
    if fmt == "json":
        return {"directory.json": handle.getvalue().decode()}
    archive = zipfile.ZipFile(io.BytesIO(handle.getvalue()))
    return {name: archive.read(name).decode() for name in archive.namelist()}


@pytest.mark.parametrize("fmt", ["zip", "json"])
@pytest.mark.parametrize("include_private", [False, True])
def test_it_redacts_confidential_locations_in_every_export(fmt, include_private):
    directory = build_directory()
    files = _export(fmt, include_private)
    for name, text in files.items():
        _assert_no_secret(name, text)
    everything = "\n".join(files.values())
    assert str(directory.shelter_location.id) in everything
    assert directory.district.pcode in everything
    assert ("Private legal desk" in everything) is include_private


def test_it_exports_the_shelter_location_as_the_api_shows_it():
    directory = build_directory()
    files = _export("zip")
    locations = files["locations.csv"].splitlines()
    (line,) = [line for line in locations if line.startswith(str(directory.shelter_location.id))]
    assert line == f"{directory.shelter_location.id},physical,,{directory.beta.hsds_id},,,,,,,,"
    document = json.loads(_export("json")["directory.json"])
    (service,) = [item for item in document["services"] if item["id"] == str(directory.shelter.id)]
    assert set(service["service_at_locations"][0]["location"]) == {
        "id",
        "location_type",
        "organization_id",
        "accessibility",
        "languages",
        "attributes",
    }


def test_it_keeps_a_confidential_location_when_its_redacted_export_comes_back():
    directory = build_directory()
    handle = io.BytesIO()
    hsds_export.package_export(actor=None, handle=handle, fmt="zip")
    handle.seek(0)
    report = hsds_import.package_import(actor=None, source=handle, name="again.zip")
    assert report.ok, report.errors
    location = m.Location.objects.get(id=directory.shelter_location.id)
    assert (location.name, location.is_confidential) == ("Shelter house on Hidden Lane", True)
    assert str(location.latitude) == "9.8765432"
    assert location.addresses.get().address_1 == "7 Hidden Lane"
    assert {phone.number for phone in location.phones.all()} == {"+999 555 7777", "+999 555 7777 ext"}
    assert m.ServiceAtLocation.objects.get(id=directory.shelter_sal.id).description == "Meet at the blue door"
    assert "Ramp behind the blue gate" in {feature.description for feature in location.accessibility.all()}
    assert "Ask at the blue gate" in {language.note for language in location.languages.all()}
    assert any("confidential location" in issue.message for issue in report.warnings)
    assert report.skipped["location"] == 1


def test_it_never_makes_a_confidential_location_open_through_an_import():
    directory = build_directory()
    facet = hsds.FACETS_BY_CODE["confidential_location"]
    csv_rows = (
        "id,location_type,url,organization_id,name,alternate_name,description,transportation,latitude,longitude,"
        "external_identifier,external_identifier_type\r\n"
        f"{directory.shelter_location.id},physical,,,Now public,,,,1,1,,\r\n"
    )
    attributes = (
        "id,link_id,taxonomy_term_id,link_type,link_entity,value,label\r\n"
        f"{hsds.facet_attribute_id(directory.shelter_location.id, facet.code)},{directory.shelter_location.id},"
        f"{facet.term_id},,location,false,\r\n"
    )
    handle = io.BytesIO()
    with zipfile.ZipFile(handle, "w") as archive:
        archive.writestr("locations.csv", csv_rows)
        archive.writestr("attributes.csv", attributes)
    handle.seek(0)
    report = hsds_import.package_import(actor=None, source=handle, name="open-it.zip")
    assert report.ok, report.errors
    location = m.Location.objects.get(id=directory.shelter_location.id)
    assert (location.name, location.is_confidential) == ("Shelter house on Hidden Lane", True)
