"""Every change to data keys goes through here."""

from collections.abc import Callable

from django.db import transaction

from caseway import audit
from caseway.lib.crypto import Keyring, VaultError
from caseway.vault.models import DataKey


def data_key_create(*, actor=None) -> DataKey:
    """A fresh data key for one subject. Not audited: the record that uses it is."""
    return DataKey.objects.create_for_subject()


@transaction.atomic
def data_key_destroy(*, actor, data_key: DataKey, reason: str) -> DataKey:
    """Crypto-shred everything encrypted under ``data_key``. Idempotent; audited once.

    The caller's ``data_key`` instance is updated too. Other in-memory copies (and plaintext
    already decrypted into model instances) live on until those objects are discarded.
    """
    locked = DataKey.objects.select_for_update().get(pk=data_key.pk)
    already_destroyed = locked.destroyed_at is not None and not locked.wrapped_key
    locked.destroy()
    data_key.wrapped_key, data_key.destroyed_at = locked.wrapped_key, locked.destroyed_at
    if not already_destroyed:
        audit.record(actor, "vault.data_key_destroyed", data_key, reason=reason)
    return data_key


def data_keys_rewrap(*, batch_size: int = 500, progress: Callable[[int, int], None] | None = None) -> int:
    """Re-wrap every live data key not yet under the current KEK version; return how many.

    Each batch is its own transaction with its rows locked, so a destroy racing the rotation
    waits rather than having its shredding undone by a stale re-wrapped copy. A key that cannot
    be unwrapped (say its KEK version was dropped from the keyring) stops the run with the
    error; batches done before it stay done and a rerun continues from there.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1.")
    keyring = Keyring.from_settings()
    current = keyring.current_version
    pending = DataKey.objects.filter(destroyed_at__isnull=True).exclude(kek_version=current)
    total = pending.count()
    done = 0
    while True:
        with transaction.atomic():
            batch = list(pending.select_for_update().order_by("pk")[:batch_size])
            if not batch:
                break
            changed = 0
            for data_key in batch:
                try:
                    changed += data_key.rewrap(keyring)
                except VaultError as error:
                    raise type(error)(f"Data key {data_key.pk}: {error}") from error
        if not changed:
            break  # nothing left that re-wrapping can move; never spin
        done += changed
        if progress is not None:
            progress(done, max(total, done))
    return done
