"""Per-subject data keys, stored only wrapped under the versioned keyring (caseway.lib.crypto)."""

import uuid

from django.db import models
from django.utils import timezone

from caseway.lib.crypto import (
    KeyDestroyed,
    Keyring,
    generate_data_key,
    unwrap_data_key,
    wrap_data_key,
    wrapped_key_version,
)


class DataKeyManager(models.Manager):
    def create_for_subject(self) -> "DataKey":
        """A new random data key, wrapped under the current key-encryption key."""
        keyring = Keyring.from_settings()
        key_id = uuid.uuid4()
        # The raw key lives only in this frame; only the wrapped form reaches the database.
        wrapped = wrap_data_key(keyring, generate_data_key(), key_id=str(key_id))
        return self.create(id=key_id, wrapped_key=wrapped, kek_version=keyring.current_version)


class DataKey(models.Model):
    """One subject's data key. Destroying it crypto-shreds everything encrypted under it.

    Destruction overwrites the wrapped key in the row. The old bytes can still linger in
    database pages, the SQLite WAL, PostgreSQL dead tuples (until VACUUM) and backups, so
    backup retention bounds how long an erased subject stays recoverable.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wrapped_key = models.TextField(blank=True, editable=False)
    kek_version = models.PositiveIntegerField(editable=False)
    # Generation of the raw key, bound into every value's associated data; a future re-key of a
    # subject would create generation 2 rather than reuse 1.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    destroyed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = DataKeyManager()

    class Meta:
        indexes = [models.Index(fields=["kek_version"], name="vault_datakey_kek_version")]

    def __str__(self):
        return f"data key {self.pk}"

    @property
    def is_destroyed(self) -> bool:
        return self.destroyed_at is not None or not self.wrapped_key

    def unwrap(self) -> bytes:
        if self.is_destroyed:
            raise KeyDestroyed(f"Data key {self.pk} was destroyed; the data it protected cannot be recovered.")
        return unwrap_data_key(Keyring.from_settings(), self.wrapped_key, key_id=str(self.pk))

    def rewrap(self, keyring: Keyring) -> bool:
        """Re-wrap under the keyring's current version; False if destroyed or already current."""
        if self.is_destroyed:
            return False
        current = keyring.current_version
        # The wrapped text, not the column, is authoritative about which key wraps it.
        if self.kek_version == current and wrapped_key_version(self.wrapped_key) == current:
            return False
        raw = unwrap_data_key(keyring, self.wrapped_key, key_id=str(self.pk))
        self.wrapped_key = wrap_data_key(keyring, raw, key_id=str(self.pk))
        self.kek_version = current
        self.save(update_fields=["wrapped_key", "kek_version"])
        return True

    def destroy(self) -> None:
        """Crypto-shredding: forget the wrapped key. Idempotent."""
        if self.destroyed_at is not None and not self.wrapped_key:
            return
        self.wrapped_key = ""
        self.destroyed_at = self.destroyed_at or timezone.now()
        self.save(update_fields=["wrapped_key", "destroyed_at"])
