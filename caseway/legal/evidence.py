"""The evidence register of a legal matter and each item's chain of custody.

- **Register**: an item is a document, a photo, an audio or video recording, a testimony
  transcript (each an uploaded original) or a reference to physical evidence (where it is held).
  The original is checked by its content, hashed (SHA-256) on arrival and kept encrypted under the
  client's key, **sealed**: no code path writes it again (``_refuse_rewriting`` below refuses any
  save that would). Documents and photos go through ``lib/uploads.check_file`` (PDF, JPEG, PNG; no
  archives, no hidden files, no active PDFs) but the bytes kept are the original's, not the clean
  copy. ``lib/uploads`` knows no audio, video or text, so ``_media_type`` and ``_plain_text`` below
  recognise those by their first bytes.
- **Working copies** are separate rows linked to the original: a photo re-encoded from its pixels
  only (``lib/uploads``: no EXIF, GPS or comments), or a redacted version someone uploads.
- **Custody**: registering (collection or receipt), transferring to another party organization,
  submitting to the forum, opening the original, making a copy and exporting a bundle are each a
  ``CustodyEvent``: who, when, where, why. Its ``digest`` is SHA-256 over the event's fields, the
  item's original hash and the previous event's digest (``custody_digest``), and the audit event
  recorded with it names that digest (``digest:<hex>``), so a changed custody row no longer
  matches the tamper-evident audit chain. ``evidence_verify.py`` checks all of it.

Any party organization's legal staff may register, open, copy and export; only the custodian
organization transfers. Every write is audited, field names only.
"""

import datetime
import hashlib
import json
from datetime import UTC

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, signals
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway import audit
from caseway.legal import access
from caseway.legal.models import CoCounsel, CustodyEvent, EvidenceCopy, EvidenceItem, LegalMatter
from caseway.legal.services import _require
from caseway.lib import uploads
from caseway.orgs.models import Organization

GENESIS_DIGEST = "0" * 64
DIGEST_FORMAT_VERSION = 1
ACTION_PREFIX = "legal.evidence_"
# The audit actions of custody events: "legal.evidence_" + the event's kind.
CUSTODY_ACTIONS = tuple(f"{ACTION_PREFIX}{kind}" for kind in CustodyEvent.Kind.values)

TEXT = "text/plain"
AUDIO_TYPES = {
    "audio/mpeg": "mp3",
    "audio/wav": "wav",
    "audio/ogg": "ogg",
    "audio/flac": "flac",
    "audio/amr": "amr",
    "audio/mp4": "m4a",
    "audio/webm": "webm",
    "audio/3gpp": "3gp",
}
VIDEO_TYPES = {
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/3gpp": "3gp",
    "video/webm": "webm",
    "video/x-msvideo": "avi",
    "video/ogg": "ogv",
}
# A container that holds either (MP4, WebM, 3GP, Ogg) is named after what the item is.
AS_AUDIO = {"video/mp4": "audio/mp4", "video/webm": "audio/webm", "video/3gpp": "audio/3gpp"}
AS_VIDEO = {"audio/ogg": "video/ogg"}
EXTENSIONS = {**uploads.EXTENSIONS, **AUDIO_TYPES, **VIDEO_TYPES, TEXT: "txt"}
# What an item arrives by: collected by the organization itself, or received from someone.
ARRIVALS = (CustodyEvent.Kind.COLLECTION, CustodyEvent.Kind.RECEIPT)


class SealedError(Exception):
    """Something tried to write a sealed original, a working copy or a custody event again."""


# ---------------------------------------------------------------------------------------------
# sealing: nothing rewrites an original, a copy or a custody event

_ITEM_SEALED = ("original", "original_name", "original_sha256", "original_size", "content_type", "matter", "number")


def _names_and_attnames(model, names) -> frozenset:
    fields = [model._meta.get_field(name) for name in names]
    return frozenset(field.name for field in fields) | frozenset(field.attname for field in fields)


