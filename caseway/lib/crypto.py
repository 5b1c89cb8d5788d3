"""The vault: envelope encryption, key wrapping and blind indexes (DESIGN.md, "Security model").

Floor 0: no models and no Caseway imports; Django settings are read lazily and only by
``Keyring.from_settings`` and ``blind_index`` without an explicit key.

Layout
------
* A *key-encryption key* (KEK) keyring comes from ``settings.VAULT_KEYS`` in the form
  ``"1:<base64 32 bytes>,2:<base64 32 bytes>"``. The highest version wraps new keys; older
  versions stay only until ``manage.py vault_rotate`` has re-wrapped everything.
* Every subject has its own 32-byte *data key*, stored only wrapped (AES-256-GCM under a KEK,
  associated data = data-key id + KEK version). Destroying the wrapped copy crypto-shreds
  every value encrypted under it.
* Values are sealed with AES-256-GCM under the data key, with associated data naming the
  table, column, row id and data-key version, so ciphertext copied to any other place fails
  authentication instead of decrypting there.

Every failure raises a ``VaultError`` subclass; nothing here ever returns unauthenticated
bytes. Messages name versions, lengths and positions only, never key material or plaintext.
There is no pickle here; structured plaintext is JSON, encoded by the caller.
"""

from __future__ import annotations

import base64
import binascii
import os
import threading
import unicodedata
import uuid
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
# Envelope: magic (3) + data-key version (4, big-endian) + nonce (12) + ciphertext and tag.
ENVELOPE_MAGIC = b"cw1"
_HEADER_BYTES = len(ENVELOPE_MAGIC) + 4 + NONCE_BYTES
# Wrapped data keys are text: "cwk1:<kek version>:<base64url(nonce + ciphertext and tag)>".
WRAPPED_PREFIX = "cwk1"
_MAX_VERSION = 2**32 - 1

# Domain-separation labels: the same key material can never produce a value that is valid in
# another context (a wrapped key, a field value and an index are never interchangeable).
_AAD_LABEL = b"caseway/vault/aad/v1"
_WRAP_LABEL = b"caseway/vault/wrap/v1"
_INDEX_LABEL = b"caseway/vault/blind-index/v1"


class VaultError(Exception):
    """Base class for every vault failure."""


class VaultConfigurationError(VaultError):
    """The keyring or blind-index key in the settings is missing or malformed."""


class DecryptionError(VaultError):
    """Ciphertext failed authentication: tampered, moved, wrong associated data or wrong key."""


class UnknownKeyVersion(VaultError):
    """A wrapped data key names a key-encryption key version that is not in the keyring."""


class KeyDestroyed(VaultError):
    """The data key was destroyed (crypto-shredded); what it protected is gone for good."""


# --- encoding helpers -------------------------------------------------------------------------


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def _b64decode(text: str) -> bytes:
    """Strict decoding: stray characters are an error, not silently skipped."""
    return base64.b64decode(text.encode("ascii"), altchars=b"-_", validate=True)


def _length_prefixed(*parts: bytes) -> bytes:
    # Each part carries its length, so ("ab", "c") and ("a", "bc") can never encode alike.
    return b"".join(len(part).to_bytes(4, "big") + part for part in parts)


def _check_version(version: int, what: str) -> int:
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= _MAX_VERSION:
        raise VaultError(f"{what} must be a whole number from 1 to {_MAX_VERSION}.")
    return version


def _check_key(key: bytes, what: str) -> bytes:
    if not isinstance(key, bytes | bytearray) or len(key) != KEY_BYTES:
        raise VaultError(f"{what} must be exactly {KEY_BYTES} bytes.")
    return bytes(key)


# --- keyring ----------------------------------------------------------------------------------

_cache_lock = threading.Lock()
_keyring_cache: tuple[str, Keyring] | None = None
_index_key_cache: tuple[str, bytes] | None = None


