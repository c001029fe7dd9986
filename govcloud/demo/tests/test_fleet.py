"""The demo fleet on the bundled contract: within the contract, realistic, with a history
that fills every queue, dated in the term, and built once."""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime, time

import pytest
from django.core.management import call_command

from govcloud.audit.models import AuditEvent
from govcloud.contract.choices import OrganizationKind
from govcloud.demo.constants import BEIJING, OPERATING_SYSTEMS
from govcloud.demo.fleet import data_centers
from govcloud.demo.services import build_demo
from govcloud.inventory.changes import SYSTEM_METERS
from govcloud.inventory.choices import (
    APPROVER_ROLES,
    EXECUTOR_ROLES,
    OPERATION_KINDS,
    REQUESTER_ROLES,
    ChangeKind,
    ChangeStatus,
    HostStatus,
)
from govcloud.inventory.ledger import (
    HOST_SERVICE_METERS,
    allocated_by_meter,
    contract_allocation,
    running_hosts,
)
from govcloud.inventory.models import (
    AllocationEntry,
    ChangeRequest,
    CloudHost,
    HostStatusChange,
)

pytestmark = pytest.mark.django_db

HOST_NAME = re.compile(r"^sys\d{2}(-[a-z0-9]+)*-(app|db|web|cache|mq|search|file|gateway)-\d{2}$")
STAMPS = ("created_at", "submitted_at", "decided_at", "started_at", "finished_at",
          "verified_at")


def term(contract) -> tuple[datetime, datetime]:
    version = contract.current_version
    return (datetime.combine(version.term_start, time(0), BEIJING),
            datetime.combine(version.term_end, time(23, 59), BEIJING))


def test_at_least_180_hosts_run_and_every_system_has_some(bundled_demo):
    contract = bundled_demo.contract
    assert running_hosts(contract) >= 180
    assert bundled_demo.fleet.running_hosts == running_hosts(contract)
    empty = contract.systems.filter(hosts__isnull=True)
    assert not empty.exists(), list(empty)


def test_every_catalog_item_is_filled_to_at_least_80_percent_and_never_beyond(bundled_demo):
    for item in contract_allocation(bundled_demo.contract):
        assert 0.8 * item.contracted <= item.allocated <= item.contracted, item
        if item.contracted >= 5:  # room left to show, and to ask for
            assert item.allocated <= 0.9 * item.contracted, item


def test_the_hosts_have_plausible_names_sizes_systems_and_unique_private_addresses(
        bundled_demo):
    hosts = list(CloudHost.objects.filter(system__contract=bundled_demo.contract))
    centers = set(data_centers(bundled_demo.contract.current_version))
    addresses = [address for host in hosts for address in host.ip_addresses]
    assert len(addresses) == len(set(addresses))
    assert all(ipaddress.ip_address(address).is_private for address in addresses)
    for host in hosts:
        assert HOST_NAME.match(host.name), host.name
        assert host.vcpu in (2, 4, 8, 16, 32) and host.memory_gb / host.vcpu in (0.5, 1, 2)
        assert host.operating_system in dict(OPERATING_SYSTEMS)
        assert host.data_center in centers
        assert host.standard_storage_gb + host.performance_storage_gb > 0
        assert set(host.services) <= HOST_SERVICE_METERS
    # only hosts added later by a change request wait for their address (C-9 names none)
    assert sum(not host.ip_addresses for host in hosts) <= 10


def test_every_system_has_a_vendor_department_contacts_and_two_data_centers(bundled_demo):
    systems = list(bundled_demo.contract.systems.select_related("vendor"))
    for system in systems:
        assert system.vendor.kind == OrganizationKind.VENDOR
        assert system.owner_department and system.business_contact
        assert re.fullmatch(r"0\d{2,3}-5555-\d{4}", system.business_phone)
        assert re.fullmatch(r"139-0000-\d{4}", system.technical_phone)
        assert system.primary_data_center != system.backup_data_center
        assert system.primary_data_center and system.backup_data_center
    assert 0 < sum(system.high_availability for system in systems) < len(systems)
    phones = [s.business_phone for s in systems] + [s.technical_phone for s in systems]
    assert len(phones) == len(set(phones))


