"""Whole builds of the demo fleet: the same contract always gives the same fleet, and a
contract of other figures gets a fleet of its own figures."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import transaction

from govcloud.demo.constants import BEIJING
from govcloud.demo.services import build_demo
from govcloud.inventory.choices import OPEN_CHANGE_STATUSES, ChangeStatus
from govcloud.inventory.ledger import contract_allocation, running_hosts
from govcloud.inventory.models import AllocationEntry, ChangeRequest, CloudHost
from govcloud.telemetry.models import HostDaily, MaintenanceWindow
from govcloud.testing.cast import OTHER_CONTRACT_PATH

pytestmark = pytest.mark.django_db

#: A moment inside the other contract's term (2026-02-01 to 2026-12-31).
MID_TERM = datetime(2026, 9, 1, 12, tzinfo=BEIJING)
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


def test_two_fresh_databases_get_the_same_fleet_and_history():
    with transaction.atomic():
        first = fingerprint(build_demo().contract)
        transaction.set_rollback(True)
    assert not CloudHost.objects.exists()
    second = fingerprint(build_demo().contract)
    assert len(second[1]) >= 180
    assert first == second


def test_another_contract_gets_a_fleet_of_only_what_it_rents_within_its_quantities():
    with time_machine.travel(MID_TERM, tick=False):
        build = build_demo(OTHER_CONTRACT_PATH)
    contract = build.contract
    version = contract.current_version
    target = version.kpis.get(measure="hosts_in_service").target
    assert target <= build.fleet.running_hosts < 180
    assert build.fleet.systems_with_hosts == build.fleet.systems == 5
    for item in contract_allocation(contract):
        assert 0.6 * item.contracted <= item.allocated <= item.contracted, item
    rented = set(version.catalogitems.values_list("meter", flat=True))
    assert set(AllocationEntry.objects.values_list("meter", flat=True)) <= rented
    hosts = CloudHost.objects.filter(system__contract=contract)
    assert not hosts.exclude(services=[]).exists()
    assert not hosts.exclude(standard_storage_gb=0).exists()


def test_a_running_term_gets_its_history_up_to_an_hour_before_now():
    with time_machine.travel(MID_TERM, tick=False):
        contract = build_demo(OTHER_CONTRACT_PATH).contract
    requests = ChangeRequest.objects.filter(contract=contract)
    assert requests.filter(status=ChangeStatus.VERIFIED).exists()
    assert requests.filter(status__in=list(OPEN_CHANGE_STATUSES)).count() >= 4
    latest = max(stamp for change in requests for stamp in
                 (getattr(change, name) for name in STAMPS) if stamp)
    assert latest <= MID_TERM - timedelta(hours=1)
    latest_entry = AllocationEntry.objects.order_by("recorded_at").last().recorded_at
    assert latest_entry <= MID_TERM - timedelta(hours=1)


def test_a_term_that_has_not_begun_gets_its_fleet_now_and_no_history():
    before = datetime(2026, 1, 25, 10, tzinfo=BEIJING)
    with time_machine.travel(before, tick=False):
        contract = build_demo(OTHER_CONTRACT_PATH).contract
    assert running_hosts(contract, at=before) >= 60
    assert not ChangeRequest.objects.exists()
    assert set(AllocationEntry.objects.values_list("recorded_at", flat=True)) == {before}
