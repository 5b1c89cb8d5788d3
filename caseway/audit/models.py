"""The audit log: append-only events, each chained to the one before by its hash.

Nothing here has a foreign key. Events outlive the users, organizations and rows they name,
and a row that can never be updated cannot follow an ``on_delete`` rule, so the references
are plain values copied at the time of the event.
"""

import hashlib
import hmac
import json
from datetime import UTC

from django.db import models
from django.utils.translation import gettext_lazy as _

from caseway.audit.keys import audit_key

GENESIS_HASH = "0" * 64
HASH_FORMAT_VERSION = 1


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit event through the ORM."""


class AuditEventQuerySet(models.QuerySet):
    # Bulk paths skip Model.save/delete, so they are closed here too. Raw SQL is refused by the
    # PostgreSQL trigger (migration 0002) and, everywhere, detected by ``audit_verify``.
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Audit events cannot be updated.")

    def bulk_create(self, objs, *args, **kwargs):
        raise AppendOnlyError("Audit events are written one at a time by caseway.audit.record().")

    def update_or_create(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be updated.")


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("time"))
    actor_id = models.PositiveBigIntegerField(_("actor id"), null=True, blank=True)
    actor_label = models.CharField(_("actor"), max_length=254, blank=True)
    # Indexed through the (organization_id, seq) index below, which also serves the page's order.
    organization_id = models.PositiveBigIntegerField(_("organization id"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    # Names of the fields read or written, never their values (DESIGN.md principle 4).
    fields = models.JSONField(_("fields"), default=list, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    signature = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["organization_id", "-seq"], name="audit_event_org_seq"),
            models.Index(fields=["target_type", "target_id"], name="audit_event_target"),
        ]
        constraints = [models.CheckConstraint(condition=models.Q(seq__gte=1), name="audit_event_seq_positive")]

    def __str__(self):
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be updated.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")

    def canonical_content(self) -> bytes:
        """Every content field and the previous hash, in one fixed serialization.

        The time is normalized to UTC with microseconds, the precision both databases keep, so
        the value read back hashes exactly like the value written.
        """
        if self.created_at.tzinfo is None:
            raise ValueError("Audit event times must be aware.")
        created_at = self.created_at.astimezone(UTC)
        content = {
            "v": HASH_FORMAT_VERSION,
            "seq": self.seq,
            "created_at": created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "organization_id": self.organization_id,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "fields": list(self.fields),
            "reason": self.reason,
            "ip": self.ip,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical_content()).hexdigest()

    def compute_signature(self) -> str:
        return sign_row_hash(self.hash)


class AuditChainHead(models.Model):
    """The one row saying where the chain ends: the last event's seq and hash, signed.

    ``record()`` locks this row to append, so writers queue here instead of forking the chain,
    and a deleted tail shows as a head that points past the last event.
    """

    SINGLETON_PK = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_PK)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)
    signature = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit chain head")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_chain_head_single_row")]

    def __str__(self):
        return f"head #{self.seq}"

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit chain head cannot be deleted.")

    def compute_signature(self) -> str:
        return sign_position(self.seq, self.hash)


def _hmac(message: str) -> str:
    return hmac.new(audit_key(), message.encode("ascii"), hashlib.sha256).hexdigest()


def sign_row_hash(row_hash: str) -> str:
    """The signature of one event: HMAC-SHA256 over its hash, with the key kept outside the database."""
    return _hmac(row_hash)


def sign_position(seq: int, row_hash: str) -> str:
    """The signature of a chain position (head row, anchors): HMAC over ``seq|hash``.

    The ``|`` keeps these messages distinct from row signatures, so one can never stand for the other.
    """
    return _hmac(f"{int(seq)}|{row_hash}")


def signature_matches(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode("ascii"), str(given).encode("ascii", "replace"))
