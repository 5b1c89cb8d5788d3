import base64
import os
from pathlib import Path

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from caseway.lib import crypto
from caseway.lib.crypto import (
    DecryptionError,
    Keyring,
    UnknownKeyVersion,
    VaultConfigurationError,
    VaultError,
    associated_data,
    blind_index,
    decrypt,
    encrypt,
    generate_data_key,
    unwrap_data_key,
    wrap_data_key,
)

KEY = generate_data_key()
AAD = associated_data("clients_client", "name", "0b7c7f6e-3c1a-4f57-9a8e-3a1c2d4e5f60", 1)


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


def flip(envelope: str, position: int) -> str:
    raw = bytearray(base64.urlsafe_b64decode(envelope))
    raw[position] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).decode()


# --- values ----------------------------------------------------------------------------------


@given(st.text())
def test_it_round_trips_any_text(text):
    assert decrypt(KEY, encrypt(KEY, text, aad=AAD), aad=AAD).decode("utf-8") == text


@given(st.binary(), st.integers(min_value=1, max_value=2**32 - 1))
def test_it_round_trips_any_bytes_under_any_key_version(data, version):
    envelope = encrypt(KEY, data, aad=AAD, key_version=version)
    assert crypto.envelope_key_version(envelope) == version
    assert decrypt(KEY, envelope, aad=AAD, key_version=version) == data


def test_it_uses_a_fresh_nonce_for_every_encryption():
    envelopes = {encrypt(KEY, "same plaintext", aad=AAD) for _ in range(50)}
    assert len(envelopes) == 50


def test_it_does_not_put_the_plaintext_in_the_envelope():
    envelope = encrypt(KEY, "Amina Yusuf", aad=AAD)
    assert "Amina" not in envelope
    assert b"Amina" not in base64.urlsafe_b64decode(envelope)


def test_it_rejects_a_flipped_bit_anywhere_in_the_envelope():
    envelope = encrypt(KEY, "Amina Yusuf", aad=AAD)
    length = len(base64.urlsafe_b64decode(envelope))
    for position in range(length):
        with pytest.raises(DecryptionError):
            decrypt(KEY, flip(envelope, position), aad=AAD)


def test_it_rejects_a_truncated_or_extended_envelope():
    raw = base64.urlsafe_b64decode(encrypt(KEY, "Amina Yusuf", aad=AAD))
    for candidate in (raw[:-1], raw[:10], raw + b"\x00"):
        with pytest.raises(DecryptionError):
            decrypt(KEY, base64.urlsafe_b64encode(candidate).decode(), aad=AAD)


@given(st.text())
def test_it_raises_decryption_error_for_any_non_envelope_text(text):
    with pytest.raises(DecryptionError):
        decrypt(KEY, text, aad=AAD)


@given(st.binary())
def test_it_raises_decryption_error_for_any_base64_that_is_not_an_envelope(data):
    with pytest.raises(DecryptionError):
        decrypt(KEY, base64.urlsafe_b64encode(b"cw1" + data).decode(), aad=AAD)


@pytest.mark.parametrize(
    "other_aad",
    [
        associated_data("clients_client", "name", "11111111-1111-4111-8111-111111111111", 1),  # other row
        associated_data("clients_client", "phone", "0b7c7f6e-3c1a-4f57-9a8e-3a1c2d4e5f60", 1),  # other column
        associated_data("legal_matter", "name", "0b7c7f6e-3c1a-4f57-9a8e-3a1c2d4e5f60", 1),  # other table
        associated_data("clients_client", "name", "0b7c7f6e-3c1a-4f57-9a8e-3a1c2d4e5f60", 2),  # other key version
        b"",
    ],
)
def test_it_rejects_the_wrong_associated_data(other_aad):
    envelope = encrypt(KEY, "Amina Yusuf", aad=AAD)
    with pytest.raises(DecryptionError, match="failed authentication"):
        decrypt(KEY, envelope, aad=other_aad)


def test_it_rejects_the_wrong_data_key():
    envelope = encrypt(KEY, "Amina Yusuf", aad=AAD)
    with pytest.raises(DecryptionError):
        decrypt(generate_data_key(), envelope, aad=AAD)


def test_it_rejects_an_envelope_sealed_under_another_data_key_version():
    envelope = encrypt(KEY, "Amina Yusuf", aad=AAD, key_version=1)
    with pytest.raises(DecryptionError, match=r"version 1.*version 2"):
        decrypt(KEY, envelope, aad=AAD, key_version=2)


def test_it_builds_unambiguous_associated_data():
    assert associated_data("ab", "c", "1", 1) != associated_data("a", "bc", "1", 1)
    assert associated_data("a", "b", "c1", 1) != associated_data("a", "bc", "1", 1)
    assert associated_data("t", "c", "1", 11) != associated_data("t", "c", "11", 1)
    for separator in ("|", ":", "\x00", ",", "/"):
        assert associated_data(f"a{separator}b", "c", "1", 1) != associated_data("a", f"b{separator}c", "1", 1)