ITEM_SEALED_FIELDS = _names_and_attnames(EvidenceItem, _ITEM_SEALED)


def _refuse_rewriting(sender, instance, raw=False, update_fields=None, **kwargs):
    """A saved item may only change outside its sealed fields (the custodian, after a transfer), and
    only with ``update_fields`` naming what changes; copies and custody events never change."""
    if instance._state.adding:
        return
    if sender is EvidenceItem and update_fields is not None and not (set(update_fields) & ITEM_SEALED_FIELDS):
        return
    raise SealedError(f"{sender._meta.label} {instance.pk} is sealed: its original and record are never rewritten.")


for _model in (EvidenceItem, EvidenceCopy, CustodyEvent):
    signals.pre_save.connect(_refuse_rewriting, sender=_model, dispatch_uid=f"legal.sealed.{_model.__name__}")


# ---------------------------------------------------------------------------------------------
# what a file is


def _refuse(message) -> ValidationError:
    return ValidationError({"file": message})


def _media_type(data: bytes) -> tuple[str, str] | None:
    """("audio" or "video" or "either", content type) by the container's first bytes, or None."""
    head = data[:16]
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return "audio", "audio/mp4"
        if brand.startswith(b"3g"):
            return "either", "video/3gpp"
        if brand == b"qt  ":
            return "video", "video/quicktime"
        return "either", "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # Matroska / WebM (EBML)
        return "either", "video/webm"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio", "audio/wav"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video", "video/x-msvideo"
    if head.startswith(b"OggS"):
        return "either", "audio/ogg"
    if head.startswith(b"fLaC"):
        return "audio", "audio/flac"
    if head.startswith(b"#!AMR"):
        return "audio", "audio/amr"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06):
        return "audio", "audio/mpeg"
    return None


def _recording_type(kind: str, data: bytes) -> str:
    found = _media_type(data)
    if kind == EvidenceItem.Kind.AUDIO:
        if found is None or found[0] == "video":
            raise _refuse(
                _("Send an audio recording (MP3, M4A, WAV, OGG, FLAC, AMR, 3GP or WebM). This file is something else.")
            )
        return AS_AUDIO.get(found[1], found[1])
    if found is None or found[0] == "audio":
        raise _refuse(_("Send a video recording (MP4, MOV, 3GP, WebM or AVI). This file is something else."))
    return AS_VIDEO.get(found[1], found[1])


def _plain_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not any(ord(character) < 32 and character not in "\t\n\r\f" for character in text)


def check_original(kind: str, data: bytes) -> str:
    """The content type of an original of ``kind``, from its bytes; ValidationError saying why not."""
    max_bytes = uploads.limit()
    if not data:
        raise _refuse(_("The file is empty."))
    if len(data) > max_bytes:
        raise _refuse(_("The file is too big. The largest allowed is %(size)s.") % {"size": filesizeformat(max_bytes)})
    if kind in (EvidenceItem.Kind.AUDIO, EvidenceItem.Kind.VIDEO):
        return _recording_type(kind, data)
    if kind == EvidenceItem.Kind.TRANSCRIPT and not data.startswith(b"%PDF-"):
        if not _plain_text(data):
            raise _refuse(_("Send the transcript as a PDF or as plain text (UTF-8)."))
        return TEXT
    checked = uploads.check_file(data, max_bytes=max_bytes)
    if kind == EvidenceItem.Kind.PHOTO and checked.content_type == uploads.PDF:
        raise _refuse(_("Send the photo as a JPEG or PNG picture."))
    if kind == EvidenceItem.Kind.TRANSCRIPT and checked.content_type != uploads.PDF:
        raise _refuse(_("Send the transcript as a PDF or as plain text (UTF-8)."))
    return checked.content_type


def extension_of(content_type: str) -> str:
    return EXTENSIONS.get(content_type, "bin")


