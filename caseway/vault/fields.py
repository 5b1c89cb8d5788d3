"""Encrypted model fields: later apps declare them and never touch crypto code.

Usage::

    class Client(models.Model):
        id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
        data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
        name = EncryptedTextField(key_field="data_key")
        notes = EncryptedTextField(key_field="data_key", null=True, blank=True)
        details = EncryptedJSONField(key_field="data_key", null=True)

    client = Client(data_key=services.data_key_create(), name="…")
    client.save()
    client.name                 # plaintext, decrypted on first access and cached on the instance

How it works
------------
The column holds a ``crypto.encrypt`` envelope whose associated data is (table, column, row
pk, data-key version): a value copied into another row, column or table fails to decrypt.
Because the row pk is part of that binding, the model's pk must be a ``UUIDField`` with a
Python default, so it is known before the INSERT.

The field's ``attname`` is ``<name>_sealed``; under it the instance keeps what the database
holds, a ``Sealed`` wrapper that never prints plaintext. Django's own machinery (``from_db``,
deferred loading, ``refresh_from_db``, ``.values()``) only ever moves that wrapper around.
The attribute under the field's *name* is the descriptor that decrypts on first access and
caches the plaintext on the wrapper; assigning to it stores plaintext that ``pre_save``
encrypts. So:

* ``Model.objects.values()`` / ``values_list()`` return ``Sealed`` objects, never plaintext.
* ``filter(name=...)`` and ``update(name=...)`` with plaintext raise ``VaultError``: random
  nonces make equality lookups meaningless; use a blind index (crypto.blind_index).
* A destroyed data key makes access raise ``KeyDestroyed``; tampering raises ``DecryptionError``.
* ``dumpdata`` writes ciphertext; ``loaddata`` of these fields is refused rather than writing
  the ciphertext back as if it were plaintext.
"""

from __future__ import annotations

import json
import uuid

from django import forms
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ValidationError
from django.db import models
from django.db.models import signals
from django.utils.translation import gettext_lazy as _

from caseway.lib.crypto import (
    KeyDestroyed,
    VaultError,
    associated_data,
    decrypt,
    encrypt,
)

__all__ = ["EncryptedJSONField", "EncryptedTextField", "Sealed"]

_UNSET = object()


class Sealed:
    """A value as the database holds it: ciphertext, with the plaintext cached once opened.

    Its str/repr never show plaintext, and copying or pickling it drops the cached plaintext.
    """

    __slots__ = ("_encoded", "_origin", "_value", "ciphertext")

    def __init__(self, ciphertext: str, *, origin: tuple[str, str | None] | None = None):
        self.ciphertext = ciphertext
        # (row pk, data-key id) the ciphertext is bound to, as canonical UUID text.
        self._origin = origin
        self._value = _UNSET
        self._encoded = b""

    @property
    def is_open(self) -> bool:
        return self._value is not _UNSET

    def _remember(self, value, encoded: bytes, origin) -> None:
        self._value, self._encoded, self._origin = value, encoded, origin

    def __repr__(self) -> str:
        return "<Sealed>"

    def __str__(self) -> str:
        return "[sealed]"

    def __eq__(self, other):
        if isinstance(other, Sealed):
            return self.ciphertext == other.ciphertext
        return NotImplemented

    def __hash__(self):
        return hash(self.ciphertext)

    def __reduce__(self):
        return (_rebuild_sealed, (self.ciphertext, self._origin))


def _rebuild_sealed(ciphertext, origin):
    return Sealed(ciphertext, origin=origin)


def _uuid_text(value) -> str | None:
    if value is None:
        return None
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


class EncryptedAttribute:
    """Decrypts on first read; a write stores plaintext for ``pre_save`` to encrypt."""

    def __init__(self, field: EncryptedField):
        self.field = field

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        # Goes through Django's DeferredAttribute, so `.only()` / `.defer()` load it on demand.
        value = getattr(instance, self.field.attname)
        if isinstance(value, Sealed):
            return self.field.open(instance, value)
        return value

    def __set__(self, instance, value):
        if isinstance(value, Sealed):
            raise TypeError(
                f"Assign plaintext to {self.field}, not a Sealed value; ciphertext is bound to its own row."
            )
        instance.__dict__[self.field.attname] = value


