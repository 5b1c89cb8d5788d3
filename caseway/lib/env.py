"""Typed readers for settings taken from environment variables.

Secrets may also come from a file named by ``<NAME>_FILE`` (Docker and systemd credentials),
so they never need to sit in the process environment.
"""

import os
from pathlib import Path


class ConfigurationError(Exception):
    pass


def _raw(name: str) -> str | None:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            return Path(file_path).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ConfigurationError(f"{name}_FILE points at {file_path!r}, which cannot be read: {error}") from error
        except UnicodeDecodeError:
            # Say nothing about the bytes: the file holds a secret.
            raise ConfigurationError(f"{name}_FILE points at {file_path!r}, which is not UTF-8 text.") from None
    return os.environ.get(name)


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ConfigurationError(f"{name} must be a whole number, not {value!r}") from error


def env_int_within(name: str, default: int, low: int, high: int) -> int:
    """``env_int``, refused (the service does not start) outside ``low``..``high``."""
    value = env_int(name, default)
    if not low <= value <= high:
        raise ConfigurationError(f"{name} must be from {low} to {high}, not {value}")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = _raw(name)
    if value is None or value.strip() == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]