def download_name(item: EvidenceItem) -> str:
    """What an original is called outside: its number and type, never the name it was sent with."""
    return f"E-{item.number}.{extension_of(item.content_type)}"


def copy_download_name(copy: EvidenceCopy, item: EvidenceItem) -> str:
    return f"E-{item.number}-{copy.kind.replace('_', '-')}.{extension_of(copy.content_type)}"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------------------------
# the custody chain


def canonical_time(moment: datetime.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("Custody times must be aware.")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def digest_content(event: CustodyEvent, *, original_sha256: str) -> dict:
    """The fields a custody digest covers, as plain JSON values (the bundle's custody log holds them
    so that ``tools/verify_bundle.py`` can compute the same digest elsewhere)."""
    return {
        "v": DIGEST_FORMAT_VERSION,
        "item": str(event.item_id),
        "sequence": event.sequence,
        "kind": event.kind,
        "at": canonical_time(event.at),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "organization_id": event.organization_id,
        "to_organization_id": event.to_organization_id,
        "place": event.place or "",
        "reason": event.reason or "",
        "original_sha256": original_sha256,
    }


def digest_of(content: dict, previous: str) -> str:
    """SHA-256 over one fixed serialization of ``content`` and the previous event's digest."""
    text = json.dumps({**content, "previous": previous}, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def custody_digest(event: CustodyEvent, *, original_sha256: str, previous: str) -> str:
    return digest_of(digest_content(event, original_sha256=original_sha256), previous)


def _clean(text) -> str | None:
    return (text or "").strip() or None


def _custody_record(*, actor, membership, item, kind, fields, to_organization=None, place="", reason="", request=None):
    """Append one event to ``item``'s chain (the caller holds the item's row lock) and audit it with
    its digest."""
    last = item.custody.order_by("-sequence").values_list("sequence", "digest").first()
    sequence, previous = (last[0] + 1, last[1]) if last else (1, GENESIS_DIGEST)
    event = CustodyEvent(
        item=item,
        sequence=sequence,
        kind=kind,
        at=timezone.now(),
        actor=actor,
        actor_label=(getattr(actor, "email", "") or "")[:254],
        organization_id=membership.organization_id,
        to_organization=to_organization,
        data_key_id=item.data_key_id,
        place=_clean(place),
        reason=_clean(reason),
    )
    event.digest = custody_digest(event, original_sha256=item.original_sha256, previous=previous)
    event.save(force_insert=True)
    audit.record(
        actor,
        f"{ACTION_PREFIX}{kind}",
        event,
        fields=[*fields, "place", "reason", f"item:{item.pk}", f"matter:{item.matter_id}", f"digest:{event.digest}"],
        organization=membership.organization_id,
        request=request,
    )
    return event


def _locked_item(membership, item) -> EvidenceItem:
    from caseway.legal import evidence_access

    evidence_access.get_item_for_member(membership, item.pk)
    return EvidenceItem.objects.select_for_update().select_related("matter").get(pk=item.pk)


# ---------------------------------------------------------------------------------------------
# services


def evidence_register(
    *,
    actor,
    membership,
    matter,
    kind,
    description="",
    data: bytes | None = None,
    original_name="",
    physical_location="",
    collected_on=None,
    arrival=CustodyEvent.Kind.RECEIPT,
    place="",
    reason="",
    request=None,
) -> EvidenceItem:
    """Register an item on ``matter``: an uploaded original (sealed) or physical evidence held
    somewhere. The registering organization is its first custodian; its arrival (collected by the
    organization or received) is the first custody event."""
    _require(membership)
    if kind not in EvidenceItem.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of evidence from the list.")})
    if arrival not in ARRIVALS:
        raise ValidationError({"arrival": _("Say whether your organization collected or received it.")})
    if collected_on is not None and collected_on > timezone.localdate():
        raise ValidationError({"collected_on": _("The day it was collected cannot be in the future.")})
    content_type, sha256, size = "", "", None
    if kind == EvidenceItem.Kind.PHYSICAL:
        if data:
            raise ValidationError({"file": _("Physical evidence is registered by where it is held, without a file.")})
        if not _clean(physical_location):
            raise ValidationError({"physical_location": _("Say where the physical evidence is held.")})
        data = None
    else:
        if data is None:
            raise ValidationError({"file": _("Choose the file of the original.")})
        content_type = check_original(kind, data)
        sha256, size = sha256_of(data), len(data)
    with transaction.atomic():
        matter = access.get_matter_for_member(membership, matter.pk)
        matter = LegalMatter.objects.select_for_update().get(pk=matter.pk)
        last = matter.evidence.order_by("-number").values_list("number", flat=True).first()
        item = EvidenceItem.objects.create(
            matter=matter,
            number=(last or 0) + 1,
            kind=kind,
            data_key_id=matter.data_key_id,
            description=_clean(description),
            original=data,
            original_name=_clean(original_name[:255] if original_name else ""),
            original_sha256=sha256,
            original_size=size,
            content_type=content_type,
            physical_location=_clean(physical_location) if kind == EvidenceItem.Kind.PHYSICAL else None,
            collected_on=collected_on,
            custodian_id=membership.organization_id,
            registered_by=actor,
        )
        fields = ["kind", "description", "original", "original_name", "physical_location", "collected_on"]
        _custody_record(
            actor=actor,
            membership=membership,
            item=item,
            kind=arrival,
            fields=fields,
            place=place,
            reason=reason,
            request=request,
        )
    return item


def party_organizations(matter) -> list[Organization]:
    """The matter's lead and co-counsel organizations: who may hold its evidence."""
    co_counsel = CoCounsel.objects.filter(matter=matter).values("organization_id")
    return list(Organization.objects.filter(Q(pk__in=co_counsel) | Q(pk=matter.lead_organization_id)).order_by("name"))


def evidence_transfer(
    *, actor, membership, item, to_organization=None, place="", reason="", request=None
) -> CustodyEvent:
    """The custodian hands the item to another party organization of the matter (it becomes the
    custodian), or, with no ``to_organization``, records its submission to the forum."""
    _require(membership)
    if not _clean(reason):
        raise ValidationError({"reason": _("Say why it is handed over.")})
    with transaction.atomic():
        item = _locked_item(membership, item)
        if item.custodian_id != membership.organization_id:
            raise PermissionDenied
        if to_organization is None:
            return _custody_record(
                actor=actor,
                membership=membership,
                item=item,
                kind=CustodyEvent.Kind.SUBMISSION,
                fields=[],
                place=place,
                reason=reason,
                request=request,
            )
        if to_organization.pk == item.custodian_id:
            raise ValidationError({"to": _("Your organization already holds it.")})
        if to_organization.pk not in {party.pk for party in party_organizations(item.matter)}:
            raise ValidationError({"to": _("Evidence is handed only to an organization working on the matter.")})
        item.custodian = to_organization
        item.save(update_fields=["custodian"])
        return _custody_record(
            actor=actor,
            membership=membership,
            item=item,
            kind=CustodyEvent.Kind.TRANSFER,
            fields=["custodian"],
            to_organization=to_organization,
            place=place,
            reason=reason,
            request=request,
        )


def evidence_open(*, actor, membership, item, place="", reason="", request=None) -> EvidenceItem:
    """The original, for download: an access event in its chain of custody. Physical evidence has
    no file to open (404)."""
    from django.http import Http404

    _require(membership)
    with transaction.atomic():
        item = _locked_item(membership, item)
        if item.original is None:
            raise Http404
        _custody_record(
            actor=actor,
            membership=membership,
            item=item,
            kind=CustodyEvent.Kind.ACCESS,
            fields=["original"],
            place=place,
            reason=reason,
            request=request,
        )
    return item


def evidence_copy_make(
    *, actor, membership, item, kind, data: bytes | None = None, note="", request=None
) -> EvidenceCopy:
    """A working copy of the original, linked to it: a photo with its metadata stripped (made here,
    re-encoded from its pixels), or a redacted version someone uploads (checked like an original of
    the item's kind; a picture is kept without its metadata too). A copy event in the chain."""
    _require(membership)
    if kind not in EvidenceCopy.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of copy from the list.")})
    if kind == EvidenceCopy.Kind.REDACTED and not data:
        raise ValidationError({"file": _("Choose the file of the redacted version.")})
    if kind == EvidenceCopy.Kind.METADATA_STRIPPED and data:
        raise ValidationError({"file": _("A copy without metadata is made from the original: send no file.")})
    with transaction.atomic():
        item = _locked_item(membership, item)
        if item.original is None:
            raise ValidationError(_("Physical evidence has no file to copy."))
        if kind == EvidenceCopy.Kind.METADATA_STRIPPED:
            if item.content_type not in (uploads.JPEG, uploads.PNG):
                raise ValidationError(
                    {
                        "kind": _(
                            "Only photos (JPEG or PNG) have their metadata stripped here. Upload a redacted version."
                        )
                    }
                )
            content_type = item.content_type
            content = uploads.check_file(item.original, max_bytes=len(item.original)).content
        else:
            content_type = check_original(item.kind, data)
            content = data
            if content_type in (uploads.JPEG, uploads.PNG):
                content = uploads.check_file(data, max_bytes=uploads.limit()).content
        copy = EvidenceCopy.objects.create(
            item=item,
            kind=kind,
            data_key_id=item.data_key_id,
            content=content,
            sha256=sha256_of(content),
            content_type=content_type,
            note=_clean(note),
            created_by=actor,
        )
        _custody_record(
            actor=actor,
            membership=membership,
            item=item,
            kind=CustodyEvent.Kind.COPY,
            fields=["copy", f"copy:{copy.pk}"],
            reason=note,
            request=request,
        )
    return copy


def evidence_copy_read(*, actor, membership, copy, request=None) -> EvidenceCopy:
    """A working copy, for download: an audited read (the sealed original is not touched)."""
    from caseway.legal import evidence_access

    _require(membership)
    copy = evidence_access.get_copy_for_member(membership, copy.pk)
    audit.record(
        actor,
        "legal.evidence_copy_read",
        copy,
        fields=["content"],
        organization=membership.organization_id,
        request=request,
    )
    return copy


def evidence_read(*, actor, membership, target, fields, request=None) -> None:
    """A look at the register (``target`` a matter) or at an item's record (its description, places
    and reasons): an audited read, not a custody event (the sealed original is not opened)."""
    _require(membership)
    audit.record(
        actor, "legal.evidence_read", target, fields=fields, organization=membership.organization_id, request=request
    )


def custody_record_for_export(*, actor, membership, item, kind, fields, place="", reason="", request=None):
    """For ``bundle.py``: the export of ``item`` (locked by the caller) as a copy or a submission."""
    if kind not in (CustodyEvent.Kind.COPY, CustodyEvent.Kind.SUBMISSION):
        raise ValidationError({"purpose": _("Choose what the export is for.")})
    return _custody_record(
        actor=actor,
        membership=membership,
        item=item,
        kind=kind,
        fields=fields,
        place=place,
        reason=reason,
        request=request,
    )


def locked_items(membership, items) -> list[EvidenceItem]:
    """``items`` (reached through the access helper), locked in a fixed order, for an export."""
    from caseway.legal import evidence_access

    pks = [item.pk for item in items]
    visible = evidence_access.visible_items(membership).filter(pk__in=pks).values("pk")
    return list(EvidenceItem.objects.select_for_update().filter(pk__in=visible).order_by("matter_id", "number"))