class EncryptedField(models.Field):
    """Base for encrypted fields; subclasses define ``encode`` / ``decode`` of the plaintext."""

    def __init__(self, *args, key_field: str, **kwargs):
        for option in ("primary_key", "unique", "db_index"):
            if kwargs.get(option):
                raise ImproperlyConfigured(f"Encrypted fields cannot be {option}: each value is randomised ciphertext.")
        if not isinstance(key_field, str) or not key_field:
            raise ImproperlyConfigured("Encrypted fields need key_field='<name of a ForeignKey to vault.DataKey>'.")
        self.key_field = key_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["key_field"] = self.key_field
        return name, path, args, kwargs

    def get_internal_type(self):
        return "TextField"

    # --- attribute layout ---------------------------------------------------------------------

    def get_attname(self):
        return f"{self.name}_sealed"

    def get_attname_column(self):
        attname = self.get_attname()
        return attname, self.db_column or self.name

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only=private_only)
        setattr(cls, self.name, EncryptedAttribute(self))
        # Migrations build their own copies of every model at each step (module "__fake__"); a
        # receiver each, kept forever, cost seconds per migrate. Those copies only open what they
        # load (open() falls back to the row's current binding), so they need no origin.
        if not cls._meta.abstract and cls.__module__ != "__fake__":
            signals.post_init.connect(self._remember_origin, sender=cls, weak=False)

    def _remember_origin(self, sender, instance, **kwargs):
        # Which row and key the loaded ciphertext is bound to, captured before anyone can change
        # the pk or the data key, so a later save can tell whether it must re-encrypt.
        value = instance.__dict__.get(self.attname)
        if isinstance(value, Sealed) and value._origin is None:
            key_id = instance.__dict__.get(self._key_field().attname)
            value._origin = (_uuid_text(instance.pk), _uuid_text(key_id))

    # --- configuration ------------------------------------------------------------------------

    def _key_field(self):
        try:
            key_field = self.model._meta.get_field(self.key_field)
        except FieldDoesNotExist:
            raise ImproperlyConfigured(
                f"{self}: key_field={self.key_field!r} is not a field of {self.model._meta.label}."
            ) from None
        if not key_field.many_to_one:
            raise ImproperlyConfigured(f"{self}: key_field={self.key_field!r} must be a ForeignKey to vault.DataKey.")
        return key_field

    def _check_primary_key(self):
        pk = self.model._meta.pk
        if not isinstance(pk, models.UUIDField) or not pk.has_default():
            raise ImproperlyConfigured(
                f"{self}: a model with encrypted fields needs "
                "`id = models.UUIDField(primary_key=True, default=uuid.uuid4)` so the row id, which the "
                "ciphertext is bound to, is known before the row is inserted."
            )

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        try:
            key_field = self._key_field()
            self._check_primary_key()
        except ImproperlyConfigured as error:
            errors.append(checks.Error(str(error), obj=self, id="vault.E001"))
        else:
            related = key_field.remote_field.model
            label = related if isinstance(related, str) else related._meta.label
            if label not in {"vault.DataKey", "DataKey"}:
                errors.append(
                    checks.Error(
                        f"{self}: key_field={self.key_field!r} must point to vault.DataKey, not {label}.",
                        obj=self,
                        id="vault.E002",
                    )
                )
        return errors

    # --- plaintext codec ----------------------------------------------------------------------

    def encode(self, value) -> bytes:
        raise NotImplementedError

    def decode(self, raw: bytes):
        raise NotImplementedError

    # --- encryption ---------------------------------------------------------------------------

    def _aad(self, row_id: str, key_version: int) -> bytes:
        return associated_data(self.model._meta.db_table, self.column, row_id, key_version)

    def _data_key(self, instance, key_id: str | None):
        from caseway.vault.models import DataKey

        if key_id is None:
            raise VaultError(f"{self}: row {instance.pk} has no data key; set {self.key_field} first.")
        key_field = self._key_field()
        if _uuid_text(instance.__dict__.get(key_field.attname)) == key_id:
            data_key = getattr(instance, key_field.name)  # cached by the ForeignKey descriptor
        else:
            # The instance was pointed at another key since loading: open with the original one.
            data_key = DataKey._base_manager.using(instance._state.db).get(pk=key_id)
        if not isinstance(data_key, DataKey):
            raise ImproperlyConfigured(f"{self}: key_field={self.key_field!r} must point to vault.DataKey.")
        return data_key

    def _current_binding(self, instance) -> tuple[str, str | None]:
        self._check_primary_key()
        if instance.pk is None:
            raise VaultError(f"{self}: the row has no primary key yet, so its value cannot be encrypted.")
        key_id = getattr(instance, self._key_field().attname)
        return _uuid_text(instance.pk), _uuid_text(key_id)

    def open(self, instance, sealed: Sealed):
        """Decrypt ``sealed`` as stored for ``instance``; cached, so each value is opened once."""
        if sealed.is_open:
            return sealed._value
        row_id, key_id = sealed._origin or (None, None)
        if row_id is None or key_id is None:
            current_row, current_key = self._current_binding(instance)
            row_id, key_id = row_id or current_row, key_id or current_key
        try:
            data_key = self._data_key(instance, key_id)
            raw = decrypt(
                data_key.unwrap(),
                sealed.ciphertext,
                aad=self._aad(row_id, data_key.version),
                key_version=data_key.version,
            )
        except VaultError as error:
            # Same class, with the place added: ids only, never values or keys.
            raise type(error)(f"{self} of row {row_id}: {error}") from error
        value = self.decode(raw)
        sealed._remember(value, raw, (row_id, key_id))
        return value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value is None:
            return None
        binding = self._current_binding(model_instance)
        if isinstance(value, Sealed):
            if value._origin is None:
                value._origin = binding
            unchanged = not value.is_open or self.encode(value._value) == value._encoded
            if value._origin == binding and unchanged:
                return value
            # Moved (new pk on copy, another data key) or mutated in place: re-encrypt.
            value = self.open(model_instance, value)
        encoded = self.encode(value)
        row_id, key_id = binding
        data_key = self._data_key(model_instance, key_id)
        try:
            ciphertext = encrypt(
                data_key.unwrap(), encoded, aad=self._aad(row_id, data_key.version), key_version=data_key.version
            )
        except VaultError as error:
            raise type(error)(f"{self} of row {row_id}: {error}") from error
        sealed = Sealed(ciphertext)
        sealed._remember(value, encoded, binding)
        model_instance.__dict__[self.attname] = sealed
        return sealed

    # --- database conversion ------------------------------------------------------------------

    def from_db_value(self, value, expression, connection):
        return None if value is None else Sealed(value)

    def get_prep_value(self, value):
        if value is None:
            return None
        if isinstance(value, Sealed):
            return value.ciphertext
        raise VaultError(
            f"{self} is encrypted: it cannot be filtered on, compared or written in bulk with plaintext. "
            "Assign it on an instance and save(); look rows up through a blind index. (Adding it to an existing "
            "table? Make it null=True: no default can be encrypted for rows that do not exist yet.)"
        )

    def to_python(self, value):
        return value

    def clean(self, value, model_instance):
        if isinstance(value, Sealed):
            # Stored values were validated when assigned; validating them would mean decrypting.
            return value
        return super().clean(value, model_instance)

    def value_from_object(self, obj):
        # Forms (model_to_dict) get plaintext. A destroyed key gives the Sealed value, so
        # dumpdata of an erased subject still works and writes ciphertext via value_to_string.
        try:
            return getattr(obj, self.name)
        except KeyDestroyed:
            return getattr(obj, self.attname)

    def value_to_string(self, obj):
        value = getattr(obj, self.attname)
        if value is None or isinstance(value, Sealed):
            return None if value is None else value.ciphertext
        raise VaultError(f"{self}: an unsaved plaintext value cannot be serialised.")


