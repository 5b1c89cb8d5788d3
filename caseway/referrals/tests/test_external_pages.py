"""The pages for organizations outside the network: the sender's (refer, print, make and revoke
links; other organizations get 404) and the outside organization's under /s/<token>/ (PIN,
package, answer): no-store, no-referrer, no JavaScript, right to left, the same page for every
failure, every request audited."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.clients.models import DataCategory
from caseway.referrals import external
from caseway.referrals.models import DeclineReason, ExternalLink, Referral, Status
from caseway.referrals.tests.external_helpers import REASON, a_link, an_outside_organization, an_outside_referral
from caseway.referrals.tests.helpers import a_sender_case, an_agreement, consent_to_refer, member
from caseway.referrals.tests.pages import assert_refused

pytestmark = pytest.mark.django_db

SENSITIVE_WORDS = ("referral", "refer", "gbv", "violence", "survivor", "rape", "case", "client", "health", "legal")


def _open_url(token):
    return reverse("external:open", args=[token])


def _answer_url(token):
    return reverse("external:answer", args=[token])


def _outsider_client():
    """A browser of the outside organization: nobody signed in, CSRF checks as in production."""
    return Client(enforce_csrf_checks=True)


def _audit_count():
    return AuditEvent.objects.count()


def _grant(html):
    return re.search(r'name="grant" value="([^"]+)"', html).group(1)


def _without(html, token):
    return html.replace(token, "TOKEN")


# ---------------------------------------------------------------------------------------------
# The sender's pages


def _sender_urls(personas):
    referral = an_outside_referral(personas)
    link, _token, _pin = a_link(personas, referral)
    return referral, [
        (reverse("referrals:outside", args=[referral.pk]), "get"),
        (reverse("referrals:outside_print", args=[referral.pk]), "get"),
        (reverse("referrals:outside_link_create", args=[referral.pk]), "post"),
        (reverse("referrals:outside_link_revoke", args=[referral.pk, link.pk]), "post"),
        (reverse("referrals:outside_create", args=[referral.from_case_id]), "get"),
    ]


def test_other_organizations_get_404_and_roles_without_personal_data_403(client, personas, login_as):
    _referral, urls = _sender_urls(personas)

    for url, method in urls:
        others = ("outsider",) if "cases" in url else ("outsider", "caseworker_b")
        assert_refused(client, login_as, personas, url, method, others=others)
    assert ExternalLink.objects.filter(revoked_at__isnull=True).count() == 1


def test_the_pages_of_a_referral_within_the_network_answer_404(client, personas, login_as):
    from caseway.referrals.tests.helpers import a_referral

    referral = a_referral(personas, Status.SENT)
    login_as(personas.caseworker_a)

    assert client.get(reverse("referrals:outside", args=[referral.pk])).status_code == 404
    assert client.get(reverse("referrals:outside_print", args=[referral.pk])).status_code == 404
    assert client.post(reverse("referrals:outside_link_create", args=[referral.pk])).status_code == 404


def test_the_referral_page_leads_its_sender_to_the_outside_organizations_page(client, personas, login_as):
    referral = an_outside_referral(personas)
    login_as(personas.caseworker_a)

    html = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()

    assert reverse("referrals:outside", args=[referral.pk]) in html


def test_the_outside_organizations_page_lists_the_links_and_is_audited(client, personas, login_as):
    referral = an_outside_referral(personas)
    link, _token, pin = a_link(personas, referral)
    login_as(personas.caseworker_a)

    response = client.get(reverse("referrals:outside", args=[referral.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Waiting to be opened or answered" in html
    assert reverse("referrals:outside_link_revoke", args=[referral.pk, link.pk]) in html
    assert pin not in html and external.spaced(pin) not in html
    assert AuditEvent.objects.filter(action="referrals.external_links_read", target_id=str(referral.pk)).exists()


def test_making_a_link_shows_its_address_and_pin_once(client, personas, login_as):
    referral = an_outside_referral(personas)
    login_as(personas.caseworker_a)

    response = client.post(reverse("referrals:outside_link_create", args=[referral.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = re.search(r"/s/([A-Za-z0-9_-]+)/", html).group(1)
    pin = re.search(r'<code class="secret">(\d{4} \d{4})</code>', html).group(1).replace(" ", "")
    link = ExternalLink.objects.get(referral=referral)
    assert link.token_hash == external.hash_token(token)
    assert external.open_link(token=token, pin=pin).referral == referral
    later = client.get(reverse("referrals:outside", args=[referral.pk])).content.decode()
    assert token not in later and external.spaced(pin) not in later


def test_the_sender_revokes_a_link(client, personas, login_as):
    referral = an_outside_referral(personas)
    link, token, pin = a_link(personas, referral)
    login_as(personas.caseworker_a)

    response = client.post(reverse("referrals:outside_link_revoke", args=[referral.pk, link.pk]))

    assert response.status_code == 302
    assert ExternalLink.objects.get(pk=link.pk).revoked_at is not None
    with pytest.raises(external.LinkUnavailable):
        external.open_link(token=token, pin=pin)
    html = client.get(reverse("referrals:outside", args=[referral.pk])).content.decode()
    assert "Revoked" in html


def test_no_link_is_made_once_the_client_revoked_the_referral_consent(client, personas, login_as):
    from caseway.clients import consent
    from caseway.clients.models import Consent, ConsentPurpose

    referral = an_outside_referral(personas)
    answer = Consent.objects.get(client=referral.client, purpose=ConsentPurpose.REFERRAL)
    consent.consent_revoke(actor=personas.caseworker_a, membership=member(personas.caseworker_a), consent=answer)
    login_as(personas.caseworker_a)

    response = client.post(reverse("referrals:outside_link_create", args=[referral.pk]))

    assert response.status_code == 400
    assert not ExternalLink.objects.exists()


# ---------------------------------------------------------------------------------------------
# The printed form


def test_the_print_page_holds_the_consented_package_for_paper_and_is_audited(client, personas, login_as):
    referral = an_outside_referral(personas)
    login_as(personas.caseworker_a)

    response = client.get(reverse("referrals:outside_print", args=[referral.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert referral.client.code in html
    assert "Amina" in html and "+999 700 100 200" in html
    assert REASON in html
    assert "referrals/print" in html and "<script" not in html.split("<main", 1)[1]
    assert "No capacity" in html  # the answer slip's coded reasons
    event = AuditEvent.objects.filter(action="referrals.package_printed", target_id=str(referral.pk)).get()
    assert event.fields == ["reason", "package.client", "package.contact", "package.identity", "package.needs"]


def test_the_print_page_shows_the_code_not_the_name_without_identity_consent(client, personas, login_as):
    referral = an_outside_referral(personas, categories=(DataCategory.NEEDS,))
    login_as(personas.caseworker_a)

    html = client.get(reverse("referrals:outside_print", args=[referral.pk])).content.decode()

    assert referral.client.code in html
    assert "Amina" not in html and "Haddad" not in html and "+999" not in html


def test_the_print_stylesheet_has_print_rules():
    from django.contrib.staticfiles import finders

    css = Path(finders.find("referrals/print.css")).read_text(encoding="utf-8")

    assert "@media print" in css


# ---------------------------------------------------------------------------------------------
# Referring outside the network from a case


def test_a_caseworker_refers_outside_the_network_and_sends_past_the_gate(client, personas, login_as):
    outside = an_outside_organization()
    an_agreement(personas.org_a, outside)
    case = a_sender_case(personas)
    consent_to_refer(case, outside, [DataCategory.NEEDS])
    login_as(personas.caseworker_a)
    url = reverse("referrals:outside_create", args=[case.pk])

    assert "Zeta District Clinic" in client.get(url).content.decode()
    page = client.get(url, {"organization": outside.pk}).content.decode()
    assert "The client agreed to be referred to this organization." in page
    response = client.post(
        url,
        {
            "organization": outside.pk,
            "urgency": "high",
            "reason": REASON,
            "categories": [DataCategory.NEEDS],
            "then": "send",
        },
    )

    referral = Referral.objects.get(from_case=case)
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:outside", args=[referral.pk])
    assert (referral.status, referral.to_organization, referral.categories) == (Status.SENT, outside, ["needs"])


def test_the_referral_page_of_the_network_points_to_the_outside_one(client, personas, login_as):
    case = a_sender_case(personas)
    login_as(personas.caseworker_a)

    html = client.get(reverse("referrals:create", args=[case.pk])).content.decode()

    assert reverse("referrals:outside_create", args=[case.pk]) in html


def test_an_organization_of_the_network_cannot_be_chosen_outside_it(client, personas, login_as):
    an_agreement(personas.org_a, personas.org_b)
    case = a_sender_case(personas)
    login_as(personas.caseworker_a)
    url = reverse("referrals:outside_create", args=[case.pk])

    html = client.get(url).content.decode()
    response = client.post(url, {"organization": personas.org_b.pk, "urgency": "normal", "reason": "x"})

    assert "Beta Legal Aid" not in html
    assert "No organization outside the network" in html
    assert response.status_code == 400
    assert not Referral.objects.exists()


# ---------------------------------------------------------------------------------------------
# The outside organization's pages


def test_the_pin_page_is_neutral_private_and_audited(personas):
    link, token, _pin = a_link(personas)
    before = _audit_count()

    response = _outsider_client().get(_open_url(token))

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("no-store")
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert "<script" not in html
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).lower()
    path = _open_url(token).lower().replace(token.lower(), "")
    for word in SENSITIVE_WORDS:
        assert not re.search(rf"\b{word}s?\b", title), word
        assert not re.search(rf"\b{word}s?\b", path), word
    assert "Zeta" not in html and "Alpha" not in html  # nothing before the PIN
    assert _audit_count() == before + 1
    assert AuditEvent.objects.filter(action="referrals.external_link_requested", target_id=str(link.pk)).exists()


def test_the_right_pin_shows_the_consented_package_and_the_answer_form(personas):
    referral = an_outside_referral(personas, categories=(DataCategory.NEEDS,))
    _link, token, pin = a_link(personas, referral)
    browser = _outsider_client()
    before = _audit_count()

    response = browser.post(_open_url(token), {"pin": external.spaced(pin)})

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("no-store") and response["Referrer-Policy"] == "no-referrer"
    assert referral.client.code in html and REASON in html and "Alpha Relief" in html
    assert "Amina" not in html and "+999" not in html  # identity and contact were not shared
    assert "Secure page" in re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert 'name="grant"' in html and _answer_url(token) in html
    assert "<script" not in html
    assert Referral.objects.get(pk=referral.pk).status == Status.VIEWED
    assert _audit_count() > before
    assert "Set-Cookie" not in response.headers or "sessionid" not in response["Set-Cookie"]


def test_every_failure_shows_the_same_page(personas):
    browser = _outsider_client()
    referral = an_outside_referral(personas)
    expired, expired_token, expired_pin = a_link(personas, referral)
    ExternalLink.objects.filter(pk=expired.pk).update(expires_at=expired.created_at)
    revoked, revoked_token, revoked_pin = a_link(personas, referral)
    ExternalLink.objects.filter(pk=revoked.pk).update(revoked_at=revoked.created_at)
    locked, locked_token, locked_pin = a_link(personas, referral)
    ExternalLink.objects.filter(pk=locked.pk).update(failed_attempts=5, locked_at=locked.created_at)
    used, used_token, used_pin = a_link(personas, referral)
    ExternalLink.objects.filter(pk=used.pk).update(answered_at=used.created_at)
    _live, live_token, live_pin = a_link(personas, referral)
    wrong_pin = "12345678" if live_pin != "12345678" else "87654321"
    unknown_token = "u" * len(live_token)
    attempts = [
        (unknown_token, live_pin),
        (expired_token, expired_pin),
        (revoked_token, revoked_pin),
        (locked_token, locked_pin),
        (used_token, used_pin),
        (live_token, wrong_pin),
    ]

    pages = set()
    for token, pin in attempts:
        before = _audit_count()
        response = browser.post(_open_url(token), {"pin": pin})
        assert response.status_code == 400, token
        assert response["Referrer-Policy"] == "no-referrer"
        assert _audit_count() == before + 1, token
        pages.add(_without(response.content.decode(), token))

    assert len(pages) == 1
    assert "cannot be opened with this PIN" in pages.pop()


def test_lockout_through_the_page(personas):
    link, token, pin = a_link(personas)
    browser = _outsider_client()

    for _ in range(5):
        assert browser.post(_open_url(token), {"pin": "not the pin"}).status_code == 400

    assert browser.post(_open_url(token), {"pin": pin}).status_code == 400
    assert ExternalLink.objects.get(pk=link.pk).locked_at is not None


def test_accepting_through_the_page_uses_the_link_up(personas):
    link, token, pin = a_link(personas)
    browser = _outsider_client()
    grant = _grant(browser.post(_open_url(token), {"pin": pin}).content.decode())

    response = browser.post(_answer_url(token), {"grant": grant, "answer": "accept"})

    assert response.status_code == 200
    assert "your answer was sent to <bdi>Alpha Relief</bdi>" in response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer"
    assert Referral.objects.get(pk=link.referral_id).status == Status.ACCEPTED
    assert browser.post(_open_url(token), {"pin": pin}).status_code == 400
    assert browser.post(_answer_url(token), {"grant": grant, "answer": "accept"}).status_code == 400


def test_declining_through_the_page_needs_a_coded_reason(personas):
    link, token, pin = a_link(personas)
    browser = _outsider_client()
    grant = _grant(browser.post(_open_url(token), {"pin": pin}).content.decode())

    incomplete = browser.post(_answer_url(token), {"grant": grant, "answer": "decline", "reason": "other"})
    assert incomplete.status_code == 400
    assert "Say why, without names or details of the client." in incomplete.content.decode()
    assert Referral.objects.get(pk=link.referral_id).status == Status.VIEWED

    response = browser.post(
        _answer_url(token), {"grant": _grant(incomplete.content.decode()), "answer": "decline", "reason": "no_capacity"}
    )

    assert response.status_code == 200
    declined = Referral.objects.get(pk=link.referral_id)
    assert (declined.status, declined.decline_reason) == (Status.DECLINED, DeclineReason.NO_CAPACITY)
    assert ExternalLink.objects.get(pk=link.pk).answered_at is not None


def test_the_package_page_stops_at_once_when_the_consent_is_revoked(personas):
    from caseway.clients import consent
    from caseway.clients.models import Consent, ConsentPurpose

    link, token, pin = a_link(personas)
    browser = _outsider_client()
    grant = _grant(browser.post(_open_url(token), {"pin": pin}).content.decode())
    answer = Consent.objects.get(client=link.referral.client, purpose=ConsentPurpose.REFERRAL)
    consent.consent_revoke(actor=personas.caseworker_a, membership=member(personas.caseworker_a), consent=answer)

    assert browser.post(_answer_url(token), {"grant": grant, "answer": "accept"}).status_code == 400
    assert browser.post(_open_url(token), {"pin": pin}).status_code == 400
    assert Referral.objects.get(pk=link.referral_id).status == Status.REVOKED


def test_the_pages_read_right_to_left_in_arabic(personas):
    _link, token, pin = a_link(personas)
    browser = Client(enforce_csrf_checks=True, headers={"accept-language": "ar"})

    for response in (browser.get(_open_url(token)), browser.post(_open_url(token), {"pin": pin})):
        assert '<html lang="ar" dir="rtl">' in response.content.decode()


def test_every_request_of_the_outside_organization_is_audited(personas):
    _link, token, pin = a_link(personas)
    browser = _outsider_client()

    actions = []
    for method, url, data in (
        ("get", _open_url(token), None),
        ("get", _open_url("nothing-here-" + "x" * 30), None),
        ("post", _open_url(token), {"pin": "wrong"}),
        ("post", _open_url(token), {"pin": pin}),
        ("post", _answer_url(token), {"grant": "forged", "answer": "accept"}),
    ):
        before = AuditEvent.objects.order_by("-seq").first().seq
        getattr(browser, method)(url, data or {})
        actions.append(list(AuditEvent.objects.filter(seq__gt=before).values_list("action", flat=True)))

    assert all(actions), actions
    assert actions[0] == ["referrals.external_link_requested"]
    assert actions[1] == ["referrals.external_link_unknown"]
    assert actions[2] == ["referrals.external_pin_failed"]
    assert "referrals.external_package_read" in actions[3]
    assert actions[4] == ["referrals.external_answer_refused"]
