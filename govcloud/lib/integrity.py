"""Integrity tags of important stored data (密评, GB/T 39786-2021: integrity of important
data in storage): an HMAC-SM3 over the data, checked whenever the data is read back.

A tag names what it protects (``kind``) and the record (``identity``), so a tag copied
from another record does not verify.
"""

from __future__ import annotations

from govcloud.lib.gmcrypto import hmac_sm3_hex, load_key, tags_equal

INTEGRITY_KEY_BYTES = 32


class IntegrityMismatch(ValueError):
    """Stored data does not match its integrity tag: it was changed outside govcloud."""


def integrity_tag(kind: str, identity: str, content: bytes) -> str:
    """Return the HMAC-SM3 tag of ``content`` stored as ``kind`` ``identity``."""
    key = load_key("integrity", INTEGRITY_KEY_BYTES)
    header = f"{kind}\x00{identity}\x00".encode()
    return hmac_sm3_hex(key, header + content)


def check_integrity(kind: str, identity: str, content: bytes, tag: str) -> None:
    """Raise IntegrityMismatch, naming the record, unless ``tag`` fits ``content``."""
    if not tag or not tags_equal(integrity_tag(kind, identity, content), tag):
        raise IntegrityMismatch(
            f"{kind} {identity} does not match its integrity tag: it was changed outside "
            "govcloud; restore it from a backup before relying on it"
        )
