#!/usr/bin/env python3
"""Verify a Caseway evidence bundle on any machine: Python 3.8 or later, standard library only.

    python3 verify_bundle.py bundle.zip

Checks that:

- every file listed in manifest.json is in the zip with the SHA-256 and size listed, and that the
  zip holds nothing else (each modified, missing or extra file is named);
- every original matches the SHA-256 taken when it arrived (custody_log.json);
- every item's chain of custody is whole: events numbered 1, 2, 3... with each digest equal to the
  SHA-256 of the event's fields and of the digest before it.

Exit status: 0 when all of that holds, 1 when anything does not (or the file is no bundle), 2 for
a wrong command line. The SHA-256 of manifest.json is printed: the sender's audit log recorded it
when the bundle was exported, so they can confirm it is the manifest that left.

The digest format is Caseway's ``caseway/legal/evidence.py`` (``digest_content``/``digest_of``);
this file repeats it so that it can be copied alone.
"""

import argparse
import hashlib
import json
import sys
import zipfile

FORMAT = "caseway-evidence-bundle"
MANIFEST = "manifest.json"
CUSTODY_LOG = "custody_log.json"
GENESIS_DIGEST = "0" * 64
# The fields of a custody event that its digest covers (with the previous event's digest).
DIGEST_KEYS = (
    "v",
    "item",
    "sequence",
    "kind",
    "at",
    "actor_id",
    "actor_label",
    "organization_id",
    "to_organization_id",
    "place",
    "reason",
    "original_sha256",
)


def digest_of(content, previous):
    """SHA-256 over the same serialization as caseway.legal.evidence.digest_of."""
    payload = dict(content)
    payload["previous"] = previous
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def _load_json(archive, name, problems):
    try:
        return json.loads(archive.read(name).decode("utf-8"))
    except KeyError:
        problems.append(f"missing: {name}")
    except (ValueError, UnicodeDecodeError):
        problems.append(f"unreadable: {name} is not valid JSON")
    return None


def check_files(archive, manifest, problems):
    """Every listed file present and unchanged; nothing unlisted. Returns the files' hashes."""
    names = [info.filename for info in archive.infolist() if not info.is_dir()]
    for name in sorted({name for name in names if names.count(name) > 1}):
        problems.append(f"duplicated: {name} is in the zip more than once")
    listed = manifest.get("files")
    if not isinstance(listed, dict):
        problems.append("unreadable: manifest.json lists no files")
        return {}
    present = set(names)
    hashes = {}
    for name, expected in sorted(listed.items()):
        if name not in present:
            problems.append(f"missing: {name}")
            continue
        data = archive.read(name)
        hashes[name] = _sha256(data)
        if not isinstance(expected, dict) or hashes[name] != expected.get("sha256"):
            problems.append(f"modified: {name} (its SHA-256 differs from the manifest's)")
        elif len(data) != expected.get("size"):
            problems.append(f"modified: {name} (its size differs from the manifest's)")
    for name in sorted(present - set(listed) - {MANIFEST}):
        problems.append(f"extra: {name} is not in the manifest")
    return hashes


def check_chain(item, problems):
    """One item's custody events: numbered from 1, each digest recomputed over the one before."""
    label = f"E-{item.get('number')}"
    events = item.get("events")
    if not isinstance(events, list) or not events:
        problems.append(f"custody: {label} has no custody events")
        return 0
    previous, last_sequence = GENESIS_DIGEST, 0
    for position, event in enumerate(events, start=1):
        if not isinstance(event, dict) or any(key not in event for key in DIGEST_KEYS):
            problems.append(f"custody: {label} event {position} is incomplete")
            return position
        where = f"custody: {label} event {event['sequence']} ({event.get('kind')})"
        if event["sequence"] != last_sequence + 1:
            problems.append(f"custody: {label} event {last_sequence + 1} is missing (the next is {event['sequence']})")
        last_sequence = event["sequence"] if isinstance(event["sequence"], int) else last_sequence + 1
        if event["item"] != item.get("id") or event["original_sha256"] != item.get("original_sha256"):
            problems.append(f"{where} belongs to another item or another original")
        if digest_of({key: event[key] for key in DIGEST_KEYS}, previous) != event.get("digest"):
            problems.append(f"{where} was changed, or its link to the event before is broken")
        previous = event.get("digest")
    return len(events)


def check_items(log, manifest, hashes, problems):
    """Each original against the hash taken on arrival; each custody chain. Returns (items, events)."""
    items = log.get("items") if isinstance(log, dict) else None
    if not isinstance(items, list):
        problems.append(f"unreadable: {CUSTODY_LOG} lists no items")
        return 0, 0
    events = 0
    listed = manifest.get("files") if isinstance(manifest.get("files"), dict) else {}
    for item in items:
        if not isinstance(item, dict):
            problems.append(f"unreadable: {CUSTODY_LOG} has an item that is not an object")
            continue
        name = item.get("file")
        if name:
            if name not in listed:
                problems.append(f"missing: {name} (E-{item.get('number')}) is not in the manifest")
            elif name in hashes and hashes[name] != item.get("original_sha256"):
                problems.append(f"modified: {name} differs from the SHA-256 taken when E-{item.get('number')} arrived")
        events += check_chain(item, problems)
    return len(items), events


def verify(path):
    """(problems, summary) for the bundle at ``path``."""
    problems = []
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        return [f"unreadable: {path} is not a zip file ({error})"], ""
    with archive:
        try:
            manifest_bytes = archive.read(MANIFEST)
        except KeyError:
            return [f"missing: {MANIFEST}"], ""
        try:
            manifest = json.loads(manifest_bytes.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return [f"unreadable: {MANIFEST} is not valid JSON"], ""
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            return [f"unreadable: {MANIFEST} is not a Caseway evidence bundle's manifest"], ""
        hashes = check_files(archive, manifest, problems)
        log = _load_json(archive, CUSTODY_LOG, problems) if CUSTODY_LOG in hashes else None
        if log is None and CUSTODY_LOG not in hashes and f"missing: {CUSTODY_LOG}" not in problems:
            problems.append(f"missing: {CUSTODY_LOG} is not in the manifest")
        items, events = check_items(log, manifest, hashes, problems) if log is not None else (0, 0)
    summary = (
        f"{len(hashes)} files, {items} items, {events} custody events; "
        f"SHA-256 of manifest.json: {_sha256(manifest_bytes)}"
    )
    return problems, summary


def main(argv=None):
    parser = argparse.ArgumentParser(description="Verify a Caseway evidence bundle (zip).")
    parser.add_argument("bundle", help="the bundle's zip file")
    arguments = parser.parse_args(argv)
    problems, summary = verify(arguments.bundle)
    for problem in problems:
        print(problem)
    if problems:
        print(f"FAILED: {len(problems)} problem(s) found" + (f"; {summary}" if summary else ""))
        return 1
    print(f"OK: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
