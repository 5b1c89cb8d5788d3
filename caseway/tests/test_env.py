"""caseway.lib.env: typed settings from environment variables, secrets also from <NAME>_FILE."""

import pytest

from caseway.lib.env import ConfigurationError, env_bool, env_int, env_int_within, env_list, env_str

NAME = "CASEWAY_TEST_ENV_VALUE"


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)
    monkeypatch.delenv(f"{NAME}_FILE", raising=False)


@pytest.mark.parametrize("text", ["1", "true", "True", "YES", "on", " true "])
def test_it_reads_true_spellings(monkeypatch, text):
    monkeypatch.setenv(NAME, text)

    assert env_bool(NAME, False) is True


@pytest.mark.parametrize("text", ["0", "false", "FALSE", "no", "Off"])
def test_it_reads_false_spellings(monkeypatch, text):
    monkeypatch.setenv(NAME, text)

    assert env_bool(NAME, True) is False


@pytest.mark.parametrize("default", [True, False])
def test_it_gives_the_default_bool_when_unset_or_empty(monkeypatch, default):
    assert env_bool(NAME, default) is default
    monkeypatch.setenv(NAME, "")
    assert env_bool(NAME, default) is default


@pytest.mark.parametrize("junk", ["maybe", "2", "tru", "enabled"])
def test_it_rejects_a_junk_bool_naming_the_variable(monkeypatch, junk):
    monkeypatch.setenv(NAME, junk)

    with pytest.raises(ConfigurationError, match=NAME):
        env_bool(NAME, False)


def test_it_reads_an_int(monkeypatch):
    assert env_int(NAME, 7) == 7
    monkeypatch.setenv(NAME, "42")
    assert env_int(NAME, 7) == 42


@pytest.mark.parametrize("junk", ["forty", "4.5", "12abc", "0x10"])
def test_it_rejects_a_junk_int_naming_the_variable(monkeypatch, junk):
    monkeypatch.setenv(NAME, junk)

    with pytest.raises(ConfigurationError, match=NAME):
        env_int(NAME, 7)


def test_it_reads_a_comma_separated_list(monkeypatch):
    assert env_list(NAME) == []
    assert env_list(NAME, ["a"]) == ["a"]
    monkeypatch.setenv(NAME, " example.org, ,www.example.org ,")
    assert env_list(NAME, ["a"]) == ["example.org", "www.example.org"]
    monkeypatch.setenv(NAME, "  ")
    assert env_list(NAME, ["a"]) == ["a"]


def test_it_reads_a_string_with_a_default(monkeypatch):
    assert env_str(NAME, "fallback") == "fallback"
    monkeypatch.setenv(NAME, "value")
    assert env_str(NAME, "fallback") == "value"


def test_it_reads_a_secret_from_its_file_without_the_newline(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret-from-file\n", encoding="utf-8")
    monkeypatch.setenv(f"{NAME}_FILE", str(secret))

    assert env_str(NAME) == "s3cret-from-file"


def test_it_prefers_the_file_over_the_variable(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-file\n", encoding="utf-8")
    monkeypatch.setenv(NAME, "from-environment")
    monkeypatch.setenv(f"{NAME}_FILE", str(secret))

    assert env_str(NAME) == "from-file"


def test_it_reads_typed_values_from_a_file(monkeypatch, tmp_path):
    number = tmp_path / "number"
    number.write_text("15\n", encoding="utf-8")
    monkeypatch.setenv(f"{NAME}_FILE", str(number))

    assert env_int(NAME, 0) == 15


def test_it_names_the_variable_when_its_file_cannot_be_read(monkeypatch, tmp_path):
    monkeypatch.setenv(NAME, "from-environment")
    monkeypatch.setenv(f"{NAME}_FILE", str(tmp_path / "missing"))

    with pytest.raises(ConfigurationError, match=f"{NAME}_FILE"):
        env_str(NAME)


def test_it_names_the_variable_when_its_file_is_a_directory(monkeypatch, tmp_path):
    monkeypatch.setenv(f"{NAME}_FILE", str(tmp_path))

    with pytest.raises(ConfigurationError, match=f"{NAME}_FILE"):
        env_str(NAME)


def test_it_names_the_variable_when_its_file_is_not_text(monkeypatch, tmp_path):
    binary = tmp_path / "binary"
    binary.write_bytes(b"\xff\xfe\x00secret")
    monkeypatch.setenv(f"{NAME}_FILE", str(binary))

    with pytest.raises(ConfigurationError, match=f"{NAME}_FILE") as caught:
        env_str(NAME)
    assert "secret" not in str(caught.value).replace(str(binary), "")


def test_it_reads_an_int_within_bounds_and_refuses_one_outside(monkeypatch):
    monkeypatch.setenv("CASEWAY_TEST_MINUTES", "30")
    assert env_int_within("CASEWAY_TEST_MINUTES", 15, 1, 60) == 30
    monkeypatch.setenv("CASEWAY_TEST_MINUTES", "61")
    with pytest.raises(ConfigurationError, match="CASEWAY_TEST_MINUTES must be from 1 to 60, not 61"):
        env_int_within("CASEWAY_TEST_MINUTES", 15, 1, 60)
    monkeypatch.delenv("CASEWAY_TEST_MINUTES")
    assert env_int_within("CASEWAY_TEST_MINUTES", 15, 1, 60) == 15
