"""Limits of the audit log: the HMAC key, the start of the chain, the retention period."""

from __future__ import annotations

from govcloud.lib.env import ConfigurationError, env_str

#: The HMAC-SM3 key of the chain (govcloud.lib.gmcrypto.load_key): GOVCLOUD_AUDIT_KEY or a file.
KEY_NAME = "audit"
KEY_BYTES = 32
#: The ``previous_tag`` of the very first record.
GENESIS_TAG = "0" * 64

RETENTION_VARIABLE = "GOVCLOUD_AUDIT_RETENTION_DAYS"
#: GB/T 22239-2019 8.1.3.5 asks for audit records kept; the Cybersecurity Law (Art. 21)
#: sets the floor at six months.
RETENTION_MINIMUM_DAYS = 180


def retention_days() -> int:
    """Return how many days records are kept; a value below the legal floor is an error."""
    raw = env_str(RETENTION_VARIABLE, str(RETENTION_MINIMUM_DAYS)).strip()
    try:
        days = int(raw)
    except ValueError:
        raise ConfigurationError(f"{RETENTION_VARIABLE}={raw!r} is not a number of days") from None
    if days < RETENTION_MINIMUM_DAYS:
        raise ConfigurationError(
            f"{RETENTION_VARIABLE}={days}: audit records must be kept at least "
            f"{RETENTION_MINIMUM_DAYS} days"
        )
    return days
