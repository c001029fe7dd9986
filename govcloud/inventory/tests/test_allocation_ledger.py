"""The allocation ledger: every change an entry, nothing past the contract, any moment back."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govcloud.contract.contract_file import bundled_contract_path
from govcloud.contract.services import load_contract
from govcloud.inventory.ledger import (
    allocated_by_meter,
    contract_allocation,
    record_allocation,
    register_host,
    running_hosts,
)
from govcloud.inventory.models import AllocationEntry, CloudHost
from govcloud.lib.history import ImmutableRecord


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


START = timezone.make_aware(timezone.datetime(2025, 8, 1, 9, 0))


def a_host(system, name="app-01", **size):
    values = {"vcpu": 8, "memory_gb": 16, "standard_storage_gb": 100,
              "services": ["host_monitoring", "host_antivirus"], "reason": "上线"}
    return register_host(system, name=name, **{**values, **size})


def test_registering_a_host_allocates_its_size_and_services(cast):
    before = allocated_by_meter(cast.contract_a)
    a_host(cast.system_a1)
    allocated = allocated_by_meter(cast.contract_a)
    added = {meter: allocated[meter] - before.get(meter, 0) for meter in allocated}
    assert added["vcpu"] == 8 and added["standard_storage_gb"] == 100
    assert added["host_monitoring"] == added["host_antivirus"] == 1
    assert "host_protection" not in allocated


def test_an_allocation_past_the_contract_is_refused_naming_item_asked_and_headroom(cast):
    already = allocated_by_meter(cast.contract_a).get("vcpu", 0)
    record_allocation(cast.contract_a, cast.system_a1, {"vcpu": 1390 - already}, reason="扩容")
    with pytest.raises(ValidationError) as refused:
        a_host(cast.system_a1, vcpu=16)
    message = " ".join(refused.value.messages)
    assert "Catalog item 1" in message and "16 core asked" in message
    assert "only 10 core of the contracted 1400 left" in message
    assert not CloudHost.objects.filter(name="app-01").exists()
    assert allocated_by_meter(cast.contract_a)["vcpu"] == 1390


def test_an_amended_contract_makes_room(cast, tmp_path):
    already = allocated_by_meter(cast.contract_a).get("vcpu", 0)
    record_allocation(cast.contract_a, cast.system_a1, {"vcpu": 1400 - already}, reason="满额")
    with pytest.raises(ValidationError):
        record_allocation(cast.contract_a, cast.system_a1, {"vcpu": 100}, reason="再扩")
    amended = tmp_path / "amended.yaml"
    amended.write_text(bundled_contract_path().read_text(encoding="utf-8").replace(
        "quantity: 1400", "quantity: 1600"), encoding="utf-8")
    load_contract(amended)
    record_allocation(cast.contract_a, cast.system_a1, {"vcpu": 100}, reason="补充协议后扩容")
    assert allocated_by_meter(cast.contract_a)["vcpu"] == 1500


def test_it_refuses_a_meter_the_contract_does_not_rent_and_a_release_below_zero(cast):
    with pytest.raises(ValidationError, match="no catalog item for gpu"):
        record_allocation(cast.contract_a, cast.system_a1, {"gpu": 1}, reason="x")
    with pytest.raises(ValidationError, match="cannot release 5"):
        record_allocation(cast.contract_a, cast.system_a1, {"vpn_account": -5}, reason="x")


def test_it_refuses_a_system_of_another_contract(cast):
    with pytest.raises(ValidationError, match="does not belong"):
        record_allocation(cast.contract_a, cast.system_b1, {"vcpu": 1}, reason="x")


def test_it_refuses_an_unknown_per_host_service_and_a_duplicate_host_name(cast):
    with pytest.raises(ValidationError, match="Unknown per-host services: gpu_care"):
        a_host(cast.system_a1, services=["gpu_care"])
    a_host(cast.system_a1)
    with pytest.raises(ValidationError, match="has a host named app-01"):
        a_host(cast.system_a1)


def test_entries_are_never_changed_or_deleted(cast):
    [entry] = record_allocation(cast.contract_a, cast.system_a1, {"vpn_account": 3}, reason="x")
    entry.delta = 300
    with pytest.raises(ImmutableRecord):
        entry.save()
    with pytest.raises(ImmutableRecord):
        entry.delete()
    with pytest.raises(ImmutableRecord):
        AllocationEntry.objects.update(delta=0)
    with pytest.raises(ImmutableRecord):
        AllocationEntry.objects.all().delete()


def test_hosts_in_service_are_counted_at_any_moment(db):
    contract = load_contract(bundled_contract_path()).contract
    system = contract.systems.first()
    a_host(system, name="early", at=START)
    a_host(system, name="later", at=START + timedelta(days=10))
    assert running_hosts(contract, START - timedelta(seconds=1)) == 0
    assert running_hosts(contract, START + timedelta(days=1)) == 1
    assert running_hosts(contract, START + timedelta(days=11)) == 2


CHANGES = st.lists(
    st.tuples(st.integers(min_value=0, max_value=10_000),
              st.sampled_from(["vcpu", "memory_gb", "vpn_account"]),
              st.integers(min_value=-20, max_value=400)),
    min_size=1, max_size=15,
)
PROBES = st.lists(st.integers(min_value=-10, max_value=10_100), max_size=6)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=CHANGES, probes=PROBES)
def test_the_ledger_gives_back_the_allocation_of_any_past_moment(db, changes, probes):
    contract = load_contract(bundled_contract_path()).contract
    system = contract.systems.order_by("contract_row").last()
    quantities = {item.meter: item.quantity
                  for item in contract.current_version.catalogitems.all()}
    totals: dict[str, int] = {}
    applied = []
    for minutes, meter, delta in sorted(changes):
        at = START + timedelta(minutes=minutes)
        fits = 0 <= totals.get(meter, 0) + delta <= quantities[meter]
        try:
            record_allocation(contract, system, {meter: delta}, reason="property", at=at)
        except ValidationError:
            assert not fits
        else:
            assert fits
            totals[meter] = totals.get(meter, 0) + delta
            applied.append((meter, delta, at))
    for probe in [*probes, *(minutes for minutes, _, _ in changes)]:
        moment = START + timedelta(minutes=probe)
        expected: dict[str, int] = {}
        for meter, delta, at in applied:
            if at <= moment:
                expected[meter] = expected.get(meter, 0) + delta
        actual = allocated_by_meter(contract, moment)
        assert {m: v for m, v in actual.items() if v} == {m: v for m, v in expected.items() if v}
    _forget(system)


def _forget(system):
    """Start the next example from an empty ledger; history rows refuse the ORM's delete."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM inventory_allocationentry WHERE system_id = %s", [system.pk])


