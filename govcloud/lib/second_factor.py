"""The second factor (TOTP, django-otp) as a check any app may ask for (C-17).

Here, at the bottom of the layers, so that a domain app (a restart needs the requester's
code) can ask it without standing on the accounts app, which stands on the inventory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django_otp.plugins.otp_totp.models import TOTPDevice

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def has_second_factor(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Return whether the person has an enrolled authenticator (TOTP)."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def confirm_second_factor(user: AbstractBaseUser | AnonymousUser, token: str) -> bool:
    """Check a code of the person's authenticator, for an action that needs it (C-17).

    A code is accepted once: django-otp remembers the last one used.
    """
    token = (token or "").strip()
    if not token.isdigit():
        return False
    return any(device.verify_token(token)
               for device in TOTPDevice.objects.filter(user=user, confirmed=True))
