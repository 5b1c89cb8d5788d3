"""The staff service page, /directory/services/<uuid>/."""

import datetime
import gzip
from decimal import Decimal

import pytest
from django.urls import reverse

from caseway.directory.models import Accessibility, RequiredDocument, Service, ServiceArea, Sex
from caseway.directory.tests.factories import (
    AddressFactory,
    Admin2Factory,
    LanguageFactory,
    PhoneFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceCapacityFactory,
    ServiceFactory,
)
from caseway.orgs.tests.helpers import assert_not_found, assert_sent_to_sign_in


def url(service):
    return reverse("directory:service_detail", args=[service.pk])


@pytest.fixture
def service(personas):
    service = ServiceFactory(
        organization=personas.org_a,
        name="Women's legal clinic",
        description="Free legal advice.",
        eligibility_description="Women affected by the conflict.",
        minimum_age=16,
        maximum_age=60,
        sex_eligibility=Sex.FEMALE,
        application_process="Walk in, or be referred.",
        fees_description="Free of charge.",
        interpretation_services="Sign language on request.",
        alert="Closed on public holidays.",
        email="clinic@example.org",
        url="https://clinic.example.org",
        provides_childcare=True,
        assured_date=datetime.date(2026, 3, 1),
        categories=["legal.counselling"],
    )
    LanguageFactory(service=service, code="fr", name="French")
    RequiredDocument.objects.create(service=service, document="Any identity document")
    PhoneFactory(service=service, number="+999 100 2000")
    ScheduleFactory(service=service, byday="MO,TU,WE", opens_at=datetime.time(8), closes_at=datetime.time(13))
    ServiceCapacityFactory(service=service, available=Decimal(3), maximum=Decimal(12))
    link = ServiceAtLocationFactory(service=service, location__name="Market centre")
    AddressFactory(location=link.location, address_1="12 Palm Road", city="Fictown")
    Accessibility.objects.create(location=link.location, feature="wheelchair")
    ServiceArea.objects.create(service=service, admin_area=Admin2Factory(name="Riverbend District"))
    return service


def test_it_sends_an_anonymous_visitor_to_sign_in(client, service):
    assert_sent_to_sign_in(client.get(url(service)), url(service))


@pytest.mark.parametrize("persona", ["caseworker_b", "coordinator", "donor", "monitor_a", "outsider"])
def test_it_shows_what_a_caseworker_needs(client, personas, login_as, service, persona):
    login_as(getattr(personas, persona))

    response = client.get(url(service))

    assert response.status_code == 200
    text = response.content.decode()
    for fact in (
        "Women&#x27;s legal clinic",
        "Free legal advice.",
        "Women affected by the conflict.",
        "16 to 60",
        "Women and girls",
        "Walk in, or be referred.",
        "Free of charge.",
        "French",
        "Sign language on request.",
        "Any identity document",
        "Closed on public holidays.",
        "Monday to Wednesday, 08:00–13:00",
        "3 of 12 places available",
        "Accepting referrals",
        "Childcare while attending",
        "Market centre",
        "12 Palm Road",
        "Wheelchair access",
        "Riverbend District",
        "+999 100 2000",
        "clinic@example.org",
        "Legal counselling",
        "Details verified on March 1, 2026.",
    ):
        assert fact in text, fact
    assert len(gzip.compress(response.content)) <= 20 * 1024


def test_it_hides_defunct_services(client, personas, login_as):
    defunct = ServiceFactory(status=Service.Status.DEFUNCT)
    login_as(personas.caseworker_a)

    assert_not_found(client.get(url(defunct)))


def test_it_answers_404_for_an_unknown_or_malformed_id(client, personas, login_as):
    login_as(personas.caseworker_a)

    assert_not_found(client.get("/directory/services/00000000-0000-0000-0000-000000000001/"))
    assert_not_found(client.get("/directory/services/not-a-uuid/"))


def test_a_member_without_an_active_organization_gets_404(client, personas, login_as, service):
    login_as(personas.unaffiliated)

    assert_not_found(client.get(url(service)))


def test_only_the_owning_admin_gets_the_edit_links(client, personas, login_as, service):
    edit = reverse("directory:service_edit", args=[service.pk])

    login_as(personas.admin_a)
    assert edit in client.get(url(service)).content.decode()
    for persona in ("admin_b", "caseworker_a", "coordinator"):
        login_as(getattr(personas, persona))
        assert edit not in client.get(url(service)).content.decode(), persona


def test_only_coordinators_get_the_verify_button(client, personas, login_as, service):
    verify = reverse("directory:service_verify", args=[service.pk])

    login_as(personas.coordinator)
    assert verify in client.get(url(service)).content.decode()
    login_as(personas.admin_a)
    assert verify not in client.get(url(service)).content.decode()


def test_it_says_open_now_only_when_open(client, personas, login_as):
    always = ServiceFactory()
    ScheduleFactory(service=always, byday="MO,TU,WE,TH,FR,SA,SU", opens_at=datetime.time(0), closes_at=datetime.time(0))
    never = ServiceFactory()
    login_as(personas.caseworker_a)

    assert "Open now" in client.get(url(always)).content.decode()
    assert "Open now" not in client.get(url(never)).content.decode()
    assert "Not given. Call before going." in client.get(url(never)).content.decode()


def test_it_titles_the_page_with_the_service_name(client, personas, login_as, service):
    login_as(personas.caseworker_a)

    text = client.get(url(service)).content.decode()

    assert "<title>Women&#x27;s legal clinic ·" in text
