import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from caseway.directory.models import Location
from caseway.directory.tests.factories import (
    LanguageFactory,
    LocationFactory,
    PhoneFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)
from caseway.portal.tests.helpers import an_account, sign_in

pytestmark = pytest.mark.django_db


def _helpline(name, *, language=None, public=True):
    service = ServiceFactory(name=name, is_public=public)
    ServiceAtLocationFactory(
        service=service,
        location=LocationFactory(organization=service.organization, location_type=Location.LocationType.VIRTUAL),
    )
    PhoneFactory(service=service, number="+999 100 0420", description="Free, day and night")
    if language:
        LanguageFactory(service=service, code=language, name=language)
    return service


def test_it_lists_public_helplines_those_speaking_the_clients_language_first(personas):
    _helpline("Aaa listening line")
    _helpline("Zzz line in Arabic", language="ar")
    _helpline("Hidden line", public=False)
    ServiceFactory(name="Walk-in office only")
    account = an_account(personas)
    portal = Client()
    portal.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    sign_in(portal, account)
    page = portal.get(reverse("portal:resources")).content.decode()
    assert page.index("Zzz line in Arabic") < page.index("Aaa listening line")
    assert "Hidden line" not in page and "Walk-in office only" not in page
    assert 'href="tel:+9991000420"' in page
