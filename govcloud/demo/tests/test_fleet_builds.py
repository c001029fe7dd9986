"""Whole builds of the demo fleet: the same contract always gives the same fleet, and a
contract of other figures gets a fleet of its own figures."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import transaction

from govcloud.demo.constants import BEIJING
from govcloud.demo.services import build_demo
from govcloud.demo.tests.fingerprints import STAMPS, fingerprint
from govcloud.inventory.changes import OPEN_CHANGE_STATUSES
from govcloud.inventory.choices import ChangeStatus
from govcloud.inventory.ledger import contract_allocation, running_hosts
from govcloud.inventory.models import AllocationEntry, ChangeRequest, CloudHost
from govcloud.testing.cast import OTHER_CONTRACT_PATH

pytestmark = pytest.mark.django_db

#: A moment inside the other contract's term (2026-02-01 to 2026-12-31), ten weeks in: a
#: history with requests of every stage, short enough to build quickly.
MID_TERM = datetime(2026, 4, 15, 12, tzinfo=BEIJING)
#: Five weeks into the other contract's term: a history that holds change requests,
#: maintenance windows and daily telemetry, short enough to build twice.
EARLY_IN_TERM = datetime(2026, 3, 8, 9, 30, tzinfo=BEIJING)


def fresh_build_fingerprint() -> tuple[list, ...]:
    """Build the demo in an empty database, fingerprint it and roll it back.

    The build is the same code for every contract; the other agency's fleet is a third
    of the bundled one's, so the two builds cost a third."""
    assert not CloudHost.objects.exists()
    with transaction.atomic(), time_machine.travel(EARLY_IN_TERM, tick=False):
        printed = fingerprint(build_demo(OTHER_CONTRACT_PATH).contract)
        transaction.set_rollback(True)
    return printed


def test_two_fresh_databases_get_the_same_fleet_and_history():
    first = fresh_build_fingerprint()
    systems, hosts, ledger, requests, daily, windows = first
    assert systems and hosts and ledger and requests and daily and windows
    assert fresh_build_fingerprint() == first


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
