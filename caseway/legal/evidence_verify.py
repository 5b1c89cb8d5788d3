"""Is the evidence as it was registered, and its chain of custody as it was recorded?

For every item (``verify_evidence``):

- the original decrypts (its ciphertext was not changed) and hashes to ``original_sha256`` with
  ``original_size`` bytes; each working copy hashes to its own ``sha256``, and every copy the
  audit log says was made (``copy:<id>``) is still there;
- its custody events run 1, 2, 3... and each digest is the one computed again from the event's
  fields, the item's original hash and the previous digest (``evidence.custody_digest``);
- each event's digest is the one its audit event names (``digest:<hex>``), and every custody event
  the audit log names for the item is still there (a removed last event shows here).

The audit chain itself is checked by ``audit.services.verify_chain`` (``evidence_verify`` runs it
too): a changed audit event, so one naming another digest, breaks it. Items whose client was erased
(their data key destroyed) cannot be opened any more and are reported as skipped, not as damage.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from caseway.audit.models import AuditEvent
from caseway.legal import evidence
from caseway.legal.models import CustodyEvent, EvidenceCopy, EvidenceItem, LegalMatter
from caseway.lib.crypto import KeyDestroyed, VaultError


@dataclass
class ItemReport:
    label: str
    item_id: str
    matter_id: str
    findings: list[str] = field(default_factory=list)
    skipped: str = ""

    @property
    def ok(self) -> bool:
        return not self.findings

    def __str__(self):
        if self.skipped:
            return f"{self.label}: skipped ({self.skipped})"
        if self.ok:
            return f"{self.label}: OK"
        return f"{self.label}: " + "; ".join(self.findings)


@dataclass
class AuditedItem:
    matter_id: str = ""
    digests: dict = field(default_factory=dict)  # custody event id -> digest named in the audit
    copies: set = field(default_factory=set)  # ids of the working copies the audit says were made


def _value_after(prefix: str, names) -> str:
    for name in names:
        if isinstance(name, str) and name.startswith(prefix):
            return name[len(prefix) :]
    return ""


def audited_custody() -> dict[str, AuditedItem]:
    """What the audit log says about custody: per item, each custody event's digest."""
    rows = AuditEvent.objects.filter(action__in=evidence.CUSTODY_ACTIONS, target_type="legal.custodyevent")
    audited: dict[str, AuditedItem] = defaultdict(AuditedItem)
    for target_id, names in rows.values_list("target_id", "fields").iterator(chunk_size=2000):
        entry = audited[_value_after("item:", names)]
        entry.matter_id = _value_after("matter:", names)
        entry.digests[target_id] = _value_after("digest:", names)
        copy_id = _value_after("copy:", names)
        if copy_id:
            entry.copies.add(copy_id)
    return audited


def _check_original(item: EvidenceItem, report: ItemReport) -> None:
    original = item.original
    if original is None:
        if item.original_sha256 or item.kind != EvidenceItem.Kind.PHYSICAL:
            report.findings.append("the original is missing")
        return
    if evidence.sha256_of(original) != item.original_sha256:
        report.findings.append("the original's bytes do not match the SHA-256 taken on arrival")
    if len(original) != item.original_size:
        report.findings.append("the original's size differs from the size registered")


def _check_copies(item: EvidenceItem, audited: AuditedItem | None, report: ItemReport) -> None:
    copies = list(
        EvidenceCopy.objects.filter(item=item).defer("content").select_related("data_key").order_by("created_at")
    )
    if audited is not None and audited.copies - {str(copy.pk) for copy in copies}:
        report.findings.append("a working copy named in the audit log is missing from the register")
    for copy in copies:
        try:
            unchanged = evidence.sha256_of(copy.content) == copy.sha256
        except VaultError:
            unchanged = False
        if not unchanged:
            report.findings.append(f"the {copy.kind} working copy of {copy.created_at:%Y-%m-%d} was changed")


