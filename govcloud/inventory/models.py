"""What runs under a contract: the hosted application systems (C-6) and their cloud hosts.

Systems come from the contract's table; hosts are registered against a system. The
change workflows that add and resize them come with the inventory issue; here they are
read-only.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from govcloud.accounts.querysets import RestrictedManager
from govcloud.inventory.choices import HostStatus

SYSTEM_ORDER = ("contract", "contract_row", "label")


def systems_with_host_count():
    """Return systems with ``host_count``; grouping drops Meta.ordering, so order again."""
    return ApplicationSystem.objects.annotate(host_count=models.Count("hosts")).order_by(
        *SYSTEM_ORDER
    )


class ApplicationSystem(models.Model):
    """An application system hosted on the government cloud (C-6), one row of the
    contract's system table or added later."""

    contract = models.ForeignKey(
        "contract.Contract", verbose_name=_("contract"), on_delete=models.PROTECT,
        related_name="systems",
    )
    contract_row = models.PositiveIntegerField(
        _("contract row"), null=True, blank=True,
        help_text=_("Row of the contract's system table; empty for a system added later."),
    )
    name = models.CharField(_("name as in the contract"), max_length=200)
    label = models.CharField(
        _("name"), max_length=200,
        help_text=_("Unique within the contract; differs from the contract's name only for a "
                    "duplicated row."),
    )
    duplicate_of_row = models.PositiveIntegerField(
        _("duplicate of row"), null=True, blank=True,
        help_text=_("The contract lists this name already at that row."),
    )
    listed_in_contract = models.BooleanField(
        _("listed in the current contract version"), default=True
    )
    vendor = models.ForeignKey(
        "contract.Organization", verbose_name=_("application vendor"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="systems",
    )
    owner_department = models.CharField(_("owner department"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = RestrictedManager()
    scope_contract_field = "contract"
    scope_system_field = "pk"
    scope_visible_to_account_admin = True

    class Meta:
        verbose_name = _("application system")
        verbose_name_plural = _("application systems")
        ordering = list(SYSTEM_ORDER)
        constraints = [
            models.UniqueConstraint(fields=["contract", "label"], name="system_label_unique"),
            models.UniqueConstraint(
                fields=["contract", "contract_row"], name="system_contract_row_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class CloudHost(models.Model):
    """A cloud host (virtual machine) rented under catalog items 1–4 for one system."""

    system = models.ForeignKey(
        ApplicationSystem, verbose_name=_("application system"), on_delete=models.PROTECT,
        related_name="hosts",
    )
    name = models.CharField(_("name"), max_length=100)
    vcpu = models.PositiveIntegerField(_("vCPU"))
    memory_gb = models.PositiveIntegerField(_("memory (GB)"))
    standard_storage_gb = models.PositiveIntegerField(_("standard storage (GB)"), default=0)
    performance_storage_gb = models.PositiveIntegerField(
        _("high-performance storage (GB)"), default=0
    )
    operating_system = models.CharField(_("operating system"), max_length=100, blank=True)
    ip_addresses = models.JSONField(_("IP addresses"), default=list, blank=True)
    data_center = models.CharField(_("data center"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=HostStatus.choices, default=HostStatus.PROVISIONING
    )

    objects = RestrictedManager()
    scope_contract_field = "system__contract"
    scope_system_field = "system"

    class Meta:
        verbose_name = _("cloud host")
        verbose_name_plural = _("cloud hosts")
        ordering = ["system", "name"]
        constraints = [
            models.UniqueConstraint(fields=["system", "name"], name="host_name_unique_in_system"),
        ]

    def __str__(self) -> str:
        return self.name
