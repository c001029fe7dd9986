"""The roles of the people who use govcloud (product brief, "Who uses it")."""

from __future__ import annotations

from typing import Any, Protocol

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PURCHASER_ADMIN = "purchaser_admin", _("Purchaser admin")
    PURCHASER_STAFF = "purchaser_staff", _("Purchaser staff")
    APP_VENDOR = "app_vendor", _("Application vendor")
    PROVIDER_OPERATOR = "provider_operator", _("Provider operator")
    PROVIDER_MANAGER = "provider_manager", _("Provider manager")
    SUPERVISOR = "supervisor", _("Supervisor")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


#: Roles that see everything of the contracts they are assigned to.
CONTRACT_WIDE_ROLES = frozenset(
    {Role.PURCHASER_ADMIN, Role.PROVIDER_OPERATOR, Role.PROVIDER_MANAGER, Role.SUPERVISOR}
)
#: Roles that see only the application systems they are assigned to.
SYSTEM_SCOPED_ROLES = frozenset({Role.PURCHASER_STAFF, Role.APP_VENDOR})
#: The three platform administrators of MLPS level 3 (三权分立): no one holds two.
PLATFORM_ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


#: Roles that must pass a second factor (TOTP) at every sign-in: the administrators and the
#: provider's people, who act on the purchaser's systems (MLPS 3, 8.1.4.1 d).
SECOND_FACTOR_ROLES = PLATFORM_ADMIN_ROLES | frozenset(
    {Role.PURCHASER_ADMIN, Role.PROVIDER_OPERATOR, Role.PROVIDER_MANAGER}
)


class Person(Protocol):
    """A signed-in person as the bottom layer sees them (``accounts.User`` is one): the
    layers below ``accounts`` ask of a user only their role and what they are assigned to."""

    @property
    def pk(self) -> object: ...

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...

    @property
    def role(self) -> str: ...

    @property
    def contracts(self) -> models.Manager[Any]: ...

    @property
    def systems(self) -> models.Manager[Any]: ...


#: Who takes a step, as the layers below ``accounts`` name them: an ``accounts.User`` (a
#: layer above, so not importable there; the model fields it fills check it), or None for
#: the system itself.
Actor = Any