def _check_custody(item: EvidenceItem, events, audited: AuditedItem | None, report: ItemReport) -> None:
    previous = evidence.GENESIS_DIGEST
    named = dict(audited.digests) if audited is not None else {}
    if not events:
        report.findings.append("no custody event (its arrival was never recorded)")
    last_sequence = 0
    for event in events:
        where = f"custody event {event.sequence} ({event.kind})"
        if event.sequence != last_sequence + 1:
            report.findings.append(f"custody event {last_sequence + 1} is missing (the next is {event.sequence})")
        last_sequence = event.sequence
        try:
            computed = evidence.custody_digest(event, original_sha256=item.original_sha256, previous=previous)
        except VaultError:
            report.findings.append(f"{where}: its place or reason cannot be decrypted (changed)")
            computed = ""
        if computed and computed != event.digest:
            report.findings.append(f"{where}: its content or its link to the one before was changed")
        audited_digest = named.pop(str(event.pk), None)
        if audited_digest is None:
            report.findings.append(f"{where}: not in the audit log")
        elif audited_digest != event.digest:
            report.findings.append(f"{where}: differs from the digest in the audit log")
        previous = event.digest
    if named:
        report.findings.append(f"{len(named)} custody event(s) in the audit log are missing from the register")


def verify_item(item: EvidenceItem, audited: AuditedItem | None) -> ItemReport:
    report = ItemReport(
        label=f"E-{item.number} of matter {item.matter_id}", item_id=str(item.pk), matter_id=str(item.matter_id)
    )
    if item.data_key.is_destroyed:
        report.skipped = "the client was erased: its data key is destroyed"
        return report
    try:
        _check_original(item, report)
    except KeyDestroyed:
        report.skipped = "the client was erased: its data key is destroyed"
        return report
    except VaultError:
        report.findings.append("the original cannot be decrypted: its stored bytes were changed")
    _check_copies(item, audited, report)
    events = list(CustodyEvent.objects.filter(item=item).select_related("data_key").order_by("sequence"))
    _check_custody(item, events, audited, report)
    return report


def _gone_items(audited: dict[str, AuditedItem], seen: set[str]) -> list[ItemReport]:
    """Items the audit log knows and the register no longer has: damage while their matter exists;
    gone with an erased client's matter otherwise."""
    missing = {item_id: entry for item_id, entry in audited.items() if item_id not in seen}
    if not missing:
        return []
    matters = {
        str(pk)
        for pk in LegalMatter.objects.filter(pk__in={e.matter_id for e in missing.values()}).values_list(
            "pk", flat=True
        )
    }
    reports = []
    for item_id, entry in sorted(missing.items()):
        report = ItemReport(
            label=f"item {item_id} of matter {entry.matter_id}", item_id=item_id, matter_id=entry.matter_id
        )
        if entry.matter_id in matters:
            report.findings.append("in the audit log but missing from the register (deleted)")
        else:
            report.skipped = "its matter is gone (erased with its client)"
        reports.append(report)
    return reports


def verify_evidence(*, matter=None, progress: Callable[[int, int], None] | None = None, every=100) -> list[ItemReport]:
    """A report for every item (of ``matter``, or all), and for items the audit log names that the
    register no longer has. ``progress(checked, total)`` is called every ``every`` items."""
    items = EvidenceItem.objects.defer("original").select_related("data_key").order_by("matter_id", "number")
    if matter is not None:
        items = items.filter(matter=matter)
    total = items.count()
    audited = audited_custody()
    if matter is not None:
        audited = {key: value for key, value in audited.items() if value.matter_id == str(matter.pk)}
    reports, seen = [], set()
    for checked, item in enumerate(items.iterator(chunk_size=100), start=1):
        seen.add(str(item.pk))
        reports.append(verify_item(item, audited.get(str(item.pk))))
        if progress is not None and checked % every == 0:
            progress(checked, total)
    reports.extend(_gone_items(audited, seen))
    return reports