class Keyring:
    """Versioned key-encryption keys. The highest version is the current one."""

    __slots__ = ("_keys",)

    def __init__(self, keys: Mapping[int, bytes]):
        if not keys:
            raise VaultConfigurationError("The keyring is empty: give at least one version:key entry.")
        checked: dict[int, bytes] = {}
        for version, key in keys.items():
            try:
                _check_version(version, "A keyring version")
                _check_key(key, f"Keyring key version {version}")
            except VaultError as error:
                raise VaultConfigurationError(str(error)) from None
            checked[version] = bytes(key)
        if len(set(checked.values())) != len(checked):
            # Copy-paste of one key under two versions would make "rotation" a no-op.
            raise VaultConfigurationError("Two keyring versions share the same key; every version needs its own.")
        self._keys = checked

    @classmethod
    def parse(cls, text: str) -> Keyring:
        """Parse ``"1:<base64>,2:<base64>"``; errors name entry positions, never their content."""
        if not isinstance(text, str) or not text.strip():
            raise VaultConfigurationError("The keyring is empty: expected '1:<base64 key>[,2:<base64 key>...]'.")
        keys: dict[int, bytes] = {}
        for position, entry in enumerate(text.split(","), start=1):
            entry = entry.strip()
            version_text, separator, key_text = entry.partition(":")
            version_text, key_text = version_text.strip(), key_text.strip()
            if not separator or not version_text or not key_text:
                raise VaultConfigurationError(f"Keyring entry {position} is not of the form 'version:base64key'.")
            if not version_text.isascii() or not version_text.isdigit():
                raise VaultConfigurationError(f"Keyring entry {position}: the version must be a positive whole number.")
            version = int(version_text)
            if not 1 <= version <= _MAX_VERSION:
                raise VaultConfigurationError(
                    f"Keyring entry {position}: the version must be from 1 to {_MAX_VERSION}."
                )
            if version in keys:
                raise VaultConfigurationError(f"Keyring version {version} appears more than once.")
            try:
                key = base64.b64decode(key_text.encode("ascii"), validate=True)
            except (binascii.Error, UnicodeEncodeError, ValueError):
                try:
                    key = _b64decode(key_text)
                except (binascii.Error, UnicodeEncodeError, ValueError):
                    raise VaultConfigurationError(f"Keyring version {version}: the key is not valid base64.") from None
            if len(key) != KEY_BYTES:
                raise VaultConfigurationError(
                    f"Keyring version {version}: the key must decode to exactly {KEY_BYTES} bytes, not {len(key)}."
                )
            keys[version] = key
        return cls(keys)

    @classmethod
    def from_settings(cls) -> Keyring:
        """The keyring in ``settings.VAULT_KEYS``, parsed once per distinct value.

        The cache is keyed on the setting's text, so ``override_settings`` takes effect without
        a reset; ``Keyring.reset_cache()`` is there for anything that wants to be explicit.
        """
        global _keyring_cache
        from django.conf import settings

        text = getattr(settings, "VAULT_KEYS", "")
        cached = _keyring_cache
        if cached is not None and cached[0] == text:
            return cached[1]
        if not text:
            raise VaultConfigurationError("CASEWAY_VAULT_KEYS is not set.")
        keyring = cls.parse(text)
        with _cache_lock:
            _keyring_cache = (text, keyring)
        return keyring

    @staticmethod
    def reset_cache() -> None:
        global _keyring_cache, _index_key_cache
        with _cache_lock:
            _keyring_cache = None
            _index_key_cache = None

    @property
    def versions(self) -> tuple[int, ...]:
        return tuple(sorted(self._keys))

    @property
    def current_version(self) -> int:
        return max(self._keys)

    def key(self, version: int) -> bytes:
        try:
            return self._keys[version]
        except (KeyError, TypeError):
            raise UnknownKeyVersion(
                f"Key-encryption key version {version!r} is not in the keyring (it has versions "
                f"{', '.join(map(str, self.versions))}). Was it removed before `manage.py vault_rotate` finished?"
            ) from None

    def __contains__(self, version: object) -> bool:
        return version in self._keys

    def __repr__(self) -> str:
        return f"<Keyring versions={list(self.versions)}>"


# --- data keys --------------------------------------------------------------------------------


def generate_data_key() -> bytes:
    return os.urandom(KEY_BYTES)


def _wrap_aad(key_id: str, kek_version: int) -> bytes:
    if not isinstance(key_id, str) or not key_id:
        raise VaultError("A data key id is required to wrap or unwrap a data key.")
    return _WRAP_LABEL + _length_prefixed(key_id.encode("utf-8"), str(kek_version).encode("ascii"))


