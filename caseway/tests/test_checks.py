"""caseway.checks: production refuses to start without its keys, with DEBUG on, or with bad keys."""

import base64
import os

import pytest
from django.test import override_settings

from caseway.checks import check_keys_and_debug


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _production(**overrides):
    values = {
        "MODE": "production",
        "DEBUG": False,
        "SECRET_KEY": "a-long-random-secret-key-for-this-test-only-" + _key(),
        "VAULT_KEYS": "1:" + _key(),
        "BLIND_INDEX_KEY": _key(),
        "AUDIT_KEY": _key(),
    }
    values.update(overrides)
    return override_settings(**values)


def _run():
    return check_keys_and_debug(app_configs=None)


def test_it_passes_a_production_configuration_with_every_key():
    with _production():
        assert _run() == []


@pytest.mark.parametrize(
    ("setting_name", "variable"),
    [
        ("SECRET_KEY", "CASEWAY_SECRET_KEY"),
        ("VAULT_KEYS", "CASEWAY_VAULT_KEYS"),
        ("BLIND_INDEX_KEY", "CASEWAY_BLIND_INDEX_KEY"),
        ("AUDIT_KEY", "CASEWAY_AUDIT_KEY"),
    ],
)
def test_it_names_each_missing_key(setting_name, variable):
    with _production(**{setting_name: ""}):
        errors = _run()

    assert [error.id for error in errors] == ["caseway.E001"]
    assert variable in errors[0].msg
    assert errors[0].is_serious()


def test_it_names_every_missing_key_at_once():
    with _production(SECRET_KEY="", VAULT_KEYS="", BLIND_INDEX_KEY="", AUDIT_KEY=""):
        errors = _run()

    assert [error.id for error in errors] == ["caseway.E001"] * 4


def test_it_refuses_debug_in_production():
    with _production(DEBUG=True):
        errors = _run()

    assert [error.id for error in errors] == ["caseway.E002"]


@pytest.mark.parametrize("bad", ["not a keyring", "1:" + base64.b64encode(b"short").decode(), "1:%%%"])
def test_it_refuses_an_invalid_vault_keyring(bad):
    with _production(VAULT_KEYS=bad):
        errors = _run()

    assert [error.id for error in errors] == ["caseway.E003"]
    assert "CASEWAY_VAULT_KEYS" in errors[0].msg


def test_it_does_not_echo_the_keyring_in_its_message():
    secret_part = base64.b64encode(b"sixteen byte key").decode()
    with _production(VAULT_KEYS="1:" + secret_part):
        errors = _run()

    assert errors
    assert secret_part not in errors[0].msg


@pytest.mark.parametrize("bad", ["not base64 at all!", base64.b64encode(b"too short").decode()])
def test_it_refuses_an_invalid_blind_index_key(bad):
    with _production(BLIND_INDEX_KEY=bad):
        errors = _run()

    assert [error.id for error in errors] == ["caseway.E004"]
    assert "CASEWAY_BLIND_INDEX_KEY" in errors[0].msg


@pytest.mark.parametrize("mode", ["demo", "test"])
def test_it_asks_nothing_in_demo_or_test_mode(mode):
    with override_settings(MODE=mode, DEBUG=True, SECRET_KEY="x", VAULT_KEYS="", BLIND_INDEX_KEY="", AUDIT_KEY=""):
        assert _run() == []
