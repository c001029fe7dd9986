"""What a demo build made, without database ids, so that two builds can be compared."""

from __future__ import annotations

from govcloud.inventory.models import AllocationEntry, ChangeRequest, CloudHost
from govcloud.telemetry.models import HostDaily, MaintenanceWindow

STAMPS = ("created_at", "submitted_at", "decided_at", "started_at", "finished_at",
          "verified_at")


def fingerprint(contract) -> tuple[list, ...]:
    """Return what the demo built, without database ids."""
    systems = contract.systems.order_by("contract_row").values_list(
        "label", "vendor__name", "owner_department", "business_contact", "business_phone",
        "technical_contact", "technical_phone", "primary_data_center", "backup_data_center",
        "high_availability")
    hosts = CloudHost.objects.filter(system__contract=contract).order_by(
        "system__contract_row", "name").values_list(
        "name", "vcpu", "memory_gb", "standard_storage_gb", "performance_storage_gb",
        "services", "operating_system", "ip_addresses", "data_center", "status")
    ledger = AllocationEntry.objects.filter(contract=contract).order_by(
        "recorded_at", "system__contract_row", "host__name", "meter").values_list(
        "system__label", "host__name", "meter", "delta", "recorded_at", "reason")
    requests = ChangeRequest.objects.filter(contract=contract).order_by(
        "created_at", "system__contract_row").values_list(
        "system__label", "host__name", "kind", "status", "requested", "reason",
        "created_by__username", *STAMPS)
    daily = HostDaily.objects.filter(host__system__contract=contract).order_by(
        "host__name", "day").values_list("host__name", "day", "seconds_observed",
                                         "seconds_up", "cpu_sum", "memory_p95")
    windows = MaintenanceWindow.objects.filter(contract=contract).order_by(
        "starts_at").values_list("title", "system__label", "starts_at", "ends_at", "status")
    return (list(systems), list(hosts), list(ledger), list(requests), list(daily),
            list(windows))