def wrap_data_key(keyring: Keyring, data_key: bytes, *, key_id: str, kek_version: int | None = None) -> str:
    """Encrypt ``data_key`` under the current KEK (or ``kek_version``), bound to ``key_id``."""
    data_key = _check_key(data_key, "A data key")
    version = keyring.current_version if kek_version is None else kek_version
    kek = keyring.key(version)
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(kek).encrypt(nonce, data_key, _wrap_aad(key_id, version))
    return f"{WRAPPED_PREFIX}:{version}:{_b64encode(nonce + sealed)}"


def wrapped_key_version(wrapped: str) -> int:
    """The KEK version a wrapped data key names (not authenticated until it is unwrapped)."""
    if not isinstance(wrapped, str):
        raise DecryptionError("A wrapped data key must be text.")
    prefix, _, rest = wrapped.partition(":")
    version_text, separator, _ = rest.partition(":")
    if prefix != WRAPPED_PREFIX or not separator or not version_text.isascii() or not version_text.isdigit():
        raise DecryptionError("This is not a wrapped data key in a format the vault knows.")
    version = int(version_text)
    if not 1 <= version <= _MAX_VERSION:
        raise DecryptionError("This wrapped data key names an impossible key version.")
    return version


def unwrap_data_key(keyring: Keyring, wrapped: str, *, key_id: str) -> bytes:
    version = wrapped_key_version(wrapped)
    kek = keyring.key(version)
    try:
        blob = _b64decode(wrapped.split(":", 2)[2])
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise DecryptionError("The wrapped data key is not valid base64.") from None
    if len(blob) != NONCE_BYTES + KEY_BYTES + TAG_BYTES:
        raise DecryptionError("The wrapped data key has the wrong length.")
    try:
        data_key = AESGCM(kek).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], _wrap_aad(key_id, version))
    except InvalidTag:
        raise DecryptionError(
            f"The wrapped data key failed authentication under key version {version}: "
            "it was tampered with, belongs to another data key id, or the keyring holds a different key "
            "for that version."
        ) from None
    return data_key


# --- values -----------------------------------------------------------------------------------


def associated_data(table: str, column: str, row_id: object, key_version: int) -> bytes:
    """Canonical associated data binding a value to its table, column, row and data-key version.

    Length-prefixed, so no choice of names can make two different places encode alike.
    """
    if not table or not column:
        raise VaultError("Associated data needs a table and a column.")
    if row_id is None or row_id == "":
        raise VaultError("Associated data needs a row id; the row must have its primary key before encryption.")
    _check_version(key_version, "A data-key version")
    row_text = str(row_id) if isinstance(row_id, uuid.UUID) else str(row_id).strip()
    return _AAD_LABEL + _length_prefixed(
        table.encode("utf-8"), column.encode("utf-8"), row_text.encode("utf-8"), str(key_version).encode("ascii")
    )


def encrypt(data_key: bytes, plaintext: bytes | str, *, aad: bytes, key_version: int = 1) -> str:
    """Seal ``plaintext`` (str is UTF-8 encoded) into a base64 text envelope."""
    data_key = _check_key(data_key, "A data key")
    _check_version(key_version, "A data-key version")
    if isinstance(plaintext, str):
        plaintext = plaintext.encode("utf-8")
    if not isinstance(plaintext, bytes | bytearray):
        raise TypeError("Only bytes or text can be encrypted; encode structured values as JSON first.")
    if not isinstance(aad, bytes):
        raise TypeError("Associated data must be bytes; build it with associated_data().")
    nonce = os.urandom(NONCE_BYTES)
    header = ENVELOPE_MAGIC + key_version.to_bytes(4, "big") + nonce
    # The header is authenticated too: the version it names cannot be altered undetected.
    sealed = AESGCM(data_key).encrypt(nonce, bytes(plaintext), header + aad)
    return _b64encode(header + sealed)


def envelope_key_version(envelope: str) -> int:
    """The data-key version an envelope names (authenticated only when it is decrypted)."""
    return _sealed_version(_parse_envelope(envelope))


def _sealed_version(raw: bytes) -> int:
    return int.from_bytes(raw[len(ENVELOPE_MAGIC) : len(ENVELOPE_MAGIC) + 4], "big")


