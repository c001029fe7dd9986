"""Account rules: roles and scopes, passwords, and the separation of the three
administrators (三权分立, MLPS 3): the system administrator keeps accounts, the security
administrator assigns roles and sets the security policy, the audit administrator reads
the audit log; no account ever holds two of these duties."""

from __future__ import annotations

import secrets
import string

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from govcloud.accounts.models import PasswordHistory, SecurityPolicy, User
from govcloud.accounts.policy import (
    POLICY_FIELDS,
    POLICY_MINIMUMS,
    current_policy,
)
from govcloud.audit.services import record_event
from govcloud.lib.roles import PLATFORM_ADMIN_ROLES, SYSTEM_SCOPED_ROLES, Role


def _require_role(actor, role: Role, action: str) -> None:
    if actor is None or actor.role != role:
        raise PermissionDenied(f"only the {role.label} may {action}")


def _check_scope(role: str, contracts: list, systems: list) -> None:
    if role and role not in Role.values:
        raise ValidationError(f"unknown role {role!r}")
    if role in PLATFORM_ADMIN_ROLES and (contracts or systems):
        raise ValidationError("platform administrators are not scoped to contracts or systems")
    if role not in SYSTEM_SCOPED_ROLES and systems:
        raise ValidationError(f"the role {role} is not scoped to systems")
    contract_ids = {contract.pk for contract in contracts}
    outside = [system for system in systems if system.contract_id not in contract_ids]
    if outside:
        raise ValidationError(f"systems outside the account's contracts: {outside}")


@transaction.atomic
def save_account(
    username: str,
    role: str,
    *,
    password: str | None = None,
    password_is_initial: bool = True,
    display_name: str = "",
    organization=None,
    contracts=(),
    systems=(),
    phone: str = "",
) -> User:
    """Create or update an account with one role and its scope, refusing scopes that do not
    fit. Used by the bootstrap, the demo and the tests; people go through create_account."""
    contracts, systems = list(contracts), list(systems)
    _check_scope(role, contracts, systems)
    user, created = User.objects.update_or_create(
        username=username,
        defaults={"role": role, "display_name": display_name, "organization": organization,
                  "phone": phone, "is_staff": False, "is_superuser": False},
    )
    # A new account has no password to compare with (checking costs a whole hashing).
    if password is not None and (created or not user.check_password(password)):
        _store_password(user, password, initial=password_is_initial)
    user.contracts.set(contracts)
    user.systems.set(systems)
    return user


def _store_password(user: User, password: str, *, initial: bool) -> None:
    validate_password(password, user)
    if user.has_usable_password() and user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = initial
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    keep = current_policy().password_history
    stale = user.password_history.values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()


def generate_initial_password() -> str:
    """Return a random password that satisfies any policy the administrator can set."""
    length = max(16, current_policy().password_min_length)
    alphabet = string.ascii_letters + string.digits + "-_.!@#"
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        groups = (string.ascii_lowercase, string.ascii_uppercase, string.digits, "-_.!@#")
        if all(any(char in group for char in password) for group in groups):
            return password


@transaction.atomic
def change_own_password(user: User, old_password: str, new_password: str, *, request=None):
    """Change one's own password: the old one must be right, the new one follow the policy."""
    if not user.check_password(old_password):
        record_event("account.password_change", actor=user, request=request, target=user,
                     outcome="failure", details={"reason": "wrong current password"})
        raise ValidationError("the current password is not correct")
    _store_password(user, new_password, initial=False)
    record_event("account.password_change", actor=user, request=request, target=user)


