"""People who use govcloud, each with one role and a scope of contracts and systems."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from govcloud.accounts.choices import (
    CONTRACT_WIDE_ROLES,
    PLATFORM_ADMIN_ROLES,
    SYSTEM_SCOPED_ROLES,
    Role,
)


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
