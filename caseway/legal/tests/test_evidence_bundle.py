"""The evidence bundle, and ``tools/verify_bundle.py`` run as another machine would run it: the
system's ``python3``, standard library only, on a zip this code produced."""

import hashlib
import importlib.util
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from caseway.audit.models import AuditEvent
from caseway.casework.tests.appointment_helpers import member
from caseway.legal import bundle, evidence
from caseway.legal.models import CustodyEvent, EvidenceItem
from caseway.legal.tests.object_urls_evidence import MP3, PDF, a_photo_with_gps, an_item
from caseway.legal.tests.object_urls_legal import a_matter

pytestmark = pytest.mark.django_db
VERIFIER = Path(settings.BASE_DIR) / "tools" / "verify_bundle.py"
PYTHON3 = shutil.which("python3")


def _export(personas, items, user=None, **values):
    user = user or personas.legal_officer_a
    values.setdefault("purpose", "submission")
    values.setdefault("reason", '=HYPERLINK("http://example.org","Annex")')
    filename, target = bundle.bundle_export(actor=user, membership=member(user), items=items, **values)
    with target:
        return filename, target.read()


def _a_bundle(personas, tmp_path):
    matter = a_matter(personas)
    document = an_item(personas, matter=matter)
    an_item(personas, matter=matter, kind="audio", data=MP3, original_name="interview.mp3")
    an_item(personas, matter=matter, kind="physical", data=None, physical_location="Locker 7")
    evidence.evidence_open(
        actor=personas.legal_officer_a, membership=member(personas.legal_officer_a), item=document, reason="Review"
    )
    items = list(EvidenceItem.objects.filter(matter=matter))
    filename, data = _export(personas, items)
    path = tmp_path / filename
    path.write_bytes(data)
    return matter, path


