"""Read settings from environment variables, failing loudly on a bad value."""

from __future__ import annotations

import os
import re

#: Plain ASCII digits: int() would also take "1_000" and other scripts' digits.
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


class ConfigurationError(RuntimeError):
    """An environment variable holds a value govcloud cannot use."""


def env_str(name: str, default: str) -> str:
    """Return the variable's value, or the default when it is unset or empty."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    """Return a yes/no variable; anything but the usual spellings is an error."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name}={raw!r} is not a yes/no value (use true or false)")


def env_int(name: str, default: int, *, minimum: int, maximum: int | None = None) -> int:
    """Return a whole-number variable within its bounds; refuse anything else by name.

    A bad figure (a negative retention, a typo) must stop govcloud at start-up rather than
    run with a value nobody chose, so the message names the variable, the value and the bound.
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not WHOLE_NUMBER.fullmatch(raw):
        raise ConfigurationError(f"{name}={raw!r} is not a whole number")
    value = int(raw)
    if value < minimum:
        raise ConfigurationError(f"{name}={value} is below the minimum {minimum}")
    if maximum is not None and value > maximum:
        raise ConfigurationError(f"{name}={value} is above the maximum {maximum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated variable as a list of its non-empty items."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]
