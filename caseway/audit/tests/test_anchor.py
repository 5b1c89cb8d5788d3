import base64
import hashlib
import hmac
import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from caseway.audit.models import GENESIS_HASH, AuditEvent
from caseway.audit.services import AnchorFileError, AuditChainError, anchor_write, read_anchors
from caseway.audit.tasks import anchor_audit_chain
from caseway.audit.tests.helpers import record_many

pytestmark = pytest.mark.django_db


def expected_signature(seq, row_hash):
    key = base64.b64decode(settings.AUDIT_KEY)
    return hmac.new(key, f"{seq}|{row_hash}".encode(), hashlib.sha256).hexdigest()


def lines_of(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_it_appends_the_signed_head_as_one_json_line_per_anchor(anchor_file):
    record_many(2)
    first = anchor_write()
    record_many(1)
    second = anchor_write()

    assert lines_of(anchor_file) == [first, second]
    last = AuditEvent.objects.get(seq=3)
    assert (second["seq"], second["hash"]) == (3, last.hash)
    assert second["signature"] == expected_signature(3, last.hash)
    assert set(second) == {"seq", "hash", "signed_at", "signature"}


def test_it_creates_the_anchor_files_directory(anchor_file):
    assert not anchor_file.parent.exists()

    anchor_write()

    assert anchor_file.exists()


def test_it_writes_where_it_is_told(tmp_path, anchor_file):
    target = tmp_path / "elsewhere" / "anchors.jsonl"

    anchor_write(path=target)

    assert len(lines_of(target)) == 1
    assert not anchor_file.exists()


def test_it_anchors_the_genesis_of_an_empty_chain():
    anchor = anchor_write()

    assert (anchor["seq"], anchor["hash"]) == (0, GENESIS_HASH)


def test_it_refuses_to_anchor_a_head_that_is_not_signed(tamper, anchor_file):
    record_many(2)
    tamper("UPDATE audit_auditchainhead SET signature = %s", ["0" * 64])

    with pytest.raises(AuditChainError):
        anchor_write()
    assert not anchor_file.exists()


def test_it_refuses_to_anchor_a_head_that_names_a_missing_event(tamper, anchor_file):
    record_many(2)
    tamper("DELETE FROM audit_auditevent WHERE seq = 2")

    with pytest.raises(AuditChainError):
        anchor_write()
    assert not anchor_file.exists()


def test_it_reads_back_every_anchor_with_its_line_number():
    record_many(1)
    anchor_write()
    record_many(1)
    anchor_write()

    assert [(anchor.line, anchor.seq) for anchor in read_anchors()] == [(1, 1), (2, 2)]


def test_it_reads_no_anchors_when_the_file_does_not_exist():
    assert read_anchors() == []


@pytest.mark.parametrize(
    "line",
    [
        "not json",
        "[1, 2]",
        '{"seq": -1, "hash": "00", "signature": "00"}',
        '{"seq": 1}',
        '{"seq": 1, "hash": "' + "0" * 64 + '", "signature": "' + "0" * 64 + '"}',
    ],
)
def test_it_refuses_an_anchor_file_line_it_cannot_trust(anchor_file, line):
    anchor_write()
    with anchor_file.open("a") as lines:
        lines.write(line + "\n")

    with pytest.raises(AnchorFileError, match="line 2"):
        read_anchors()


def test_the_command_writes_and_prints_an_anchor(anchor_file):
    record_many(3)
    out = StringIO()

    call_command("audit_anchor", stdout=out)

    printed = json.loads(out.getvalue())
    assert printed == lines_of(anchor_file)[0]
    assert printed["seq"] == 3


def test_the_command_exits_non_zero_when_the_head_cannot_be_anchored(tamper):
    record_many(1)
    tamper("UPDATE audit_auditchainhead SET signature = %s", ["0" * 64])

    with pytest.raises(CommandError) as failure:
        call_command("audit_anchor", stdout=StringIO())
    assert failure.value.returncode == 1


def test_the_task_writes_an_anchor(anchor_file):
    record_many(2)

    result = anchor_audit_chain.enqueue()

    assert result.return_value["seq"] == 2
    assert lines_of(anchor_file) == [result.return_value]
