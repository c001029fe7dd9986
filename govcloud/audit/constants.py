"""Limits of the audit log: the HMAC key, the start of the chain, the retention period."""

from __future__ import annotations

from govcloud.lib.env import env_int

#: The HMAC-SM3 key of the chain (govcloud.lib.gmcrypto.load_key): GOVCLOUD_AUDIT_KEY or a file.
KEY_NAME = "audit"
KEY_BYTES = 32
#: The ``previous_tag`` of the very first record.
GENESIS_TAG = "0" * 64

#: Where ``govcloud audit checkpoint`` writes and ``verify`` reads checkpoints by default:
#: a file, or a directory (each checkpoint a new file), ideally on a write-once store.
CHECKPOINT_VARIABLE = "GOVCLOUD_AUDIT_CHECKPOINT"

RETENTION_VARIABLE = "GOVCLOUD_AUDIT_RETENTION_DAYS"
#: GB/T 22239-2019 8.1.3.5 asks for audit records kept; the Cybersecurity Law (Art. 21)
#: sets the floor at six months.
RETENTION_MINIMUM_DAYS = 180


def retention_days() -> int:
    """Return how many days records are kept; a value below the legal floor is an error."""
    return env_int(RETENTION_VARIABLE, RETENTION_MINIMUM_DAYS, minimum=RETENTION_MINIMUM_DAYS)
