"""What runs under a contract: the hosted application systems (C-6) and their cloud hosts.

Systems come from the contract's table; hosts are registered against a system. The
change workflows that add and resize them come with the inventory issue; here they are
read-only.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govcloud.accounts.querysets import RestrictedManager
from govcloud.inventory.choices import HostStatus
from govcloud.lib.history import HistoryModel

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
    services = models.JSONField(
        _("per-host services"), default=list, blank=True,
        help_text=_("Meters of catalog items 9–12 this host takes: monitoring, antivirus, "
                    "protection, vulnerability scanning."),
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


class AllocationEntry(HistoryModel):
    """One change of what a system is allocated of a catalog item (C-7, C-9).

    Entries are never changed: the allocation of any item, per system or in total, at any
    past moment is the sum of the entries recorded up to it. Metering and reports read it.
    """

    contract = models.ForeignKey(
        "contract.Contract", verbose_name=_("contract"), on_delete=models.PROTECT,
        related_name="allocation_entries",
    )
    system = models.ForeignKey(
        ApplicationSystem, verbose_name=_("application system"), on_delete=models.PROTECT,
        related_name="allocation_entries",
    )
    host = models.ForeignKey(
        CloudHost, verbose_name=_("cloud host"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="allocation_entries",
    )
    meter = models.CharField(_("meter"), max_length=40)
    delta = models.IntegerField(_("change"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, db_index=True)
    actor_username = models.CharField(_("recorded by"), max_length=150, blank=True)
    reason = models.CharField(_("reason"), max_length=300)

    scope_contract_field = "contract"
    scope_system_field = "system"

    class Meta:
        verbose_name = _("allocation entry")
        verbose_name_plural = _("allocation entries")
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.system} {self.meter} {self.delta:+d}"


class HostStatusChange(HistoryModel):
    """A cloud host entering a status, so that hosts in service can be counted at any
    moment (KPI 2)."""

    host = models.ForeignKey(
        CloudHost, verbose_name=_("cloud host"), on_delete=models.PROTECT,
        related_name="status_changes",
    )
    status = models.CharField(_("status"), max_length=20, choices=HostStatus.choices)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, db_index=True)

    scope_contract_field = "host__system__contract"
    scope_system_field = "host__system"

    class Meta:
        verbose_name = _("host status change")
        verbose_name_plural = _("host status changes")
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.host} {self.status}"
