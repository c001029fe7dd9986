"""What runs under a contract: the hosted application systems (C-6) and their cloud hosts.

Systems come from the contract's table (or an import); hosts are registered against a
system. Every later change of a host or of a system's subscriptions is a ChangeRequest
(C-9), applied to the rows and to the allocation ledger only when the provider has done it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govcloud.inventory.choices import ChangeKind, ChangeStatus, HostStatus
from govcloud.lib.history import HistoryModel
from govcloud.lib.scoping import RestrictedManager, RestrictedQuerySet

SYSTEM_ORDER = ("contract", "contract_row", "label")


class SystemQuerySet(RestrictedQuerySet):
    def with_host_count(self) -> SystemQuerySet:
        """Give each system ``host_count``, its hosts not decommissioned; grouping drops
        Meta.ordering, so order again."""
        in_service = ~models.Q(hosts__status=HostStatus.DECOMMISSIONED)
        return self.annotate(
            host_count=models.Count("hosts", filter=in_service)).order_by(*SYSTEM_ORDER)


def systems_with_host_count() -> SystemQuerySet:
    """Return every system with ``host_count`` (see SystemQuerySet.with_host_count)."""
    return ApplicationSystem.objects.with_host_count()


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
    business_contact = models.CharField(_("business contact"), max_length=100, blank=True)
    business_phone = models.CharField(_("business contact phone"), max_length=40, blank=True)
    technical_contact = models.CharField(_("technical contact"), max_length=100, blank=True)
    technical_phone = models.CharField(_("technical contact phone"), max_length=40, blank=True)
    primary_data_center = models.CharField(_("primary data center"), max_length=100, blank=True)
    backup_data_center = models.CharField(_("backup data center"), max_length=100, blank=True)
    high_availability = models.BooleanField(
        _("high availability"), default=False,
        help_text=_("The system runs on more than one host or data center so that one "
                    "failure does not stop it."),
    )

    objects = models.Manager.from_queryset(SystemQuerySet)()
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
    change_request = models.ForeignKey(
        "ChangeRequest", verbose_name=_("change request"), on_delete=models.PROTECT, null=True,
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


class ChangeRequest(models.Model):
    """A request to add, change, expand, shrink or cancel a resource, or to operate a host
    (C-9, C-17), from draft to verified.

    ``requested`` holds the wanted values (the new size, the new list of services, the new
    subscription quantities); ``applied`` the allocation changes recorded when it was done.
    Statuses move only through govcloud.inventory.changes.
    """

    contract = models.ForeignKey(
        "contract.Contract", verbose_name=_("contract"), on_delete=models.PROTECT,
        related_name="change_requests",
    )
    system = models.ForeignKey(
        ApplicationSystem, verbose_name=_("application system"), on_delete=models.PROTECT,
        related_name="change_requests",
    )
    host = models.ForeignKey(
        CloudHost, verbose_name=_("cloud host"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="change_requests",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ChangeKind.choices)
    requested = models.JSONField(_("requested values"), default=dict, blank=True)
    reason = models.TextField(_("reason"))
    risk_assessment = models.TextField(_("risk assessment"))
    fallback_plan = models.TextField(_("fallback plan"))
    status = models.CharField(
        _("status"), max_length=20, choices=ChangeStatus.choices, default=ChangeStatus.DRAFT,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    identity_confirmed_at = models.DateTimeField(
        _("requester's identity confirmed at"), null=True, blank=True,
        help_text=_("When the requester confirmed the operation with a second factor (C-17)."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("carried out by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    driver = models.CharField(_("execution driver"), max_length=40, blank=True)
    driver_reference = models.CharField(_("reference in the cloud"), max_length=200, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("finished by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    applied = models.JSONField(_("allocation changes applied"), default=dict, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verified by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_note = models.TextField(_("verification note"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = RestrictedManager()
    scope_contract_field = "contract"
    scope_system_field = "system"

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"