def test_the_summary_command_prints_json_for_every_catalog_item(db, capsys):
    contract = load_contract(bundled_contract_path()).contract
    a_host(contract.systems.first(), at=START)
    call_command("inventory", "summary", "--contract", contract.code, "--json")
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 14
    vcpu = rows[0]
    assert (vcpu["number"], vcpu["contracted"], vcpu["allocated"], vcpu["headroom"],
            vcpu["running_hosts"]) == (1, 1400, 8, 1392, 1)
    assert {"contracted", "allocated", "headroom", "running_hosts"} <= set(rows[5])


def test_the_summary_command_reconstructs_a_past_moment(db, capsys):
    contract = load_contract(bundled_contract_path()).contract
    system = contract.systems.first()
    a_host(system, at=START)
    record_allocation(contract, system, {"vcpu": 8}, reason="扩容",
                      at=START + timedelta(days=30))
    call_command("inventory", "summary", "--contract", contract.code, "--json",
                 "--at", "2025-08-15T12:00")
    assert json.loads(capsys.readouterr().out)[0]["allocated"] == 8
    call_command("inventory", "summary", "--contract", contract.code, "--json")
    assert json.loads(capsys.readouterr().out)[0]["allocated"] == 16
    assert contract_allocation(contract)[0].headroom == 1400 - 16


@pytest.mark.parametrize(("arguments", "problem"), [
    (["--contract", "bj-sasac-2025", "--at", "yesterday"], "is not a date and time"),
    (["--contract", "nope"], "no contract with the code 'nope'"),
    ([], "name the contract"),
])
def test_the_summary_command_explains_bad_arguments(cast, arguments, problem):
    with pytest.raises(CommandError, match=problem):
        call_command("inventory", "summary", *arguments)
