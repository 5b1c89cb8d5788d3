"""Registering evidence: the original is checked by its content, hashed on arrival, kept encrypted
and sealed; the first custody event is the arrival, audited with its digest."""

import datetime
import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from PIL import Image

from caseway.audit.models import AuditEvent
from caseway.casework.tests.appointment_helpers import member
from caseway.legal import evidence, services
from caseway.legal.models import CustodyEvent, EvidenceCopy, EvidenceItem
from caseway.legal.tests.object_urls_evidence import (
    MP3,
    MP4,
    PDF,
    TRANSCRIPT,
    WAV,
    a_copy,
    a_photo_with_gps,
    an_item,
)
from caseway.legal.tests.object_urls_legal import a_matter

pytestmark = pytest.mark.django_db


def test_it_hashes_and_seals_the_original_and_records_its_arrival(personas):
    item = an_item(personas, collected_on=datetime.date(2025, 2, 1), arrival="collection")
    stored = EvidenceItem.objects.get(pk=item.pk)
    assert stored.original == PDF
    assert (stored.original_sha256, stored.original_size) == (hashlib.sha256(PDF).hexdigest(), len(PDF))
    assert (stored.number, stored.content_type, stored.custodian_id) == (1, "application/pdf", personas.org_a.pk)
    # Encrypted at rest: the column holds no plaintext.
    assert PDF not in stored.original_sealed.ciphertext.encode()
    arrival = stored.custody.get()
    assert (arrival.sequence, arrival.kind, arrival.organization_id) == (1, "collection", personas.org_a.pk)
    assert arrival.place == "Office of Alpha Relief, Northfield"
    assert arrival.digest == evidence.custody_digest(
        arrival, original_sha256=stored.original_sha256, previous=evidence.GENESIS_DIGEST
    )
    audited = AuditEvent.objects.get(action="legal.evidence_collection")
    assert audited.target_id == str(arrival.pk)
    assert f"digest:{arrival.digest}" in audited.fields and f"item:{item.pk}" in audited.fields
    # Names, never values: nothing of the description or the place reaches the log.
    assert "Northfield" not in str(audited.fields) and "statement" not in str(audited.fields)


def test_it_numbers_items_within_the_matter(personas):
    matter = a_matter(personas)
    first = an_item(personas, matter=matter)
    second = an_item(personas, matter=matter, kind="audio", data=MP3)
    other_matter_item = an_item(personas)
    assert (first.number, second.number, other_matter_item.number) == (1, 2, 1)


def test_it_keeps_a_photo_byte_for_byte_with_its_metadata(personas):
    photo = a_photo_with_gps()
    item = an_item(personas, kind="photo", data=photo, original_name="IMG_0001.jpg")
    stored = EvidenceItem.objects.get(pk=item.pk)
    assert stored.original == photo
    assert stored.content_type == "image/jpeg"
    with Image.open(io.BytesIO(stored.original)) as image:
        assert image.getexif()[0x0110] == "Fictional Camera 1"


@pytest.mark.parametrize(
    ("kind", "data", "content_type"),
    [
        ("audio", MP3, "audio/mpeg"),
        ("audio", WAV, "audio/wav"),
        ("audio", MP4, "audio/mp4"),
        ("video", MP4, "video/mp4"),
        ("transcript", TRANSCRIPT.encode(), "text/plain"),
        ("transcript", PDF, "application/pdf"),
        ("document", PDF, "application/pdf"),
    ],
)
def test_it_recognises_recordings_and_transcripts_by_their_content(personas, kind, data, content_type):
    item = an_item(personas, kind=kind, data=data, original_name="file.bin")
    assert item.content_type == content_type
    assert evidence.download_name(item).startswith("E-1.")


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("audio", PDF, "Send an audio recording"),
        ("video", WAV, "Send a video recording"),
        ("photo", PDF, "Send the photo as a JPEG or PNG picture."),
        ("document", MP3, "Send a photo (JPEG or PNG) or a PDF."),
        ("document", b"PK\x03\x04" + bytes(50), "Archives (zip and others) cannot be sent."),
        ("transcript", b"\x00\x01\x02binary", "Send the transcript as a PDF or as plain text (UTF-8)."),
        ("document", b"", "The file is empty."),
    ],
)
def test_it_refuses_a_file_that_is_not_what_it_claims_and_writes_nothing(personas, kind, data, message):
    matter = a_matter(personas)
    with pytest.raises(ValidationError) as error:
        an_item(personas, matter=matter, kind=kind, data=data)
    assert message in error.value.message_dict["file"][0]
    assert not EvidenceItem.objects.exists() and not CustodyEvent.objects.exists()


def test_it_refuses_a_file_over_the_limit(personas, settings):
    settings.UPLOAD_MAX_MB = 1
    with pytest.raises(ValidationError) as error:
        an_item(personas, kind="audio", data=MP3 + bytes(1024 * 1024))
    assert "too big" in error.value.message_dict["file"][0]


def test_it_registers_physical_evidence_by_where_it_is_held(personas):
    matter = a_matter(personas)
    item = an_item(personas, matter=matter, kind="physical", data=None, physical_location="Evidence locker 3")
    assert (item.original, item.original_sha256, item.physical_location) == (None, "", "Evidence locker 3")
    with pytest.raises(ValidationError) as error:
        an_item(personas, matter=matter, kind="physical", data=None)
    assert error.value.message_dict == {"physical_location": ["Say where the physical evidence is held."]}
    with pytest.raises(ValidationError):
        an_item(personas, matter=matter, kind="physical", data=PDF, physical_location="Locker")
    with pytest.raises(ValidationError):
        an_item(personas, matter=matter, kind="document", data=None)


def test_it_refuses_a_collection_day_in_the_future(personas):
    with pytest.raises(ValidationError) as error:
        an_item(personas, collected_on=timezone.localdate() + datetime.timedelta(days=1))
    assert "collected_on" in error.value.message_dict


def test_co_counsel_register_on_the_matter_and_others_get_404(personas):
    matter = a_matter(personas)
    with pytest.raises(Http404):
        an_item(personas, matter=matter, user=personas.legal_officer_b)
    services.co_counsel_add(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        matter=matter,
        organization=personas.org_b,
        role="documentation",
    )
    item = an_item(personas, matter=matter, user=personas.legal_officer_b)
    assert item.custodian_id == personas.org_b.pk
    with pytest.raises(PermissionDenied):
        an_item(personas, matter=matter, user=personas.caseworker_a)


def test_a_second_save_of_an_original_with_other_bytes_is_refused(personas):
    item = EvidenceItem.objects.get(pk=an_item(personas).pk)
    item.original = b"%PDF-1.4 forged\n%%EOF\n"
    with pytest.raises(evidence.SealedError):
        item.save()
    with pytest.raises(evidence.SealedError):
        item.save(update_fields=["original"])
    item = EvidenceItem.objects.get(pk=item.pk)
    item.original_sha256 = "0" * 64
    with pytest.raises(evidence.SealedError):
        item.save(update_fields=["original_sha256", "custodian"])
    assert EvidenceItem.objects.get(pk=item.pk).original == PDF


def test_custody_events_and_working_copies_are_never_saved_again(personas):
    copy = a_copy(personas)
    event = CustodyEvent.objects.filter(item=copy.item).first()
    event.reason = "rewritten"
    with pytest.raises(evidence.SealedError):
        event.save()
    copy = EvidenceCopy.objects.get(pk=copy.pk)
    copy.content = b"other"
    with pytest.raises(evidence.SealedError):
        copy.save()