def _verify(path):
    assert PYTHON3, "the system python3 runs the standalone verifier"
    result = subprocess.run(
        [PYTHON3, "-I", str(VERIFIER), str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    return result.returncode, result.stdout + result.stderr


def _rewrite(path, target, change):
    """A copy of the bundle at ``target`` with ``change(name, data)`` applied to every member
    (returning None drops it), plus whatever ``change`` adds under the key None."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as out:
        for name in source.namelist():
            data = change(name, source.read(name))
            if data is not None:
                out.writestr(name, data)
        extra = change(None, b"")
        if extra:
            out.writestr(*extra)
    return target


def test_it_exports_originals_manifest_and_custody_log_and_the_verifier_accepts_it(personas, tmp_path):
    matter, path = _a_bundle(personas, tmp_path)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        log = json.loads(archive.read("custody_log.json"))
        csv_text = archive.read("custody_log.csv").decode("utf-8-sig")
        assert archive.read("originals/E-1.pdf") == PDF
        assert archive.read("originals/E-2.mp3") == MP3
    assert names == {
        "originals/E-1.pdf",
        "originals/E-2.mp3",
        "custody_log.json",
        "custody_log.csv",
        "README.txt",
        "SHA256SUMS",
        "manifest.json",
    }
    assert manifest["files"]["originals/E-1.pdf"] == {"sha256": hashlib.sha256(PDF).hexdigest(), "size": len(PDF)}
    assert manifest["client_code"] == matter.client.code
    # Each export is the last event of each item's chain: a submission here.
    assert [[event["kind"] for event in item["events"]] for item in log["items"]] == [
        ["receipt", "access", "submission"],
        ["receipt", "submission"],
        ["receipt", "submission"],
    ]
    assert log["items"][2]["file"] is None
    # A reason typed as a formula reaches the spreadsheet as text.
    assert "'=HYPERLINK" in csv_text
    code, output = _verify(path)
    assert code == 0, output
    assert output.startswith("OK: 6 files, 3 items, 7 custody events")
    manifest_sha = output.strip().rsplit(" ", 1)[-1]
    exported = AuditEvent.objects.get(action="legal.evidence_bundle_exported")
    assert f"manifest:{manifest_sha}" in exported.fields
    assert exported.target_id == str(matter.pk)
    assert AuditEvent.objects.filter(action="legal.evidence_submission").count() == 3


def test_the_verifier_names_a_modified_original(personas, tmp_path):
    _matter, path = _a_bundle(personas, tmp_path)

    def flip_a_byte(name, data):
        if name == "originals/E-1.pdf":
            return data[:10] + bytes([data[10] ^ 1]) + data[11:]
        return None if name is None else data

    code, output = _verify(_rewrite(path, tmp_path / "modified.zip", flip_a_byte))
    assert code == 1
    assert "modified: originals/E-1.pdf (its SHA-256 differs from the manifest's)" in output
    assert "FAILED" in output


def test_the_verifier_names_missing_and_extra_files(personas, tmp_path):
    _matter, path = _a_bundle(personas, tmp_path)

    def swap(name, data):
        if name is None:
            return ("originals/E-9.pdf", PDF)
        return None if name == "originals/E-2.mp3" else data

    code, output = _verify(_rewrite(path, tmp_path / "swapped.zip", swap))
    assert code == 1
    assert "missing: originals/E-2.mp3" in output
    assert "extra: originals/E-9.pdf is not in the manifest" in output


def test_the_verifier_catches_a_rewritten_custody_log_even_with_a_matching_manifest(personas, tmp_path):
    _matter, path = _a_bundle(personas, tmp_path)
    with zipfile.ZipFile(path) as archive:
        log = json.loads(archive.read("custody_log.json"))
        manifest = json.loads(archive.read("manifest.json"))
    log["items"][0]["events"][1]["actor_label"] = "nobody@example.org"
    forged_log = json.dumps(log).encode()
    manifest["files"]["custody_log.json"] = {"sha256": hashlib.sha256(forged_log).hexdigest(), "size": len(forged_log)}

    def forge(name, data):
        if name == "custody_log.json":
            return forged_log
        if name == "manifest.json":
            return json.dumps(manifest).encode()
        return None if name is None else data

    code, output = _verify(_rewrite(path, tmp_path / "forged.zip", forge))
    assert code == 1
    assert "custody: E-1 event 2 (access) was changed, or its link to the event before is broken" in output
    # Leaving an event out breaks the numbering and the link of the one after.
    del log["items"][0]["events"][1]
    forged_log = json.dumps(log).encode()
    manifest["files"]["custody_log.json"] = {"sha256": hashlib.sha256(forged_log).hexdigest(), "size": len(forged_log)}
    code, output = _verify(_rewrite(path, tmp_path / "shortened.zip", forge))
    assert code == 1
    assert "custody: E-1 event 2 is missing (the next is 3)" in output
    assert "custody: E-1 event 3 (submission) was changed, or its link to the event before is broken" in output


def test_the_verifier_refuses_what_is_not_a_bundle(tmp_path):
    not_zip = tmp_path / "notes.zip"
    not_zip.write_bytes(b"plain text")
    assert _verify(not_zip)[0] == 1
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("hello.txt", "hi")
    code, output = _verify(empty)
    assert (code, output.splitlines()[0]) == (1, "missing: manifest.json")


def test_the_verifier_computes_digests_exactly_like_the_register(personas):
    spec = importlib.util.spec_from_file_location("verify_bundle", VERIFIER)
    verifier = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(verifier)
    item = an_item(personas, kind="photo", data=a_photo_with_gps(), place="Bureau « Nord »", reason="صورة")
    event = item.custody.get()
    content = evidence.digest_content(event, original_sha256=item.original_sha256)
    assert tuple(sorted(content)) == tuple(sorted(verifier.DIGEST_KEYS))
    assert verifier.digest_of(content, evidence.GENESIS_DIGEST) == event.digest


def test_one_item_is_exported_as_a_copy_and_other_organizations_export_nothing(personas):
    item = an_item(personas)
    filename, data = _export(personas, [item], purpose="copy")
    assert filename.startswith(f"evidence-{item.matter.client.code}-E-1-")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "originals/E-1.pdf" in archive.namelist()
    assert item.custody.order_by("-sequence").first().kind == CustodyEvent.Kind.COPY
    with pytest.raises(ValidationError):
        _export(personas, [item], user=personas.legal_officer_b)
    with pytest.raises(ValidationError):
        _export(personas, [item], purpose="transfer")
    assert item.custody.count() == 2


def test_it_refuses_to_export_an_original_that_no_longer_matches_its_hash(personas):
    item = an_item(personas)
    field = EvidenceItem._meta.get_field("original")
    forged = EvidenceItem(pk=item.pk, data_key_id=item.data_key_id)
    forged.original = b"%PDF-1.4 replaced\n%%EOF\n"
    EvidenceItem.objects.filter(pk=item.pk).update(original=field.pre_save(forged, True))
    with pytest.raises(ValidationError) as error:
        _export(personas, [item])
    assert "E-1 no longer matches the hash taken when it arrived" in error.value.messages[0]
    assert item.custody.count() == 1
    assert not AuditEvent.objects.filter(action="legal.evidence_bundle_exported").exists()
