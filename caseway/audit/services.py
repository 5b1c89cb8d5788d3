"""Writing, verifying and anchoring the audit chain.

``record`` is the one writer. ``verify_chain`` re-derives every hash and signature and checks the
links, the sequence, the head row and the anchors. ``anchor_write`` copies the signed head to a
file outside the database, so that even someone who can rewrite the database (or restore an old
backup of it) cannot cut the end off the chain unnoticed.
"""

import ipaddress
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from caseway.audit.models import (
    GENESIS_HASH,
    AuditChainHead,
    AuditEvent,
    sign_position,
    signature_matches,
)

MAX_FIELDS = 50
MAX_FIELD_NAME_LENGTH = 80
MAX_REASON_LENGTH = 2000
# Field names look like identifiers ("email", "identity.name", "totp"). Anything with a space or an
# "@" is almost certainly a value passed by mistake, and values must never reach the log.
FIELD_NAME_PATTERN = re.compile(r"[A-Za-z0-9_.:-]*")
ACTION_PATTERN = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)+")


class AuditChainError(Exception):
    """The chain cannot be appended to or anchored because its head is inconsistent."""


# ---------------------------------------------------------------------------------------------
# record


def _validated_fields(fields) -> list[str]:
    if isinstance(fields, (str, bytes)) or not isinstance(fields, (list, tuple)):
        raise TypeError("fields must be a list of field names.")
    if len(fields) > MAX_FIELDS:
        raise ValueError(f"An audit event names at most {MAX_FIELDS} fields.")
    for name in fields:
        if not isinstance(name, str):
            raise TypeError("Field names must be strings.")
        if len(name) > MAX_FIELD_NAME_LENGTH:
            raise ValueError(f"Field names are at most {MAX_FIELD_NAME_LENGTH} characters.")
        if not FIELD_NAME_PATTERN.fullmatch(name):
            raise ValueError("Field names may only hold letters, digits and _ . : - (names, never values).")
    return list(fields)


def _validated_action(action) -> str:
    if not isinstance(action, str) or len(action) > 100 or not ACTION_PATTERN.fullmatch(action):
        raise ValueError("action must look like 'app.verb_object', lower case, at most 100 characters.")
    return action


def _validated_reason(reason) -> str:
    if reason is None:
        return ""
    if not isinstance(reason, str):
        raise TypeError("reason must be a string.")
    if len(reason) > MAX_REASON_LENGTH:
        raise ValueError(f"reason is at most {MAX_REASON_LENGTH} characters.")
    return reason


def _target_of(target) -> tuple[str, str]:
    if target is None:
        return "", ""
    meta = getattr(target, "_meta", None)
    if meta is None:
        raise TypeError("target must be a model instance or None.")
    if target.pk is None:
        raise ValueError("An audit target must be saved first (it has no primary key).")
    return f"{meta.app_label}.{meta.model_name}", str(target.pk)


def _actor_of(actor, actor_label) -> tuple[int | None, str]:
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    if actor_label is None:
        # The email at the time of the event: the user may change it, or be erased, later.
        actor_label = getattr(actor, "email", "") if actor_id is not None else ""
    return actor_id, str(actor_label or "")[:254]


def _organization_id_of(organization, request) -> int | None:
    if organization is None and request is not None:
        membership = getattr(request, "membership", None)
        if membership is not None:
            return membership.organization_id
    if organization is None:
        return None
    value = getattr(organization, "pk", organization)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("organization must be an Organization, its integer primary key, or None.")
    return value


def _ip_of(request) -> str:
    # REMOTE_ADDR only: forwarded headers are client-controlled unless a trusted proxy rewrites
    # them, which is the deployment's job. Normalized so the stored text hashes identically back.
    raw = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return ""


def _locked_head() -> AuditChainHead:
    # The head row is the lock every writer queues on. Locking "the last event row" instead would
    # fork the chain on PostgreSQL: under READ COMMITTED a second writer waiting on that row wakes
    # up after the first commits, but its query still returns the *old* last row (the first
    # writer's new row was not in its snapshot), so both append seq n+1 after the same hash.
    # Locking a row that every writer *updates* makes the waiter re-read the committed head.
    # On SQLite select_for_update is a no-op; IMMEDIATE transactions take the write lock at BEGIN.
    head = AuditChainHead.objects.select_for_update().filter(pk=AuditChainHead.SINGLETON_PK).first()
    if head is None:
        # A new database, or one flushed by tests. Two first writers may both get here: the
        # loser of the insert race gets the winner's row, then waits for its lock like anyone.
        AuditChainHead.objects.get_or_create(
            pk=AuditChainHead.SINGLETON_PK,
            defaults={"seq": 0, "hash": GENESIS_HASH, "signature": sign_position(0, GENESIS_HASH)},
        )
        head = AuditChainHead.objects.select_for_update().get(pk=AuditChainHead.SINGLETON_PK)
    # A head at genesis while events exist means the head row was deleted (or reset): restarting
    # from genesis would fork the chain silently, so refuse and let audit_verify name the damage.
    if head.seq == 0 and AuditEvent.objects.exists():
        raise AuditChainError("The audit chain head is missing or reset while events exist; run audit_verify.")
    return head


