"""The chain of custody: transfers between the matter's organizations, submissions to the forum,
opening the original and making working copies, each an event chained to the one before."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from PIL import Image

from caseway.audit.models import AuditEvent
from caseway.casework.tests.appointment_helpers import member
from caseway.legal import evidence, services
from caseway.legal.models import CustodyEvent
from caseway.legal.tests.object_urls_evidence import GPS_TAG, MP3, PDF, a_photo_with_gps, an_item
from caseway.legal.tests.object_urls_legal import a_matter

pytestmark = pytest.mark.django_db


def _with_co_counsel(personas):
    matter = a_matter(personas)
    services.co_counsel_add(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        matter=matter,
        organization=personas.org_b,
        role="co_counsel",
    )
    return matter


def _transfer(personas, user, item, **values):
    values.setdefault("reason", "Co-counsel prepares the hearing")
    return evidence.evidence_transfer(actor=user, membership=member(user), item=item, **values)


def test_the_custodian_hands_the_item_to_co_counsel_who_then_holds_it(personas):
    item = an_item(personas, matter=_with_co_counsel(personas))
    event = _transfer(personas, personas.legal_officer_a, item, to_organization=personas.org_b, place="Courier")
    item.refresh_from_db()
    assert item.custodian_id == personas.org_b.pk
    assert (event.sequence, event.kind, event.to_organization_id) == (2, "transfer", personas.org_b.pk)
    first = item.custody.get(sequence=1)
    assert event.digest == evidence.custody_digest(event, original_sha256=item.original_sha256, previous=first.digest)
    # The former custodian no longer transfers it; the new one does.
    with pytest.raises(PermissionDenied):
        _transfer(personas, personas.legal_officer_a, item, to_organization=personas.org_a)
    back = _transfer(personas, personas.legal_officer_b, item, to_organization=personas.org_a)
    assert back.sequence == 3
    item.refresh_from_db()
    assert item.custodian_id == personas.org_a.pk


def test_it_hands_over_only_to_an_organization_of_the_matter_and_with_a_reason(personas):
    item = an_item(personas)
    with pytest.raises(ValidationError) as error:
        _transfer(personas, personas.legal_officer_a, item, to_organization=personas.org_other)
    assert error.value.message_dict == {"to": ["Evidence is handed only to an organization working on the matter."]}
    with pytest.raises(ValidationError) as error:
        _transfer(personas, personas.legal_officer_a, item, to_organization=personas.org_a)
    assert error.value.message_dict == {"to": ["Your organization already holds it."]}
    with pytest.raises(ValidationError):
        _transfer(personas, personas.legal_officer_a, item, to_organization=None, reason=" ")
    assert item.custody.count() == 1


def test_a_submission_to_the_forum_keeps_the_custodian(personas):
    item = an_item(personas)
    event = _transfer(personas, personas.legal_officer_a, item, reason="Annex 4 of the application")
    item.refresh_from_db()
    assert (event.kind, event.to_organization_id, item.custodian_id) == ("submission", None, personas.org_a.pk)
    assert AuditEvent.objects.filter(action="legal.evidence_submission", target_id=str(event.pk)).exists()


def test_another_organization_can_neither_transfer_nor_open_it(personas):
    item = an_item(personas)
    with pytest.raises(Http404):
        _transfer(personas, personas.legal_officer_b, item, to_organization=personas.org_b)
    with pytest.raises(Http404):
        evidence.evidence_open(actor=personas.legal_officer_b, membership=member(personas.legal_officer_b), item=item)


def test_opening_the_original_is_an_access_event(personas):
    item = an_item(personas, kind="audio", data=MP3)
    opened = evidence.evidence_open(
        actor=personas.legal_officer_a, membership=member(personas.legal_officer_a), item=item, reason="Transcribing"
    )
    assert opened.original == MP3
    access = item.custody.get(sequence=2)
    assert (access.kind, access.reason, access.actor_id) == ("access", "Transcribing", personas.legal_officer_a.pk)
    physical = an_item(personas, kind="physical", data=None, physical_location="Locker 2")
    with pytest.raises(Http404):
        evidence.evidence_open(
            actor=personas.legal_officer_a, membership=member(personas.legal_officer_a), item=physical
        )


def _copy(personas, item, **values):
    return evidence.evidence_copy_make(
        actor=personas.legal_officer_a, membership=member(personas.legal_officer_a), item=item, **values
    )


def test_a_photo_copy_without_metadata_is_made_from_the_original_which_keeps_its_own(personas):
    photo = a_photo_with_gps()
    item = an_item(personas, kind="photo", data=photo)
    copy = _copy(personas, item, kind="metadata_stripped", note="For the hearing bundle")
    with Image.open(io.BytesIO(copy.content)) as image:
        assert GPS_TAG not in image.getexif() and 0x0110 not in image.getexif()
        assert image.size == (32, 24)
    assert copy.sha256 == evidence.sha256_of(copy.content) != item.original_sha256
    item.refresh_from_db()
    assert item.original == photo
    event = item.custody.get(sequence=2)
    assert (event.kind, event.reason) == ("copy", "For the hearing bundle")
    assert f"copy:{copy.pk}" in AuditEvent.objects.get(action="legal.evidence_copy").fields


def test_a_redacted_version_is_checked_like_the_original_and_linked_to_it(personas):
    item = an_item(personas)
    redacted = PDF.replace(b"Catalog", b"Catalog /Redacted true")
    copy = _copy(personas, item, kind="redacted", data=redacted)
    assert (copy.item_id, copy.content, copy.content_type) == (item.pk, redacted, "application/pdf")
    with pytest.raises(ValidationError) as error:
        _copy(personas, item, kind="redacted", data=MP3)
    assert "file" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _copy(personas, item, kind="metadata_stripped")
    assert "Only photos" in error.value.message_dict["kind"][0]
    with pytest.raises(ValidationError):
        _copy(personas, item, kind="redacted")
    assert item.copies.count() == 1
    assert item.custody.filter(kind=CustodyEvent.Kind.COPY).count() == 1


def test_a_copy_download_is_audited_and_hidden_from_other_organizations(personas):
    item = an_item(personas, kind="photo", data=a_photo_with_gps())
    copy = _copy(personas, item, kind="metadata_stripped")
    read = evidence.evidence_copy_read(
        actor=personas.legal_officer_a, membership=member(personas.legal_officer_a), copy=copy
    )
    assert read.content == copy.content
    assert AuditEvent.objects.filter(action="legal.evidence_copy_read", target_id=str(copy.pk)).exists()
    with pytest.raises(Http404):
        evidence.evidence_copy_read(
            actor=personas.legal_officer_b, membership=member(personas.legal_officer_b), copy=copy
        )
