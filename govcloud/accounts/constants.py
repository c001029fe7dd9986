"""Defaults of the security policy, from the environment (docs/security.md lists them)."""

from __future__ import annotations

import os

from govcloud.lib.env import ConfigurationError


def env_int(name: str, default: int, minimum: int) -> int:
    """Return a whole-number variable no smaller than ``minimum``; refuse anything else."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ConfigurationError(f"{name}={value} is below the minimum {minimum}")
    return value


PASSWORD_MIN_LENGTH = env_int("GOVCLOUD_PASSWORD_MIN_LENGTH", 12, 8)
PASSWORD_MIN_CLASSES = env_int("GOVCLOUD_PASSWORD_MIN_CLASSES", 3, 2)
PASSWORD_HISTORY = env_int("GOVCLOUD_PASSWORD_HISTORY", 5, 1)
PASSWORD_MAX_AGE_DAYS = env_int("GOVCLOUD_PASSWORD_MAX_AGE_DAYS", 90, 0)
LOGIN_FAILURE_LIMIT = env_int("GOVCLOUD_LOGIN_FAILURE_LIMIT", 5, 3)
LOCKOUT_MINUTES = env_int("GOVCLOUD_LOCKOUT_MINUTES", 30, 1)
SESSION_IDLE_MINUTES = env_int("GOVCLOUD_SESSION_IDLE_MINUTES", 30, 1)
