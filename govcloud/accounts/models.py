"""People who use govcloud, each with one role and a scope of contracts and systems."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from govcloud.lib.roles import (
    CONTRACT_WIDE_ROLES,
    PLATFORM_ADMIN_ROLES,
    SYSTEM_SCOPED_ROLES,
    Role,
)
from govcloud.lib.scoping import RestrictedQuerySet


class AccountManager(UserManager.from_queryset(RestrictedQuerySet)):
    """Users, with ``restrict(user)``: the account administrators see accounts."""


class User(AbstractUser):
    """A person with one role (三权分立: a single role each) and the contracts and systems
    that role applies to."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    organization = models.ForeignKey(
        "contract.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    must_change_password = models.BooleanField(
        _("must change password"), default=True,
        help_text=_("Set for an initial or reset password: the next sign-in must change it."),
    )
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    contracts = models.ManyToManyField(
        "contract.Contract",
        verbose_name=_("contracts"),
        blank=True,
        related_name="users",
        help_text=_("Contracts this person works on."),
    )
    systems = models.ManyToManyField(
        "inventory.ApplicationSystem",
        verbose_name=_("application systems"),
        blank=True,
        related_name="users",
        help_text=_("For purchaser staff and application vendors: the systems they may see."),
    )

    objects = AccountManager()
    scope_roles = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN})
    scope_platform_wide = True
    scope_contract_field = None

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_contract_wide(self) -> bool:
        return self.role in CONTRACT_WIDE_ROLES

    @property
    def is_system_scoped(self) -> bool:
        return self.role in SYSTEM_SCOPED_ROLES

    @property
    def is_platform_admin(self) -> bool:
        return self.role in PLATFORM_ADMIN_ROLES


class PasswordHistory(models.Model):
    """A password a person used, kept as its hash so that it is not used again (MLPS 3,
    8.1.4.1 a: passwords are complex and changed regularly)."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(_("password hash"), max_length=128)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("former password")
        verbose_name_plural = _("former passwords")
        ordering = ["user", "-changed_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.changed_at:%Y-%m-%d}"


class SecurityPolicy(models.Model):
    """The authentication policy the security administrator sets; one row. Its defaults
    come from the environment (govcloud/accounts/constants.py)."""

    password_min_length = models.PositiveIntegerField(_("minimum password length"))
    password_min_classes = models.PositiveIntegerField(
        _("character classes required"),
        help_text=_("Of lower case, upper case, digits and symbols."),
    )
    password_history = models.PositiveIntegerField(_("former passwords not to reuse"))
    password_max_age_days = models.PositiveIntegerField(
        _("password expiry (days)"), help_text=_("0: passwords do not expire.")
    )
    login_failure_limit = models.PositiveIntegerField(_("failed sign-ins before lockout"))
    lockout_minutes = models.PositiveIntegerField(_("lockout (minutes)"))
    session_idle_minutes = models.PositiveIntegerField(_("idle session timeout (minutes)"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("security policy")
        verbose_name_plural = _("security policies")

    def __str__(self) -> str:
        return str(_("Security policy"))