def test_it_refuses_associated_data_without_a_row_id():
    with pytest.raises(VaultError, match="row id"):
        associated_data("t", "c", None, 1)


def test_it_refuses_keys_of_the_wrong_size():
    with pytest.raises(VaultError, match="32 bytes"):
        encrypt(os.urandom(16), "x", aad=AAD)


def test_it_generates_distinct_32_byte_data_keys():
    keys = {generate_data_key() for _ in range(20)}
    assert len(keys) == 20
    assert all(len(key) == 32 for key in keys)


# --- wrapping --------------------------------------------------------------------------------

K1, K2 = bytes(range(32)), bytes(range(32, 64))  # fixed: test ids must match across xdist workers


def test_it_wraps_under_the_current_version_and_unwraps():
    keyring = Keyring.parse(f"1:{b64(K1)},2:{b64(K2)}")
    wrapped = wrap_data_key(keyring, KEY, key_id="key-a")
    assert wrapped.startswith("cwk1:2:")
    assert crypto.wrapped_key_version(wrapped) == 2
    assert unwrap_data_key(keyring, wrapped, key_id="key-a") == KEY


def test_it_refuses_to_unwrap_for_another_key_id():
    keyring = Keyring.parse(f"1:{b64(K1)}")
    wrapped = wrap_data_key(keyring, KEY, key_id="key-a")
    with pytest.raises(DecryptionError):
        unwrap_data_key(keyring, wrapped, key_id="key-b")


def test_it_refuses_to_unwrap_with_a_relabelled_version():
    # Both versions present, but the wrapped key claims the other one: the AAD binds the version.
    keyring = Keyring.parse(f"1:{b64(K1)},2:{b64(K2)}")
    wrapped = wrap_data_key(keyring, KEY, key_id="key-a", kek_version=1)
    with pytest.raises(DecryptionError):
        unwrap_data_key(keyring, wrapped.replace("cwk1:1:", "cwk1:2:"), key_id="key-a")


def test_it_raises_unknown_key_version_for_a_version_not_in_the_keyring():
    wrapped = wrap_data_key(Keyring.parse(f"1:{b64(K1)}"), KEY, key_id="key-a")
    with pytest.raises(UnknownKeyVersion, match="version 1 is not in the keyring"):
        unwrap_data_key(Keyring.parse(f"2:{b64(K2)}"), wrapped, key_id="key-a")


def test_it_refuses_to_unwrap_with_a_different_key_under_the_same_version():
    wrapped = wrap_data_key(Keyring.parse(f"1:{b64(K1)}"), KEY, key_id="key-a")
    with pytest.raises(DecryptionError):
        unwrap_data_key(Keyring.parse(f"1:{b64(K2)}"), wrapped, key_id="key-a")


@pytest.mark.parametrize("wrapped", ["", "cwk1:1:", "cwk1:x:AAAA", "cwk2:1:AAAA", "cwk1:1:!!!!", "plain text"])
def test_it_refuses_malformed_wrapped_keys(wrapped):
    with pytest.raises(DecryptionError):
        unwrap_data_key(Keyring.parse(f"1:{b64(K1)}"), wrapped, key_id="key-a")


def test_it_detects_a_tampered_wrapped_key():
    keyring = Keyring.parse(f"1:{b64(K1)}")
    wrapped = wrap_data_key(keyring, KEY, key_id="key-a")
    prefix, blob = wrapped.rsplit(":", 1)
    with pytest.raises(DecryptionError):
        unwrap_data_key(keyring, f"{prefix}:{flip(blob, 20)}", key_id="key-a")


# --- keyring ---------------------------------------------------------------------------------


def test_it_parses_a_keyring_and_picks_the_highest_version_as_current():
    keyring = Keyring.parse(f" 3:{b64(K2)} , 1:{b64(K1)} ")
    assert keyring.versions == (1, 3)
    assert keyring.current_version == 3
    assert keyring.key(1) == K1
    assert keyring.key(3) == K2


def test_it_accepts_urlsafe_base64_keys():
    key = b"\xfb\xff" * 16
    assert Keyring.parse("1:" + base64.urlsafe_b64encode(key).decode()).key(1) == key


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "1",
        "1:",
        f":{b64(K1)}",
        f"x:{b64(K1)}",
        f"0:{b64(K1)}",
        f"-1:{b64(K1)}",
        f"1.5:{b64(K1)}",
        f"99999999999:{b64(K1)}",
        f"1:{b64(K1[:16])}",
        f"1:{b64(K1 + b'x')}",
        "1:not base64 at all!",
        f"1:{b64(K1)},1:{b64(K2)}",
        f"1:{b64(K1)},2:{b64(K1)}",
        f"1:{b64(K1)},,2:{b64(K2)}",
        f"{b64(K1)}",
    ],
)
def test_it_rejects_malformed_keyrings_without_echoing_key_material(text):
    with pytest.raises(VaultConfigurationError) as raised:
        Keyring.parse(text)
    message = str(raised.value)
    assert b64(K1) not in message and b64(K1)[:8] not in message
    assert b64(K2)[:8] not in message


