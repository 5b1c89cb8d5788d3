"""An evidence bundle: one matter's evidence (or one item) as a zip another machine can verify.

Inside::

    originals/E-1.pdf ...   the sealed originals, byte for byte
    custody_log.json        every item and every custody event, with the fields each digest covers
    custody_log.csv         the same events for a spreadsheet (cells guarded against formulas)
    README.txt              what this is and how to verify it
    SHA256SUMS              for ``sha256sum -c SHA256SUMS``
    manifest.json           SHA-256 and size of every file above

``tools/verify_bundle.py`` (standard library only) checks the files against the manifest, the
originals against the hashes taken on arrival, and each item's custody chain. Exporting is itself
a custody event of every item exported (a copy, or a submission to the forum), and the audit event
of the export names the manifest's SHA-256, so a recipient can confirm with the exporter that the
manifest they hold is the one that left.
"""

import hashlib
import json
import tempfile
import zipfile

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway import audit
from caseway.legal import evidence
from caseway.legal.models import CustodyEvent, EvidenceItem
from caseway.lib import csvsafe

FORMAT = "caseway-evidence-bundle"
VERSION = 1
PURPOSES = (CustodyEvent.Kind.COPY, CustodyEvent.Kind.SUBMISSION)
SPOOL_BYTES = 8 * 1024 * 1024  # bundles larger than this are written to a temporary file

README = """Caseway evidence bundle
=======================

Matter: {matter}
Client code: {client_code}
Exported at: {exported_at} (UTC) by {exported_by} ({organization})
Purpose: {purpose}
Items: {items}

What is inside
--------------
originals/        each sealed original exactly as it was received (E-1, E-2... are the register's numbers)
custody_log.json  every item with the SHA-256 taken when it arrived, and its whole chain of custody:
                  who, when, where and why it was collected or received, transferred, opened, copied,
                  exported or submitted. Each event's "digest" is the SHA-256 of its fields and of the
                  digest of the event before it, so no event can be changed, removed or reordered
                  without breaking the chain.
custody_log.csv   the same events as a table
SHA256SUMS        SHA-256 of every file but this one and manifest.json
manifest.json     SHA-256 and size of every file but itself

How to verify
-------------
1. With the Caseway verifier (Python 3, nothing to install):

       python3 verify_bundle.py this-bundle.zip

   It exits 0 when every file matches the manifest, every original matches the hash taken when it
   arrived and every custody chain is whole; otherwise it names each modified, missing or extra
   file and each broken chain, and exits 1. The script is tools/verify_bundle.py in Caseway's
   source; ask the sender for it if you do not have it.

2. By hand: unzip the bundle and run "sha256sum -c SHA256SUMS" in its folder; compare the SHA-256
   of each original with "original_sha256" in custody_log.json.

3. Ask the sender to confirm the SHA-256 of manifest.json (the verifier prints it): their audit
   log recorded it when the bundle was exported.
"""


def _json_bytes(value) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _event_entry(event: CustodyEvent, item: EvidenceItem) -> dict:
    entry = evidence.digest_content(event, original_sha256=item.original_sha256)
    entry["digest"] = event.digest
    entry["organization"] = event.organization.name
    entry["to_organization"] = event.to_organization.name if event.to_organization_id else ""
    return entry


def _csv(items: list[dict]) -> bytes:
    rows = [["item", "sequence", "what", "when (UTC)", "who", "organization", "to", "where", "why", "digest"]]
    for item in items:
        for event in item["events"]:
            rows.append(
                [
                    f"E-{item['number']}",
                    event["sequence"],
                    event["kind"],
                    event["at"],
                    event["actor_label"],
                    event["organization"],
                    event["to_organization"],
                    event["place"],
                    event["reason"],
                    event["digest"],
                ]
            )
    return csvsafe.csv_bytes(rows)


def _original_of(item: EvidenceItem) -> bytes:
    """The original, read on its own (one at a time in memory), checked against its hash."""
    data = EvidenceItem.objects.only("original", "data_key").select_related("data_key").get(pk=item.pk).original
    if evidence.sha256_of(data) != item.original_sha256:
        raise ValidationError(
            _(
                "E-%(number)s no longer matches the hash taken when it arrived: it cannot be exported. "
                "Tell an administrator."
            )
            % {"number": item.number}
        )
    return data


