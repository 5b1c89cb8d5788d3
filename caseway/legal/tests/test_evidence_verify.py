"""``evidence_verify``: altering an original's bytes, a custody event or the audit chain is detected,
and the command exits non-zero naming the item."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from caseway.audit.models import AuditEvent
from caseway.casework.tests.appointment_helpers import member
from caseway.legal import evidence
from caseway.legal.evidence_verify import verify_evidence
from caseway.legal.models import CustodyEvent, EvidenceCopy, EvidenceItem
from caseway.legal.tests.object_urls_evidence import a_copy, an_item
from caseway.vault import services as vault

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_anchor_file(settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = tmp_path / "audit-anchors.jsonl"


def _tamper(sql, params=()):
    """Raw SQL, as someone with database access would run it (on PostgreSQL past the audit
    log's append-only triggers, as a superuser could; the test's transaction undoes it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql, params)


def _opened(personas, item):
    return evidence.evidence_open(
        actor=personas.legal_officer_a, membership=member(personas.legal_officer_a), item=item, reason="Review"
    )


def _findings(item):
    reports = {report.item_id: report for report in verify_evidence()}
    return reports[str(item.pk)].findings


def _run():
    out = io.StringIO()
    try:
        call_command("evidence_verify", stdout=out, verbosity=1)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def test_it_passes_an_untouched_register(personas):
    item = an_item(personas)
    _opened(personas, item)
    an_item(personas, kind="physical", data=None, physical_location="Locker 1")
    assert all(report.ok for report in verify_evidence())
    code, output = _run()
    assert code == 0 and "2 items checked, 0 with damage; audit chain OK" in output


def test_it_detects_an_original_rewritten_by_someone_holding_the_keys(personas):
    item = an_item(personas)
    field = EvidenceItem._meta.get_field("original")
    forged = EvidenceItem(pk=item.pk, data_key_id=item.data_key_id)
    forged.original = b"%PDF-1.4 another statement\n%%EOF\n"
    EvidenceItem.objects.filter(pk=item.pk).update(original=field.pre_save(forged, True))
    assert "the original's bytes do not match the SHA-256 taken on arrival" in _findings(item)
    code, output = _run()
    assert code == 1 and f"E-1 of matter {item.matter_id}" in output and "1 with damage" in output


def test_it_detects_changed_bytes_of_the_stored_original(personas):
    item = an_item(personas)
    ciphertext = EvidenceItem.objects.filter(pk=item.pk).values_list("original", flat=True).get().ciphertext
    middle = len(ciphertext) // 2
    changed = ciphertext[:middle] + ("A" if ciphertext[middle] != "A" else "B") + ciphertext[middle + 1 :]
    EvidenceItem.objects.filter(pk=item.pk).update(original=_sealed(changed))
    assert "the original cannot be decrypted: its stored bytes were changed" in _findings(item)


def _sealed(ciphertext):
    from caseway.vault.fields import Sealed

    return Sealed(ciphertext)


def test_it_detects_a_changed_working_copy(personas):
    copy = a_copy(personas)
    field = EvidenceCopy._meta.get_field("content")
    forged = EvidenceCopy(pk=copy.pk, data_key_id=copy.data_key_id)
    forged.content = b"\xff\xd8\xff other picture"
    EvidenceCopy.objects.filter(pk=copy.pk).update(content=field.pre_save(forged, True))
    assert _findings(copy.item) == [f"the metadata_stripped working copy of {copy.created_at:%Y-%m-%d} was changed"]


def test_it_detects_a_removed_working_copy(personas):
    copy = a_copy(personas)
    EvidenceCopy.objects.filter(pk=copy.pk).delete()
    assert _findings(copy.item) == ["a working copy named in the audit log is missing from the register"]


def test_it_detects_a_changed_custody_event(personas):
    item = an_item(personas)
    access = _opened(personas, item).custody.get(sequence=2)
    CustodyEvent.objects.filter(pk=access.pk).update(at=access.at - datetime.timedelta(days=3))
    assert _findings(item) == ["custody event 2 (access): its content or its link to the one before was changed"]


def test_it_detects_a_forger_who_recomputes_the_digests(personas):
    item = an_item(personas)
    _opened(personas, item)
    first = item.custody.get(sequence=1)
    first.actor_label = "someone.else@example.org"
    new_digest = evidence.custody_digest(first, original_sha256=item.original_sha256, previous=evidence.GENESIS_DIGEST)
    CustodyEvent.objects.filter(pk=first.pk).update(actor_label=first.actor_label, digest=new_digest)
    findings = _findings(item)
    assert "custody event 1 (receipt): differs from the digest in the audit log" in findings
    # The next event covered the old digest: its link breaks too.
    assert "custody event 2 (access): its content or its link to the one before was changed" in findings


def test_it_detects_a_removed_custody_event(personas):
    item = an_item(personas)
    _opened(personas, item)
    _opened(personas, item)
    CustodyEvent.objects.filter(item=item, sequence=3).delete()
    assert _findings(item) == ["1 custody event(s) in the audit log are missing from the register"]
    CustodyEvent.objects.filter(item=item, sequence=1).delete()
    findings = _findings(item)
    assert findings.count("custody event 1 is missing (the next is 2)") == 1
    assert "custody event 2 (access): its content or its link to the one before was changed" in findings


def test_it_detects_a_removed_item_while_its_matter_exists(personas):
    item = an_item(personas)
    EvidenceItem.objects.filter(pk=item.pk).delete()
    reports = [report for report in verify_evidence() if report.item_id == str(item.pk)]
    assert reports[0].findings == ["in the audit log but missing from the register (deleted)"]
    assert _run()[0] == 1


def test_it_detects_a_changed_audit_event(personas):
    item = an_item(personas)
    audited = AuditEvent.objects.get(action="legal.evidence_receipt")
    fields = [name if not name.startswith("digest:") else "digest:" + "f" * 64 for name in audited.fields]
    _tamper("UPDATE audit_auditevent SET fields = %s WHERE seq = %s", [json.dumps(fields), audited.seq])
    assert "custody event 1 (receipt): differs from the digest in the audit log" in _findings(item)
    code, output = _run()
    assert code == 1
    assert f"audit chain: FAILED at seq {audited.seq}" in output


def test_it_skips_items_of_an_erased_client(personas):
    item = an_item(personas)
    vault.data_key_destroy(actor=None, data_key=item.data_key, reason="erasure")
    reports = verify_evidence()
    assert [report.skipped for report in reports] == ["the client was erased: its data key is destroyed"]
    assert _run()[0] == 0


def test_it_reports_progress_and_only_the_matter_asked(personas):
    first = an_item(personas)
    an_item(personas)
    out = io.StringIO()
    call_command("evidence_verify", "--matter", str(first.matter_id), "--every", "1", stdout=out, verbosity=2)
    assert "checked 1 of 1 items" in out.getvalue()
    assert f"E-1 of matter {first.matter_id}: OK" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("evidence_verify", "--matter", "not-a-matter", stdout=io.StringIO())
