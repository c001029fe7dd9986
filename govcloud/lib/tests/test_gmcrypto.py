"""SM3, HMAC-SM3 and SM4 as the 密评 requires, with keys kept outside the database."""

from __future__ import annotations

import pytest

from govcloud.lib.gmcrypto import (
    CryptoKeyError,
    IntegrityCheckError,
    hmac_sm3_hex,
    load_key,
    sm3_hex,
    sm4_decrypt,
    sm4_encrypt,
)


def test_sm3_gives_the_standards_digest_of_abc():
    assert sm3_hex(b"abc") == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")


def test_hmac_sm3_depends_on_the_key():
    assert hmac_sm3_hex(b"k" * 32, b"data") != hmac_sm3_hex(b"j" * 32, b"data")
    assert len(hmac_sm3_hex(b"k" * 32, b"data")) == 64


def test_sm4_round_trips_and_refuses_a_changed_ciphertext_or_context():
    key = bytes(range(16))
    sealed = sm4_encrypt(key, "口令".encode(), b"system-1")
    assert sm4_decrypt(key, sealed, b"system-1") == "口令".encode()
    with pytest.raises(IntegrityCheckError):
        sm4_decrypt(key, sealed, b"system-2")
    with pytest.raises(IntegrityCheckError):
        sm4_decrypt(key, sealed[:-1] + bytes([sealed[-1] ^ 1]), b"system-1")


def test_a_key_comes_from_the_environment_when_set(monkeypatch):
    monkeypatch.setenv("GOVCLOUD_TESTING_KEY", "00" * 16)
    assert load_key("testing", 16) == bytes(16)


@pytest.mark.parametrize(("value", "problem"), [("zz", "not hexadecimal"),
                                                ("00" * 8, "must be 16 bytes")])
def test_a_malformed_key_in_the_environment_is_refused(monkeypatch, value, problem):
    monkeypatch.setenv("GOVCLOUD_TESTING_KEY", value)
    with pytest.raises(CryptoKeyError, match=problem):
        load_key("testing", 16)


def test_a_key_file_is_created_once_with_mode_0600(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    first = load_key("fresh", 32)
    assert load_key("fresh", 32) == first
    assert (tmp_path / "keys" / "fresh.key").stat().st_mode & 0o777 == 0o600