class EncryptedTextField(EncryptedField):
    """Encrypted text. ``max_length`` is only validated (forms, full_clean), as for TextField."""

    empty_strings_allowed = True

    def encode(self, value) -> bytes:
        if not isinstance(value, str):
            raise TypeError(f"{self} holds text, not {type(value).__name__}.")
        return value.encode("utf-8")

    def decode(self, raw: bytes) -> str:
        return raw.decode("utf-8")

    def formfield(self, **kwargs):
        return super().formfield(
            **{"form_class": forms.CharField, "max_length": self.max_length, "widget": forms.Textarea, **kwargs}
        )


class EncryptedBinaryField(EncryptedField):
    """Encrypted bytes (a document, a photo). Read whole into memory: keep what it holds small."""

    empty_strings_allowed = False

    def encode(self, value) -> bytes:
        if not isinstance(value, bytes):
            raise TypeError(f"{self} holds bytes, not {type(value).__name__}.")
        return value

    def decode(self, raw: bytes) -> bytes:
        return raw


class EncryptedJSONField(EncryptedField):
    """Encrypted JSON whose top level is an object or an array.

    Scalars are refused on purpose: Django's serialisers pass numbers and None through
    unconverted, which would put plaintext in a dump instead of ciphertext.
    """

    empty_strings_allowed = False

    def encode(self, value) -> bytes:
        if not isinstance(value, dict | list):
            raise TypeError(f"{self} holds a JSON object or array, not {type(value).__name__}.")
        try:
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError) as error:
            raise TypeError(f"{self}: the value is not plain JSON ({type(error).__name__}).") from None
        return text.encode("utf-8")

    def decode(self, raw: bytes):
        return json.loads(raw.decode("utf-8"))

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if value is not None and not isinstance(value, dict | list):
            raise ValidationError(_("Enter a JSON object or array."), code="invalid")

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.JSONField, **kwargs})