def record(
    actor,
    action,
    target=None,
    *,
    fields=(),
    reason=None,
    organization=None,
    request=None,
    actor_label=None,
) -> AuditEvent:
    """Append one event to the chain and return it.

    ``fields`` names what was read or written, never the values. When ``organization`` is not
    given, the request's active membership decides it. Inside a caller's transaction the event
    commits or rolls back with the caller's work, and the head lock is held until then.
    """
    action = _validated_action(action)
    field_names = _validated_fields(fields)
    reason_text = _validated_reason(reason)
    target_type, target_id = _target_of(target)
    actor_id, label = _actor_of(actor, actor_label)
    organization_id = _organization_id_of(organization, request)
    ip = _ip_of(request)
    with transaction.atomic():
        head = _locked_head()
        event = AuditEvent(
            seq=head.seq + 1,
            created_at=timezone.now(),
            actor_id=actor_id,
            actor_label=label,
            organization_id=organization_id,
            action=action,
            target_type=target_type,
            target_id=target_id,
            fields=field_names,
            reason=reason_text,
            ip=ip,
            prev_hash=head.hash,
        )
        event.hash = event.compute_hash()
        event.signature = event.compute_signature()
        event.save()
        head.seq = event.seq
        head.hash = event.hash
        head.signature = head.compute_signature()
        head.save(update_fields=["seq", "hash", "signature"])
    return event


# ---------------------------------------------------------------------------------------------
# anchors


@dataclass(frozen=True)
class Anchor:
    line: int
    seq: int
    hash: str
    signed_at: str
    signature: str


class AnchorFileError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(f"anchor file line {line}: {message}")
        self.line = line


def _anchor_path(path) -> Path:
    return Path(path) if path is not None else Path(settings.AUDIT_ANCHOR_FILE)


