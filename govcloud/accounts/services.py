"""Account rules: who may hold which role over which contracts and systems."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from govcloud.accounts.choices import PLATFORM_ADMIN_ROLES, SYSTEM_SCOPED_ROLES, Role
from govcloud.accounts.models import User


@transaction.atomic
def save_account(
    username: str,
    role: str,
    *,
    password: str | None = None,
    display_name: str = "",
    organization=None,
    contracts=(),
    systems=(),
    phone: str = "",
) -> User:
    """Create or update an account with one role and its scope, refusing scopes that do not fit.

    Platform administrators hold no contract; purchaser staff and vendors see systems of
    their own contracts only.
    """
    if role not in Role.values:
        raise ValidationError(f"unknown role {role!r}")
    contracts, systems = list(contracts), list(systems)
    if role in PLATFORM_ADMIN_ROLES and (contracts or systems):
        raise ValidationError("platform administrators are not scoped to contracts or systems")
    if role not in SYSTEM_SCOPED_ROLES and systems:
        raise ValidationError(f"the role {role} is not scoped to systems")
    contract_ids = {contract.pk for contract in contracts}
    outside = [system for system in systems if system.contract_id not in contract_ids]
    if outside:
        raise ValidationError(f"systems outside the account's contracts: {outside}")
    user, _ = User.objects.update_or_create(
        username=username,
        defaults={"role": role, "display_name": display_name, "organization": organization,
                  "phone": phone, "is_staff": False, "is_superuser": False},
    )
    if password is not None:
        user.set_password(password)
        user.save(update_fields=["password"])
    user.contracts.set(contracts)
    user.systems.set(systems)
    return user
