"""The evidence pages: a matter's register, registering an item, an item with its chain of custody,
and the downloads; each tried by the disallowed users too (anonymous, another organization → 404,
a role without legal work → 403)."""

import io
import json
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.casework.tests.appointment_helpers import member
from caseway.legal import evidence, services
from caseway.legal.models import CustodyEvent, EvidenceCopy, EvidenceItem
from caseway.legal.tests.object_urls_evidence import MP3, PDF, a_photo_with_gps, an_item
from caseway.legal.tests.object_urls_legal import a_matter

pytestmark = pytest.mark.django_db


def _refused_to_others(client, login_as, personas, url, method="get", data=None):
    """Anonymous → sign in; another organization → 404; a caseworker (no legal work) → 403."""
    client.logout()
    response = getattr(client, method)(url, data or {})
    assert response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))
    assert getattr(login_as(personas.legal_officer_b), method)(url, data or {}).status_code == 404
    assert getattr(login_as(personas.caseworker_a), method)(url, data or {}).status_code == 403


def test_the_register_lists_items_with_a_fixed_number_of_queries(client, personas, login_as):
    matter = a_matter(personas)
    an_item(personas, matter=matter, description="Statement of witness W-1")
    url = reverse("legal:evidence_list", args=[matter.pk])
    lawyer = login_as(personas.legal_officer_a)
    with CaptureQueriesContext(connection) as one:
        page = lawyer.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "E-1" in text and "Statement of witness W-1" in text and matter.client.code in text
    assert AuditEvent.objects.get(action="legal.evidence_read").target_id == str(matter.pk)
    for _number in range(4):
        an_item(personas, matter=matter, kind="audio", data=MP3)
    an_item(personas, matter=matter, kind="physical", data=None, physical_location="Locker 9")
    with CaptureQueriesContext(connection) as six:
        page = lawyer.get(url)
    assert "E-6" in page.content.decode()
    assert len(six) == len(one)
    _refused_to_others(client, login_as, personas, url)


def test_the_matter_page_links_to_its_register(personas, login_as):
    matter = a_matter(personas)
    page = login_as(personas.legal_officer_a).get(reverse("legal:matter", args=[matter.pk])).content.decode()
    assert reverse("legal:evidence_list", args=[matter.pk]) in page


def test_a_lawyer_registers_an_original_by_upload(client, personas, login_as):
    matter = a_matter(personas)
    url = reverse("legal:evidence_add", args=[matter.pk])
    lawyer = login_as(personas.legal_officer_a)
    assert lawyer.get(url).status_code == 200
    response = lawyer.post(
        url,
        {
            "kind": "audio",
            "file": SimpleUploadedFile("interview.mp3", MP3, content_type="application/octet-stream"),
            "description": "Interview of a fictional witness",
            "arrival": "collection",
            "collected_on": "2025-03-01",
            "place": "Field office",
            "reason": "Recorded by our team",
        },
    )
    item = EvidenceItem.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("legal:evidence_item", args=[item.pk])
    assert (item.original, item.content_type, item.original_name) == (MP3, "audio/mpeg", "interview.mp3")
    assert item.custody.get().kind == "collection"
    _refused_to_others(client, login_as, personas, url)


def test_a_wrong_file_is_refused_in_plain_words_and_nothing_is_registered(personas, login_as):
    matter = a_matter(personas)
    response = login_as(personas.legal_officer_a).post(
        reverse("legal:evidence_add", args=[matter.pk]),
        {"kind": "photo", "file": SimpleUploadedFile("photo.jpg", PDF), "arrival": "receipt"},
    )
    assert response.status_code == 400
    assert "Send the photo as a JPEG or PNG picture." in response.content.decode()
    assert not EvidenceItem.objects.exists()


def test_the_item_page_shows_the_hash_and_the_chain_with_a_fixed_number_of_queries(client, personas, login_as):
    item = an_item(personas)
    url = reverse("legal:evidence_item", args=[item.pk])
    lawyer = login_as(personas.legal_officer_a)
    with CaptureQueriesContext(connection) as short:
        text = lawyer.get(url).content.decode()
    assert item.original_sha256 in text and "Office of Alpha Relief, Northfield" in text
    read = AuditEvent.objects.get(action="legal.evidence_read")
    assert (read.target_id, read.fields[0]) == (str(item.pk), "description")
    assert reverse("legal:evidence_transfer", args=[item.pk]) in text
    for _number in range(3):
        evidence.evidence_open(actor=personas.legal_officer_a, membership=member(personas.legal_officer_a), item=item)
    with CaptureQueriesContext(connection) as long:
        assert lawyer.get(url).status_code == 200
    assert len(long) == len(short)
    _refused_to_others(client, login_as, personas, url)