def anchor_write(*, path=None) -> dict:
    """Append the signed chain head as one JSON line to the anchor file and return it.

    The file should live (or be copied) where the database's administrators cannot rewrite it:
    another machine, write-once storage, a printed report. An anchor is only worth what its
    storage is.
    """
    with transaction.atomic():
        head = AuditChainHead.objects.filter(pk=AuditChainHead.SINGLETON_PK).first()
        if head is None:
            if AuditEvent.objects.exists():
                raise AuditChainError("The audit chain head row is missing while events exist; run audit_verify.")
            seq, row_hash = 0, GENESIS_HASH
        else:
            seq, row_hash = head.seq, head.hash
            # Anchoring a head that does not match the chain would certify the damage.
            if not signature_matches(head.compute_signature(), head.signature):
                raise AuditChainError("The audit chain head has an invalid signature; run audit_verify.")
            if seq and not AuditEvent.objects.filter(seq=seq, hash=row_hash).exists():
                raise AuditChainError(f"The chain head names seq {seq}, which is not in the chain; run audit_verify.")
    anchor = {
        "seq": seq,
        "hash": row_hash,
        "signed_at": timezone.now().isoformat(),
        "signature": sign_position(seq, row_hash),
    }
    target = _anchor_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(anchor, sort_keys=True, separators=(",", ":")) + "\n"
    # O_APPEND keeps concurrent writers' lines whole; fsync so a crash cannot lose a written anchor.
    descriptor = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, line.encode("ascii"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return anchor


def _anchor_from(number: int, text: str) -> Anchor:
    try:
        data = json.loads(text)
    except ValueError:
        raise AnchorFileError(number, "not valid JSON") from None
    if not isinstance(data, dict):
        raise AnchorFileError(number, "not a JSON object")
    seq, row_hash, signature = data.get("seq"), data.get("hash"), data.get("signature")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
        raise AnchorFileError(number, "seq is not a non-negative integer")
    if not isinstance(row_hash, str) or not isinstance(signature, str):
        raise AnchorFileError(number, "hash or signature missing")
    if not signature_matches(sign_position(seq, row_hash), signature):
        raise AnchorFileError(number, "bad signature (the anchor was altered, or signed with another key)")
    return Anchor(line=number, seq=seq, hash=row_hash, signed_at=str(data.get("signed_at", "")), signature=signature)


def read_anchors(*, path=None) -> list[Anchor]:
    """Every anchor in the file, signatures checked; an absent file means no anchors yet."""
    source = _anchor_path(path)
    if not source.exists():
        return []
    anchors = []
    with source.open(encoding="ascii", errors="replace") as lines:
        for number, text in enumerate(lines, start=1):
            if text.strip():
                anchors.append(_anchor_from(number, text))
    return anchors


# ---------------------------------------------------------------------------------------------
# verify


@dataclass(frozen=True)
class VerificationResult:
    ok: bool
    events: int
    head_seq: int
    anchors: int
    first_bad_seq: int | None = None
    reason: str = ""

    def __str__(self):
        if self.ok:
            return f"OK: {self.events} events, head seq {self.head_seq}"
        if self.first_bad_seq is None:
            return f"FAILED: {self.reason}"
        return f"FAILED at seq {self.first_bad_seq}: {self.reason}"


class _Failure(Exception):
    def __init__(self, seq, reason):
        super().__init__(reason)
        self.seq = seq
        self.reason = reason


def _check_row(row: AuditEvent, expected_seq: int, prev_hash: str, anchors: list[Anchor]) -> None:
    # Order matters only for the message: the first check that fails names the kind of damage.
    if row.seq != expected_seq:
        raise _Failure(expected_seq, f"event missing (the next event present is seq {row.seq})")
    if row.compute_hash() != row.hash:
        raise _Failure(row.seq, "content does not match its hash (the event was changed)")
    if not signature_matches(row.compute_signature(), row.signature):
        raise _Failure(row.seq, "bad signature (the event was forged or re-hashed without the key)")
    if row.prev_hash != prev_hash:
        raise _Failure(row.seq, f"does not link to seq {expected_seq - 1} (events were removed or reordered)")
    for anchor in anchors:
        if anchor.hash != row.hash:
            raise _Failure(row.seq, f"differs from the anchor signed at {anchor.signed_at} (line {anchor.line})")


def _rows_after(seq: int, batch_size: int):
    return list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq")[:batch_size])


def _check_end(last_seq: int, last_hash: str, head: AuditChainHead | None) -> None:
    if head is None:
        if last_seq:
            raise _Failure(last_seq, "the chain head row is missing")
        return
    if not signature_matches(head.compute_signature(), head.signature):
        raise _Failure(head.seq, "the chain head row has a bad signature")
    if head.seq > last_seq:
        raise _Failure(last_seq + 1, f"event missing (the chain head records seq {head.seq}; the end was cut off)")
    if head.seq < last_seq:
        raise _Failure(head.seq + 1, f"event beyond the chain head (seq {head.seq}) was not written by record()")
    if head.hash != last_hash:
        raise _Failure(last_seq, "the chain head's hash differs from the last event's")


def verify_chain(*, batch_size=1000, anchor_path=None, progress: Callable[[int], None] | None = None):
    """Walk the whole chain in seq order, ``batch_size`` rows at a time, and report the first damage.

    Detects: changed content (hash), forged rows (signature), removed or reordered rows (seq gaps
    and prev_hash links), a cut-off end (head row and anchors), and a tampered head or anchor file.
    ``progress`` is called with the number of events checked after each batch.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1.")
    try:
        anchors = read_anchors(path=anchor_path)
    except AnchorFileError as error:
        return VerificationResult(ok=False, events=0, head_seq=0, anchors=0, first_bad_seq=None, reason=str(error))
    anchors_by_seq: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        anchors_by_seq.setdefault(anchor.seq, []).append(anchor)
    last_seq, last_hash, checked = 0, GENESIS_HASH, 0
    head = None
    try:
        while True:
            rows = _rows_after(last_seq, batch_size)
            for row in rows:
                _check_row(row, last_seq + 1, last_hash, anchors_by_seq.get(row.seq, []))
                last_seq, last_hash = row.seq, row.hash
                checked += 1
            if rows and progress is not None:
                progress(checked)
            if len(rows) == batch_size:
                continue
            # Read the head only after the walk: it is committed together with its event, so it is
            # never behind what we read. If it is ahead, events may have been appended meanwhile:
            # walk again before calling the end missing.
            head = AuditChainHead.objects.filter(pk=AuditChainHead.SINGLETON_PK).first()
            if head is not None and head.seq > last_seq and AuditEvent.objects.filter(seq__gt=last_seq).exists():
                continue
            break
        _check_end(last_seq, last_hash, head)
        for anchor in anchors:
            if anchor.seq > last_seq:
                raise _Failure(
                    last_seq + 1,
                    f"event missing (the anchor signed at {anchor.signed_at} records seq {anchor.seq};"
                    " the end was cut off)",
                )
    except _Failure as failure:
        return VerificationResult(
            ok=False,
            events=checked,
            head_seq=head.seq if head is not None else 0,
            anchors=len(anchors),
            first_bad_seq=failure.seq,
            reason=failure.reason,
        )
    return VerificationResult(ok=True, events=checked, head_seq=last_seq, anchors=len(anchors))