def test_it_never_shows_keys_in_a_keyrings_repr():
    keyring = Keyring.parse(f"1:{b64(K1)}")
    assert repr(keyring) == "<Keyring versions=[1]>"


def test_it_raises_unknown_key_version_for_a_missing_version():
    with pytest.raises(UnknownKeyVersion):
        Keyring.parse(f"1:{b64(K1)}").key(2)


def test_it_reads_the_keyring_from_settings_and_follows_changes():
    Keyring.reset_cache()
    with override_settings(VAULT_KEYS=f"1:{b64(K1)}"):
        first = Keyring.from_settings()
        assert first is Keyring.from_settings()
        assert first.current_version == 1
    with override_settings(VAULT_KEYS=f"1:{b64(K1)},2:{b64(K2)}"):
        assert Keyring.from_settings().current_version == 2
    Keyring.reset_cache()


@pytest.mark.parametrize("value", ["", "1:short"])
def test_it_raises_a_configuration_error_for_a_bad_keyring_setting(value):
    Keyring.reset_cache()
    with override_settings(VAULT_KEYS=value), pytest.raises(VaultConfigurationError):
        Keyring.from_settings()


# --- blind index -----------------------------------------------------------------------------

INDEX_KEY = os.urandom(32)


def test_it_gives_a_stable_hex_blind_index():
    first = blind_index("+44 7700 900123", purpose="client.phone", key=INDEX_KEY)
    assert first == blind_index("+44 7700 900123", purpose="client.phone", key=INDEX_KEY)
    assert len(first) == 64
    int(first, 16)


def test_it_separates_blind_indexes_by_purpose():
    assert blind_index("Amina", purpose="client.name", key=INDEX_KEY) != blind_index(
        "Amina", purpose="client.alias", key=INDEX_KEY
    )


def test_it_cannot_be_confused_by_moving_text_between_purpose_and_value():
    assert blind_index("bc", purpose="a", key=INDEX_KEY) != blind_index("c", purpose="ab", key=INDEX_KEY)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Amina Yusuf", "  amina yusuf\n"),
        ("STRASSE", "straße"),
        ("ＡＭＩＮＡ", "amina"),  # full-width compatibility forms
        ("ﬁle", "FILE"),  # ligature
        ("Cafe\u0301", "CAFÉ"),  # combining accent vs precomposed
    ],
)
def test_it_normalises_before_blind_indexing(left, right):
    assert blind_index(left, purpose="p", key=INDEX_KEY) == blind_index(right, purpose="p", key=INDEX_KEY)


def test_it_keeps_different_values_apart_in_the_blind_index():
    assert blind_index("Amina", purpose="p", key=INDEX_KEY) != blind_index("Amira", purpose="p", key=INDEX_KEY)


def test_it_gives_a_different_blind_index_under_another_key():
    assert blind_index("Amina", purpose="p", key=INDEX_KEY) != blind_index("Amina", purpose="p", key=os.urandom(32))


def test_it_uses_the_blind_index_key_from_settings_by_default():
    index_key = os.urandom(32)
    Keyring.reset_cache()
    with override_settings(BLIND_INDEX_KEY=b64(index_key)):
        assert blind_index("Amina", purpose="p") == blind_index("Amina", purpose="p", key=index_key)


@pytest.mark.parametrize("setting", ["", "not base64!", b64(b"8 bytes!")])
def test_it_refuses_a_bad_blind_index_key_setting(setting):
    Keyring.reset_cache()
    with override_settings(BLIND_INDEX_KEY=setting), pytest.raises(VaultConfigurationError):
        blind_index("Amina", purpose="p")


def test_it_refuses_to_blind_index_without_a_purpose_or_a_value():
    with pytest.raises(ValueError, match="purpose"):
        blind_index("Amina", purpose=" ", key=INDEX_KEY)
    with pytest.raises(ValueError, match="empty"):
        blind_index("  ", purpose="p", key=INDEX_KEY)


def test_it_refuses_a_short_explicit_blind_index_key():
    with pytest.raises(VaultError):
        blind_index("Amina", purpose="p", key=b"short")


def test_it_uses_no_pickle_or_marshal_anywhere_in_the_vault():
    root = Path(crypto.__file__).resolve().parents[1]
    sources = [Path(crypto.__file__), *sorted((root / "vault").rglob("*.py"))]
    sources.remove(Path(__file__).resolve())
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for forbidden in ("import pickle", "from pickle", "import marshal", "import shelve", "cPickle"):
            assert forbidden not in text, f"{path} mentions {forbidden}"
