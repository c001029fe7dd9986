"""Defaults of the security policy, from the environment (docs/security.md lists them)."""

from __future__ import annotations

from govcloud.lib.env import env_int

PASSWORD_MIN_LENGTH = env_int("GOVCLOUD_PASSWORD_MIN_LENGTH", 12, minimum=8)
# Four classes exist (lower case, upper case, digits, anything else): more cannot be met.
PASSWORD_MIN_CLASSES = env_int("GOVCLOUD_PASSWORD_MIN_CLASSES", 3, minimum=2, maximum=4)
PASSWORD_HISTORY = env_int("GOVCLOUD_PASSWORD_HISTORY", 5, minimum=1)
PASSWORD_MAX_AGE_DAYS = env_int("GOVCLOUD_PASSWORD_MAX_AGE_DAYS", 90, minimum=0)
LOGIN_FAILURE_LIMIT = env_int("GOVCLOUD_LOGIN_FAILURE_LIMIT", 5, minimum=3)
LOCKOUT_MINUTES = env_int("GOVCLOUD_LOCKOUT_MINUTES", 30, minimum=1)
SESSION_IDLE_MINUTES = env_int("GOVCLOUD_SESSION_IDLE_MINUTES", 30, minimum=1)
