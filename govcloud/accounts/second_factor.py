"""Checking a TOTP code and saying why it failed (MLPS 3, 8.1.4.1 d).

django-otp answers yes or no; a person told only "incorrect" retypes a code that was
already used, or a right code while the device is throttled. These rules tell the cases
apart without weakening the check: a code is accepted only by ``verify_token``.
"""

from __future__ import annotations

import time
from enum import StrEnum

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class CodeCheck(StrEnum):
    ACCEPTED = "accepted"
    #: The code was right for a time step already used: TOTP codes are single-use.
    REUSED = "reused"
    #: Too many wrong codes in a row: django-otp refuses any code for a while.
    THROTTLED = "throttled"
    WRONG = "wrong"


def check_code(device: TOTPDevice, token: str) -> CodeCheck:
    """Verify ``token`` on ``device`` (marking it used when right) and say what happened."""
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return CodeCheck.THROTTLED
    if device.verify_token(token):
        return CodeCheck.ACCEPTED
    return CodeCheck.REUSED if _matches_a_used_step(device, token) else CodeCheck.WRONG


def _matches_a_used_step(device: TOTPDevice, token: str) -> bool:
    """Whether ``token`` is the code of a time step at or before the last one accepted."""
    if device.last_t < 0 or not token.isdigit():
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    matched = totp.verify(int(token), device.tolerance)
    return matched and totp.t() <= device.last_t
