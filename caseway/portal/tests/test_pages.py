"""Every portal page: within 15 KB gzip on first load with everything it loads, readable without
JavaScript, a neutral title, right-to-left in Arabic (DESIGN.md budgets; issue 7)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from caseway.casework.tests.appointment_helpers import an_appointment
from caseway.clients.models import Consent
from caseway.portal.tests.helpers import an_account, sign_in
from caseway.tests.test_page_weight import Subresources, gzip_size, static_size

pytestmark = pytest.mark.django_db
PORTAL_FIRST_LOAD = 15 * 1024
# Words that would tell someone looking at the phone what this site is.
TELLING = re.compile(r"case|survivor|violence|abuse|victim|trauma|shelter|legal|referral|gbv", re.IGNORECASE)
SIGNED_OUT = ("portal:login", "portal:start")
SIGNED_IN = (
    "portal:home",
    "portal:welcome",
    "portal:messages",
    "portal:appointments",
    "portal:appointment_new",
    "portal:documents",
    "portal:consents",
    "portal:my_data",
    "portal:resources",
    "portal:journey",
    "portal_feedback:send",
    "portal:second_factor_add",
    "portal:safety",
)


def _pages(client, personas):
    for name in SIGNED_OUT:
        yield name, client.get(reverse(name))
    account = an_account(personas)
    sign_in(client, account)
    for name in SIGNED_IN:
        yield name, client.get(reverse(name))
    appointment = an_appointment(personas, case=account.case, place="Room 2")
    yield "portal:appointment_change", client.get(reverse("portal:appointment_change", args=[appointment.pk]))
    agreement = Consent.objects.get(client=account.client, purpose="portal")
    yield "portal:consent_withdraw", client.get(reverse("portal:consent_withdraw", args=[agreement.pk]))
    yield "portal:lock", client.post(reverse("portal:lock"))


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_portal_page_is_light_neutral_and_needs_no_javascript(client, personas, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    seen = 0
    for name, response in _pages(client, personas):
        assert response.status_code == 200, name
        html = response.content
        parser = Subresources()
        parser.feed(html.decode())
        total = gzip_size(html) + sum(static_size(url) for url in parser.urls)
        assert total <= PORTAL_FIRST_LOAD, f"{name}: {total} B gzip"
        title = re.search(rb"<title>(.*?)</title>", html, re.S).group(1).decode()
        assert title == settings.PORTAL_SITE_NAME, name
        assert not TELLING.search(response.wsgi_request.path), name
        assert b"<script" not in html.replace(b'<script src="', b""), name  # no inline script
        # Everything is a link or a form: nothing needs a script to work.
        assert re.search(rb"<(form|a) ", html), name
        if language == "ar":
            assert b'dir="rtl"' in html, name
        seen += 1
    assert seen == len(SIGNED_OUT) + len(SIGNED_IN) + 3


def test_the_site_name_and_icon_are_the_deployments(client, settings):
    settings.PORTAL_SITE_NAME = "Neighbourhood help"
    settings.PORTAL_ICON_URL = "/static/caseway/neutral-icon.png"
    html = client.get(reverse("portal:login")).content.decode()
    assert "<title>Neighbourhood help</title>" in html
    assert '<link rel="icon" href="/static/caseway/neutral-icon.png">' in html
