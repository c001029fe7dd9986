"""National cryptography (商用密码) for the 密评: SM3 digests, HMAC-SM3 tags, SM4 encryption.

Keys never live in the database. Each named key comes from an environment variable
(hex) or, failing that, from a file of the data directory created on first use with
mode 0600. Losing the key file makes the data it protects unreadable or unverifiable,
so operators back it up apart from the database (docs/security.md).
"""

from __future__ import annotations

import hmac as stdlib_hmac
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

SM4_KEY_BYTES = 16
GCM_NONCE_BYTES = 12
GCM_TAG_BYTES = 16


class CryptoKeyError(RuntimeError):
    """A key is missing or malformed."""


class IntegrityCheckError(ValueError):
    """Data does not match its integrity tag, or a ciphertext was altered."""


def load_key(name: str, size: int) -> bytes:
    """Return the key ``name``: from GOVCLOUD_<NAME>_KEY (hex), else its key file."""
    variable = f"GOVCLOUD_{name.upper()}_KEY"
    configured = os.environ.get(variable)
    if configured:
        try:
            key = bytes.fromhex(configured)
        except ValueError:
            raise CryptoKeyError(f"{variable} is not hexadecimal") from None
        if len(key) != size:
            raise CryptoKeyError(f"{variable} must be {size} bytes ({size * 2} hex digits)")
        return key
    path = Path(settings.DATA_DIR) / "keys" / f"{name}.key"
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as key_file:
            key_file.write(secrets.token_bytes(size).hex())
    key = bytes.fromhex(path.read_text().strip())
    if len(key) != size:
        raise CryptoKeyError(f"the key file {path} does not hold a {size}-byte key")
    return key


def sm3_hex(data: bytes) -> str:
    """Return the SM3 digest of ``data`` in hex."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def hmac_sm3_hex(key: bytes, data: bytes) -> str:
    """Return the HMAC-SM3 tag of ``data`` under ``key``, in hex."""
    tag = crypto_hmac.HMAC(key, hashes.SM3())
    tag.update(data)
    return tag.finalize().hex()


def tags_equal(left: str, right: str) -> bool:
    """Compare two tags in constant time."""
    return stdlib_hmac.compare_digest(left.encode(), right.encode())


def sm4_encrypt(key: bytes, plaintext: bytes, associated_data: bytes = b"") -> bytes:
    """Encrypt with SM4-GCM; the result is nonce ‖ ciphertext ‖ tag."""
    nonce = secrets.token_bytes(GCM_NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(associated_data)
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    return nonce + ciphertext + encryptor.tag


def sm4_decrypt(key: bytes, sealed: bytes, associated_data: bytes = b"") -> bytes:
    """Decrypt what ``sm4_encrypt`` produced; raise IntegrityCheckError if it was altered."""
    if len(sealed) < GCM_NONCE_BYTES + GCM_TAG_BYTES:
        raise IntegrityCheckError("the ciphertext is too short to be SM4-GCM")
    nonce, body, tag = (sealed[:GCM_NONCE_BYTES], sealed[GCM_NONCE_BYTES:-GCM_TAG_BYTES],
                        sealed[-GCM_TAG_BYTES:])
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(associated_data)
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag:
        raise IntegrityCheckError("the ciphertext or its associated data was altered") from None