class _Zip:
    """Files added to the zip with their hashes remembered for the manifest."""

    def __init__(self, archive):
        self.archive = archive
        self.files: dict[str, dict] = {}

    def add(self, name: str, data: bytes, *, listed=True):
        self.archive.writestr(name, data)
        if listed:
            self.files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def bundle_export(*, actor, membership, items, purpose, place="", reason="", request=None):
    """(file name, open file at its start) of a bundle of ``items`` (all of one matter), each
    recorded as exported in its chain of custody. ValidationError when there is nothing to export."""
    evidence._require(membership)
    if purpose not in PURPOSES:
        raise ValidationError({"purpose": _("Choose what the export is for.")})
    target = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (returned open to the view)
    try:
        filename = _write(
            target,
            actor=actor,
            membership=membership,
            items=items,
            purpose=purpose,
            place=place,
            reason=reason,
            request=request,
        )
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return filename, target


def _write(target, *, actor, membership, items, purpose, place, reason, request) -> str:
    with transaction.atomic():
        locked = evidence.locked_items(membership, items)
        if not locked:
            raise ValidationError(_("There is no evidence to export."))
        matters = {item.matter_id for item in locked}
        if len(matters) != 1:
            raise ValidationError(_("A bundle holds the evidence of one matter."))
        matter = locked[0].matter
        for item in locked:
            evidence.custody_record_for_export(
                actor=actor,
                membership=membership,
                item=item,
                kind=purpose,
                fields=["bundle"],
                place=place,
                reason=reason,
                request=request,
            )
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            manifest, exported_at = _fill(
                _Zip(archive), locked, matter=matter, actor=actor, membership=membership, purpose=purpose
            )
        audit.record(
            actor,
            "legal.evidence_bundle_exported",
            matter,
            fields=[
                "originals",
                "custody_log",
                f"items:{len(locked)}",
                f"manifest:{hashlib.sha256(manifest).hexdigest()}",
            ],
            organization=membership.organization_id,
            request=request,
        )
    single = f"-E-{locked[0].number}" if len(locked) == 1 and len(items) == 1 else ""
    return f"evidence-{matter.client.code}{single}-{exported_at:%Y%m%d-%H%M%S}.zip"


def _fill(bundle, locked, *, matter, actor, membership, purpose):
    """Write the originals, the custody log, the README, SHA256SUMS and the manifest into
    ``bundle``; (manifest bytes, export time)."""
    events = (
        CustodyEvent.objects.filter(item__in=locked)
        .select_related("organization", "to_organization", "data_key")
        .order_by("item__number", "sequence")
    )
    by_item: dict = {item.pk: [] for item in locked}
    for event in events:
        by_item[event.item_id].append(event)
    log = []
    for item in locked:
        name = None
        if item.original_sha256:
            name = f"originals/{evidence.download_name(item)}"
            bundle.add(name, _original_of(item))
        log.append(
            {
                "id": str(item.pk),
                "number": item.number,
                "kind": item.kind,
                "file": name,
                "original_sha256": item.original_sha256,
                "original_size": item.original_size,
                "content_type": item.content_type,
                "collected_on": item.collected_on.isoformat() if item.collected_on else None,
                "events": [_event_entry(event, item) for event in by_item[item.pk]],
            }
        )
    exported_at = timezone.now()
    bundle.add(
        "custody_log.json",
        _json_bytes({"format": FORMAT, "version": VERSION, "matter": str(matter.pk), "items": log}),
    )
    bundle.add("custody_log.csv", _csv(log))
    readme = README.format(
        matter=matter.pk,
        client_code=matter.client.code,
        exported_at=evidence.canonical_time(exported_at),
        exported_by=getattr(actor, "email", ""),
        organization=membership.organization.name,
        purpose=purpose,
        items=len(locked),
    )
    bundle.add("README.txt", readme.encode("utf-8"))
    sums = "".join(f"{entry['sha256']}  {path}\n" for path, entry in sorted(bundle.files.items()))
    bundle.add("SHA256SUMS", sums.encode("ascii"))
    manifest = _json_bytes(
        {
            "format": FORMAT,
            "version": VERSION,
            "matter": str(matter.pk),
            "client_code": matter.client.code,
            "exported_at": evidence.canonical_time(exported_at),
            "purpose": purpose,
            "files": dict(sorted(bundle.files.items())),
        }
    )
    bundle.add("manifest.json", manifest, listed=False)
    return manifest, exported_at