def _parse_envelope(envelope: str) -> bytes:
    if not isinstance(envelope, str) or not envelope:
        raise DecryptionError("This is not a vault envelope: it is empty or not text.")
    try:
        raw = _b64decode(envelope)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise DecryptionError("This is not a vault envelope: it is not valid base64.") from None
    if len(raw) < _HEADER_BYTES + TAG_BYTES:
        raise DecryptionError("This vault envelope is truncated.")
    if raw[: len(ENVELOPE_MAGIC)] != ENVELOPE_MAGIC:
        raise DecryptionError("This is not a vault envelope in a format this version knows.")
    return raw


def decrypt(data_key: bytes, envelope: str, *, aad: bytes, key_version: int | None = None) -> bytes:
    """Open an envelope from ``encrypt``; raise ``DecryptionError`` rather than return anything unverified."""
    data_key = _check_key(data_key, "A data key")
    raw = _parse_envelope(envelope)
    header, sealed = raw[:_HEADER_BYTES], raw[_HEADER_BYTES:]
    sealed_version = _sealed_version(raw)
    if key_version is not None and sealed_version != key_version:
        raise DecryptionError(
            f"This value was sealed under data-key version {sealed_version}, but the data key is version {key_version}."
        )
    try:
        return AESGCM(data_key).decrypt(header[-NONCE_BYTES:], sealed, header + aad)
    except InvalidTag:
        raise DecryptionError(
            "The value failed authentication: it was tampered with, copied from another row, column or table, "
            "or is being opened with the wrong data key."
        ) from None


# --- blind indexes ----------------------------------------------------------------------------


def normalize_for_index(value: str) -> str:
    """Canonical form for blind indexing: NFKC, then casefold, then NFKC again, then strip.

    NFKC folds compatibility forms (full-width digits, ligatures) together; casefold is
    Unicode's caseless matching ("Straße" == "STRASSE"); the second NFKC is needed because
    casefolding can leave a string unnormalised. Inner whitespace is kept: callers that want
    "07 700" to match "07700" must strip it themselves before indexing.
    """
    if not isinstance(value, str):
        raise TypeError("Only text can be blind-indexed.")
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold()).strip()


def _blind_index_key_from_settings() -> bytes:
    global _index_key_cache
    from django.conf import settings

    text = getattr(settings, "BLIND_INDEX_KEY", "")
    cached = _index_key_cache
    if cached is not None and cached[0] == text:
        return cached[1]
    if not text:
        raise VaultConfigurationError("CASEWAY_BLIND_INDEX_KEY is not set.")
    try:
        key = base64.b64decode(text.strip().encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise VaultConfigurationError("CASEWAY_BLIND_INDEX_KEY is not valid base64.") from None
    if len(key) < KEY_BYTES:
        raise VaultConfigurationError(f"CASEWAY_BLIND_INDEX_KEY must decode to at least {KEY_BYTES} bytes.")
    with _cache_lock:
        _index_key_cache = (text, key)
    return key


def blind_index(value: str, *, purpose: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 of the normalised ``value`` (see ``normalize_for_index``), as 64 hex characters.

    ``purpose`` (e.g. ``"client.phone"``) separates domains: the same value indexed for two
    purposes gives unrelated digests, so one index column cannot be joined against another.
    The key is ``settings.BLIND_INDEX_KEY`` unless given. An empty value is refused: callers
    store NULL for blanks rather than a digest every blank shares.
    """
    if not isinstance(purpose, str) or not purpose.strip():
        raise ValueError("A blind index needs a purpose label, e.g. 'client.phone'.")
    normalized = normalize_for_index(value)
    if not normalized:
        raise ValueError("Cannot blind-index an empty value; store NULL instead.")
    if key is None:
        key = _blind_index_key_from_settings()
    elif not isinstance(key, bytes) or len(key) < KEY_BYTES:
        raise VaultError(f"A blind-index key must be at least {KEY_BYTES} bytes.")
    mac = crypto_hmac.HMAC(key, hashes.SHA256())
    mac.update(_INDEX_LABEL + _length_prefixed(purpose.encode("utf-8"), normalized.encode("utf-8")))
    return mac.finalize().hex()