def test_downloading_the_original_is_an_attachment_and_an_access_event(client, personas, login_as):
    item = an_item(personas)
    url = reverse("legal:evidence_download", args=[item.pk])
    lawyer = login_as(personas.legal_officer_a)
    assert lawyer.get(url).status_code == 405
    response = lawyer.post(url, {"reason": "Preparing the hearing"})
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Disposition"] == 'attachment; filename="E-1.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    access = item.custody.get(sequence=2)
    assert (access.kind, access.reason) == ("access", "Preparing the hearing")
    _refused_to_others(client, login_as, personas, url, "post")
    assert item.custody.count() == 2


def test_only_the_custodian_hands_it_over_through_the_page(client, personas, login_as):
    matter = a_matter(personas)
    services.co_counsel_add(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        matter=matter,
        organization=personas.org_b,
        role="co_counsel",
    )
    item = an_item(personas, matter=matter)
    url = reverse("legal:evidence_transfer", args=[item.pk])
    co_counsel = login_as(personas.legal_officer_b)
    # Co-counsel sees the item and its register, but does not hold it.
    assert co_counsel.get(reverse("legal:evidence_item", args=[item.pk])).status_code == 200
    assert "E-1" in co_counsel.get(reverse("legal:evidence_list", args=[matter.pk])).content.decode()
    assert co_counsel.post(url, {"to": str(personas.org_a.pk), "reason": "x"}).status_code == 403
    lawyer = login_as(personas.legal_officer_a)
    missing_reason = lawyer.post(url, {"to": str(personas.org_b.pk)}, follow=True)
    assert "This field is required." in missing_reason.content.decode()
    response = lawyer.post(url, {"to": str(personas.org_b.pk), "reason": "They argue the hearing", "place": "Courier"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.custodian_id == personas.org_b.pk
    event = item.custody.get(sequence=2)
    assert (event.kind, event.to_organization_id, event.place) == ("transfer", personas.org_b.pk, "Courier")
    # Now co-counsel holds it and may submit it to the forum.
    login_as(personas.legal_officer_b).post(url, {"to": "forum", "reason": "Annex 2"})
    assert item.custody.get(sequence=3).kind == CustodyEvent.Kind.SUBMISSION
    client.logout()
    assert client.post(url, {"to": "forum", "reason": "x"}).status_code == 302
    assert login_as(personas.caseworker_a).post(url, {"to": "forum", "reason": "x"}).status_code == 403
    assert login_as(personas.legal_officer_b).post(url, {"to": "other", "reason": "x"}).status_code == 302
    assert item.custody.count() == 3


def test_working_copies_are_made_and_downloaded_through_the_page(client, personas, login_as):
    item = an_item(personas, kind="photo", data=a_photo_with_gps(), original_name="photo.jpg")
    lawyer = login_as(personas.legal_officer_a)
    add = reverse("legal:evidence_copy_add", args=[item.pk])
    lawyer.post(add, {"kind": "metadata_stripped", "note": "For the press officer"})
    refused = lawyer.post(add, {"kind": "redacted"}, follow=True)
    assert "Choose the file of the redacted version." in refused.content.decode()
    copy = EvidenceCopy.objects.get()
    url = reverse("legal:copy_download", args=[copy.pk])
    response = lawyer.get(url)
    assert response.content == copy.content and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="E-1-metadata-stripped.jpg"'
    _refused_to_others(client, login_as, personas, url)
    _refused_to_others(client, login_as, personas, add, "post", {"kind": "metadata_stripped"})
    assert EvidenceCopy.objects.count() == 1


def test_a_bundle_of_the_matter_downloads_as_a_zip(client, personas, login_as):
    matter = a_matter(personas)
    an_item(personas, matter=matter)
    url = reverse("legal:evidence_bundle", args=[matter.pk])
    response = login_as(personas.legal_officer_a).post(url, {"purpose": "submission", "reason": "Application"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith(f'attachment; filename="evidence-{matter.client.code}-')
    assert response["X-Content-Type-Options"] == "nosniff"
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert json.loads(archive.read("manifest.json"))["purpose"] == "submission"
    _refused_to_others(client, login_as, personas, url, "post", {"purpose": "copy"})
    empty = a_matter(personas)
    refused = login_as(personas.legal_officer_a).post(
        reverse("legal:evidence_bundle", args=[empty.pk]), {"purpose": "copy"}, follow=True
    )
    assert "There is no evidence to export." in refused.content.decode()


def test_a_bundle_of_one_item(client, personas, login_as):
    item = an_item(personas)
    url = reverse("legal:evidence_item_bundle", args=[item.pk])
    response = login_as(personas.legal_officer_a).post(url, {"purpose": "copy"})
    assert response["Content-Disposition"].startswith(f'attachment; filename="evidence-{item.matter.client.code}-E-1-')
    b"".join(response.streaming_content)
    assert item.custody.order_by("-sequence").first().kind == "copy"
    _refused_to_others(client, login_as, personas, url, "post", {"purpose": "copy"})
