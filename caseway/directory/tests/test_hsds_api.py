"""The public HSDS API: official schemas, the page envelope, parameters, errors and query counts."""

import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseway.directory import hsds
from caseway.directory import models as m
from caseway.directory.taxonomy import term_id
from caseway.directory.tests import factories as f
from caseway.directory.tests.test_hsds_tables import (
    assert_valid,
    build_directory,
    official_validator,
    openapi_response_validator,
)

pytestmark = pytest.mark.django_db

API = "/api/hsds/"
LISTS = {
    "services": "compiled/service_list.json",
    "organizations": "compiled/organization_list.json",
    "service_at_locations": "compiled/service_at_location_list.json",
    "taxonomies": "taxonomy.json",
    "taxonomy_terms": "taxonomy_term.json",
}


def get_json(client, path, status=200, **params):
    response = client.get(path, params)
    assert response.status_code == status, (path, params, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def contents_of(client, name, **params):
    return get_json(client, API + name, **params)["contents"]


# ---------------------------------------------------------------------------------------------
# Official schemas


def test_it_describes_itself_at_the_root(client):
    body = get_json(client, API)
    assert_valid(openapi_response_validator("/"), body)
    assert body["version"] == "3.0"
    assert body["openapi_url"].endswith("/3.0/schema/openapi.json")
    assert body["profile"].startswith("https://")
    assert body["publisher"]["name"]


@pytest.mark.parametrize(
    ("name", "params", "item_schema"),
    [
        ("services", {}, "compiled/service_list.json"),
        ("services", {"full": "true"}, "compiled/service.json"),
        ("services", {"minimal": "true"}, "compiled/service_list.json"),
        ("organizations", {}, "compiled/organization_list.json"),
        ("organizations", {"full": "true"}, "compiled/organization.json"),
        ("organizations", {"full_service": "true"}, "compiled/organization.json"),
        ("service_at_locations", {}, "compiled/service_at_location_list.json"),
        ("service_at_locations", {"full": "true"}, "compiled/service_at_location.json"),
        ("taxonomies", {}, "taxonomy.json"),
        ("taxonomy_terms", {"per_page": "100"}, "taxonomy_term.json"),
    ],
)
def test_it_answers_lists_that_validate_against_the_official_schemas(client, name, params, item_schema):
    build_directory()
    body = get_json(client, API + name, **params)
    assert_valid(openapi_response_validator("/" + name), body)
    assert body["contents"], name
    item_validator = official_validator(item_schema)
    for item in body["contents"]:
        assert_valid(item_validator, item)


def test_it_answers_details_that_validate_against_the_official_schemas(client):
    directory = build_directory()
    service = get_json(client, f"{API}services/{directory.counselling.id}")
    assert_valid(openapi_response_validator("/services/{id}"), service)
    organization = get_json(client, f"{API}organizations/{directory.alpha.hsds_id}")
    assert_valid(openapi_response_validator("/organizations/{id}"), organization)
    with_services = get_json(client, f"{API}organizations/{directory.alpha.hsds_id}", full_service="true")
    assert_valid(official_validator("compiled/organization.json"), with_services)
    # openapi.json names compiled/service.json for this path, a slip of the 3.0 release: the body
    # is a service_at_location, so it is held to that schema.
    sal = get_json(client, f"{API}service_at_locations/{directory.sal.id}")
    assert_valid(official_validator("compiled/service_at_location.json"), sal)
    taxonomy = get_json(client, f"{API}taxonomies/{directory.taxonomy.id}")
    assert_valid(openapi_response_validator("/taxonomies/{id}"), taxonomy)
    term = get_json(client, f"{API}taxonomy_terms/{directory.need.id}")
    assert_valid(openapi_response_validator("/taxonomy_terms/{id}"), term)


def test_it_nests_a_full_service_as_hsds_does(client):
    directory = build_directory()
    service = get_json(client, f"{API}services/{directory.counselling.id}")
    assert service["organization"]["id"] == str(directory.alpha.hsds_id)
    assert service["organization_id"] == str(directory.alpha.hsds_id)
    assert service["program"]["name"] == "Recovery programme"
    assert service["service_at_locations"][0]["location"]["addresses"][0]["address_1"] == "12 Market Lane"
    assert service["capacities"][0]["unit"]["name"] == "places"
    assert service["capacities"][0]["available"] == 3.5
    assert service["last_modified"] == "2025-03-01T09:30:15.123456Z"
    assert {phone["number"] for phone in service["phones"]} == {"-555 0102 (text only)"}
    assert service["contacts"][0]["phones"][0]["number"] == "+999 555 0104"
    term_ids = {attribute["taxonomy_term_id"] for attribute in service["attributes"]}
    assert str(term_id("mhpss.counselling")) in term_ids
    assert str(directory.need.id) in term_ids
    facets = {
        attribute["taxonomy_term"]["code"]: attribute["value"]
        for attribute in service["attributes"]
        if attribute["taxonomy_term_id"] in {str(facet.term_id) for facet in hsds.FACETS}
    }
    assert facets == {
        "sex_eligibility": "female",
        "accepting_referrals": "true",
        "provides_childcare": "true",
        "provides_transport": "false",
        "listed_publicly": "true",
    }
    assert service["metadata"][0]["replacement_value"] == "Counselling for women"


# ---------------------------------------------------------------------------------------------
# What is published


def test_it_publishes_only_public_services_and_their_organizations(client):
    directory = build_directory()
    f.ServiceFactory(organization=directory.gamma, name="Defunct thing", status=m.Service.Status.DEFUNCT)
    inactive = f.OrganizationFactory(name="Closed organization", is_active=False)
    f.ServiceFactory(organization=inactive, name="Service of a closed organization")
    services = {item["name"] for item in contents_of(client, "services")}
    assert services == {"Counselling for women", "Safe shelter"}
    organizations = {item["name"] for item in contents_of(client, "organizations")}
    assert organizations == {"Alpha Fictional Aid", "Beta Fictional Shelter Network"}
    get_json(client, f"{API}services/{directory.private.id}", status=404)
    get_json(client, f"{API}organizations/{directory.gamma.hsds_id}", status=404)
    sal_ids = {item["id"] for item in contents_of(client, "service_at_locations")}
    assert str(directory.private.service_at_locations.get().id) not in sal_ids
    body = json.dumps(get_json(client, f"{API}organizations/{directory.alpha.hsds_id}", full_service="true"))
    assert "Private legal desk" not in body
    assert "+999 555 0999" not in body


def test_it_lists_the_caseway_facet_taxonomy_beside_the_stored_ones(client):
    names = {item["name"] for item in contents_of(client, "taxonomies")}
    assert {"Caseway reintegration taxonomy", "Caseway facets"} <= names
    facet_terms = contents_of(client, "taxonomy_terms", taxonomy_id=str(hsds.FACETS_TAXONOMY_ID))
    assert {item["code"] for item in facet_terms} == {facet.code for facet in hsds.FACETS}
    get_json(client, f"{API}taxonomies/{hsds.FACETS_TAXONOMY_ID}")
    get_json(client, f"{API}taxonomy_terms/{hsds.FACETS[0].term_id}")


def test_it_filters_taxonomy_terms(client):
    top = contents_of(client, "taxonomy_terms", top_only="true", per_page="100")
    assert "mhpss" in {item["code"] for item in top}
    assert "mhpss.counselling" not in {item["code"] for item in top}
    children = contents_of(client, "taxonomy_terms", parent_id=str(term_id("mhpss")))
    assert {item["code"] for item in children} >= {"mhpss.pfa", "mhpss.counselling"}
    assert all(item["parent_id"] == str(term_id("mhpss")) for item in children)
    found = contents_of(client, "taxonomy_terms", search="psychological first")
    assert [item["code"] for item in found] == ["mhpss.pfa"]


def test_it_filters_services(client):
    directory = build_directory()

    def names(**params):
        return {item["name"] for item in contents_of(client, "services", **params)}

    assert names(taxonomy_term_id=str(term_id("mhpss.counselling"))) == {"Counselling for women"}
    assert names(taxonomy_term_id=str(term_id("protection.safe_shelter"))) == {"Safe shelter"}
    assert names(taxonomy_id=str(directory.taxonomy.id)) == {"Counselling for women"}
    assert names(organization_id=str(directory.beta.hsds_id)) == {"Safe shelter"}
    assert names(modified_after="2025-03-02") == {"Safe shelter"}
    assert names(modified_after="2025-01-01T00:00:00Z") == {"Counselling for women", "Safe shelter"}
    assert names(search="counselling") == {"Counselling for women"}
    assert names(search="Market Lane") == {"Counselling for women"}  # the open location's address
    assert names(search="Alpha Fictional") == {"Counselling for women"}
    organizations = {
        item["name"]
        for item in contents_of(client, "organizations", taxonomy_term_id=str(term_id("protection.safe_shelter")))
    }
    assert organizations == {"Beta Fictional Shelter Network"}
    sals = contents_of(client, "service_at_locations", organization_id=str(directory.alpha.hsds_id))
    assert [item["id"] for item in sals] == [str(directory.sal.id)]


def test_it_gives_just_ids_names_and_dates_when_minimal(client):
    directory = build_directory()
    items = contents_of(client, "services", minimal="true")
    assert {tuple(sorted(item)) for item in items} == {("id", "last_modified", "name", "status")}
    assert str(directory.counselling.id) in {item["id"] for item in items}


# ---------------------------------------------------------------------------------------------
# Pages, streams, errors


def test_it_pages_with_the_hsds_envelope(client):
    for number in range(5):
        f.ServiceFactory(name=f"Service {number}")
    first = get_json(client, API + "services", per_page="2")
    assert {key: first[key] for key in first if key != "contents"} == {
        "total_items": 5,
        "total_pages": 3,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    last = get_json(client, API + "services", per_page="2", page="3")
    assert (last["size"], last["last_page"], last["first_page"]) == (1, True, False)
    beyond = get_json(client, API + "services", per_page="2", page="9")
    assert (beyond["empty"], beyond["contents"], beyond["last_page"]) == (True, [], True)
    names = [
        item["name"] for page in (1, 2, 3) for item in contents_of(client, "services", per_page="2", page=str(page))
    ]
    assert names == [f"Service {number}" for number in range(5)]


def test_it_caps_pages_at_a_hundred(client):
    taxonomy = m.Taxonomy.objects.create(name="Big", description="Many terms.")
    m.TaxonomyTerm.objects.bulk_create(
        m.TaxonomyTerm(taxonomy_ref=taxonomy, code=f"T{number}", name=f"Term {number}", description="A term.")
        for number in range(120)
    )
    body = get_json(client, API + "taxonomy_terms", per_page="5000")
    assert body["size"] == 100
    assert body["total_pages"] == -(-body["total_items"] // 100)


def test_it_streams_every_result_as_ndjson(client):
    for number in range(120):
        f.ServiceFactory(name=f"Service {number:03d}")
    response = client.get(API + "services", {"format": "ndjson", "per_page": "2"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()
    items = [json.loads(line) for line in lines]
    assert [item["name"] for item in items] == [f"Service {number:03d}" for number in range(120)]
    validator = official_validator("compiled/service_list.json")
    for item in items[:5]:
        assert_valid(validator, item)


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("services", {"page": "0"}, "page"),
        ("services", {"page": "two"}, "page"),
        ("services", {"per_page": "-1"}, "per_page"),
        ("services", {"per_page": "1e3"}, "per_page"),
        ("services", {"taxonomy_term_id": "counselling"}, "taxonomy_term_id"),
        ("services", {"taxonomy_id": "1"}, "taxonomy_id"),
        ("services", {"organization_id": "alpha"}, "organization_id"),
        ("services", {"modified_after": "yesterday"}, "modified_after"),
        ("services", {"minimal": "maybe"}, "minimal"),
        ("services", {"full": "2"}, "full"),
        ("services", {"format": "xml"}, "format"),
        ("services", {"search": "x" * 201}, "search"),
        ("service_at_locations", {"postcode": "AB1"}, "postcode"),
        ("service_at_locations", {"proximity": "100"}, "proximity"),
        ("organizations", {"full_service": "sometimes"}, "full_service"),
        ("taxonomy_terms", {"parent_id": "mhpss"}, "parent_id"),
        ("taxonomy_terms", {"top_only": "perhaps"}, "top_only"),
    ],
)
def test_it_refuses_bad_parameters_with_a_json_400(client, path, params, parameter):
    body = get_json(client, API + path, status=400, **params)
    assert body["error"] == "bad_parameter"
    assert body["parameter"] == parameter
    assert body["message"]


def test_it_refuses_a_parameter_given_twice(client):
    response = client.get(API + "services?page=1&page=2")
    assert response.status_code == 400
    assert response.json()["parameter"] == "page"


@pytest.mark.parametrize("name", ["services", "organizations", "service_at_locations", "taxonomies", "taxonomy_terms"])
def test_it_answers_unknown_ids_with_a_json_404(client, name):
    for unknown in (str(uuid.uuid4()), "not-a-uuid"):
        body = get_json(client, f"{API}{name}/{unknown}", status=404)
        assert body["error"] == "not_found"


def test_it_answers_unknown_paths_and_methods_in_json(client):
    assert get_json(client, API + "nothing/here", status=404)["error"] == "not_found"
    response = client.post(API + "services")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_it_lets_anyone_cache_public_answers(client):
    response = client.get(API + "services")
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    assert "public" not in client.get(API + "services", {"page": "0"}).get("Cache-Control", "")


def test_it_gives_signed_in_staff_the_public_answer_without_caching(client, personas, login_as):
    directory = build_directory()
    anonymous = client.get(f"{API}services/{directory.shelter.id}").json()
    login_as(personas.coordinator)
    response = client.get(f"{API}services/{directory.shelter.id}")
    assert response.json() == anonymous
    assert "no-store" in response["Cache-Control"]


def test_it_reaches_every_endpoint_by_name(client):
    directory = build_directory()
    for name, kwargs in (
        ("hsds:root", {}),
        ("hsds:service_detail", {"id": directory.counselling.id}),
        ("hsds:organization_detail", {"id": directory.alpha.hsds_id}),
        ("hsds:service_at_location_detail", {"id": directory.sal.id}),
        ("hsds:taxonomy_detail", {"id": directory.taxonomy.id}),
        ("hsds:taxonomy_term_detail", {"id": directory.need.id}),
    ):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 200, name


# ---------------------------------------------------------------------------------------------
# Query counts


def _services(count):
    places = f.UnitFactory()
    district = f.Admin2Factory()
    organizations = [f.OrganizationFactory() for _ in range(3)]
    for number in range(count):
        service = f.ServiceFactory(
            organization=organizations[number % 3], categories=["mhpss.counselling"], name=f"Service {number:03d}"
        )
        location = f.LocationFactory(organization=service.organization, admin_area=district)
        f.AddressFactory(location=location)
        f.PhoneFactory(location=location)
        f.LanguageFactory(service=service)
        f.ScheduleFactory(service=service)
        f.ServiceCapacityFactory(service=service, unit=places)
        sal = m.ServiceAtLocation.objects.create(service=service, location=location)
        m.Contact.objects.create(service_at_location=sal, name="Desk")
        m.Accessibility.objects.create(location=location, feature=m.Accessibility.Feature.WHEELCHAIR)
    f.confidential_shelter()


def _queries(client, path, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("services", {}),
        ("services", {"full": "true"}),
        ("services", {"search": "Service"}),
        ("organizations", {}),
        ("organizations", {"full_service": "true"}),
        ("service_at_locations", {}),
        ("service_at_locations", {"full": "true"}),
        ("taxonomy_terms", {}),
    ],
)
def test_it_costs_the_same_queries_for_3_or_30_services(client, path, params):
    _services(3)
    few = _queries(client, API + path, params)
    m.Service.objects.all().delete()
    _services(30)
    many = _queries(client, API + path, params)
    assert few == many, (path, params, few, many)


def test_it_costs_the_same_queries_however_many_details_a_service_has(client):
    directory = build_directory()
    path = f"{API}services/{directory.counselling.id}"
    few = _queries(client, path, {})
    for number in range(10):
        f.PhoneFactory(service=directory.counselling)
        f.ScheduleFactory(service=directory.counselling)
        f.LanguageFactory(service=directory.counselling)
        location = f.LocationFactory(organization=directory.alpha)
        f.AddressFactory(location=location)
        m.ServiceAtLocation.objects.create(service=directory.counselling, location=location)
        m.Contact.objects.create(service=directory.counselling, name=f"Contact {number}")
    assert _queries(client, path, {}) == few