def test_subscriptions_are_ledger_entries_without_a_host(bundled_demo):
    contract = bundled_demo.contract
    entries = AllocationEntry.objects.filter(contract=contract, meter__in=SYSTEM_METERS)
    assert entries.exists() and not entries.filter(host__isnull=False).exists()
    allocated = allocated_by_meter(contract)
    assert all(allocated.get(meter) for meter in SYSTEM_METERS)


def test_the_history_has_every_kind_of_change_and_work_in_every_queue(bundled_demo):
    requests = ChangeRequest.objects.filter(contract=bundled_demo.contract)
    assert 30 <= requests.count() <= 80
    assert set(requests.values_list("kind", flat=True)) == set(ChangeKind.values)
    statuses = set(requests.values_list("status", flat=True))
    assert {ChangeStatus.VERIFIED, ChangeStatus.REJECTED, ChangeStatus.FAILED,
            ChangeStatus.WITHDRAWN, ChangeStatus.SUBMITTED, ChangeStatus.APPROVED,
            ChangeStatus.IN_PROGRESS, ChangeStatus.DONE} <= statuses
    assert requests.filter(status=ChangeStatus.FAILED).count() == 1
    assert requests.filter(status=ChangeStatus.WITHDRAWN).count() == 1


def test_each_step_is_taken_by_the_role_the_workflow_names(bundled_demo):
    requests = ChangeRequest.objects.filter(contract=bundled_demo.contract).select_related(
        "created_by", "decided_by", "started_by", "verified_by")
    for change in requests:
        assert change.created_by.role in REQUESTER_ROLES
        assert change.decided_by is None or change.decided_by.role in APPROVER_ROLES
        assert change.started_by is None or change.started_by.role in EXECUTOR_ROLES
        assert change.verified_by in (None, change.created_by)
        if change.kind in OPERATION_KINDS and change.submitted_at:  # C-17
            assert change.identity_confirmed_at == change.submitted_at


def test_the_history_is_dated_in_the_term_in_order_and_in_office_hours(bundled_demo):
    start, end = term(bundled_demo.contract)
    for change in ChangeRequest.objects.filter(contract=bundled_demo.contract):
        stamps = [stamp for stamp in (getattr(change, name) for name in STAMPS) if stamp]
        assert stamps == sorted(stamps) and start <= stamps[0] and stamps[-1] <= end
        assert all(9 <= stamp.astimezone(BEIJING).hour < 18 for stamp in stamps)
    recorded = AllocationEntry.objects.filter(contract=bundled_demo.contract).values_list(
        "recorded_at", flat=True)
    assert start <= min(recorded) and max(recorded) <= end
    changed = HostStatusChange.objects.values_list("changed_at", flat=True)
    assert start <= min(changed) and max(changed) <= end
    logged = AuditEvent.objects.filter(action__startswith="change.").values_list(
        "occurred_at", flat=True)
    assert start <= min(logged) and max(logged) <= end


def test_the_ledger_tells_the_fleet_at_any_past_moment(bundled_demo):
    contract = bundled_demo.contract
    first_morning = datetime.combine(contract.current_version.term_start, time(10), BEIJING)
    at_start = allocated_by_meter(contract, at=first_morning)
    now = allocated_by_meter(contract)
    assert 0 < at_start["vcpu"] < now["vcpu"]
    assert 0 < running_hosts(contract, at=first_morning) < running_hosts(contract)
    stopped_or_gone = CloudHost.objects.filter(system__contract=contract).exclude(
        status=HostStatus.RUNNING)
    assert stopped_or_gone.filter(status=HostStatus.DECOMMISSIONED).exists()
    assert stopped_or_gone.filter(status=HostStatus.STOPPED).exists()


def test_the_audit_chain_verifies_after_the_demo(bundled_demo, capsys):
    call_command("audit", "verify")  # exits 1 on a broken chain


def test_running_the_demo_again_adds_nothing(bundled_demo):
    def counts():
        return (CloudHost.objects.count(), AllocationEntry.objects.count(),
                HostStatusChange.objects.count(), ChangeRequest.objects.count(),
                AuditEvent.objects.filter(action__startswith="change.").count(),
                [(change.pk, change.status) for change in ChangeRequest.objects.all()])

    before = counts()
    again = build_demo()
    assert counts() == before
    assert again.fleet == bundled_demo.fleet