@transaction.atomic
def create_account(actor, *, username: str, role: str = "", display_name: str = "",
                   organization=None, contracts=(), systems=(), phone: str = "",
                   request=None) -> tuple[User, str]:
    """Create an account with an initial password to be changed at first sign-in.

    The system administrator creates accounts for the business roles; platform
    administrator roles are the security administrator's to assign (assign_role)."""
    _require_role(actor, Role.SYSTEM_ADMIN, "create accounts")
    if role in PLATFORM_ADMIN_ROLES:
        raise PermissionDenied("administrator roles are assigned by the security administrator")
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"the user name {username!r} is taken")
    password = generate_initial_password()
    user = save_account(username, role, password=password, display_name=display_name,
                        organization=organization, contracts=contracts, systems=systems,
                        phone=phone)
    record_event("account.create", actor=actor, request=request, target=user,
                 details={"role": role, "contracts": [c.pk for c in user.contracts.all()],
                          "systems": [s.pk for s in user.systems.all()]})
    return user, password


@transaction.atomic
def update_scope(actor, user: User, *, contracts, systems, request=None) -> User:
    """Change the contracts and systems an account works on (system administrator)."""
    _require_role(actor, Role.SYSTEM_ADMIN, "change the scope of accounts")
    contracts, systems = list(contracts), list(systems)
    _check_scope(user.role, contracts, systems)
    user.contracts.set(contracts)
    user.systems.set(systems)
    record_event("account.scope_change", actor=actor, request=request, target=user,
                 details={"contracts": [c.pk for c in contracts],
                          "systems": [s.pk for s in systems]})
    return user


@transaction.atomic
def assign_role(actor, user: User, role: str, *, request=None) -> User:
    """Give an account its role (security administrator).

    Nobody assigns their own role, and an account that has held one administrator duty
    never takes another: that person needs a separate account, so no account holds two."""
    _require_role(actor, Role.SECURITY_ADMIN, "assign roles")
    if role not in Role.values:
        raise ValidationError(f"unknown role {role!r}")
    if user.pk == actor.pk:
        raise PermissionDenied("nobody assigns their own role")
    if user.role in PLATFORM_ADMIN_ROLES and role != user.role:
        raise ValidationError(
            f"{user.username} holds the {Role(user.role).label} duty; an account never takes a "
            "second administrator duty: create a separate account")
    _check_scope(role, list(user.contracts.all()), list(user.systems.all()))
    previous = user.role
    user.role = role
    user.save(update_fields=["role"])
    record_event("account.role_change", actor=actor, request=request, target=user,
                 details={"from": previous, "to": role})
    return user


@transaction.atomic
def set_account_active(actor, user: User, active: bool, *, request=None) -> User:
    """Disable or re-enable an account (system administrator); never one's own."""
    _require_role(actor, Role.SYSTEM_ADMIN, "disable or enable accounts")
    if user.pk == actor.pk:
        raise PermissionDenied("nobody disables their own account")
    user.is_active = active
    user.save(update_fields=["is_active"])
    record_event("account.enable" if active else "account.disable", actor=actor,
                 request=request, target=user)
    return user


@transaction.atomic
def reset_password(actor, user: User, *, request=None) -> str:
    """Give an account a new initial password, to be changed at the next sign-in."""
    _require_role(actor, Role.SYSTEM_ADMIN, "reset passwords")
    password = generate_initial_password()
    _store_password(user, password, initial=True)
    record_event("account.password_reset", actor=actor, request=request, target=user)
    return password


@transaction.atomic
def update_security_policy(actor, values: dict[str, int], *, request=None) -> SecurityPolicy:
    """Set the authentication policy (security administrator); every field has a floor."""
    _require_role(actor, Role.SECURITY_ADMIN, "change the security policy")
    policy = current_policy()
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationError(f"unknown policy fields: {', '.join(sorted(unknown))}")
    errors = {}
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int):
            errors[name] = f"{value!r} is not a whole number"
        elif value < POLICY_MINIMUMS[name]:
            errors[name] = f"{value} is below the minimum {POLICY_MINIMUMS[name]}"
    if errors:
        raise ValidationError(errors)
    before = {name: getattr(policy, name) for name in POLICY_FIELDS}
    for name, value in values.items():
        setattr(policy, name, value)
    policy.save()
    after = {name: getattr(policy, name) for name in POLICY_FIELDS}
    record_event("policy.change", actor=actor, request=request, target=policy,
                 details={"before": before, "after": after})
    return policy
