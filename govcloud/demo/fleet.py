"""The demo fleet (issue #5): hosts, subscriptions and a history of change requests on a
loaded contract, derived from its catalog, its systems and its term.

Nothing here knows a particular contract. The fleet takes about four fifths of every
contracted quantity at the term start and the history adds to it, so the contract ends
near 80–90 % with headroom to show. The number of hosts follows the contract's own KPI of
hosts in service when it has one; host sizes are the flavors clouds sell (memory one,
two or four times the vCPU), mixed so the fleet keeps the contract's memory per vCPU.

Deterministic: random.Random seeded with the contract's code draws every choice, in an
order that depends neither on database ids nor on hashing; only the end of the history
depends on today while the term is running (it stops an hour before now).

Honest: every write goes through the real services (ledger.register_host,
ledger.record_allocation and the workflow of govcloud.inventory.changes), each run under
time_machine.travel to its moment in the term, so the ledger, the request stamps, the
audit log and the requesters' TOTP codes all carry the same dates.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import partial

import time_machine
from django.utils import timezone
from django.utils.text import slugify

from govcloud.demo.constants import (
    BEIJING,
    FLAVOR_FACTORS,
    GIVEN,
    HOST_MARGIN,
    INITIAL_FILL,
    MAX_VCPU,
    MIN_HISTORY,
    MIN_VCPU,
    OFFICE_START,
    OPERATING_SYSTEMS,
    ROLE_ORDER,
    SERVICE_PRIORITY,
    STORAGE_METERS,
    STORAGE_STEP,
    STORAGE_WEIGHT,
    SURNAMES,
    TYPICAL_VCPU,
    UPGRADE_WEIGHT,
)
from govcloud.demo.history import DemoPeople, HistoryPlanner, office_hours
from govcloud.inventory import changes
from govcloud.inventory.changes import OPEN_CHANGE_STATUSES
from govcloud.inventory.ledger import (
    HOST_SERVICE_METERS,
    record_allocation,
    register_host,
    running_hosts,
)
from govcloud.inventory.models import ApplicationSystem, ChangeRequest, CloudHost


def _spread(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` into whole parts proportional to ``weights`` (largest remainder)."""
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    exact = [total * weight / whole for weight in weights]
    parts = [math.floor(value) for value in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (parts[i] - exact[i], i))
    for index in by_remainder[: total - sum(parts)]:
        parts[index] += 1
    return parts


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _person(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def has_fleet(contract) -> bool:
    """Return whether the contract has hosts: a contract in use is never given a fleet."""
    return CloudHost.objects.filter(system__contract=contract).exists()


# --- the systems' details ---------------------------------------------------------------


def data_centers(version) -> tuple[str, str]:
    """Return the names of the provider's two data centers (invented, named after it)."""
    provider = version.provider.short_name or version.provider.name
    return f"{provider}一号数据中心", f"{provider}二号数据中心"


def dress_systems(contract, systems: list[ApplicationSystem]) -> None:
    """Give the systems contacts, a primary and a backup data center and a description.

    The vendor and the owner department are set already. Phone numbers are fictional
    (5555 exchange, 139-0000 mobiles) with the area code of the purchaser's contact.
    """
    rng = random.Random(f"{contract.code}:systems")
    version = contract.current_version
    contact_phone = version.parties["purchaser"].get("contact", {}).get("phone", "")
    area = contact_phone.split("-")[0] if contact_phone.startswith("0") else "010"
    first, second = data_centers(version)
    numbers = rng.sample(range(1000, 10000), 2 * len(systems))
    for index, system in enumerate(systems):
        primary, backup = (first, second) if rng.random() < 0.8 else (second, first)
        system.business_contact = _person(rng)
        system.business_phone = f"{area}-5555-{numbers[2 * index]}"
        system.technical_contact = _person(rng)
        system.technical_phone = f"139-0000-{numbers[2 * index + 1]}"
        system.primary_data_center, system.backup_data_center = primary, backup
        vendor = system.vendor.name if system.vendor else ""
        system.description = f"{system.owner_department}业务系统" + (
            f"，由{vendor}建设和运维。" if vendor else "。")
        system.save(update_fields=[
            "business_contact", "business_phone", "technical_contact", "technical_phone",
            "primary_data_center", "backup_data_center", "description"])


# --- the fleet at the term start --------------------------------------------------------


@dataclass
class PlannedHost:
    """A host of the initial fleet, as planned before it is registered."""

    system: ApplicationSystem
    name: str
    role: str
    memory_factor: float
    operating_system: str
    data_center: str
    ip: str
    vcpu: int = MIN_VCPU
    standard_storage_gb: int = 0
    performance_storage_gb: int = 0
    services: list[str] = field(default_factory=list)

    @property
    def memory_gb(self) -> int:
        return int(self.vcpu * self.memory_factor)


@dataclass
class PlannedSystem:
    """A system of the contract with its size (weight), host-name prefix, hosts and
    subscriptions; a late system moves to the cloud during the term."""

    system: ApplicationSystem
    weight: int
    slug: str
    hosts: list[PlannedHost] = field(default_factory=list)
    subscriptions: dict[str, int] = field(default_factory=dict)
    late: bool = False

    @property
    def high_availability(self) -> bool:
        return _highly_available(self.weight, len(self.hosts))


def _highly_available(weight: int, hosts: int) -> bool:
    """A large system runs in both data centers: its second copies in the backup one."""
    return weight >= 3 and hosts >= 4


class FleetPlanner:
    """Plan the initial fleet of a contract: host sizes, storage, services, subscriptions."""

    def __init__(self, contract):
        self.contract = contract
        self.version = contract.current_version
        self.rng = random.Random(f"{contract.code}:fleet")
        self.quantities = {item.meter: item.quantity
                           for item in self.version.catalogitems.order_by("position")}
        self.budget = {meter: max(1, int(quantity * self.rng.uniform(*INITIAL_FILL)))
                       for meter, quantity in self.quantities.items()}

    def plan(self, systems: list[ApplicationSystem]) -> list[PlannedSystem]:
        planned = [self._system(index, system) for index, system in enumerate(systems)]
        counts = self._host_counts([entry.weight for entry in planned])
        for index, (entry, count) in enumerate(zip(planned, counts, strict=True)):
            entry.hosts = self._hosts(index, entry, count)
        hosts = [host for entry in planned for host in entry.hosts]
        self._size(hosts)
        self._storage(hosts)
        self._services(hosts)
        self._subscriptions(planned)
        return planned

    def _system(self, index: int, system: ApplicationSystem) -> PlannedSystem:
        row = system.contract_row or index + 1
        words = slugify(system.name)
        slug = f"sys{row:02d}" + (f"-{words}" if words else "")
        return PlannedSystem(system, self.rng.choice((1, 1, 1, 2, 2, 3, 5)), slug)

    def host_count(self) -> int:
        """Return how many hosts the fleet starts with (KPI hosts in service, + margin)."""
        vcpu, memory = self.budget.get("vcpu", 0), self.budget.get("memory_gb", 0)
        if "vcpu" not in self.quantities or "memory_gb" not in self.quantities:
            return 0
        target = self.version.kpis.filter(measure="hosts_in_service").values_list(
            "target", flat=True).first()
        wanted = math.ceil(float(target) * HOST_MARGIN) if target else vcpu // TYPICAL_VCPU
        smallest = MIN_VCPU * self.flavors()[0]
        return min(wanted, vcpu // MIN_VCPU, int(memory // smallest))

    def flavors(self) -> tuple[float, float, float]:
        """Return the two flavor factors around the contract's memory per vCPU, and the
        share of hosts that take the larger one so the fleet keeps the ratio."""
        ratio = self.quantities["memory_gb"] / self.quantities["vcpu"]
        low = max((f for f in FLAVOR_FACTORS if f <= ratio), default=FLAVOR_FACTORS[0])
        high = min((f for f in FLAVOR_FACTORS if f >= ratio), default=FLAVOR_FACTORS[-1])
        return low, high, 0.0 if high == low else (ratio - low) / (high - low)

    def _host_counts(self, weights: list[int]) -> list[int]:
        total = self.host_count()
        if total >= len(weights):
            return [1 + extra for extra in _spread(total - len(weights), weights)]
        largest = sorted(range(len(weights)), key=lambda i: (-weights[i], i))[:total]
        return [int(i in largest) for i in range(len(weights))]

    def _hosts(self, index: int, entry: PlannedSystem, count: int) -> list[PlannedHost]:
        if not count:
            return []
        low, high, share = self.flavors()
        system, rng = entry.system, self.rng
        main_os = _weighted(rng, OPERATING_SYSTEMS)
        roles = [*ROLE_ORDER[:count], *["app"] * (count - len(ROLE_ORDER))]
        numbered: dict[str, int] = {}
        hosts = []
        for position, role in enumerate(roles):
            numbered[role] = numbered.get(role, 0) + 1
            spare = _highly_available(entry.weight, count) and numbered[role] % 2 == 0
            center = system.backup_data_center if spare else system.primary_data_center
            hosts.append(PlannedHost(
                system=system, name=f"{entry.slug}-{role}-{numbered[role]:02d}", role=role,
                memory_factor=high if rng.random() < share else low,
                operating_system=main_os if rng.random() < 0.85 else _weighted(
                    rng, OPERATING_SYSTEMS),
                data_center=center, ip=_address(index, position, spare),
            ))
        return hosts

    def _size(self, hosts: list[PlannedHost]) -> None:
        """Start every host at the smallest size and double random ones within budget."""
        low = self.flavors()[0]
        vcpu_budget, memory_budget = self.budget.get("vcpu", 0), self.budget.get("memory_gb", 0)
        vcpu, memory = sum(h.vcpu for h in hosts), sum(h.memory_gb for h in hosts)
        for host in hosts:  # the smallest sizes must fit the memory budget first
            if memory <= memory_budget:
                break
            memory -= host.memory_gb - int(host.vcpu * low)
            host.memory_factor = low
        candidates = list(hosts)
        while candidates:
            # Favour the flavor that keeps memory and vCPU filling at the same pace.
            lean = memory / memory_budget > vcpu / vcpu_budget
            weights = [UPGRADE_WEIGHT.get(h.role, 1) * (3 if (h.memory_factor == low) == lean
                                                        else 1) for h in candidates]
            host = self.rng.choices(candidates, weights=weights)[0]
            extra_vcpu, extra_memory = host.vcpu, host.memory_gb
            if (host.vcpu * 2 > MAX_VCPU.get(host.role, 8) or vcpu + extra_vcpu > vcpu_budget
                    or memory + extra_memory > memory_budget):
                candidates.remove(host)
                continue
            host.vcpu *= 2
            vcpu, memory = vcpu + extra_vcpu, memory + extra_memory

    def _storage(self, hosts: list[PlannedHost]) -> None:
        tiers = [meter for meter in STORAGE_METERS if meter in self.quantities]
        for tier in tiers:
            table = STORAGE_WEIGHT[tier]
            if len(tiers) == 1:  # one tier holds every disk
                table = {role: sum(t.get(role, 1) for t in STORAGE_WEIGHT.values())
                         for role in ROLE_ORDER}
            weights = [table.get(h.role, 1) * math.sqrt(h.vcpu) * self.rng.uniform(0.7, 1.3)
                       for h in hosts]
            parts = _spread(self.budget[tier] // STORAGE_STEP, weights)
            for host, part in zip(hosts, parts, strict=True):
                setattr(host, tier, part * STORAGE_STEP)

    def _services(self, hosts: list[PlannedHost]) -> None:
        for meter in sorted(HOST_SERVICE_METERS & set(self.quantities)):
            priority = SERVICE_PRIORITY.get(meter, {})
            scores = [priority.get(h.role, 1) + self.rng.random() for h in hosts]
            ranked = sorted(range(len(hosts)), key=lambda i: (-scores[i], i))
            for index in sorted(ranked[: self.budget[meter]]):
                hosts[index].services.append(meter)

    def _subscriptions(self, planned: list[PlannedSystem]) -> None:
        """Share out the system-wide items (catalog items 5–8, 13, 14) among the systems."""
        def roles(entry):
            return {host.role for host in entry.hosts}

        with_db = [e for e in planned if "db" in roles(e)]
        rules = {  # meter: (eligible systems, weight of each, one unit each?)
            "backup_gb": (with_db, lambda e: sum(h.performance_storage_gb + h.standard_storage_gb
                                                 for h in e.hosts if h.role == "db"), False),
            "load_balancer_ip": ([e for e in planned if "web" in roles(e)], None, True),
            "remote_access_account": (planned, lambda e: e.weight, False),
            "vpn_account": (planned, lambda e: e.weight + 1, False),
            "database_audit": (with_db, None, True),
            "data_security_service": (planned, None, True),
        }
        for meter in changes.SYSTEM_METERS:
            if meter not in self.quantities:
                continue
            eligible, weight, one_each = rules[meter]
            if one_each:
                ranked = sorted(eligible, key=lambda e: -e.weight)[: self.budget[meter]]
                shares = [(entry, 1) for entry in ranked]
            else:
                step = STORAGE_STEP if meter == "backup_gb" else 1
                parts = _spread(self.budget[meter] // step, [weight(e) for e in eligible])
                shares = [(entry, part * step) for entry, part in zip(eligible, parts,
                                                                      strict=True)]
            for entry, quantity in shares:
                if quantity:
                    entry.subscriptions[meter] = quantity


def _address(system_index: int, position: int, spare: bool) -> str:
    """Return a private address, unique per host: one /24 per system in each data center."""
    base = 48 if spare else 16
    return f"10.{base + system_index // 250}.{system_index % 250 + 1}.{10 + position}"


# --- the whole fleet --------------------------------------------------------------------


@dataclass(frozen=True)
class FleetSummary:
    """The fleet in figures, for the one line ``govcloud demo`` prints."""

    running_hosts: int
    systems_with_hosts: int
    systems: int
    requests: int
    open_requests: int


def fleet_summary(contract) -> FleetSummary:
    """Return the contract's hosts running now and its change requests."""
    requests = ChangeRequest.objects.filter(contract=contract)
    return FleetSummary(
        running_hosts=running_hosts(contract),
        systems_with_hosts=contract.systems.filter(hosts__isnull=False).distinct().count(),
        systems=contract.systems.count(),
        requests=requests.count(),
        open_requests=requests.filter(status__in=list(OPEN_CHANGE_STATUSES)).count(),
    )


def history_window(version, now: datetime) -> tuple[datetime, datetime]:
    """Return when the fleet starts (the term start, 09:00 Beijing) and the history ends.

    The history ends at the term's last evening or an hour before now, whichever is first;
    a term that has not begun starts the fleet now, with no history.
    """
    start = datetime.combine(version.term_start, OFFICE_START, BEIJING)
    end = datetime.combine(version.term_end, time(18), BEIJING)
    if start > now:
        return now, now
    return start, min(end, now - timedelta(hours=1))


def build_fleet(contract, people: DemoPeople) -> None:
    """Register the contract's fleet at the term start and play its history of changes.

    The caller checks has_fleet() first and runs this in a transaction.
    """
    systems = list(contract.systems.filter(listed_in_contract=True).order_by(
        "contract_row", "label"))
    planner = FleetPlanner(contract)
    planned = planner.plan(systems)
    start, end = history_window(contract.current_version, timezone.now())
    with_history = end - start >= MIN_HISTORY
    late = _late_systems(planned, people, planner.rng) if with_history else []
    late_at = office_hours(start + (end - start) * planner.rng.uniform(0.25, 0.4), planner.rng)
    for entry in planned:
        entry.system.high_availability = entry.high_availability
        entry.system.save(update_fields=["high_availability"])
        if not entry.late:
            _register(contract, entry, people.operator, start)
    if not with_history:
        return
    hosts = sum(len(entry.hosts) for entry in planned)
    history = HistoryPlanner(contract, people, start, end, scale=max(0.4, hosts / 200),
                             slugs={entry.system.pk: entry.slug for entry in planned},
                             late={entry.system.pk for entry in late})
    arrivals = [(late_at, partial(_register, contract, entry, people.operator, late_at))
                for entry in late]
    history.play(history.plan(), arrivals)


def _late_systems(planned, people: DemoPeople, rng: random.Random) -> list[PlannedSystem]:
    """Mark a few systems as moving to the cloud during the term, not at its start.

    They are chosen among the systems no demo requester works on, so the history has
    every system it needs from the start.
    """
    watched = {pk for person in people.requesters
               for pk in person.systems.values_list("pk", flat=True)}
    quiet = [entry for entry in planned if entry.system.pk not in watched and entry.hosts]
    count = min(len(quiet), max(1, len(planned) // 12)) if len(planned) > 1 else 0
    late = rng.sample(quiet, count) if count else []
    for entry in late:
        entry.late = True
    return late


def _register(contract, entry: PlannedSystem, operator, moment: datetime) -> None:
    reason = "系统迁移上云，按合同开通资源。"
    with time_machine.travel(moment, tick=False):
        for host in entry.hosts:
            register_host(
                entry.system, name=host.name, vcpu=host.vcpu, memory_gb=host.memory_gb,
                standard_storage_gb=host.standard_storage_gb,
                performance_storage_gb=host.performance_storage_gb, services=host.services,
                operating_system=host.operating_system, ip_addresses=[host.ip],
                data_center=host.data_center, reason=reason, actor=operator, at=moment)
        if entry.subscriptions:
            record_allocation(contract, entry.system, entry.subscriptions, reason=reason,
                              actor=operator, at=moment)
