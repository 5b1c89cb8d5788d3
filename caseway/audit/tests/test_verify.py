import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from caseway import audit
from caseway.audit.models import AuditChainHead, AuditEvent, sign_position
from caseway.audit.services import anchor_write, verify_chain
from caseway.audit.tests.helpers import record_many

pytestmark = pytest.mark.django_db


def run_verify(**options):
    out, err = StringIO(), StringIO()
    call_command("audit_verify", stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def failure_of(**options) -> str:
    with pytest.raises(CommandError) as failure:
        run_verify(**options)
    assert failure.value.returncode == 1
    return str(failure.value)


def test_it_passes_an_untouched_chain():
    record_many(5)
    anchor_write()

    out, err = run_verify()

    assert out.strip() == "OK: 5 events, head seq 5"
    assert err == ""


def test_it_passes_an_empty_chain_and_warns_when_there_are_no_anchors():
    out, err = run_verify()

    assert out.strip() == "OK: 0 events, head seq 0"
    assert "no anchors" in err


def test_it_names_an_event_whose_content_was_changed(tamper):
    record_many(5)
    tamper("UPDATE audit_auditevent SET fields = %s WHERE seq = 3", ['["name","date_of_birth"]'])

    assert failure_of() == "FAILED at seq 3: content does not match its hash (the event was changed)"


def test_it_names_an_event_whose_time_was_changed(tamper):
    record_many(5)
    tamper("UPDATE audit_auditevent SET created_at = %s WHERE seq = 4", ["2001-01-01 00:00:00+00:00"])

    assert failure_of().startswith("FAILED at seq 4: content does not match")


@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_it_names_an_event_deleted_from_the_middle(tamper, batch_size):
    record_many(5)
    tamper("DELETE FROM audit_auditevent WHERE seq = 3")

    assert failure_of(batch_size=batch_size) == "FAILED at seq 3: event missing (the next event present is seq 4)"


def test_it_names_the_first_event_when_the_start_was_deleted(tamper):
    record_many(5)
    tamper("DELETE FROM audit_auditevent WHERE seq <= 2")

    assert failure_of().startswith("FAILED at seq 1: event missing")


def test_it_names_the_first_missing_event_when_the_end_was_cut_off(tamper):
    record_many(5)
    tamper("DELETE FROM audit_auditevent WHERE seq >= 4")

    assert failure_of() == "FAILED at seq 4: event missing (the chain head records seq 5; the end was cut off)"


def test_it_catches_a_cut_off_end_through_the_anchors_even_when_the_head_row_is_rewound(tamper):
    # The attacker kept a copy of the (validly signed) head row from an old backup.
    record_many(3)
    old_head = AuditChainHead.objects.values("seq", "hash", "signature").get()
    record_many(2)
    anchor_write()
    record_many(2)
    tamper("DELETE FROM audit_auditevent WHERE seq > 3")
    tamper(
        "UPDATE audit_auditchainhead SET seq = %s, hash = %s, signature = %s",
        [old_head["seq"], old_head["hash"], old_head["signature"]],
    )

    message = failure_of()

    assert message.startswith("FAILED at seq 4: event missing (the anchor signed at ")
    assert "records seq 5; the end was cut off)" in message
    # Without the anchor the rewound chain is self-consistent: the anchor is what catches it.
    assert verify_chain(anchor_path="/nonexistent/anchors.jsonl").ok


def test_it_names_an_event_that_differs_from_its_anchor(anchor_file):
    record_many(4)
    anchor_file.parent.mkdir(parents=True)
    # A validly signed anchor for another hash: what remains when someone holding the key
    # rewrote the chain from seq 3 on but could not reach the anchor copies.
    anchor = {"seq": 3, "hash": "f" * 64, "signed_at": "2026-01-01T00:00:00+00:00"}
    anchor["signature"] = sign_position(3, "f" * 64)
    anchor_file.write_text(json.dumps(anchor) + "\n")

    assert failure_of() == "FAILED at seq 3: differs from the anchor signed at 2026-01-01T00:00:00+00:00 (line 1)"


def test_it_names_the_first_of_two_swapped_events(tamper):
    record_many(5)
    tamper("UPDATE audit_auditevent SET seq = 1000 WHERE seq = 2")
    tamper("UPDATE audit_auditevent SET seq = 2 WHERE seq = 3")
    tamper("UPDATE audit_auditevent SET seq = 3 WHERE seq = 1000")

    assert failure_of().startswith("FAILED at seq 2: content does not match its hash")


def test_it_names_an_event_forged_with_a_recomputed_hash_but_without_the_key(tamper):
    record_many(5)
    forged = AuditEvent.objects.get(seq=3)
    forged.action = "system.nothing_happened"
    forged.hash = forged.compute_hash()  # anyone can compute SHA-256; only the key holder can sign
    tamper("UPDATE audit_auditevent SET action = %s, hash = %s WHERE seq = 3", [forged.action, forged.hash])

    assert failure_of() == "FAILED at seq 3: bad signature (the event was forged or re-hashed without the key)"


def test_it_names_an_event_signed_with_another_key(settings):
    record_many(2)
    real_key = settings.AUDIT_KEY
    settings.AUDIT_KEY = "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="  # 32 bytes of "A"
    audit.record(None, "system.started")
    settings.AUDIT_KEY = real_key

    assert failure_of().startswith("FAILED at seq 3: bad signature")


def test_it_names_an_event_that_links_to_the_wrong_predecessor(tamper):
    # Each event is self-consistent and signed, but seq 3 did not follow seq 2: only the link shows it.
    record_many(3)
    third = AuditEvent.objects.get(seq=3)
    third.prev_hash = "e" * 64
    third.hash = third.compute_hash()
    third.signature = third.compute_signature()
    tamper(
        "UPDATE audit_auditevent SET prev_hash = %s, hash = %s, signature = %s WHERE seq = 3",
        [third.prev_hash, third.hash, third.signature],
    )

    assert failure_of() == "FAILED at seq 3: does not link to seq 2 (events were removed or reordered)"


def test_it_names_the_head_when_its_signature_was_changed(tamper):
    record_many(3)
    tamper("UPDATE audit_auditchainhead SET signature = %s", ["0" * 64])

    assert failure_of() == "FAILED at seq 3: the chain head row has a bad signature"


def test_it_names_events_written_beyond_the_head(tamper):
    record_many(3)
    head_at_two = {"seq": 2, "hash": AuditEvent.objects.get(seq=2).hash}
    tamper(
        "UPDATE audit_auditchainhead SET seq = %s, hash = %s, signature = %s",
        [head_at_two["seq"], head_at_two["hash"], sign_position(2, head_at_two["hash"])],
    )

    assert failure_of().startswith("FAILED at seq 3: event beyond the chain head")


def test_it_fails_when_the_anchor_file_was_edited(anchor_file):
    record_many(2)
    anchor_write()
    anchor_file.write_text(anchor_file.read_text().replace('"seq":2', '"seq":1'))

    assert (
        failure_of() == "FAILED: anchor file line 1: bad signature (the anchor was altered, or signed with another key)"
    )


def test_it_walks_the_chain_in_batches_and_reports_progress():
    record_many(5)
    seen = []

    result = verify_chain(batch_size=2, progress=seen.append)

    assert result.ok
    assert (result.events, result.head_seq) == (5, 5)
    assert seen == [2, 4, 5]


def test_it_reads_each_batch_with_one_query(django_assert_max_num_queries):
    record_many(10)

    # 5 batches of 2, the empty read that ends the walk, and the head row.
    with django_assert_max_num_queries(7):
        assert verify_chain(batch_size=2).ok


def test_the_command_prints_progress_for_chains_longer_than_a_batch():
    record_many(5)

    out, _ = run_verify(batch_size=2)

    assert "checked 2 of about 5 events" in out
    assert out.strip().endswith("OK: 5 events, head seq 5")
